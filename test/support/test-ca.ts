/**
 * A certification authority made in the test (pkijs builds the ASN.1, node:crypto makes the keys and signs, as
 * src/keystore/certificates.ts does): a root, server and client certificates with explicit validity dates, SANs,
 * extended key usages, and CRLs. EC P-256 keys, so that making them is quick.
 */
import { createHash, createPublicKey, generateKeyPairSync, sign, type KeyObject } from 'node:crypto';
import { isIPv4 } from 'node:net';
import * as asn1js from 'asn1js';
import * as pkijs from 'pkijs';
import { certificateToPem, dnToName } from '../../src/keystore/certificates.js';

export const EKU_CLIENT_AUTH = '1.3.6.1.5.5.7.3.2';
export const EKU_SERVER_AUTH = '1.3.6.1.5.5.7.3.1';
const ECDSA_SHA256 = '1.2.840.10045.4.3.2';

export interface TestCertificate {
  readonly pem: string;
  readonly der: Buffer;
  readonly key: KeyObject;
  readonly keyPem: string;
  /** SHA-256 of the DER, lowercase hex. */
  readonly sha256: string;
  readonly serial: Buffer;
}

export interface IssueOptions {
  subject: string;
  notBefore: Date;
  notAfter: Date;
  emails?: string[];
  dnsNames?: string[];
  ips?: string[];
  /** Extended key usages (default: clientAuth); `[]` for none. */
  eku?: string[];
  ca?: boolean;
  /** With `ca`: basicConstraints pathLenConstraint (how many CAs may follow below it). */
  pathLen?: number;
}

function keyUsage(bits: number, unused: number): asn1js.BitString {
  return new asn1js.BitString({ valueHex: new Uint8Array([bits]).buffer, unusedBits: unused });
}

function build(o: IssueOptions, issuerDn: string, issuerKey: KeyObject | undefined, issuerKeyId: Buffer | undefined): TestCertificate {
  const { publicKey, privateKey } = generateKeyPairSync('ec', { namedCurve: 'prime256v1' });
  const cert = new pkijs.Certificate();
  cert.version = 2;
  const serial = createHash('sha256').update(`${o.subject}${Math.random()}`).digest().subarray(0, 9);
  serial[0] = ((serial[0] as number) & 0x7f) | 0x01;
  cert.serialNumber = new asn1js.Integer({ valueHex: serial });
  cert.issuer = dnToName(issuerDn);
  cert.subject = dnToName(o.subject);
  cert.notBefore.value = o.notBefore;
  cert.notAfter.value = o.notAfter;
  cert.subjectPublicKeyInfo = pkijs.PublicKeyInfo.fromBER(publicKey.export({ type: 'spki', format: 'der' }));
  const keyId = createHash('sha1').update(Buffer.from(cert.subjectPublicKeyInfo.subjectPublicKey.valueBlock.valueHexView)).digest();
  const ext = (extnID: string, critical: boolean, value: { toSchema(): asn1js.BaseBlock } | asn1js.BaseBlock) =>
    new pkijs.Extension({ extnID, critical, extnValue: ('toSchema' in value ? value.toSchema() : value).toBER() });
  const extensions = [
    ext('2.5.29.19', true, new pkijs.BasicConstraints({ cA: o.ca === true, ...(o.pathLen === undefined ? {} : { pathLenConstraint: o.pathLen }) })),
    ext('2.5.29.15', true, o.ca === true ? keyUsage(0x06, 1) : keyUsage(0x80, 7)),
    ext('2.5.29.14', false, new asn1js.OctetString({ valueHex: keyId })),
  ];
  if (issuerKeyId !== undefined) extensions.push(ext('2.5.29.35', false, new pkijs.AuthorityKeyIdentifier({ keyIdentifier: new asn1js.OctetString({ valueHex: issuerKeyId }) })));
  const eku = o.eku ?? (o.ca === true ? [] : [EKU_CLIENT_AUTH]);
  if (eku.length > 0) extensions.push(ext('2.5.29.37', false, new pkijs.ExtKeyUsage({ keyPurposes: eku })));
  const names = [
    ...(o.emails ?? []).map((value) => new pkijs.GeneralName({ type: 1, value })),
    ...(o.dnsNames ?? []).map((value) => new pkijs.GeneralName({ type: 2, value })),
    ...(o.ips ?? []).map((ip) => new pkijs.GeneralName({ type: 7, value: new asn1js.OctetString({ valueHex: Buffer.from(isIPv4(ip) ? ip.split('.').map(Number) : []) }) })),
  ];
  if (names.length > 0) extensions.push(ext('2.5.29.17', false, new pkijs.AltName({ altNames: names })));
  cert.extensions = extensions;
  const algorithm = new pkijs.AlgorithmIdentifier({ algorithmId: ECDSA_SHA256 });
  cert.signature = algorithm;
  cert.signatureAlgorithm = algorithm;
  const tbs = Buffer.from(cert.encodeTBS().toBER());
  cert.signatureValue = new asn1js.BitString({ valueHex: sign('sha256', tbs, issuerKey ?? privateKey) });
  const der = Buffer.from(cert.toSchema(true).toBER());
  return {
    pem: certificateToPem(der),
    der,
    key: privateKey,
    keyPem: privateKey.export({ type: 'pkcs8', format: 'pem' }) as string,
    sha256: createHash('sha256').update(der).digest('hex'),
    serial,
  };
}

