import { beforeAll, describe, expect, it } from 'vitest';
import { Keystore } from '../../src/keystore/index.js';
import { buildCmsSignature } from '../../src/ticket/cms.js';
import { appendSignatureUnit, buildSignedBytes } from '../../src/ticket/codec.js';
import { decodeTicket, encodeTicketText, issueAssertionTicket, issueTicket, verifyTicket, type IssueCodePage } from '../../src/ticket/index.js';
import { expectTicketError, minutes } from './helpers.js';

const NOW = new Date('2025-03-04T10:20:30Z');
const ids = (units: readonly { id: number }[]) => units.map((u) => u.id);
const hex = (b: Uint8Array) => Buffer.from(b).toString('hex');

let dsa: Keystore;
let rsa: Keystore;
let ecdsa: Keystore;
beforeAll(async () => {
  [dsa, rsa, ecdsa] = await Promise.all([
    Keystore.generate({ sid: 'J2E', client: '000', alg: 'dsa' }),
    Keystore.generate({ sid: 'J2E', client: '000', alg: 'rsa' }),
    Keystore.generate({ sid: 'J2E', client: '000', alg: 'ecdsa' }),
  ]);
});

describe('tickets issued here in each code page are decoded and verified here', () => {
  for (const codePage of ['1100', '4102', '4103', '4110'] as IssueCodePage[]) {
    for (const alg of ['dsa', 'rsa', 'ecdsa'] as const) {
      it(`code page ${codePage}, ${alg}`, () => {
        const keystore = { dsa, rsa, ecdsa }[alg];
        const issued = issueTicket({ keystore, user: 'MÜLLER', portalUser: 'müller@example.com', authScheme: 'basicauthentication', codePage, now: NOW });
        const decoded = decodeTicket(issued.text);
        expect(decoded.codePage).toBe(codePage);
        expect(decoded.fields.user?.trimEnd()).toBe('MÜLLER');
        expect(decoded.bytes).toEqual(issued.bytes);
        const verified = verifyTicket(issued.text, { keystore, now: minutes(NOW, 1) });
        expect(verified).toMatchObject({ user: 'MÜLLER', portalUser: 'müller@example.com', authScheme: 'basicauthentication', sid: 'J2E', client: '000', codePage, assertion: false });
        expect(verified.signer).toMatchObject({ trust: 'own', algorithm: `${alg}-sha1` });
        expect(verified.createdAt.toISOString()).toBe('2025-03-04T10:20:00.000Z');
        expect(verified.validUntil.toISOString()).toBe('2025-03-04T18:20:00.000Z');
      });
    }
  }

  it('AS Java portal shape (cp 1100): 0x20, 0x88 first, 0x0A UTF-8 user last, base64 starts AjExMDA', () => {
    const issued = issueTicket({ keystore: dsa, user: 'DCHQ04', portalUser: 'DCHQ04', authScheme: 'basicauthentication', now: NOW });
    expect(issued.text.startsWith('AjExMDA')).toBe(true);
    expect(ids(issued.infoUnits)).toEqual([0x20, 0x88, 0x01, 0x02, 0x03, 0x04, 0x05, 0x0a]);
    expect(issued.infoUnits[0]!.value).toBe('portal:DCHQ04');
    expect(hex(issued.infoUnits[6]!.data)).toBe('00000008');
    expect(issued.text).not.toMatch(/[+/=]/);
  });

  it('ABAP Unicode shape (cp 4103): UTF-16LE, user padded to 12 and SID to 8, language, RFC; base64 starts AjQxMDM', () => {
    const issued = issueTicket({ keystore: dsa, user: '4501911013', codePage: '4103', rfc: true, language: 'J', includeCertificate: true, now: NOW });
    expect(issued.text.startsWith('AjQxMDM')).toBe(true);
    expect(ids(issued.infoUnits)).toEqual([0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0x09]);
    expect(issued.infoUnits[0]!.data.length).toBe(24);
    expect(issued.infoUnits[0]!.value).toBe('4501911013  ');
    expect(issued.infoUnits[2]!.value).toBe('J2E     ');
    expect(issued.infoUnits[5]!.value).toBe('X');
    const decoded = decodeTicket(issued.text);
    expect(decoded.cms.certificates.map((c) => c.fingerprint)).toEqual([dsa.own.certificate.fingerprint]);
    expect(verifyTicket(issued.text, { keystore: dsa, now: NOW }).language).toBe('J');
  });

  it('SAPSSOEXT shape (cp 4110): UTF-8, 0x20 and 0x88 last; base64 starts AjQxMTA', () => {
    const issued = issueTicket({ keystore: dsa, user: '田中', portalUser: 'tanaka', authScheme: 'default', codePage: '4110', now: NOW });
    expect(issued.text.startsWith('AjQxMTA')).toBe(true);
    expect(ids(issued.infoUnits)).toEqual([0x01, 0x02, 0x03, 0x04, 0x05, 0x09, 0x20, 0x88]);
    expect(verifyTicket(issued.text, { keystore: dsa, now: NOW }).user).toBe('田中');
  });

  it('ABAP assertion shape: 0x07 = 2 (4-byte binary), 0x08 = 0x01, ASCII recipient units even in UTF-16', () => {
    const issued = issueAssertionTicket({ keystore: dsa, user: 'ANZEIGER', recipientSid: 'BIX', recipientClient: '001', codePage: '4103', now: NOW });
    expect(ids(issued.infoUnits)).toEqual([0x01, 0x02, 0x03, 0x04, 0x07, 0x08, 0x09, 0x0f, 0x10]);
    expect(hex(issued.infoUnits[4]!.data)).toBe('00000002');
    expect(hex(issued.infoUnits[7]!.data)).toBe('303031');
    expect(hex(issued.infoUnits[8]!.data)).toBe('4249582020202020');
    expect(issued.validUntil.getTime() - issued.createdAt.getTime()).toBe(2 * 60_000);
  });

  it('lifetime with minutes writes 0x05 hours and 0x07 minutes', () => {
    const issued = issueTicket({ keystore: dsa, user: 'U', lifetimeMinutes: 90, now: NOW });
    const decoded = decodeTicket(issued.text);
    expect([decoded.fields.validHours, decoded.fields.validMinutes]).toEqual([1, 30]);
  });

  it('a user that code page 1100 cannot hold is a TypeError at issue time', () => {
    expect(() => issueTicket({ keystore: dsa, user: '田中', now: NOW })).toThrow(TypeError);
  });

  it('a ticket signed by another system verifies there once its certificate is trusted for its SID and client', async () => {
    const backend = Keystore.fromKeyPair({ sid: 'ERP', client: '100', certificate: rsa.own.certificate, privateKey: rsa.own.privateKey });
    const issued = issueTicket({ keystore: dsa, user: 'ALICE', codePage: '4103', now: NOW });
    expectTicketError(() => verifyTicket(issued.text, { keystore: backend, now: NOW }), 'ERR_TICKET_SIGNER_UNKNOWN');
    backend.addTrusted(dsa.own.certificate.pem, { sid: 'J2E', client: '000' });
    const verified = verifyTicket(issued.text, { keystore: backend, now: NOW });
    expect(verified.signer).toMatchObject({ trust: 'trusted', entry: 'J2E-000' });
  });
});

