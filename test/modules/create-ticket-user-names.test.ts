/**
 * CreateTicket names the user as an AS Java portal does (sap-logon-ticket.md §1.2, the EPP/KPO portal tickets):
 * 0x20 `portal:<id>` in UTF-8 with its case, 0x01 the ABAP user in capitals when the ID can be one; a user ID that
 * cannot be an ABAP user ID (non-Latin-1, longer than 12) still gets a ticket, with 0x20 only.
 */
import express from 'express';
import { Passport } from 'passport';
import request from 'supertest';
import { beforeAll, describe, expect, it } from 'vitest';
import { Keystore } from '../../src/keystore/index.js';
import { createCreateTicketStrategy, type CreateTicketOptions } from '../../src/modules/create-ticket-module.js';
import { createEvaluateTicketStrategy } from '../../src/modules/evaluate-ticket-module.js';
import { loginStack } from '../../src/stack/passport-adapter.js';
import { decodeTicket, decodeTicketText, verifyTicket } from '../../src/ticket/index.js';
import { NOW } from './helpers.js';

let keystore: Keystore;
beforeAll(async () => {
  keystore = await Keystore.generate({ sid: 'J2E', client: '000' });
});

/** Logs `id` in through a stack whose first module succeeds with that user, then CreateTicket OPTIONAL. */
async function ticketFor(id: string, options: Partial<CreateTicketOptions> = {}): Promise<{ text: string | undefined; reason: unknown }> {
  const ct = createCreateTicketStrategy({ keystore, secure: false, now: NOW, ...options });
  const succeed = { authenticate(this: { success(u: unknown): void }) { this.success({ id }); } };
  let reason: unknown;
  const app = express();
  app.get(
    '/',
    loginStack(
      [
        { name: 'who', flag: 'REQUIRED', module: succeed },
        { name: 'createTicket', flag: 'OPTIONAL', module: ct, commit: ct.commit },
      ],
      { session: false, passport: new Passport(), onDecision: (r) => (reason = r.calls.find((c) => c.phase === 'commit' && c.module === 'createTicket')?.error) },
    ),
    (_req, res) => void res.end(),
  );
  const res = await request(app).get('/');
  const cookie = ([] as string[]).concat(res.headers['set-cookie'] ?? []).find((c) => c.startsWith('MYSAPSSO2='));
  return { text: cookie?.split(';')[0]!.slice('MYSAPSSO2='.length), reason };
}

const units = (text: string) => Object.fromEntries(decodeTicket(text).infoUnits.map((u) => [u.id, u.value]));

/** `id` gets a ticket that names it as the portal user (0x20) and names no ABAP user (0x01, 0x0A). */
async function expectPortalUserOnly(id: string): Promise<void> {
  const { text, reason } = await ticketFor(id);
  expect(reason).toBeUndefined();
  const u = units(text!);
  expect(u[0x20]).toBe(`portal:${id}`);
  expect(u[0x01]).toBeUndefined();
  expect(u[0x0a]).toBeUndefined();
}

describe('who a CreateTicket ticket names', () => {
  it('an ABAP-like ID: 0x20 portal:<id> as given, 0x01 and 0x0A in capitals (the AS Java portal shape)', async () => {
    const { text } = await ticketFor('hupeng2');
    expect(units(text!)).toMatchObject({ 0x20: 'portal:hupeng2', 0x01: 'HUPENG2', 0x0a: 'HUPENG2', 0x88: 'default' });
    expect(verifyTicket(text!, { keystore, now: NOW })).toMatchObject({ user: 'HUPENG2', portalUser: 'hupeng2' });
  });

  it('an ID that cannot be an ABAP user ID still gets a ticket, with the portal user only', async () => {
    for (const id of ['łukasz', 'alice.longname@example.com', '山田']) await expectPortalUserOnly(id);
  });

  it('an ID whose capitals name another user (ſ→S, ı→I, ß→SS, ﬀ→FF) gets no ABAP user: never SAP*, DDIC or BASS', async () => {
    // Each of these is a different user of the store (lowercased keys differ) from the one its capitals name.
    for (const [id, other] of [['ſap*', 'SAP*'], ['ddıc', 'DDIC'], ['baß', 'BASS'], ['ﬀoo', 'FFOO']] as const) {
      expect(id.toLowerCase()).not.toBe(other.toLowerCase());
      await expectPortalUserOnly(id);
    }
    // Capitals that name the same user are still the ABAP user.
    expect(units((await ticketFor('Élise')).text!)[0x01]).toBe('ÉLISE');
  });

  it('EvaluateTicket accepts such a ticket as the portal user, case and all', async () => {
    const { text } = await ticketFor('łukasz');
    const evaluate = createEvaluateTicketStrategy({ keystore, now: NOW });
    const app = express();
    app.get('/', loginStack([{ name: 'ticket', flag: 'REQUIRED', module: evaluate }], { session: false, passport: new Passport() }), (req, res) => void res.json(req.user));
    const res = await request(app).get('/').set('Cookie', `MYSAPSSO2=${text}`);
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ id: 'łukasz', authMethod: 'logon-ticket' });
  });

  it('abapUser maps to the ABAP user (or to none); portalId: false leaves 0x20 out', async () => {
    const mapped = await ticketFor('alice', { abapUser: () => 'A0001234' });
    expect(units(mapped.text!)).toMatchObject({ 0x20: 'portal:alice', 0x01: 'A0001234' });
    const abapOnly = await ticketFor('alice', { portalId: false });
    expect(units(abapOnly.text!)[0x20]).toBeUndefined();
    expect(units(abapOnly.text!)[0x01]).toBe('ALICE');
  });

  it('with portalId off, a user with no ABAP user ID gets no ticket and the commit failure is in the decision record', async () => {
    const { text, reason } = await ticketFor('łukasz', { portalId: false });
    expect(text).toBeUndefined();
    expect(reason).toMatchObject({ name: 'TypeError' });
  });

  it('the ticket text decodes the same way SAP writes it (no raw + / =)', async () => {
    const { text } = await ticketFor('hupeng2');
    expect(text).not.toMatch(/[+=/]/);
    expect(decodeTicketText(text!).length).toBeGreaterThan(0);
  });
});
