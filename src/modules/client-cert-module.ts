/**
 * The **ClientCert** login module (SAP `ClientCertLoginModule`; the `client_cert` template): logs a user in by the
 * X.509 certificate the client presented in the TLS handshake, as a passport-custom strategy.
 *
 * - The server asks for certificates and lets this module decide: `https.createServer({ …, ca, requestCert: true,
 *   rejectUnauthorized: false })` (`crl` for revocation lists).
 * - No certificate: the module is **ignored** (`pass()`, JAAS false), so other modules of the stack can log the
 *   user in. A certificate that OpenSSL did not verify (another CA, self-signed, expired, not yet valid, revoked,
 *   not for client authentication) **fails** with its code. With `caCertificates`, the certificate must also chain
 *   to one of them (a route may accept fewer CAs than the server).
 * - Mapping: rules as data (client-cert-mapping.ts), default the subject's CN. With a user store (`users`), the
 *   mapped user must exist (`requireUser`, default true) and a revoked user never gets in.
 * - Behind a TLS-terminating proxy (`proxy`, off by default): the certificate comes from the proxy's header, only
 *   on connections from the proxy's addresses (the TCP peer, never X-Forwarded-For), and is verified here against
 *   `caCertificates` (required then): chain, validity and usage. A header from any other address fails the request.
 *
 * Every refusal gives the client the same 401; the code (`ERR_CLIENT_CERT_…`, `ERR_USER_REVOKED`) goes to the
 * decision record and `onRefusal`. A user store outage halts the stack (503).
 *
 * @module
 */
import type { Request } from 'express';
import { X509Certificate } from 'node:crypto';
import { BlockList, isIP } from 'node:net';
import type { TLSSocket } from 'node:tls';
import type { Strategy } from 'passport';
import { readClock, type Clock } from '../ticket/validity.js';
import type { UserStore } from '../users/user-store.js';
import { compileRules, DEFAULT_CLIENT_CERT_RULES, type ClientCertRule } from './client-cert-mapping.js';
import {
  parseCaCertificates,
  parseClientCertificate,
  readCertificateHeader,
  tlsRefusalCode,
  sha256Fingerprint,
  signingCa,
  verifyCertificatePath,
  type CertificateRefusalCode,
  type ClientCertificate,
} from './client-cert-verification.js';
import { checkOptionKeys } from '../option-keys.js';
import { CustomStrategy } from './credentials.js';

/** Why a client certificate login was refused (decision record `error.reason`, `onRefusal`; never sent to the client). */
export type ClientCertRefusalCode =
  | CertificateRefusalCode
  /** No rule maps the certificate to a valid user ID. */
  | 'ERR_CLIENT_CERT_NOT_MAPPED'
  /** The mapped user is not in the user store (with `requireUser`). */
  | 'ERR_CLIENT_CERT_UNKNOWN_USER'
  /** A certificate header arrived from an address that is not a configured proxy. */
  | 'ERR_CLIENT_CERT_HEADER_UNTRUSTED'
  | 'ERR_USER_REVOKED';

/** A TLS-terminating proxy that forwards the client certificate in a header. */
export interface ClientCertProxyOptions {
  /** The header, e.g. `X-SSL-Client-Cert` (nginx: `proxy_set_header X-SSL-Client-Cert $ssl_client_escaped_cert;`). */
  readonly header: string;
  /** The proxy's addresses or CIDR ranges, as this server sees the TCP peer (`10.0.0.5`, `10.0.0.0/24`, `::1`). */
  readonly addresses: readonly string[];
}

export interface ClientCertStrategyOptions {
  /** Mapping rules, tried in order (default: the subject's CN). */
  rules?: readonly ClientCertRule[];
  /** Trusted CA certificates (PEM). Required with `proxy`; with TLS, a further restriction on top of the server's `ca`. */
  caCertificates?: readonly string[];
  /** Trust a proxy's certificate header. Off by default; read the README's risk note first. */
  proxy?: ClientCertProxyOptions;
  /** The user store: the mapped user must exist (see `requireUser`) and not be revoked. */
  users?: UserStore;
  /** With `users`: refuse a mapped user the store does not know (default true). `false` admits it with no groups. */
  requireUser?: boolean;
  /** The clock of the checks made here (proxy certificates, `caCertificates`); TLS uses the real time. */
  now?: Clock;
  /** Strategy name (default `sap-client-cert`). */
  name?: string;
  /** Every refusal (for logs; never sent to the client). Certificates are named by subject and issuer DN. */
  onRefusal?: (event: { code: ClientCertRefusalCode; user?: string; subject?: string; issuer?: string }) => void;
}

/** The user given to `success()`. */
export interface ClientCertUser {
  id: string;
  authMethod: 'client-certificate';
  groups: string[];
  certificate: { subject: string; issuer: string; serialNumber: string; sha256: string; validUntil: Date };
}

export interface ClientCertFailureInfo {
  code: ClientCertRefusalCode;
  message: string;
}

