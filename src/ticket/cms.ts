/**
 * The ticket's CMS signature (sap-logon-ticket.md §1.4, §8): SignedData, detached, over the signed bytes of §1.1,
 * one SignerInfo named by issuerAndSerialNumber, signed attributes contentType, signingTime, messageDigest.
 *
 * pkijs parses and builds the ASN.1; node:crypto signs and verifies, because pkijs goes through WebCrypto, which has
 * no DSA (§8). The signature covers the DER SET OF the signed attributes: the exact bytes received, re-tagged from
 * [0] IMPLICIT to SET (0x31), as RFC 5652 §5.4 says.
 *
 * @module
 */
import { createHash, sign as cryptoSign, verify as cryptoVerify, type KeyObject } from 'node:crypto';
import * as asn1js from 'asn1js';
import * as pkijs from 'pkijs';
import { describeCertificate, nameDer, nameToString, serialHex, type CertificateInfo } from '../keystore/internal.js';
import { TicketError } from './errors.js';

/** Hash algorithms a ticket signature may use. */
export type TicketHash = 'sha1' | 'sha256';
/** Key families of a ticket signature. */
export type TicketKeyFamily = 'dsa' | 'rsa' | 'ecdsa';
/** A signature algorithm as named in the verifier's allow-list. */
export type TicketAlgorithm = `${TicketKeyFamily}-${TicketHash}`;

/** Every algorithm the verifier knows; the default allow-list (§1.4 recommendation). */
export const TICKET_ALGORITHMS: readonly TicketAlgorithm[] = ['dsa-sha1', 'dsa-sha256', 'rsa-sha1', 'rsa-sha256', 'ecdsa-sha1', 'ecdsa-sha256'];

const OID = {
  data: '1.2.840.113549.1.7.1',
  signedData: '1.2.840.113549.1.7.2',
  contentType: '1.2.840.113549.1.9.3',
  messageDigest: '1.2.840.113549.1.9.4',
  signingTime: '1.2.840.113549.1.9.5',
} as const;

const DIGEST_OIDS: Readonly<Record<string, string>> = {
  '1.3.14.3.2.26': 'sha1',
  '2.16.840.1.101.3.4.2.1': 'sha256',
  '2.16.840.1.101.3.4.2.2': 'sha384',
  '2.16.840.1.101.3.4.2.3': 'sha512',
};
const HASH_OIDS: Readonly<Record<TicketHash, string>> = { sha1: '1.3.14.3.2.26', sha256: '2.16.840.1.101.3.4.2.1' };

/**
 * Signature algorithm OIDs: key family and, where the OID fixes it, the hash. DSA and ECDSA are accepted only with
 * their hash-specific OIDs (what SAP, OpenSSL and .NET write); RSA also as rsaEncryption (RFC 3370 §3.2).
 */
const SIGNATURE_OIDS: Readonly<Record<string, { family: TicketKeyFamily; hash?: string }>> = {
  '1.2.840.10040.4.3': { family: 'dsa', hash: 'sha1' },
  '2.16.840.1.101.3.4.3.1': { family: 'dsa', hash: 'sha224' },
  '2.16.840.1.101.3.4.3.2': { family: 'dsa', hash: 'sha256' },
  '1.2.840.113549.1.1.1': { family: 'rsa' },
  '1.2.840.113549.1.1.5': { family: 'rsa', hash: 'sha1' },
  '1.2.840.113549.1.1.11': { family: 'rsa', hash: 'sha256' },
  '1.2.840.113549.1.1.12': { family: 'rsa', hash: 'sha384' },
  '1.2.840.113549.1.1.13': { family: 'rsa', hash: 'sha512' },
  '1.2.840.10045.4.1': { family: 'ecdsa', hash: 'sha1' },
  '1.2.840.10045.4.3.2': { family: 'ecdsa', hash: 'sha256' },
  '1.2.840.10045.4.3.3': { family: 'ecdsa', hash: 'sha384' },
  '1.2.840.10045.4.3.4': { family: 'ecdsa', hash: 'sha512' },
};
/** What this package writes when issuing (§1.4: dsaWithSHA1 like every real ticket). */
const ISSUE_SIGNATURE_OIDS: Readonly<Record<TicketAlgorithm, string>> = {
  'dsa-sha1': '1.2.840.10040.4.3',
  'dsa-sha256': '2.16.840.1.101.3.4.3.2',
  'rsa-sha1': '1.2.840.113549.1.1.1',
  'rsa-sha256': '1.2.840.113549.1.1.1',
  'ecdsa-sha1': '1.2.840.10045.4.1',
  'ecdsa-sha256': '1.2.840.10045.4.3.2',
};

