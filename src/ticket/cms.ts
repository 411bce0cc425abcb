/**
 * The ticket's CMS signature (sap-logon-ticket.md §1.4, §8): SignedData, detached, over the signed bytes of §1.1,
 * one SignerInfo named by issuerAndSerialNumber, signed attributes contentType, signingTime, messageDigest.
 *
 * Parsing for verification is `der.ts` (strict DER, in place: pkijs took about 1 ms per ticket); pkijs builds the
 * ASN.1 when issuing and describes embedded certificates; node:crypto signs and verifies, because pkijs goes through
 * WebCrypto, which has no DSA (§8). The signature covers the DER SET OF the signed attributes: the exact bytes
 * received, re-tagged from [0] IMPLICIT to SET (0x31), as RFC 5652 §5.4 says.
 *
 * @module
 */
import { createHash, hash as oneShotHash, sign as cryptoSign, verify as cryptoVerify, type KeyObject } from 'node:crypto';
import * as asn1js from 'asn1js';
import * as pkijs from 'pkijs';
import { canonicalAttributeType, formatDn, type DnAttribute } from '../keystore/distinguished-name.js';
import { describeCertificate, serialHex, type CertificateInfo } from '../keystore/internal.js';
import { checkTree, children, contents, expectTag, isSmallInteger, oidTable, readElement, readInteger, readOid, readDirectoryString, readTime, TAG, type DerElement } from './der.js';
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

/**
 * The parsed CMS SignedData of a ticket. Its byte fields (`signerIssuerDer`, `signature`, `messageDigest`,
 * `encapsulatedContent`) are views into the ticket's bytes, like `InfoUnit.data`, not copies.
 */
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

/** A Buffer over the same bytes (no copy), for `equals`. */
const bufferView = (bytes: Uint8Array): Buffer => Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);