const KEYS = ['rules', 'caCertificates', 'proxy', 'users', 'requireUser', 'now', 'name', 'onRefusal'];
const HEADER_NAME = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]{1,64}$/;
const warnedProxy = new Set<string>();

/** `issuer`: finds the CA certificate that signed `cert`, when it can be known (asked only by rules with `issuerSha256`). */
type Presented = { none: true } | { refused: ClientCertRefusalCode; cert?: ClientCertificate } | { cert: ClientCertificate; issuer: () => X509Certificate | undefined };

/** Creates the ClientCert login module (a passport-custom strategy). */
export function createClientCertStrategy(options: ClientCertStrategyOptions = {}): Strategy & { name: string } {
  const where = 'createClientCertStrategy';
  checkOptionKeys(where, options, KEYS);
  const map = compileRules(where, options.rules ?? DEFAULT_CLIENT_CERT_RULES);
  if (options.caCertificates !== undefined && (!Array.isArray(options.caCertificates) || options.caCertificates.length === 0)) {
    throw new TypeError(`${where}: option 'caCertificates' must be a non-empty array of PEM certificates`);
  }
  const anchors = options.caCertificates === undefined ? undefined : parseCaCertificates(where, options.caCertificates);
  const proxy = options.proxy === undefined ? undefined : checkProxy(where, options.proxy);
  if (proxy !== undefined && anchors === undefined) {
    throw new TypeError(`${where}: option 'proxy' needs 'caCertificates': a certificate from a header is verified here, never trusted as it is`);
  }
  const { users } = options;
  if (users !== undefined && (users === null || typeof users !== 'object' || typeof users.findUser !== 'function')) throw new TypeError(`${where}: option 'users' must be a UserStore`);
  if (options.requireUser !== undefined && typeof options.requireUser !== 'boolean') throw new TypeError(`${where}: option 'requireUser' must be a boolean`);
  const requireUser = options.requireUser ?? users !== undefined;
  if (requireUser && users === undefined) throw new TypeError(`${where}: option 'requireUser' needs option 'users'`);
  if (options.name !== undefined && (typeof options.name !== 'string' || options.name === '')) throw new TypeError(`${where}: option 'name' must be a non-empty string`);
  if (options.onRefusal !== undefined && typeof options.onRefusal !== 'function') throw new TypeError(`${where}: option 'onRefusal' must be a function`);
  readClock(options.now);
  if (proxy !== undefined && !warnedProxy.has(proxy.header)) {
    warnedProxy.add(proxy.header);
    process.emitWarning(
      `ticketstack: ClientCert accepts client certificates from the ${proxy.header} header of ${options.proxy!.addresses.join(', ')}: only that proxy may reach this server, and it must overwrite the header`,
      'TicketStackWarning',
    );
  }

  const refuse = (code: ClientCertRefusalCode, extra: { user?: string; cert?: ClientCertificate } = {}): { user: false; info: ClientCertFailureInfo } => {
    options.onRefusal?.({ code, ...(extra.user ? { user: extra.user } : {}), ...(extra.cert ? { subject: extra.cert.subject, issuer: extra.cert.issuer } : {}) });
    return { user: false, info: { code, message: 'The client certificate is not accepted' } };
  };

  /** The certificate of this request, from the proxy's header or the TLS connection, verified. */
  function presented(req: Request): Presented {
    const socket = req.socket as Partial<TLSSocket> | undefined;
    if (proxy !== undefined) {
      const fromProxy = isFrom(proxy.addresses, socket?.remoteAddress);
      // Each value apart (Node joins repeated headers with ", "): more than one is refused, never picked from.
      const values = req.headersDistinct?.[proxy.header] ?? ([] as string[]).concat(req.headers?.[proxy.header] ?? []);
      const header = values.length === 0 ? undefined : values;
      if (fromProxy) return header === undefined ? { none: true } : header.length > 1 ? { refused: 'ERR_CLIENT_CERT_MALFORMED' } : fromHeader(header[0] as string);
      // Only the proxy may send this header: from anyone else it is an attempt to pass one off.
      if (header !== undefined) return { refused: 'ERR_CLIENT_CERT_HEADER_UNTRUSTED' };
    }
    if (typeof socket?.getPeerCertificate !== 'function') return { none: true };
    const peer = socket.getPeerCertificate(true);
    if (peer === null || typeof peer !== 'object' || !Buffer.isBuffer(peer.raw)) return { none: true };
    const cert = parseClientCertificate(peer.raw);
    if (cert === undefined) return { refused: 'ERR_CLIENT_CERT_MALFORMED' };
    if (socket.authorized !== true) return { refused: tlsRefusalCode(socket.authorizationError), cert };
    // The chain as OpenSSL built it (getPeerCertificate(true)); the issuer of a self-signed certificate is itself.
    const chainOf = (): X509Certificate[] => {
      const chain: X509Certificate[] = [];
      for (let c = peer.issuerCertificate; c?.raw !== undefined && c !== peer && chain.length < 8; c = c.issuerCertificate) {
        chain.push(new X509Certificate(c.raw));
        if (c.issuerCertificate === c) break;
      }
      return chain;
    };
    if (anchors === undefined) return { cert, issuer: () => signingCa(cert, chainOf()) };
    const verdict = verifyCertificatePath(cert, chainOf(), anchors, readClock(options.now));
    return 'refused' in verdict ? { refused: verdict.refused, cert } : { cert, issuer: () => verdict.issuer };
  }

  function fromHeader(value: string): Presented {
    const ders = readCertificateHeader(value);
    if (ders === undefined) return { refused: 'ERR_CLIENT_CERT_MALFORMED' };
    if (ders.length === 0) return { none: true };
    const [leaf, ...rest] = ders.map(parseClientCertificate);
    if (leaf === undefined || rest.some((c) => c === undefined)) return { refused: 'ERR_CLIENT_CERT_MALFORMED' };
    const verdict = verifyCertificatePath(leaf, rest.map((c) => c!.x509), anchors!, readClock(options.now));
    return 'refused' in verdict ? { refused: verdict.refused, cert: leaf } : { cert: leaf, issuer: () => verdict.issuer };
  }

  async function verify(req: Request): Promise<{ user: ClientCertUser | false | undefined; info?: ClientCertFailureInfo }> {
    const p = presented(req);
    if ('none' in p) return { user: undefined };
    if ('refused' in p) return refuse(p.refused, p.cert ? { cert: p.cert } : {});
    const { cert } = p;
    let issuerSha256: string | undefined | null = null; // null: not asked yet
    const mapped = map(cert, () => {
      if (issuerSha256 === null) {
        const issuer = p.issuer();
        issuerSha256 = issuer === undefined ? undefined : sha256Fingerprint(issuer);
      }
      return issuerSha256;
    });
    if (mapped === undefined) return refuse('ERR_CLIENT_CERT_NOT_MAPPED', { cert });
    const record = users === undefined ? null : await users.findUser(mapped);
    if (record === null && requireUser) return refuse('ERR_CLIENT_CERT_UNKNOWN_USER', { user: mapped, cert });
    if (record?.revoked === true) return refuse('ERR_USER_REVOKED', { user: record.id, cert });
    return {
      user: {
        id: record?.id ?? mapped,
        authMethod: 'client-certificate',
        groups: [...(record?.groups ?? [])],
        certificate: { subject: cert.subject, issuer: cert.issuer, serialNumber: cert.serialNumber, sha256: cert.sha256, validUntil: cert.notAfter },
      },
    };
  }

  const strategy = new CustomStrategy(function (this: { pass(): void }, req, done) {
    verify(req).then(({ user, info }) => (user === undefined ? this.pass() : done(null, user, info)), done);
  });
  strategy.name = options.name ?? 'sap-client-cert';
  return strategy;
}