/** The signed attributes of the SignerInfo. */
export interface SignedAttributes {
  /** The DER SET OF the attributes, as received, with tag 0x31: the bytes the signature covers. */
  readonly der: Uint8Array;
  /** Attribute type OIDs in order. */
  readonly order: readonly string[];
  readonly contentType: string | undefined;
  readonly signingTime: Date | undefined;
  readonly messageDigest: Uint8Array | undefined;
}

/** The parsed CMS SignedData of a ticket. */
export interface CmsSignature {
  /** The SignerInfo's digest algorithm (`sha1`, `sha256`, … or the OID if unknown). */
  readonly digestAlgorithm: string;
  /** The SignerInfo's signature algorithm OID. */
  readonly signatureAlgorithmOid: string;
  /** The signer's certificate issuer DN (RFC 4514) from issuerAndSerialNumber. */
  readonly signerIssuer: string;
  /** The issuer Name as encoded in issuerAndSerialNumber (DER); the keystore lookup matches these bytes exactly. */
  readonly signerIssuerDer: Uint8Array;
  /** The signer's certificate serial number, lowercase hex without leading zeros. */
  readonly signerSerial: string;
  readonly signedAttributes: SignedAttributes | undefined;
  readonly signature: Uint8Array;
  /** The encapsulated content if present (P&G's adapter writes it, §4); `undefined` when detached, as SAP issues. */
  readonly encapsulatedContent: Uint8Array | undefined;
  /** Certificates embedded in the SignedData: shown by `ticket decode`, never trusted by themselves (§1.4). */
  readonly certificates: readonly CertificateInfo[];
}

const malformed = (message: string, cause?: unknown): TicketError =>
  new TicketError('ERR_TICKET_MALFORMED', `CMS signature: ${message}`, cause === undefined ? {} : { cause });

/** Parses the 0xFF unit. Any structural problem is `ERR_TICKET_MALFORMED`. */
export function parseCmsSignature(der: Uint8Array): CmsSignature {
  try {
    return parseCmsUnchecked(der);
  } catch (cause) {
    if (cause instanceof TicketError) throw cause;
    throw malformed(cause instanceof Error ? cause.message : 'unparseable', cause);
  }
}

