/**
 * A ticket rewritten without the key: its CMS SignedData changed in ways that leave the signature valid (an embedded
 * certificate added, the other ECDSA `s`). For the tests of what identifies a ticket (the assertion module's
 * once-only check, the verified-ticket cache's bound).
 */
import * as asn1js from 'asn1js';
import * as pkijs from 'pkijs';
import type { Keystore } from '../../src/keystore/index.js';
import { appendSignatureUnit, decodeTicket, encodeTicketText } from '../../src/ticket/index.js';

/** The order n of P-256. */
const P256_N = 0xffffffff00000000ffffffffffffffffbce6faada7179e84f3b9cac2fc632551n;

/** The same ticket with its CMS SignedData changed by `change` (no key involved), in SAP's text form. */
function rewriteCms(text: string, change: (signedData: pkijs.SignedData) => void): string {
  const decoded = decodeTicket(text);
  const contentInfo = new pkijs.ContentInfo({ schema: asn1js.fromBER(Uint8Array.from(decoded.signature)).result });
  const signedData = new pkijs.SignedData({ schema: contentInfo.content });
  change(signedData);
  contentInfo.content = signedData.toSchema(true);
  const der = new Uint8Array(contentInfo.toSchema().toBER(false));
  return encodeTicketText(appendSignatureUnit(decoded.signedBytes, der));
}

/** The ticket with the issuer's certificate embedded in its CMS. */
export const withCertificate = (text: string, issuer: Keystore): string =>
  rewriteCms(text, (sd) => {
    sd.certificates = [pkijs.Certificate.fromBER(Uint8Array.from(issuer.own.certificate.der))];
  });

/** The ticket with its ECDSA P-256 signature's `s` replaced by `n − s` (which verifies as well). */
export const withOtherS = (text: string): string =>
  rewriteCms(text, (sd) => {
    const signerInfo = sd.signerInfos[0]!;
    const seq = asn1js.fromBER(signerInfo.signature.valueBlock.valueHexView.slice()).result as asn1js.Sequence;
    const [r, s] = seq.valueBlock.value as [asn1js.Integer, asn1js.Integer];
    const flipped = new asn1js.Sequence({ value: [r, asn1js.Integer.fromBigInt(P256_N - s.toBigInt())] });
    signerInfo.signature = new asn1js.OctetString({ valueHex: flipped.toBER(false) });
  });
