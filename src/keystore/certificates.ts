/**
 * X.509 certificates for the keystore: parse (PEM or DER) and generate self-signed DSA, RSA or ECDSA certificates.
 *
 * pkijs builds and parses the ASN.1; node:crypto generates keys and signs, because pkijs signs through WebCrypto,
 * which has no DSA (sap-logon-ticket.md §8).
 *
 * @module
 */
import { createHash, createPublicKey, generateKeyPair, randomBytes, sign, type KeyObject } from 'node:crypto';
import { promisify } from 'node:util';
import * as asn1js from 'asn1js';
import * as pkijs from 'pkijs';
import { attributeTypeOid, nameToString, parseDn } from './distinguished-name.js';
import { KeystoreError } from './errors.js';

const generateKeyPairAsync = promisify(generateKeyPair);

/** Key algorithms a keystore can generate. */
export type KeyAlgorithm = 'dsa' | 'rsa' | 'ecdsa';
/** Public key types as Node reports them. */
export type PublicKeyType = 'dsa' | 'rsa' | 'ec';

/** A parsed certificate with the fields the keystore and the verifier need. */
export interface CertificateInfo {
  /** The DER bytes. */
  readonly der: Uint8Array;
  /** The PEM text (`-----BEGIN CERTIFICATE-----`). */
  readonly pem: string;
  /** Subject DN, RFC 4514 order (`CN=EP4, OU=J2EE`). */
  readonly subjectDn: string;
  /** Issuer DN, RFC 4514 order. */
  readonly issuerDn: string;
  /** The issuer Name exactly as encoded in the certificate (DER), for exact issuerAndSerialNumber matching. */
  readonly issuerNameDer: Uint8Array;
  /** Serial number as lowercase hex without leading zeros (`"0"` for zero). */
  readonly serialNumber: string;
  /** Serial number in decimal, as STRUSTSSO2 shows it. */
  readonly serialDecimal: string;
  readonly notBefore: Date;
  readonly notAfter: Date;
  readonly publicKey: KeyObject;
  readonly keyType: PublicKeyType;
  /** DSA: bits of p; RSA: modulus bits; EC: curve size. */
  readonly keyBits: number;
  /** SHA-256 of the DER, lowercase hex. */
  readonly fingerprint: string;
}

/** Lowercase hex of an INTEGER's content bytes, leading zero bytes removed. */
export function serialHex(bytes: Uint8Array): string {
  const hex = Buffer.from(bytes).toString('hex').replace(/^(00)+/, '');
  return hex === '' ? '0' : hex.replace(/^0+(?=.)/, '');
}

const EC_BITS: Readonly<Record<string, number>> = { prime256v1: 256, 'P-256': 256, secp384r1: 384, 'P-384': 384, secp521r1: 521, 'P-521': 521, secp256k1: 256 };

/** Size of a public key in bits (DSA p, RSA modulus, EC curve). */
export function publicKeyBits(key: KeyObject): number {
  const details = key.asymmetricKeyDetails ?? {};
  if (key.asymmetricKeyType === 'ec') return EC_BITS[details.namedCurve ?? ''] ?? 0;
  return details.modulusLength ?? 0;
}

function toDer(input: string | Uint8Array): Uint8Array {
  if (typeof input !== 'string') {
    const text = Buffer.from(input).toString('latin1');
    if (!text.includes('-----BEGIN')) return input;
    input = text;
  }
  const match = /-----BEGIN (?:X509 |TRUSTED )?CERTIFICATE-----([\s\S]*?)-----END (?:X509 |TRUSTED )?CERTIFICATE-----/.exec(input);
  if (match === null) throw new KeystoreError('ERR_KEYSTORE_CERTIFICATE_INVALID', 'no PEM certificate found');
  return new Uint8Array(Buffer.from((match[1] as string).replace(/\s+/g, ''), 'base64'));
}

/** PEM text of DER certificate bytes. */
export function certificateToPem(der: Uint8Array): string {
  const b64 = Buffer.from(der).toString('base64').replace(/(.{64})/g, '$1\n').replace(/\n$/, '');
  return `-----BEGIN CERTIFICATE-----\n${b64}\n-----END CERTIFICATE-----\n`;
}

/** Parses a certificate from PEM text or DER bytes (PEM bytes are accepted too). */
export function parseCertificate(input: string | Uint8Array): CertificateInfo {
  const der = toDer(input);
  try {
    const cert = pkijs.Certificate.fromBER(der.slice());
    return describeCertificate(cert, der);
  } catch (cause) {
    if (cause instanceof KeystoreError) throw cause;
    throw new KeystoreError('ERR_KEYSTORE_CERTIFICATE_INVALID', `not an X.509 certificate: ${(cause as Error).message}`, { cause });
  }
}

