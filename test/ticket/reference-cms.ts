/**
 * The pkijs-based parser of the 0xFF unit that `cms.ts` used before its DER reader (kept for tests only): the
 * differential test checks that the fast parser accepts nothing this one refuses and reads the same fields.
 */
import * as asn1js from 'asn1js';
import * as pkijs from 'pkijs';
import { nameDer, nameToString, serialHex } from '../../src/keystore/internal.js';

export interface ReferenceCms {
  digestAlgorithm: string;
  signatureAlgorithmOid: string;
  signerIssuer: string;
  signerIssuerDer: string;
  signerSerial: string;
  signedAttributes: { der: string; order: string[]; contentType: string | undefined; signingTime: number | undefined; messageDigest: string | undefined } | undefined;
  signature: string;
  encapsulatedContent: string | undefined;
  certificates: number;
}

const OID = { data: '1.2.840.113549.1.7.1', signedData: '1.2.840.113549.1.7.2', contentType: '1.2.840.113549.1.9.3', messageDigest: '1.2.840.113549.1.9.4', signingTime: '1.2.840.113549.1.9.5' };
const DIGEST_OIDS: Record<string, string> = { '1.3.14.3.2.26': 'sha1', '2.16.840.1.101.3.4.2.1': 'sha256', '2.16.840.1.101.3.4.2.2': 'sha384', '2.16.840.1.101.3.4.2.3': 'sha512' };
const hex = (b: ArrayBuffer | Uint8Array): string => Buffer.from(b instanceof Uint8Array ? b : new Uint8Array(b)).toString('hex');

/** Returns the parsed fields, or throws (any error) where the old parser refused with ERR_TICKET_MALFORMED. */
export function referenceParseCms(der: Uint8Array): ReferenceCms {
  const asn1 = asn1js.fromBER(der.slice());
  if (asn1.offset === -1 || asn1.result.error !== '') throw new Error('not DER');
  if (asn1.offset !== der.length) throw new Error('trailing bytes');
  if (!Buffer.from(asn1.result.toBER(false)).equals(Buffer.from(der))) throw new Error('not DER');
  const contentInfo = new pkijs.ContentInfo({ schema: asn1.result });
  if (contentInfo.contentType !== OID.signedData) throw new Error('not signedData');
  const signedData = new pkijs.SignedData({ schema: contentInfo.content });
  if (signedData.signerInfos.length !== 1) throw new Error('signerInfos');
  const encap = signedData.encapContentInfo;
  if (encap.eContentType !== OID.data) throw new Error('eContentType');
  const signerInfo = signedData.signerInfos[0] as pkijs.SignerInfo;
  if (!(signerInfo.sid instanceof pkijs.IssuerAndSerialNumber)) throw new Error('sid');
  if (signedData.version !== 1 || signerInfo.version !== 1) throw new Error('version');
  if (signerInfo.unsignedAttrs !== undefined) throw new Error('unsignedAttrs');
  if (!signedData.digestAlgorithms.some((a) => a.algorithmId === signerInfo.digestAlgorithm.algorithmId)) throw new Error('digest not listed');
  for (const alg of [...signedData.digestAlgorithms, signerInfo.digestAlgorithm, signerInfo.signatureAlgorithm]) {
    if (alg.algorithmParams !== undefined && !(alg.algorithmParams instanceof asn1js.Null)) throw new Error('params');
  }
  let signedAttributes: ReferenceCms['signedAttributes'];
  if (signerInfo.signedAttrs !== undefined) {
    const attrs = signerInfo.signedAttrs.attributes;
    const first = (type: string): asn1js.AsnType | undefined => {
      const matching = attrs.filter((a) => a.type === type);
      if (matching.length > 1 || (matching[0] !== undefined && matching[0].values.length !== 1)) throw new Error('attribute count');
      return matching[0]?.values[0] as asn1js.AsnType | undefined;
    };
    const ct = first(OID.contentType);
    const st = first(OID.signingTime);
    const md = first(OID.messageDigest);
    if (ct !== undefined && !(ct instanceof asn1js.ObjectIdentifier)) throw new Error('ct');
    if (md !== undefined && !(md instanceof asn1js.OctetString)) throw new Error('md');
    if (st !== undefined && !(st instanceof asn1js.UTCTime) && !(st instanceof asn1js.GeneralizedTime)) throw new Error('st');
    signedAttributes = {
      der: hex(signerInfo.signedAttrs.encodedValue),
      order: attrs.map((a) => a.type),
      contentType: ct?.getValue(),
      signingTime: st?.toDate().getTime(),
      messageDigest: md === undefined ? undefined : hex(md.getValue()),
    };
  }
  return {
    digestAlgorithm: DIGEST_OIDS[signerInfo.digestAlgorithm.algorithmId] ?? signerInfo.digestAlgorithm.algorithmId,
    signatureAlgorithmOid: signerInfo.signatureAlgorithm.algorithmId,
    signerIssuer: nameToString(signerInfo.sid.issuer),
    signerIssuerDer: hex(nameDer(signerInfo.sid.issuer)),
    signerSerial: serialHex(signerInfo.sid.serialNumber.valueBlock.valueHexView),
    signedAttributes,
    signature: hex(signerInfo.signature.valueBlock.valueHexView),
    encapsulatedContent: encap.eContent === undefined ? undefined : hex(encap.eContent.getValue()),
    certificates: (signedData.certificates ?? []).filter((c) => c instanceof pkijs.Certificate).length,
  };
}
