/**
 * The user a ticket names is the string its issuer signed (sap-logon-ticket.md §1.2, §3.2): decoding must not turn
 * one user name into another. A leading U+FEFF is a character of the name, as SAP's Java decoders read it
 * (`new String(bytes, "UTF-8")` and UTF-16LE/BE keep it), not a byte-order mark to drop: otherwise a ticket an issuer
 * signed for the user "\uFEFFADMIN" logs in "ADMIN".
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { Keystore } from '../../src/keystore/index.js';
import { buildCmsSignature } from '../../src/ticket/cms.js';
import { appendSignatureUnit, buildSignedBytes } from '../../src/ticket/codec.js';
import { decodeTicket, issueTicket, verifyTicket, type IssueCodePage } from '../../src/ticket/index.js';

const NOW = new Date('2025-03-04T10:20:30Z');
const BOM = '\uFEFF';
let keystore: Keystore;
beforeAll(async () => {
  keystore = await Keystore.generate({ sid: 'J2E', client: '000' });
});

/** A ticket with exactly these InfoUnits (cp 1100), signed by the keystore's own key. */
function signedTicket(units: { id: number; data: Uint8Array }[]): Uint8Array {
  const signed = buildSignedBytes('1100', units);
  const cms = buildCmsSignature({ signedBytes: signed, privateKey: keystore.own.privateKey, certificate: keystore.own.certificate, hash: 'sha1', signingTime: NOW, includeCertificate: false });
  return appendSignatureUnit(signed, cms);
}
const latin1 = (s: string) => new Uint8Array(Buffer.from(s, 'latin1'));
const utf8 = (s: string) => new Uint8Array(Buffer.from(s, 'utf8'));

describe('a leading U+FEFF is part of the name, never dropped as a byte-order mark', () => {
  for (const codePage of ['4102', '4103', '4110'] as IssueCodePage[]) {
    it(`in the 0x01 user of a code page ${codePage} ticket`, () => {
      const issued = issueTicket({ keystore, user: `${BOM}ADMIN`, codePage, now: NOW });
      expect(decodeTicket(issued.text).fields.user?.trimEnd()).toBe(`${BOM}ADMIN`);
      expect(verifyTicket(issued.text, { keystore, now: NOW }).user).toBe(`${BOM}ADMIN`);
    });
  }

  it('in the UTF-8 units: 0x0A user, 0x20 portal user, 0x88 authscheme', () => {
    const bytes = signedTicket([
      { id: 0x20, data: utf8(`${BOM}portal:admin`) },
      { id: 0x88, data: utf8(`${BOM}default`) },
      { id: 0x02, data: latin1('000') },
      { id: 0x03, data: latin1('J2E') },
      { id: 0x04, data: latin1('202503041020') },
      { id: 0x05, data: Uint8Array.of(0, 0, 0, 8) },
      { id: 0x0a, data: utf8(`${BOM}ADMIN`) },
    ]);
    const { fields } = decodeTicket(bytes);
    expect([fields.portalUser, fields.authScheme, fields.userUtf8]).toEqual([`${BOM}portal:admin`, `${BOM}default`, `${BOM}ADMIN`]);
    const verified = verifyTicket(bytes, { keystore, now: NOW });
    expect(verified.user).toBe(`${BOM}ADMIN`);
    expect(verified.portalUser).toBe(`${BOM}portal:admin`); // not "admin": the prefix is not where SAP writes it
    expect(verified.authScheme).toBe(`${BOM}default`);
  });
});

describe("only ABAP's blank padding is trimmed from the end of the 0x01 / 0x0A user (as Java's String.trim: U+0000–U+0020)", () => {
  it('the padding of an ABAP user goes; a trailing no-break, ideographic or zero-width no-break space stays', () => {
    const cases: [string, IssueCodePage, string][] = [
      ['4501911013', '4103', '4501911013'], // padded to 12 with U+0020 by the issuer
      ['ADMIN\u00A0', '1100', 'ADMIN\u00A0'],
      ['ADMIN\u3000', '4103', 'ADMIN\u3000'],
      ['ADMIN\u2003', '4110', 'ADMIN\u2003'],
      [`ADMIN${BOM}`, '4102', `ADMIN${BOM}`],
    ];
    for (const [user, codePage, expected] of cases) {
      const issued = issueTicket({ keystore, user, codePage, now: NOW });
      expect(verifyTicket(issued.text, { keystore, now: NOW }).user, `${JSON.stringify(user)} in ${codePage}`).toBe(expected);
    }
  });

  it('in the UTF-8 0x0A user as well', () => {
    const bytes = signedTicket([
      { id: 0x02, data: latin1('000') },
      { id: 0x03, data: latin1('J2E') },
      { id: 0x04, data: latin1('202503041020') },
      { id: 0x0a, data: utf8('ADMIN\u3000  ') },
    ]);
    expect(verifyTicket(bytes, { keystore, now: NOW }).user).toBe('ADMIN\u3000');
  });
});
