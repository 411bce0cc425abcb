/**
 * Where a client certificate comes from, and whether it is trusted, for the ClientCert login module.
 *
 * - **TLS**: the peer certificate of the HTTPS connection (`requestCert: true`), verified by OpenSSL against the
 *   server's `ca` (and `crl`); `authorizationError` says why not.
 * - **A TLS-terminating proxy**: the certificate the proxy forwards in a header (URL-encoded PEM as nginx's
 *   `$ssl_client_escaped_cert` and AWS ALB send it, PEM with blanks for newlines as Apache's `SSL_CLIENT_CERT`, or
 *   base64 DER). Such a certificate is never taken on the proxy's word: it is verified here against the configured
 *   CA certificates, chain, validity and extended key usage ({@link verifyCertificatePath}).
 *
 * Chain building is written here because no Node library verifies an X.509 path without a TLS handshake; the
 * cryptography is node:crypto's `X509Certificate` (`checkIssued`, `verify`), the parsing pkijs.
 *
 * @module
 */
import { X509Certificate, createHash } from 'node:crypto';
import * as pkijs from 'pkijs';
import { nameToString } from '../keystore/distinguished-name.js';

/** Why a presented client certificate is not accepted, before any user mapping. */
export type CertificateRefusalCode =
  | 'ERR_CLIENT_CERT_MALFORMED'
  | 'ERR_CLIENT_CERT_UNTRUSTED'
  | 'ERR_CLIENT_CERT_EXPIRED'
  | 'ERR_CLIENT_CERT_NOT_YET_VALID'
  | 'ERR_CLIENT_CERT_REVOKED'
  | 'ERR_CLIENT_CERT_WRONG_USAGE';

/** The parts of a client certificate that mapping rules and the user object need. */
export interface ClientCertificate {
  readonly der: Buffer;
  readonly x509: X509Certificate;
  /** RFC 4514 order, most specific RDN first (`CN=alice, OU=people, O=Example`). */
  readonly subject: string;
  readonly issuer: string;
  /** rfc822Name entries of the subjectAltName extension, in order. */
  readonly emails: readonly string[];
  /** SHA-256 of the DER, lowercase hex. */
  readonly sha256: string;
  readonly serialNumber: string;
  readonly notBefore: Date;
  readonly notAfter: Date;
  /** The keyUsage bits that allow a TLS client signature (digitalSignature, keyAgreement); `undefined` without the extension. */
  readonly signingKeyUsage: boolean | undefined;
}

const CLIENT_AUTH = '1.3.6.1.5.5.7.3.2';
const ANY_EKU = '2.5.29.37.0';
const MAX_PATH = 8;
/** The longest certificate header read from a proxy (a client certificate chain is a few KiB). */
export const MAX_CERTIFICATE_HEADER = 16_384;
const MAX_HEADER_CERTIFICATES = 4;

/** Parses DER; `undefined` for anything that is not an X.509 certificate. */
export function parseClientCertificate(der: Buffer): ClientCertificate | undefined {
  try {
    const x509 = new X509Certificate(der);
    const cert = pkijs.Certificate.fromBER(new Uint8Array(der));
    const san = cert.extensions?.find((e) => e.extnID === '2.5.29.17')?.parsedValue as pkijs.AltName | undefined;
    const emails = (san?.altNames ?? []).filter((n) => n.type === 1 && typeof n.value === 'string').map((n) => n.value as string);
    const ku = cert.extensions?.find((e) => e.extnID === '2.5.29.15')?.parsedValue as { valueBlock?: { valueHexView?: Uint8Array } } | undefined;
    const kuBits = ku?.valueBlock?.valueHexView?.[0];
    return {
      der,
      x509,
      subject: nameToString(cert.subject),
      issuer: nameToString(cert.issuer),
      emails,
      sha256: createHash('sha256').update(der).digest('hex'),
      serialNumber: x509.serialNumber.toLowerCase(),
      notBefore: new Date(x509.validFrom),
      notAfter: new Date(x509.validTo),
      signingKeyUsage: kuBits === undefined ? undefined : (kuBits & 0x88) !== 0, // digitalSignature (0), keyAgreement (4)
    };
  } catch {
    return undefined;
  }
}