describe('unknown InfoUnits are kept and covered by the signature', () => {
  function ticketWithUnknownUnit(): Uint8Array {
    const enc = (s: string) => new Uint8Array(Buffer.from(s, 'latin1'));
    const signed = buildSignedBytes('1100', [
      { id: 0x42, data: Uint8Array.of(1, 2, 3) },
      { id: 0x01, data: enc('BOB') },
      { id: 0x02, data: enc('000') },
      { id: 0x03, data: enc('J2E') },
      { id: 0x04, data: enc('202503041020') },
      { id: 0x05, data: Uint8Array.of(0, 0, 0, 8) },
    ]);
    const cms = buildCmsSignature({ signedBytes: signed, privateKey: dsa.own.privateKey, certificate: dsa.own.certificate, hash: 'sha1', signingTime: NOW, includeCertificate: false });
    return appendSignatureUnit(signed, cms);
  }
  it('verifies and reports the unknown unit', () => {
    const verified = verifyTicket(encodeTicketText(ticketWithUnknownUnit()), { keystore: dsa, now: NOW });
    expect(verified.user).toBe('BOB');
    expect(verified.infoUnits[0]).toMatchObject({ id: 0x42, name: 'UNKNOWN_0x42', value: null });
  });
  it('a change in the unknown unit is a digest mismatch', () => {
    const bytes = ticketWithUnknownUnit();
    bytes[8] = (bytes[8] as number) ^ 0x01;
    expectTicketError(() => verifyTicket(bytes, { keystore: dsa, now: NOW }), 'ERR_TICKET_DIGEST_MISMATCH');
  });
});

describe('decode-only code pages', () => {
  it('reads cp 1160 (Windows-1252) and 8000 (Shift-JIS) fields; refuses an unknown code page', () => {
    const sign = (codePage: string, user: Uint8Array) => {
      const enc = (s: string) => new Uint8Array(Buffer.from(s, 'latin1'));
      const signed = buildSignedBytes(codePage, [
        { id: 0x01, data: user },
        { id: 0x02, data: enc('000') },
        { id: 0x03, data: enc('J2E') },
        { id: 0x04, data: enc('202503041020') },
        { id: 0x05, data: Uint8Array.of(0, 0, 0, 8) },
      ]);
      return appendSignatureUnit(signed, buildCmsSignature({ signedBytes: signed, privateKey: dsa.own.privateKey, certificate: dsa.own.certificate, hash: 'sha1', signingTime: NOW, includeCertificate: false }));
    };
    expect(verifyTicket(sign('1160', Uint8Array.of(0x80, 0x41)), { keystore: dsa, now: NOW }).user).toBe('€A');
    expect(verifyTicket(sign('8000', Uint8Array.of(0x93, 0x63, 0x92, 0x86)), { keystore: dsa, now: NOW }).user).toBe('田中');
    expectTicketError(() => decodeTicket(sign('9999', Uint8Array.of(0x41))), 'ERR_TICKET_CODEPAGE_UNSUPPORTED');
    expectTicketError(() => decodeTicket(sign('4103', Uint8Array.of(0x41))), 'ERR_TICKET_MALFORMED');
  });
});
