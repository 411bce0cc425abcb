import { beforeAll, describe, expect, it } from 'vitest';
import { Keystore } from '../../src/keystore/index.js';
import { buildCmsSignature } from '../../src/ticket/cms.js';
import { appendSignatureUnit, buildSignedBytes } from '../../src/ticket/codec.js';
import { issueAssertionTicket, issueTicket, verifyTicket } from '../../src/ticket/index.js';
import { expectTicketError, minutes } from './helpers.js';

// sap-logon-ticket.md §2: recipient SID and client must be this system's; flags 0x01; 2-minute lifetime.
const NOW = new Date('2025-03-04T10:20:30Z');
let portal: Keystore;
let erp100: Keystore;
let erp200: Keystore;
beforeAll(async () => {
  portal = await Keystore.generate({ sid: 'J2E', client: '000' });
  const backendKeys = await Keystore.generate({ sid: 'ERP', client: '100' });
  erp100 = backendKeys;
  erp200 = Keystore.fromKeyPair({ sid: 'ERP', client: '200', certificate: backendKeys.own.certificate, privateKey: backendKeys.own.privateKey });
  for (const ks of [erp100, erp200]) ks.addTrusted(portal.own.certificate, { sid: 'J2E', client: '000' });
});

describe('assertion tickets', () => {
  it('are accepted by their recipient, with assertion: true', () => {
    for (const codePage of ['1100', '4103', '4110'] as const) {
      const t = issueAssertionTicket({ keystore: portal, user: 'ALICE', recipientSid: 'ERP', recipientClient: '100', codePage, now: NOW });
      const v = verifyTicket(t.text, { keystore: erp100, now: NOW, assertion: true });
      expect(v).toMatchObject({ user: 'ALICE', assertion: true, flags: 1, recipient: { sid: 'ERP', client: '100' } });
      expect(v.validUntil.getTime() - v.createdAt.getTime()).toBe(2 * 60_000);
    }
  });

  it('are refused by another client of the same system, and by another system, with or without assertion: true', () => {
    const t = issueAssertionTicket({ keystore: portal, user: 'ALICE', recipientSid: 'ERP', recipientClient: '100', now: NOW });
    expectTicketError(() => verifyTicket(t.text, { keystore: erp200, now: NOW, assertion: true }), 'ERR_TICKET_WRONG_RECIPIENT');
    // Never accepted as a logon ticket by a system it was not meant for.
    expectTicketError(() => verifyTicket(t.text, { keystore: erp200, now: NOW }), 'ERR_TICKET_WRONG_RECIPIENT');
    const other = Keystore.fromKeyPair({ sid: 'CRM', client: '100', certificate: erp100.own.certificate, privateKey: erp100.own.privateKey });
    other.addTrusted(portal.own.certificate, { sid: 'J2E', client: '000' });
    expectTicketError(() => verifyTicket(t.text, { keystore: other, now: NOW, assertion: true }), 'ERR_TICKET_WRONG_RECIPIENT');
  });

  it('recipient comparison trims ABAP padding and ignores case', () => {
    const t = issueAssertionTicket({ keystore: portal, user: 'ALICE', recipientSid: 'erp', recipientClient: '100', codePage: '4103', now: NOW });
    expect(verifyTicket(t.text, { keystore: erp100, now: NOW, assertion: true }).recipient).toEqual({ sid: 'erp', client: '100' });
  });

  it('expire after 2 minutes plus the tolerance', () => {
    const t = issueAssertionTicket({ keystore: portal, user: 'ALICE', recipientSid: 'ERP', recipientClient: '100', now: NOW });
    expect(verifyTicket(t.text, { keystore: erp100, now: minutes(t.validUntil, 3), assertion: true }).user).toBe('ALICE');
    expectTicketError(() => verifyTicket(t.text, { keystore: erp100, now: minutes(t.validUntil, 4), assertion: true }), 'ERR_TICKET_EXPIRED');
  });

  it('a logon ticket is not an assertion ticket', () => {
    const t = issueTicket({ keystore: portal, user: 'ALICE', now: NOW });
    expectTicketError(() => verifyTicket(t.text, { keystore: erp100, now: NOW, assertion: true }), 'ERR_TICKET_NOT_ASSERTION');
    expect(verifyTicket(t.text, { keystore: erp100, now: NOW }).assertion).toBe(false);
  });

  it('a one-time ticket without recipient units is refused when an assertion ticket is required', () => {
    const enc = (s: string) => new Uint8Array(Buffer.from(s, 'latin1'));
    const signed = buildSignedBytes('1100', [
      { id: 0x01, data: enc('ALICE') },
      { id: 0x02, data: enc('000') },
      { id: 0x03, data: enc('J2E') },
      { id: 0x04, data: enc('202503041020') },
      { id: 0x07, data: Uint8Array.of(0, 0, 0, 2) },
      { id: 0x08, data: Uint8Array.of(1) },
    ]);
    const cms = buildCmsSignature({ signedBytes: signed, privateKey: portal.own.privateKey, certificate: portal.own.certificate, hash: 'sha1', signingTime: NOW, includeCertificate: false });
    const bytes = appendSignatureUnit(signed, cms);
    expectTicketError(() => verifyTicket(bytes, { keystore: erp100, now: NOW, assertion: true }), 'ERR_TICKET_WRONG_RECIPIENT');
  });

  it('issueAssertionTicket validates its recipient', () => {
    expect(() => issueAssertionTicket({ keystore: portal, user: 'A', recipientSid: '', recipientClient: '100' })).toThrow(/recipientSid/);
    expect(() => issueAssertionTicket({ keystore: portal, user: 'A', recipientSid: 'ERP', recipientClient: '1000' })).toThrow(/recipientClient/);
  });
});