/**
 * Reads a proxy's certificate header: the certificates in it as DER (the client's first), `[]` for an empty value
 * (nginx sends one when the client presented none), `undefined` when it cannot be read.
 */
export function readCertificateHeader(value: string): Buffer[] | undefined {
  if (value.length > MAX_CERTIFICATE_HEADER) return undefined;
  let text = value.trim();
  if (text === '') return [];
  if (text.includes('%')) {
    try {
      text = decodeURIComponent(text);
    } catch {
      return undefined;
    }
  }
  const PEM = /-----BEGIN CERTIFICATE-----([^-]*)-----END CERTIFICATE-----/g;
  // Nothing but PEM blocks and blanks: two values joined into one (a client's own header next to the proxy's) are refused.
  if (text.includes('-----BEGIN') && text.replace(PEM, '').trim() !== '') return undefined;
  const bodies = text.includes('-----BEGIN') ? [...text.matchAll(PEM)].map((m) => m[1] as string) : [text];
  if (bodies.length === 0 || bodies.length > MAX_HEADER_CERTIFICATES) return undefined;
  const ders: Buffer[] = [];
  for (const body of bodies) {
    const b64 = body.replace(/\s+/g, '');
    if (!/^[A-Za-z0-9+/_-]+={0,2}$/.test(b64)) return undefined;
    ders.push(Buffer.from(b64, b64.includes('-') || b64.includes('_') ? 'base64url' : 'base64'));
  }
  return ders;
}

/** Parses trust anchors from PEM text (one or more certificates per string); a TypeError names a bad one. */
export function parseCaCertificates(where: string, pems: readonly unknown[]): X509Certificate[] {
  const anchors: X509Certificate[] = [];
  pems.forEach((pem, i) => {
    const blocks = typeof pem === 'string' ? pem.match(/-----BEGIN CERTIFICATE-----[^-]*-----END CERTIFICATE-----/g) : null;
    if (blocks === null) throw new TypeError(`${where}: caCertificates[${i}] must be PEM text with at least one certificate`);
    for (const block of blocks) {
      let cert: X509Certificate;
      try {
        cert = new X509Certificate(block);
      } catch {
        throw new TypeError(`${where}: caCertificates[${i}] is not a valid certificate`);
      }
      if (!cert.ca) throw new TypeError(`${where}: caCertificates[${i}] (${cert.subject.replace(/\n/g, ', ')}) is not a CA certificate (basicConstraints cA)`);
      anchors.push(cert);
    }
  });
  return anchors;
}

/**
 * Verifies `leaf` up to one of `anchors`, through `intermediates` (certificates the client or proxy sent along):
 * each link by issuer name and key identifier (`checkIssued`) and by signature, every issuer a CA within its path
 * length constraint, every certificate valid at `now`; the leaf must allow TLS client authentication when it
 * restricts its extended key usage. Trust comes first (an unknown issuer is `UNTRUSTED` even when expired too).
 * Revocation and name constraints are not checked here. On success, names the CA certificate that signed the leaf.
 */
export function verifyCertificatePath(
  leaf: ClientCertificate,
  intermediates: readonly X509Certificate[],
  anchors: readonly X509Certificate[],
  now: Date,
): { refused: CertificateRefusalCode } | { issuer: X509Certificate } {
  const path: X509Certificate[] = [leaf.x509];
  let current = leaf.x509;
  let anchored = false;
  const issues = (issuer: X509Certificate): boolean => issuer.ca && current.checkIssued(issuer) && current.verify(issuer.publicKey);
  for (let depth = 0; depth < MAX_PATH && !anchored; depth++) {
    const anchor = anchors.find(issues);
    if (anchor !== undefined) {
      path.push(anchor);
      anchored = true;
      break;
    }
    const next = intermediates.find((c) => !path.includes(c) && issues(c));
    if (next === undefined) break;
    path.push(next);
    current = next;
  }
  if (!anchored) return { refused: 'ERR_CLIENT_CERT_UNTRUSTED' };
  // RFC 5280 §4.2.1.9: a CA's pathLenConstraint bounds the CA certificates below it (path[1..i-1]); the anchor's too.
  for (let i = 2; i < path.length; i++) {
    const pathLen = pathLenConstraint(path[i] as X509Certificate);
    if (pathLen !== undefined && i - 1 > pathLen) return { refused: 'ERR_CLIENT_CERT_UNTRUSTED' };
  }
  for (const cert of path) {
    if (now.getTime() < new Date(cert.validFrom).getTime()) return { refused: 'ERR_CLIENT_CERT_NOT_YET_VALID' };
    if (now.getTime() > new Date(cert.validTo).getTime()) return { refused: 'ERR_CLIENT_CERT_EXPIRED' };
  }
  return allowsClientAuth(leaf) ? { issuer: path[1] as X509Certificate } : { refused: 'ERR_CLIENT_CERT_WRONG_USAGE' };
}