function parseCmsUnchecked(der: Uint8Array): CmsSignature {
  const asn1 = asn1js.fromBER(der.slice());
  if (asn1.offset === -1 || asn1.result.error !== '') throw malformed(`not DER (${asn1.result.error})`);
  if (asn1.offset !== der.length) throw malformed('trailing bytes after the ContentInfo');
  // asn1js reads BER leniently (e.g. a constructed value whose length disagrees with its contents). SAP writes DER:
  // re-encode and compare, so that no byte outside the signed attributes can change unnoticed.
  if (!Buffer.from(asn1.result.toBER(false)).equals(Buffer.from(der))) throw malformed('not DER');
  const contentInfo = new pkijs.ContentInfo({ schema: asn1.result });
  if (contentInfo.contentType !== OID.signedData) throw malformed(`content type ${contentInfo.contentType} is not signedData`);
  const signedData = new pkijs.SignedData({ schema: contentInfo.content });
  if (signedData.signerInfos.length !== 1) throw malformed(`${signedData.signerInfos.length} SignerInfos (exactly one expected)`);
  const encap = signedData.encapContentInfo;
  if (encap.eContentType !== OID.data) throw malformed(`encapsulated content type ${encap.eContentType} is not id-data`);
  const encapsulatedContent = encap.eContent === undefined ? undefined : new Uint8Array(encap.eContent.getValue());
  const signerInfo = signedData.signerInfos[0] as pkijs.SignerInfo;
  if (!(signerInfo.sid instanceof pkijs.IssuerAndSerialNumber)) throw malformed('the signer is not named by issuerAndSerialNumber');
  // Fields outside the signed attributes are not covered by the signature: hold them to the one shape SAP writes
  // (§1.4), so that no byte of the signature unit can change without the ticket being refused.
  if (signedData.version !== 1 || signerInfo.version !== 1) throw malformed('SignedData and SignerInfo must be version 1');
  if (signerInfo.unsignedAttrs !== undefined) throw malformed('unsigned attributes are not accepted');
  if (!signedData.digestAlgorithms.some((a) => a.algorithmId === signerInfo.digestAlgorithm.algorithmId)) {
    throw malformed("the SignerInfo's digest algorithm is not listed in SignedData.digestAlgorithms");
  }
  for (const alg of [...signedData.digestAlgorithms, signerInfo.digestAlgorithm, signerInfo.signatureAlgorithm]) {
    if (alg.algorithmParams !== undefined && !(alg.algorithmParams instanceof asn1js.Null)) throw malformed(`unexpected parameters for algorithm ${alg.algorithmId}`);
  }

  let signedAttributes: SignedAttributes | undefined;
  if (signerInfo.signedAttrs !== undefined) {
    const attrs = signerInfo.signedAttrs.attributes;
    const first = (type: string): asn1js.AsnType | undefined => {
      const matching = attrs.filter((a) => a.type === type);
      if (matching.length > 1 || (matching[0] !== undefined && matching[0].values.length !== 1)) throw malformed(`attribute ${type} must occur once with one value`);
      return matching[0]?.values[0] as asn1js.AsnType | undefined;
    };
    const ct = first(OID.contentType);
    const st = first(OID.signingTime);
    const md = first(OID.messageDigest);
    if (ct !== undefined && !(ct instanceof asn1js.ObjectIdentifier)) throw malformed('contentType attribute is not an OID');
    if (md !== undefined && !(md instanceof asn1js.OctetString)) throw malformed('messageDigest attribute is not an OCTET STRING');
    if (st !== undefined && !(st instanceof asn1js.UTCTime) && !(st instanceof asn1js.GeneralizedTime)) throw malformed('signingTime attribute is not a time');
    signedAttributes = {
      der: new Uint8Array(signerInfo.signedAttrs.encodedValue), // already re-tagged 0x31 by pkijs
      order: attrs.map((a) => a.type),
      contentType: ct?.getValue(),
      signingTime: st?.toDate(),
      messageDigest: md === undefined ? undefined : new Uint8Array(md.getValue()),
    };
  }

  // Embedded certificates are informational only (§1.4): described on first access, so that verification (the
  // hot path, which never trusts them) does not parse and fingerprint them on every request.
  let certificates: CertificateInfo[] | undefined;
  const describeEmbedded = (): CertificateInfo[] => {
    if (certificates !== undefined) return certificates;
    certificates = [];
    for (const cert of signedData.certificates ?? []) {
      if (!(cert instanceof pkijs.Certificate)) continue;
      try {
        certificates.push(describeCertificate(cert));
      } catch {
        // one that cannot be described is skipped
      }
    }
    return certificates;
  };

  return {
    digestAlgorithm: DIGEST_OIDS[signerInfo.digestAlgorithm.algorithmId] ?? signerInfo.digestAlgorithm.algorithmId,
    signatureAlgorithmOid: signerInfo.signatureAlgorithm.algorithmId,
    signerIssuer: nameToString(signerInfo.sid.issuer),
    signerIssuerDer: nameDer(signerInfo.sid.issuer),
    signerSerial: serialHex(signerInfo.sid.serialNumber.valueBlock.valueHexView),
    signedAttributes,
    signature: new Uint8Array(signerInfo.signature.valueBlock.valueHexView),
    encapsulatedContent,
    get certificates() {
      return describeEmbedded();
    },
  };
}

/**
 * The allow-list name of the signature's algorithm (`dsa-sha1`, …), or `undefined` when the pair is unknown or
 * inconsistent (e.g. sha256WithRSAEncryption with a SHA-1 digest algorithm).
 */
export function signatureAlgorithmName(cms: CmsSignature): TicketAlgorithm | undefined {
  const sig = SIGNATURE_OIDS[cms.signatureAlgorithmOid];
  if (sig === undefined) return undefined;
  const hash = sig.hash ?? cms.digestAlgorithm;
  if (hash !== cms.digestAlgorithm) return undefined;
  const name = `${sig.family}-${hash}`;
  return (TICKET_ALGORITHMS as readonly string[]).includes(name) ? (name as TicketAlgorithm) : undefined;
}

/**
 * Checks the messageDigest (when signed attributes are present) and then the signature, with node:crypto (§8).
 * Throws `ERR_TICKET_DIGEST_MISMATCH` or `ERR_TICKET_SIGNATURE_INVALID`.
 */