/** A copy taken from Node's Buffer pool: small copies on the hot path then need no ArrayBuffer of their own. */
function copyOf(bytes: Uint8Array): Uint8Array {
  const pooled = Buffer.allocUnsafe(bytes.byteLength);
  pooled.set(bytes);
  return new Uint8Array(pooled.buffer, pooled.byteOffset, pooled.byteLength);
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

/** The OIDs a ticket's SignedData names: read back as these constant strings, without building new ones. */
const KNOWN_OIDS = oidTable([
  ...Object.values(OID),
  ...Object.keys(DIGEST_OIDS),
  ...Object.keys(SIGNATURE_OIDS),
  '2.5.4.3', '2.5.4.6', '2.5.4.7', '2.5.4.8', '2.5.4.10', '2.5.4.11', // CN, C, L, ST, O, OU
]);

function parseCmsUnchecked(der: Uint8Array): CmsSignature {
  // One pass over the whole tree first: every constructed element is made of whole, minimally encoded DER
  // elements, so that no byte outside the signed attributes can change unnoticed (§1.4).
  const contentInfo = readElement(der, 0, der.length);
  if (contentInfo.end !== der.length) throw malformed('trailing bytes after the ContentInfo');
  checkTree(der, contentInfo);
  const ci = children(der, expectTag(contentInfo, TAG.SEQUENCE, 'ContentInfo'));
  const type = readOid(der, expectTag(ci[0], TAG.OID, 'ContentInfo.contentType'), 'ContentInfo.contentType', KNOWN_OIDS);
  if (type !== OID.signedData) throw malformed(`content type ${type} is not signedData`);
  const explicit = children(der, expectTag(ci[1], TAG.CONTEXT_0, 'ContentInfo.content'));
  if (ci.length !== 2 || explicit.length !== 1) throw malformed('unexpected elements in the ContentInfo');

  // SignedData ::= SEQUENCE { version, digestAlgorithms SET, encapContentInfo, [0] certificates?, [1] crls?, signerInfos SET }
  const sd = children(der, expectTag(explicit[0], TAG.SEQUENCE, 'SignedData'));
  let i = 0;
  const sdVersion = expectTag(sd[i++], TAG.INTEGER, 'SignedData.version');
  const digestAlgorithmSet = children(der, expectTag(sd[i++], TAG.SET, 'SignedData.digestAlgorithms'));
  const digestAlgorithms: Algorithm[] = [];
  for (const a of digestAlgorithmSet) digestAlgorithms.push(algorithm(der, a, 'SignedData.digestAlgorithms'));
  const encap = children(der, expectTag(sd[i++], TAG.SEQUENCE, 'SignedData.encapContentInfo'));
  const certificateSet = sd[i]?.tag === TAG.CONTEXT_0 ? sd[i++] : undefined;
  const crls = sd[i]?.tag === TAG.CONTEXT_1 ? sd[i++] : undefined;
  const signerInfos = children(der, expectTag(sd[i++], TAG.SET, 'SignedData.signerInfos'));
  if (i !== sd.length) throw malformed('unexpected elements in the SignedData');
  if (signerInfos.length !== 1) throw malformed(`${signerInfos.length} SignerInfos (exactly one expected)`);

  const eContentType = readOid(der, expectTag(encap[0], TAG.OID, 'encapContentInfo.eContentType'), 'encapContentInfo.eContentType', KNOWN_OIDS);
  if (eContentType !== OID.data) throw malformed(`encapsulated content type ${eContentType} is not id-data`);
  let encapsulatedContent: Uint8Array | undefined;
  if (encap.length > 1) {
    const eContent = children(der, expectTag(encap[1], TAG.CONTEXT_0, 'encapContentInfo.eContent'));
    if (encap.length > 2 || eContent.length !== 1) throw malformed('unexpected elements in the encapContentInfo');
    encapsulatedContent = contents(der, expectTag(eContent[0], TAG.OCTET_STRING, 'eContent'));
  }
  if (certificateSet !== undefined) {
    for (const cert of children(der, certificateSet)) checkCertificateChoice(der, cert);
  }
  // crls ([1] RevocationInfoChoices) are passed by the tree check; kept as received and never used.
  void crls;

  // SignerInfo ::= SEQUENCE { version, sid, digestAlgorithm, [0] signedAttrs?, signatureAlgorithm, signature, [1] unsignedAttrs? }
  const si = children(der, expectTag(signerInfos[0], TAG.SEQUENCE, 'SignerInfo'));
  let j = 0;
  const siVersion = expectTag(si[j++], TAG.INTEGER, 'SignerInfo.version');
  const sid = si[j++];
  if (sid === undefined || sid.tag !== TAG.SEQUENCE) throw malformed('the signer is not named by issuerAndSerialNumber');
  const issuerAndSerial = children(der, sid);
  if (issuerAndSerial.length !== 2) throw malformed('issuerAndSerialNumber is not { issuer, serialNumber }');
  const issuer = expectTag(issuerAndSerial[0], TAG.SEQUENCE, 'issuerAndSerialNumber.issuer');
  checkName(der, issuer);
  const serialBytes = readInteger(der, expectTag(issuerAndSerial[1], TAG.INTEGER, 'issuerAndSerialNumber.serialNumber'), 'issuerAndSerialNumber.serialNumber');
  const digestAlgorithm = algorithm(der, si[j++], 'SignerInfo.digestAlgorithm');
  const signedAttrs = si[j]?.tag === TAG.CONTEXT_0 ? si[j++] : undefined;
  const signatureAlgorithm = algorithm(der, si[j++], 'SignerInfo.signatureAlgorithm');
  const signature = contents(der, expectTag(si[j++], TAG.OCTET_STRING, 'SignerInfo.signature'));
  const unsignedAttrs = si[j]?.tag === TAG.CONTEXT_1 ? si[j++] : undefined;
  if (j !== si.length) throw malformed('unexpected elements in the SignerInfo');

  // Fields outside the signed attributes are not covered by the signature: hold them to the one shape SAP writes
  // (§1.4), so that no byte of the signature unit can change without the ticket being refused.
  if (!isSmallInteger(der, sdVersion, 1) || !isSmallInteger(der, siVersion, 1)) throw malformed('SignedData and SignerInfo must be version 1');
  if (unsignedAttrs !== undefined) throw malformed('unsigned attributes are not accepted');
  if (!digestAlgorithms.some((a) => a.oid === digestAlgorithm.oid)) {
    throw malformed("the SignerInfo's digest algorithm is not listed in SignedData.digestAlgorithms");
  }
  for (const alg of [...digestAlgorithms, digestAlgorithm, signatureAlgorithm]) {
    if (!alg.paramsAbsentOrNull) throw malformed(`unexpected parameters for algorithm ${alg.oid}`);
  }

  return new ParsedCmsSignature(
    der,
    DIGEST_OIDS[digestAlgorithm.oid] ?? digestAlgorithm.oid,
    signatureAlgorithm.oid,
    der.subarray(issuer.start, issuer.end),
    serialHex(serialBytes),
    signedAttrs === undefined ? undefined : signedAttributes(der, signedAttrs),
    signature,
    encapsulatedContent,
    certificateSet,
  );
}

/** The signed attributes: contentType, signingTime and messageDigest at most once each, with one value of their type. */
function signedAttributes(der: Uint8Array, signedAttrs: DerElement): SignedAttributes {
  const order: string[] = [];
  let ct: DerElement | undefined;
  let st: DerElement | undefined;
  let md: DerElement | undefined;
  for (let p = signedAttrs.contentStart; p < signedAttrs.end; ) {
    // Attribute ::= SEQUENCE { attrType OID, attrValues SET OF ANY }
    const attr = expectTag(readElement(der, p, signedAttrs.end), TAG.SEQUENCE, 'signed attribute');
    p = attr.end;
    const typeEl = expectTag(readElement(der, attr.contentStart, attr.end), TAG.OID, 'attribute type');
    const values = expectTag(typeEl.end < attr.end ? readElement(der, typeEl.end, attr.end) : undefined, TAG.SET, 'attribute values');
    if (values.end !== attr.end) throw malformed('a signed attribute is not { type, values }');
    const type = readOid(der, typeEl, 'attribute type', KNOWN_OIDS);
    order.push(type);
    if (type !== OID.contentType && type !== OID.signingTime && type !== OID.messageDigest) continue;
    const first = values.end > values.contentStart ? readElement(der, values.contentStart, values.end) : undefined;
    const seen = type === OID.contentType ? ct : type === OID.signingTime ? st : md;
    if (seen !== undefined || first === undefined || first.end !== values.end) throw malformed(`attribute ${type} must occur once with one value`);
    if (type === OID.contentType) ct = first;
    else if (type === OID.signingTime) st = first;
    else md = first;
  }
  if (ct !== undefined && ct.tag !== TAG.OID) throw malformed('contentType attribute is not an OID');
  if (md !== undefined && md.tag !== TAG.OCTET_STRING) throw malformed('messageDigest attribute is not an OCTET STRING');
  if (st !== undefined && st.tag !== TAG.UTC_TIME && st.tag !== TAG.GENERALIZED_TIME) throw malformed('signingTime attribute is not a time');
  // RFC 5652 §5.4: the signature covers the attributes' DER with the [0] IMPLICIT tag replaced by SET OF (0x31).
  const covered = copyOf(der.subarray(signedAttrs.start, signedAttrs.end));
  covered[0] = TAG.SET;
  return new ParsedSignedAttributes(
    der,
    covered,
    order,
    ct === undefined ? undefined : readOid(der, ct, 'contentType attribute', KNOWN_OIDS),
    st,
    md === undefined ? undefined : contents(der, md),
  );
}

/** The parse result. Informational fields (the issuer as text, embedded certificates) are read on first access. */
class ParsedCmsSignature implements CmsSignature {
  readonly #der: Uint8Array;
  readonly #certificateSet: DerElement | undefined;
  #signerIssuer: string | undefined;
  #certificates: CertificateInfo[] | undefined;

  constructor(
    der: Uint8Array,
    readonly digestAlgorithm: string,
    readonly signatureAlgorithmOid: string,
    readonly signerIssuerDer: Uint8Array,
    readonly signerSerial: string,
    readonly signedAttributes: SignedAttributes | undefined,
    readonly signature: Uint8Array,
    readonly encapsulatedContent: Uint8Array | undefined,
    certificateSet: DerElement | undefined,
  ) {
    this.#der = der;
    this.#certificateSet = certificateSet;
  }

  get signerIssuer(): string {
    return (this.#signerIssuer ??= nameDerToString(this.signerIssuerDer));
  }

  // Embedded certificates are informational only (§1.4): parsed and described on first access, so that
  // verification (the hot path, which never trusts them) does not parse and fingerprint them on every request.
  get certificates(): readonly CertificateInfo[] {
    if (this.#certificates !== undefined) return this.#certificates;
    const described: CertificateInfo[] = [];
    for (const el of this.#certificateSet === undefined ? [] : children(this.#der, this.#certificateSet)) {
      if (el.tag !== TAG.SEQUENCE) continue; // attribute and other certificate formats are not described
      try {
        described.push(describeCertificate(pkijs.Certificate.fromBER(this.#der.slice(el.start, el.end))));
      } catch {
        // one that cannot be described is skipped
      }
    }
    return (this.#certificates = described);
  }
}

class ParsedSignedAttributes implements SignedAttributes {
  readonly #source: Uint8Array;
  readonly #signingTimeElement: DerElement | undefined;
  #signingTime: Date | undefined;

  constructor(
    source: Uint8Array,
    readonly der: Uint8Array,
    readonly order: readonly string[],
    readonly contentType: string | undefined,
    signingTimeElement: DerElement | undefined,
    readonly messageDigest: Uint8Array | undefined,
  ) {
    this.#source = source;
    this.#signingTimeElement = signingTimeElement;
  }

  // Informational (verification never reads it), so converted on first access; its DER form was checked.
  get signingTime(): Date | undefined {
    const el = this.#signingTimeElement;
    return el === undefined ? undefined : (this.#signingTime ??= readTime(this.#source, el, 'signingTime attribute'));
  }
}

interface Algorithm {
  readonly oid: string;
  /** RFC 3370: parameters absent, or NULL. */
  readonly paramsAbsentOrNull: boolean;
}

/** AlgorithmIdentifier ::= SEQUENCE { algorithm OID, parameters ANY OPTIONAL } */
function algorithm(der: Uint8Array, el: DerElement | undefined, what: string): Algorithm {
  const seq = expectTag(el, TAG.SEQUENCE, what);
  const oid = readElement(der, seq.contentStart, seq.end);
  const params = oid.end < seq.end ? readElement(der, oid.end, seq.end) : undefined;
  if ((params?.end ?? oid.end) !== seq.end) throw malformed(`${what} is not { algorithm, parameters? }`);
  return { oid: readOid(der, expectTag(oid, TAG.OID, what), what, KNOWN_OIDS), paramsAbsentOrNull: params === undefined || (params.tag === TAG.NULL && params.end === params.contentStart) };
}

/** Name ::= SEQUENCE OF RelativeDistinguishedName (SET OF SEQUENCE { type OID, value ANY }); allocation-free. */
function checkName(der: Uint8Array, name: DerElement): void {
  for (let r = name.contentStart; r < name.end; ) {
    const rdn = readElement(der, r, name.end);
    if (rdn.tag !== TAG.SET || rdn.end === rdn.contentStart) throw malformed('a RelativeDistinguishedName is not a non-empty SET');
    for (let a = rdn.contentStart; a < rdn.end; ) {
      const atv = readElement(der, a, rdn.end);
      if (atv.tag !== TAG.SEQUENCE) throw malformed('an AttributeTypeAndValue is not a SEQUENCE');
      const type = readElement(der, atv.contentStart, atv.end);
      const value = type.end < atv.end ? readElement(der, type.end, atv.end) : undefined;
      if (type.tag !== TAG.OID || value === undefined || value.end !== atv.end) throw malformed('an AttributeTypeAndValue is not { type, value }');
      a = atv.end;
    }
    r = rdn.end;
  }
}

/**
 * A Name as an RFC 4514 string, as `nameToString` prints a pkijs Name: every attribute in its own RDN, most specific
 * first. Only called on a Name that passed `checkName`.
 */
function nameDerToString(der: Uint8Array): string {
  const rdns: DnAttribute[][] = [];
  for (const rdn of children(der, readElement(der, 0, der.length))) {
    for (const atv of children(der, rdn)) {
      const [type, value] = children(der, atv) as [DerElement, DerElement];
      rdns.push([{ type: canonicalAttributeType(readOid(der, type, 'attribute type', KNOWN_OIDS)), value: readDirectoryString(der, value) }]);
    }
  }
  return formatDn(rdns.reverse());
}

/** CertificateChoices: a Certificate (SEQUENCE { tbs SEQUENCE, algorithm SEQUENCE, signature BIT STRING }) or [1]–[3]. */
function checkCertificateChoice(der: Uint8Array, el: DerElement): void {
  if (el.tag === TAG.SEQUENCE) {
    const parts = children(der, el);
    if (parts.length !== 3 || parts[0]!.tag !== TAG.SEQUENCE || parts[1]!.tag !== TAG.SEQUENCE || parts[2]!.tag !== TAG.BIT_STRING) throw malformed('an embedded certificate is not a Certificate');
  } else if (el.tag !== 0xa1 && el.tag !== 0xa2 && el.tag !== 0xa3) {
    throw malformed(`unexpected certificate format (tag 0x${el.tag.toString(16)})`);
  }
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
  const hash = algorithm.slice(algorithm.indexOf('-') + 1) as TicketHash;
  if (cms.encapsulatedContent !== undefined && !bufferView(cms.encapsulatedContent).equals(signedBytes)) {
    throw new TicketError('ERR_TICKET_DIGEST_MISMATCH', 'the encapsulated content differs from the ticket bytes');
  }
  let covered: Uint8Array = signedBytes;
  if (cms.signedAttributes !== undefined) {
    const { messageDigest, contentType } = cms.signedAttributes;
    if (messageDigest === undefined) throw new TicketError('ERR_TICKET_MALFORMED', 'signed attributes without messageDigest (§7 item 2)');
    // RFC 5652 §5.3: with signed attributes, contentType must be one of them (every real SAP ticket has it).
    if (contentType === undefined) throw new TicketError('ERR_TICKET_MALFORMED', 'signed attributes without contentType (RFC 5652 §5.3)');
    if (contentType !== OID.data) throw new TicketError('ERR_TICKET_MALFORMED', `contentType attribute ${contentType} is not id-data`);
    const actual = oneShotHash(hash, signedBytes, 'buffer');
    if (!actual.equals(messageDigest)) {
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