/** Describes an already parsed pkijs certificate (used for certificates embedded in a ticket's CMS). */
export function describeCertificate(cert: pkijs.Certificate, der: Uint8Array = new Uint8Array(cert.toSchema().toBER())): CertificateInfo {
  const spki = new Uint8Array(cert.subjectPublicKeyInfo.toSchema().toBER());
  const publicKey = createPublicKey({ key: Buffer.from(spki), format: 'der', type: 'spki' });
  const keyType = publicKey.asymmetricKeyType;
  if (keyType !== 'dsa' && keyType !== 'rsa' && keyType !== 'ec') {
    throw new KeystoreError('ERR_KEYSTORE_CERTIFICATE_INVALID', `unsupported public key type ${String(keyType)}`);
  }
  const serial = serialHex(cert.serialNumber.valueBlock.valueHexView);
  // Frozen: the keystore's trust decisions (and the caches keyed on its generation) rely on certificates not changing.
  return Object.freeze({
    der,
    pem: certificateToPem(der),
    subjectDn: nameToString(cert.subject),
    issuerDn: nameToString(cert.issuer),
    issuerNameDer: nameDer(cert.issuer),
    serialNumber: serial,
    serialDecimal: BigInt(`0x${serial}`).toString(10),
    notBefore: cert.notBefore.value,
    notAfter: cert.notAfter.value,
    publicKey,
    keyType,
    keyBits: keyType === 'dsa' ? dsaPrimeBits(cert) : publicKeyBits(publicKey),
    fingerprint: createHash('sha256').update(der).digest('hex'),
  });
}

/**
 * The size of a DSA key (bits of p), read from the certificate's domain parameters. Never from
 * `KeyObject.asymmetricKeyDetails`: for a DSA key whose public value does not decode (a tampered certificate embedded
 * in a hostile ticket), Node 20 fails a native assertion there and aborts the process.
 */
function dsaPrimeBits(cert: pkijs.Certificate): number {
  const params = cert.subjectPublicKeyInfo.algorithm.algorithmParams as asn1js.Sequence | undefined;
  const p = params instanceof asn1js.Sequence ? params.valueBlock.value[0] : undefined;
  if (!(p instanceof asn1js.Integer) || params!.valueBlock.value.length !== 3) {
    throw new KeystoreError('ERR_KEYSTORE_CERTIFICATE_INVALID', 'the DSA key has no domain parameters (p, q, g)');
  }
  const bytes = p.valueBlock.valueHexView;
  let i = 0;
  while (i < bytes.length && bytes[i] === 0) i++;
  return i === bytes.length ? 0 : (bytes.length - i - 1) * 8 + (32 - Math.clz32(bytes[i] as number));
}

/** The DER of a pkijs Name: the bytes as received when it was parsed. */
export function nameDer(name: pkijs.RelativeDistinguishedNames): Uint8Array {
  return new Uint8Array(name.valueBeforeDecode.byteLength > 0 ? name.valueBeforeDecode.slice(0) : name.toSchema().toBER());
}

/**
 * Builds a pkijs Name from an RFC 4514 string (most specific RDN first). Encoded here RDN by RDN, because pkijs's
 * own `toSchema()` of a fresh Name puts every attribute into one multi-valued RDN.
 */