export function verifyCmsSignature(cms: CmsSignature, signedBytes: Uint8Array, algorithm: TicketAlgorithm, publicKey: KeyObject): void {
  const hash = algorithm.split('-')[1] as TicketHash;
  if (cms.encapsulatedContent !== undefined && !Buffer.from(cms.encapsulatedContent).equals(Buffer.from(signedBytes))) {
    throw new TicketError('ERR_TICKET_DIGEST_MISMATCH', 'the encapsulated content differs from the ticket bytes');
  }
  let covered: Uint8Array = signedBytes;
  if (cms.signedAttributes !== undefined) {
    const { messageDigest, contentType } = cms.signedAttributes;
    if (messageDigest === undefined) throw new TicketError('ERR_TICKET_MALFORMED', 'signed attributes without messageDigest (§7 item 2)');
    if (contentType !== undefined && contentType !== OID.data) throw new TicketError('ERR_TICKET_MALFORMED', `contentType attribute ${contentType} is not id-data`);
    const actual = createHash(hash).update(signedBytes).digest();
    if (!actual.equals(Buffer.from(messageDigest))) {
      throw new TicketError('ERR_TICKET_DIGEST_MISMATCH', `the messageDigest attribute is not the ${hash.toUpperCase()} of the signed ticket bytes`);
    }
    covered = cms.signedAttributes.der;
  }
  let ok: boolean;
  try {
    ok = cryptoVerify(hash, covered, publicKey, cms.signature);
  } catch (cause) {
    throw new TicketError('ERR_TICKET_SIGNATURE_INVALID', 'the signature cannot be checked with the signer certificate', { cause });
  }
  if (!ok) throw new TicketError('ERR_TICKET_SIGNATURE_INVALID', 'the signature does not verify with the signer certificate');
}

/** Parsed once per certificate: issuing runs on every login. */
const parsedCertificates = new WeakMap<CertificateInfo, pkijs.Certificate>();
function pkijsCertificate(certificate: CertificateInfo): pkijs.Certificate {
  let cert = parsedCertificates.get(certificate);
  if (cert === undefined) {
    cert = pkijs.Certificate.fromBER(certificate.der.slice());
    parsedCertificates.set(certificate, cert);
  }
  return cert;
}

export interface BuildCmsOptions {
  signedBytes: Uint8Array;
  privateKey: KeyObject;
  certificate: CertificateInfo;
  hash: TicketHash;
  signingTime: Date;
  includeCertificate: boolean;
}

/**
 * Builds the detached SignedData SAP issuers write (§1.4): v1, one SignerInfo v1 with issuerAndSerialNumber, signed
 * attributes contentType, signingTime (UTCTime), messageDigest in that order (which is also their DER order), the
 * signature over their DER SET made with node:crypto (§8).
 */
export function buildCmsSignature(options: BuildCmsOptions): Uint8Array {
  const { certificate, hash } = options;
  const family: TicketKeyFamily = certificate.keyType === 'ec' ? 'ecdsa' : certificate.keyType;
  const algorithm: TicketAlgorithm = `${family}-${hash}`;
  const cert = pkijsCertificate(certificate);
  const digest = createHash(hash).update(options.signedBytes).digest();
  const attributes = [
    new pkijs.Attribute({ type: OID.contentType, values: [new asn1js.ObjectIdentifier({ value: OID.data })] }),
    new pkijs.Attribute({ type: OID.signingTime, values: [new asn1js.UTCTime({ valueDate: new Date(Math.floor(options.signingTime.getTime() / 1000) * 1000) })] }),
    new pkijs.Attribute({ type: OID.messageDigest, values: [new asn1js.OctetString({ valueHex: digest })] }),
  ];
  const attributesSet = new Uint8Array(new asn1js.Set({ value: attributes.map((a) => a.toSchema()) }).toBER());
  const signature = cryptoSign(hash, attributesSet, options.privateKey);
  const digestAlgorithm = () => new pkijs.AlgorithmIdentifier({ algorithmId: HASH_OIDS[hash], algorithmParams: new asn1js.Null() });
  const signerInfo = new pkijs.SignerInfo({
    version: 1,
    sid: new pkijs.IssuerAndSerialNumber({ issuer: cert.issuer, serialNumber: cert.serialNumber }),
    digestAlgorithm: digestAlgorithm(),
    signedAttrs: new pkijs.SignedAndUnsignedAttributes({ type: 0, attributes }),
    signatureAlgorithm: new pkijs.AlgorithmIdentifier({
      algorithmId: ISSUE_SIGNATURE_OIDS[algorithm],
      ...(family === 'rsa' ? { algorithmParams: new asn1js.Null() } : {}),
    }),
    signature: new asn1js.OctetString({ valueHex: signature }),
  });
  const signedData = new pkijs.SignedData({
    version: 1,
    digestAlgorithms: [digestAlgorithm()],
    encapContentInfo: new pkijs.EncapsulatedContentInfo({ eContentType: OID.data }),
    ...(options.includeCertificate ? { certificates: [cert] } : {}),
    signerInfos: [signerInfo],
  });
  const contentInfo = new pkijs.ContentInfo({ contentType: OID.signedData, content: signedData.toSchema(true) });
  return new Uint8Array(contentInfo.toSchema().toBER());
}
