/**
 * RFC 5652 §5.3: when a SignerInfo has signed attributes, contentType must be one of them. A ticket correctly
 * signed over attributes without it is refused as malformed (every real SAP ticket carries it).
 */
import { sign } from 'node:crypto';
import * as asn1js from 'asn1js';
import * as pkijs from 'pkijs';
import { beforeAll, describe, expect, it } from 'vitest';
import { Keystore } from '../../src/keystore/index.js';
import { appendSignatureUnit, decodeTicket, encodeTicketText, issueTicket, verifyTicket } from '../../src/ticket/index.js';

let keystore: Keystore;
beforeAll(async () => {
  keystore = await Keystore.generate({ sid: 'J2E', client: '000' });
});

/** The ticket re-signed by its own key over its signed attributes minus those `drop` names. */
function resignedWithout(text: string, drop: string): string {
  const decoded = decodeTicket(text);
  const contentInfo = new pkijs.ContentInfo({ schema: asn1js.fromBER(Uint8Array.from(decoded.signature)).result });
  const signedData = new pkijs.SignedData({ schema: contentInfo.content });
  const signerInfo = signedData.signerInfos[0]!;
  const attributes = signerInfo.signedAttrs!.attributes.filter((a) => a.type !== drop);
  signerInfo.signedAttrs = new pkijs.SignedAndUnsignedAttributes({ type: 0, attributes });
  const covered = new Uint8Array(new asn1js.Set({ value: attributes.map((a) => a.toSchema()) }).toBER());
  signerInfo.signature = new asn1js.OctetString({ valueHex: sign('sha1', covered, keystore.own.privateKey) });
  contentInfo.content = signedData.toSchema(true);
  return encodeTicketText(appendSignatureUnit(decoded.signedBytes, new Uint8Array(contentInfo.toSchema().toBER(false))));
}

describe('signed attributes', () => {
  it('without contentType: refused as malformed, though the signature over them is right', () => {
    const { text } = issueTicket({ keystore, user: 'ALICE' });
    expect(verifyTicket(text, { keystore }).user).toBe('ALICE');
    // The control: dropping signingTime (optional) and re-signing gives a ticket that verifies.
    expect(verifyTicket(resignedWithout(text, '1.2.840.113549.1.9.5'), { keystore }).user).toBe('ALICE');
    expect(() => verifyTicket(resignedWithout(text, '1.2.840.113549.1.9.3'), { keystore })).toThrow(
      expect.objectContaining({ code: 'ERR_TICKET_MALFORMED', message: expect.stringContaining('without contentType') }),
    );
  });
});