/** A self-signed certificate (a root CA with `ca: true`, or a self-signed client certificate). */
export function selfSigned(o: IssueOptions): TestCertificate {
  return build(o, o.subject, undefined, undefined);
}

export class TestCa {
  readonly certificate: TestCertificate;
  readonly #keyId: Buffer;

  /** A root CA, or with `parent` an intermediate CA issued by it; `pathLen` limits the CAs below it. */
  constructor(
    readonly subject: string,
    validity: { notBefore: Date; notAfter: Date },
    parent?: TestCa,
    options: { pathLen?: number } = {},
  ) {
    const o = { subject, ...validity, ca: true, ...options };
    this.certificate = parent === undefined ? selfSigned(o) : parent.issue(o);
    const spki = createPublicKey(this.certificate.key).export({ type: 'spki', format: 'der' });
    this.#keyId = createHash('sha1').update(pkijs.PublicKeyInfo.fromBER(spki).subjectPublicKey.valueBlock.valueHexView).digest();
  }

  get pem(): string {
    return this.certificate.pem;
  }

  issue(o: IssueOptions): TestCertificate {
    return build(o, this.subject, this.certificate.key, this.#keyId);
  }

  /** A CRL (v2) listing `revoked`, valid from `thisUpdate` to `nextUpdate`, in PEM. */
  crl(revoked: readonly TestCertificate[], thisUpdate: Date, nextUpdate: Date): string {
    const crl = new pkijs.CertificateRevocationList();
    crl.version = 1;
    crl.issuer = dnToName(this.subject);
    crl.thisUpdate = new pkijs.Time({ type: 0, value: thisUpdate });
    crl.nextUpdate = new pkijs.Time({ type: 0, value: nextUpdate });
    crl.revokedCertificates = revoked.map((c) => new pkijs.RevokedCertificate({ userCertificate: new asn1js.Integer({ valueHex: c.serial }), revocationDate: new pkijs.Time({ type: 0, value: thisUpdate }) }));
    const algorithm = new pkijs.AlgorithmIdentifier({ algorithmId: ECDSA_SHA256 });
    crl.signature = algorithm;
    crl.signatureAlgorithm = algorithm;
    const tbs = Buffer.from((crl as unknown as { encodeTBS(): asn1js.Sequence }).encodeTBS().toBER());
    crl.signatureValue = new asn1js.BitString({ valueHex: sign('sha256', tbs, this.certificate.key) });
    const der = Buffer.from(crl.toSchema(true).toBER());
    return `-----BEGIN X509 CRL-----\n${der.toString('base64').replace(/(.{64})/g, '$1\n').replace(/\n$/, '')}\n-----END X509 CRL-----\n`;
  }
}
