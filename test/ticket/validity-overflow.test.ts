/**
 * A genuinely signed ticket whose validity (0x05 hours, 0x07 minutes: 4-byte integers each) runs past the last date
 * JavaScript can represent. Before the fix, the end of validity was an Invalid Date, every comparison with it was
 * false, and the ticket verified at any time: valid for ever (and the assertion module answered 500 on its NaN
 * time-to-live). Now it is ERR_TICKET_MALFORMED everywhere, and a validity near the limit still works.
 */
import { Passport } from 'passport';
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Keystore } from '../../src/keystore/index.js';
import { createEvaluateAssertionTicketStrategy } from '../../src/modules/evaluate-assertion-ticket-module.js';
import { loginStack } from '../../src/stack/passport-adapter.js';
import { MemoryStateStore } from '../../src/state/memory-state-store.js';
import { buildCmsSignature } from '../../src/ticket/cms.js';
import { appendSignatureUnit, buildSignedBytes } from '../../src/ticket/codec.js';
import { decodeTicket, encodeTicketText, verifyTicket } from '../../src/ticket/index.js';
import { app } from '../modules/helpers.js';
import { expectTicketError } from './helpers.js';

const NOW = new Date('2026-06-01T00:00:00Z');
let keystore: Keystore;
const state = new MemoryStateStore();
beforeAll(async () => {
  keystore = await Keystore.generate({ sid: 'ERP', client: '100' });
});
afterAll(() => state.close());

const enc = (s: string) => new Uint8Array(Buffer.from(s, 'latin1'));
const u32 = (n: number) => Uint8Array.of(n >>> 24, (n >>> 16) & 0xff, (n >>> 8) & 0xff, n & 0xff);

/** An assertion ticket for ERP/100, signed with the keystore's own key, with the given creation time and validity. */
function signed(createTime: string, hours: number, minutes: number): Uint8Array {
  const bytes = buildSignedBytes('1100', [
    { id: 0x01, data: enc('ALICE') },
    { id: 0x02, data: enc('100') },
    { id: 0x03, data: enc('ERP') },
    { id: 0x04, data: enc(createTime) },
    { id: 0x05, data: u32(hours) },
    { id: 0x07, data: u32(minutes) },
    { id: 0x08, data: Uint8Array.of(1) },
    { id: 0x0f, data: enc('100') },
    { id: 0x10, data: enc('ERP') },
  ]);
  const cms = buildCmsSignature({ signedBytes: bytes, privateKey: keystore.own.privateKey, certificate: keystore.own.certificate, hash: 'sha1', signingTime: NOW, includeCertificate: false });
  return appendSignatureUnit(bytes, cms);
}

describe('a validity past the last representable date', () => {
  it.each([
    ['0xFFFFFFFF hours', '202601010000', 0xffffffff, 0],
    ['0x90000000 hours from 1970 (just past the limit)', '197001010000', 0x90000000, 0],
    ['0xFFFFFFFF hours and 0xFFFFFFFF minutes from the year 9999', '999912312359', 0xffffffff, 0xffffffff],
  ])('%s: refused as malformed by decode and verify, at any time', (_label, createTime, hours, minutes) => {
    const ticket = signed(createTime, hours, minutes);
    expectTicketError(() => decodeTicket(ticket), 'ERR_TICKET_MALFORMED');
    for (const now of [NOW, new Date('2999-01-01T00:00:00Z')]) expectTicketError(() => verifyTicket(ticket, { keystore, now }), 'ERR_TICKET_MALFORMED');
  });

  it('the assertion module refuses it (401), it does not fail on a NaN time-to-live (500)', async () => {
    const module = createEvaluateAssertionTicketStrategy({ keystore, state, now: NOW });
    const server = app(loginStack([{ name: 'assertion', flag: 'REQUIRED', module }], { session: false, passport: new Passport() }));
    const res = await request(server).get('/login').set('MYSAPSSO2', encodeTicketText(signed('202601010000', 0xffffffff, 0)));
    expect(res.status).toBe(401);
  });

  it('a long validity that still fits is kept as it is (0xFFFFFFFF minutes from 2026: about 8,000 years)', () => {
    const verified = verifyTicket(signed('202601010000', 0, 0xffffffff), { keystore, now: NOW });
    expect(verified.validUntil.getUTCFullYear()).toBeGreaterThan(10_000);
  });
});