function checkProxy(where: string, proxy: unknown): { header: string; addresses: BlockList } {
  if (proxy === null || typeof proxy !== 'object' || Array.isArray(proxy)) throw new TypeError(`${where}: option 'proxy' must be { header, addresses }`);
  const p = proxy as Record<string, unknown>;
  for (const k of Object.keys(p)) if (k !== 'header' && k !== 'addresses') throw new TypeError(`${where}: unknown key 'proxy.${k}'`);
  if (typeof p.header !== 'string' || !HEADER_NAME.test(p.header)) throw new TypeError(`${where}: option 'proxy.header' must be a header name such as X-SSL-Client-Cert`);
  if (!Array.isArray(p.addresses) || p.addresses.length === 0) throw new TypeError(`${where}: option 'proxy.addresses' must list the proxy's addresses (IPs or CIDR ranges)`);
  const list = new BlockList();
  for (const a of p.addresses) {
    const [ip, prefix, extra] = typeof a === 'string' ? a.split('/') : [];
    const family = isIP(ip ?? '');
    const bits = family === 4 ? 32 : 128;
    const n = prefix === undefined ? bits : /^\d{1,3}$/.test(prefix) ? Number(prefix) : -1;
    if (family === 0 || extra !== undefined || n < 0 || n > bits) throw new TypeError(`${where}: option 'proxy.addresses' has ${JSON.stringify(a)}, not an IP address or CIDR range`);
    list.addSubnet(ip!, n, family === 4 ? 'ipv4' : 'ipv6');
  }
  return { header: p.header.toLowerCase(), addresses: list };
}

/** True if the TCP peer is one of the proxies (an IPv4-mapped IPv6 address counts as the IPv4 address). */
function isFrom(list: BlockList, remote: string | undefined): boolean {
  if (remote === undefined) return false;
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(remote);
  const address = mapped ? (mapped[1] as string) : remote;
  const family = isIP(address);
  return family !== 0 && list.check(address, family === 4 ? 'ipv4' : 'ipv6');
}