/**
 * The CA certificate among `candidates` whose key signed `leaf` (by issuer name, key identifier and signature, not
 * by name alone: two CAs may share a name). For a chain that TLS already verified.
 */
export function signingCa(leaf: ClientCertificate, candidates: readonly X509Certificate[]): X509Certificate | undefined {
  return candidates.find((c) => c.ca && leaf.x509.checkIssued(c) && leaf.x509.verify(c.publicKey));
}

/** A certificate's SHA-256 fingerprint as lowercase hex without separators (the form mapping rules compare). */
export function sha256Fingerprint(cert: X509Certificate): string {
  return cert.fingerprint256.replace(/:/g, '').toLowerCase();
}

/**
 * The basicConstraints pathLenConstraint of a CA certificate, if it has one (read with pkijs; cached per object).
 * A certificate pkijs cannot read gets -1: no CA may be below it (fail closed, never a 500).
 */
const pathLens = new WeakMap<X509Certificate, number | undefined>();
function pathLenConstraint(cert: X509Certificate): number | undefined {
  if (pathLens.has(cert)) return pathLens.get(cert);
  let pathLen: number | undefined;
  try {
    const bc = pkijs.Certificate.fromBER(new Uint8Array(cert.raw)).extensions?.find((e) => e.extnID === '2.5.29.19')?.parsedValue as
      | { pathLenConstraint?: number | { valueBlock?: { valueDec?: number } } }
      | undefined;
    const raw = bc?.pathLenConstraint;
    pathLen = typeof raw === 'number' ? raw : raw?.valueBlock?.valueDec;
  } catch {
    pathLen = -1;
  }
  pathLens.set(cert, pathLen);
  return pathLen;
}

/**
 * What OpenSSL's "sslclient" purpose asks of a client certificate: not a CA; an extended key usage, if any, with
 * clientAuth (or anyExtendedKeyUsage); a key usage, if any, with digitalSignature or keyAgreement.
 */
export function allowsClientAuth(cert: ClientCertificate): boolean {
  if (cert.x509.ca) return false;
  if (cert.signingKeyUsage === false) return false;
  const eku = cert.x509.keyUsage as string[] | undefined;
  return eku === undefined || eku.length === 0 || eku.includes(CLIENT_AUTH) || eku.includes(ANY_EKU);
}

/** The refusal code for OpenSSL's verification error of a TLS peer certificate (`TLSSocket#authorizationError`). */
export function tlsRefusalCode(authorizationError: unknown): CertificateRefusalCode {
  switch (typeof authorizationError === 'string' ? authorizationError : (authorizationError as { code?: unknown } | null)?.code) {
    case 'CERT_HAS_EXPIRED':
      return 'ERR_CLIENT_CERT_EXPIRED';
    case 'CERT_NOT_YET_VALID':
      return 'ERR_CLIENT_CERT_NOT_YET_VALID';
    case 'CERT_REVOKED':
      return 'ERR_CLIENT_CERT_REVOKED';
    case 'INVALID_PURPOSE':
      return 'ERR_CLIENT_CERT_WRONG_USAGE';
    default:
      return 'ERR_CLIENT_CERT_UNTRUSTED';
  }
}
