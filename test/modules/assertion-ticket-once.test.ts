import { Passport } from 'passport';
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Keystore } from '../../src/keystore/index.js';
import { createEvaluateAssertionTicketStrategy } from '../../src/modules/evaluate-assertion-ticket-module.js';
import { loginStack } from '../../src/stack/passport-adapter.js';
import { StateError } from '../../src/state/errors.js';
import { MemoryStateStore } from '../../src/state/memory-state-store.js';
import type { StateStore } from '../../src/state/state-store.js';
import { issueAssertionTicket } from '../../src/ticket/index.js';
import { app, NOW } from './helpers.js';

// sap-logon-ticket.md §2: the MYSAPSSO2 header, recipient = this system, one-time use.
let portal: Keystore;
let erp: Keystore;
const state = new MemoryStateStore();
const refusals: string[] = [];

function server(store: StateStore) {
  const strategy = createEvaluateAssertionTicketStrategy({ keystore: erp, state: store, now: NOW, onRefusal: (e) => refusals.push(e.code) });
  return app(loginStack([{ name: 'assertion', flag: 'REQUIRED', module: strategy }], { session: false, passport: new Passport() }));
}

beforeAll(async () => {
  portal = await Keystore.generate({ sid: 'J2E', client: '000' });
  erp = await Keystore.generate({ sid: 'ERP', client: '100' });
  erp.addTrusted(portal.own.certificate, { sid: 'J2E', client: '000' });
}, 60_000);
afterAll(() => state.close());

const assertion = (recipientClient = '100') =>
  issueAssertionTicket({ keystore: portal, user: 'ALICE', recipientSid: 'ERP', recipientClient, now: NOW }).text;

describe('EvaluateAssertionTicket', () => {
  it('accepts an assertion ticket once and refuses it the second time', async () => {
    const s = server(state);
    const text = assertion();
    const first = await request(s).get('/login').set('MYSAPSSO2', text);
    expect(first.status).toBe(200);
    expect(first.body.user).toMatchObject({ id: 'ALICE', authMethod: 'assertion-ticket' });
    refusals.length = 0;
    expect((await request(s).get('/login').set('MYSAPSSO2', text)).status).toBe(401);
    expect(refusals).toEqual(['ERR_TICKET_REPLAYED']);
  });

  it('refuses the same ticket written another way in SAP\'s text form (the replay is of the ticket, not of its text)', async () => {
    const s = server(state);
    const text = assertion();
    expect(text).toMatch(/!|%2F|%3D/); // SAP's text form: + as !, / as %2F, = as %3D
    expect((await request(s).get('/login').set('MYSAPSSO2', text)).status).toBe(200);
    const variants = [
      text.replace(/!/g, '+').replace(/%2F/g, '/').replace(/%3D/g, '='), // plain base64
      text.replace(/!/g, ' '), // a space reads as +
      text.replace(/!/g, '%2B'),
      encodeURIComponent(text), // URL-encoded once more, as proxies do
    ];
    // A signature without a '+' in its base64 has no '!' to rewrite: those variants are the text itself, left out.
    const different = new Set(variants.filter((v) => v !== text));
    expect(different.size).toBeGreaterThanOrEqual(2); // plain base64 and the URL-encoded text always differ
    for (const variant of different) {
      refusals.length = 0;
      expect((await request(s).get('/login').set('MYSAPSSO2', variant)).status).toBe(401);
      expect(refusals).toEqual(['ERR_TICKET_REPLAYED']);
    }
  });

  it('refuses a ticket for another recipient, and a missing header', async () => {
    const s = server(state);
    refusals.length = 0;
    expect((await request(s).get('/login').set('MYSAPSSO2', assertion('200'))).status).toBe(401);
    expect((await request(s).get('/login')).status).toBe(401);
    expect(refusals).toEqual(['ERR_TICKET_WRONG_RECIPIENT', 'ERR_TICKET_MISSING']);
  });

  it('answers 503 and never accepts when the state store is down', async () => {
    const down = Object.create(state) as StateStore;
    down.claimOnce = async () => {
      throw new StateError('ERR_STATE_UNAVAILABLE', 'state store unavailable');
    };
    const res = await request(server(down)).get('/login').set('MYSAPSSO2', assertion());
    expect(res.status).toBe(503);
    expect(res.body).toEqual({ code: 'ERR_STATE_UNAVAILABLE' });
  });
});