export function dnToName(dn: string): pkijs.RelativeDistinguishedNames {
  const parsed = parseDn(dn);
  if (parsed.length === 0) throw new TypeError('a certificate subject DN must not be empty');
  const rdnSets: asn1js.Set[] = [];
  for (const rdn of [...parsed].reverse()) {
    const set = new asn1js.Set();
    rdnSets.push(set);
    for (const attr of rdn) {
      const oid = attributeTypeOid(attr.type);
      if (oid === undefined) throw new TypeError(`unknown attribute type "${attr.type}" in DN "${dn}"`);
      const printable = /^[A-Za-z0-9 '()+,\-./:=?]*$/.test(attr.value);
      const value = oid === '2.5.4.6' || (printable && oid !== '1.2.840.113549.1.9.1')
        ? new asn1js.PrintableString({ value: attr.value })
        : oid === '1.2.840.113549.1.9.1'
          ? new asn1js.IA5String({ value: attr.value })
          : new asn1js.Utf8String({ value: attr.value });
      set.valueBlock.value.push(new pkijs.AttributeTypeAndValue({ type: oid, value }).toSchema());
    }
  }
  return pkijs.RelativeDistinguishedNames.fromBER(new asn1js.Sequence({ value: rdnSets }).toBER());
}

/** SAP note 1055856: validity past 2038-01-01 breaks verification on older SAP systems (§1.4, §8). */
export const LATEST_NOT_AFTER = new Date('2038-01-01T00:00:00Z');

export interface GenerateOptions {
  alg: KeyAlgorithm;
  /** Subject (and issuer) DN, RFC 4514. */
  subjectDn: string;
  /** DSA: 1024 (default, what SAPSSOEXT needs) or 2048; RSA: default 2048; ECDSA: curve bits 256 (default) or 384. */
  keyBits?: number;
  /** notBefore; default now. */
  now?: Date;
  /** notAfter; default and maximum 2038-01-01T00:00:00Z. */
  notAfter?: Date;
}

const SIG_OIDS = {
  dsa: '2.16.840.1.101.3.4.3.2', // dsa-with-SHA256 (§8)
  rsa: '1.2.840.113549.1.1.11', // sha256WithRSAEncryption
  ecdsa: '1.2.840.10045.4.3.2', // ecdsa-with-SHA256
} as const;

async function generateKeys(alg: KeyAlgorithm, bits: number | undefined): Promise<{ publicKey: KeyObject; privateKey: KeyObject }> {
  switch (alg) {
    case 'dsa': {
      const modulusLength = bits ?? 1024;
      if (modulusLength !== 1024 && modulusLength !== 2048 && modulusLength !== 3072) throw new TypeError('DSA keyBits must be 1024, 2048 or 3072');
      return generateKeyPairAsync('dsa', { modulusLength, divisorLength: modulusLength === 1024 ? 160 : 256 });
    }
    case 'rsa': {
      const modulusLength = bits ?? 2048;
      if (!Number.isInteger(modulusLength) || modulusLength < 2048 || modulusLength > 8192) throw new TypeError('RSA keyBits must be 2048..8192');
      return generateKeyPairAsync('rsa', { modulusLength });
    }
    case 'ecdsa': {
      const curves: Record<number, string> = { 256: 'prime256v1', 384: 'secp384r1', 521: 'secp521r1' };
      const namedCurve = curves[bits ?? 256];
      if (namedCurve === undefined) throw new TypeError('ECDSA keyBits must be 256, 384 or 521');
      return generateKeyPairAsync('ec', { namedCurve });
    }
    default:
      throw new TypeError(`alg must be one of dsa, rsa, ecdsa, got ${String(alg)}`);
  }
}

/**
 * Generates a key pair and a self-signed certificate for it. Weak key sizes (DSA < 1024, RSA < 2048 bits) are
 * refused: this package never makes a weak key.
 */
export async function generateSelfSignedCertificate(options: GenerateOptions): Promise<{ certificate: CertificateInfo; privateKey: KeyObject }> {
  const notBefore = options.now ?? new Date();
  const notAfter = options.notAfter ?? LATEST_NOT_AFTER;
  if (notAfter.getTime() > LATEST_NOT_AFTER.getTime()) throw new TypeError('notAfter must not be later than 2038-01-01 (SAP note 1055856)');
  if (notAfter.getTime() <= notBefore.getTime()) throw new TypeError('notAfter must be later than now');
  dnToName(options.subjectDn); // a bad DN fails before the (slow) key generation
  const { publicKey, privateKey } = await generateKeys(options.alg, options.keyBits);
  return { certificate: selfSignCertificate({ alg: options.alg, subjectDn: options.subjectDn, publicKey, privateKey, notBefore, notAfter }), privateKey };
}

/**
 * A self-signed certificate for an existing key pair, signed with SHA-256. No key-size check: callers that accept
 * outside keys check them (the keystore refuses weak keys unless told otherwise).
 *
 * @internal
 */
export function selfSignCertificate(options: { alg: KeyAlgorithm; subjectDn: string; publicKey: KeyObject; privateKey: KeyObject; notBefore: Date; notAfter: Date }): CertificateInfo {
  const { alg, subjectDn, publicKey, privateKey, notBefore, notAfter } = options;
  const name = dnToName(subjectDn);

  const cert = new pkijs.Certificate();
  cert.version = 2;
  const serial = randomBytes(9);
  serial[0] = ((serial[0] as number) & 0x7f) | 0x01; // positive, no leading zero byte
  cert.serialNumber = new asn1js.Integer({ valueHex: serial });
  cert.issuer = name;
  cert.subject = dnToName(subjectDn);
  cert.notBefore.value = new Date(Math.floor(notBefore.getTime() / 1000) * 1000);
  cert.notAfter.value = notAfter;
  cert.subjectPublicKeyInfo = pkijs.PublicKeyInfo.fromBER(publicKey.export({ type: 'spki', format: 'der' }));
  cert.extensions = [
    new pkijs.Extension({
      extnID: '2.5.29.14', // subjectKeyIdentifier
      critical: false,
      extnValue: new asn1js.OctetString({
        valueHex: createHash('sha1').update(Buffer.from(cert.subjectPublicKeyInfo.subjectPublicKey.valueBlock.valueHexView)).digest(),
      }).toBER(),
    }),
  ];
  const algorithm = new pkijs.AlgorithmIdentifier({
    algorithmId: SIG_OIDS[alg],
    ...(alg === 'rsa' ? { algorithmParams: new asn1js.Null() } : {}),
  });
  cert.signature = algorithm;
  cert.signatureAlgorithm = algorithm;
  const tbs = new Uint8Array(cert.encodeTBS().toBER());
  cert.signatureValue = new asn1js.BitString({ valueHex: sign('sha256', tbs, privateKey) });
  const der = new Uint8Array(cert.toSchema(true).toBER());
  return parseCertificate(der);
}
