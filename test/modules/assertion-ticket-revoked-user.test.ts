/**
 * EvaluateAssertionTicket with a user store, as EvaluateTicket: a user the store holds as revoked is refused, and the
 * ticket is not used up by the refusal (restored, the same ticket is accepted once); policies inject their store.
 */
import { Passport } from 'passport';
import request from 'supertest';
import { beforeAll, describe, expect, it } from 'vitest';
import { Keystore } from '../../src/keystore/index.js';
import { createEvaluateAssertionTicketStrategy } from '../../src/modules/evaluate-assertion-ticket-module.js';
import { loginStack } from '../../src/stack/passport-adapter.js';
import { MemoryStateStore } from '../../src/state/memory-state-store.js';
import { issueAssertionTicket } from '../../src/ticket/index.js';
import { MemoryUserStore } from '../../src/users/memory-user-store.js';
import { app, NOW, TEST_HASH_PARAMS } from './helpers.js';

let portal: Keystore;
let erp: Keystore;
let users: MemoryUserStore;
beforeAll(async () => {
  portal = await Keystore.generate({ sid: 'J2E', client: '000' });
  erp = await Keystore.generate({ sid: 'ERP', client: '100' });
  erp.addTrusted(portal.own.certificate, { sid: 'J2E', client: '000' });
  users = new MemoryUserStore({ hashParams: TEST_HASH_PARAMS });
  await users.createUser({ id: 'alice', password: 'correct horse' });
}, 60_000);

describe('EvaluateAssertionTicket and the user store', () => {
  it('refuses a revoked user without using the ticket up; restored, the same ticket is accepted once', async () => {
    const refusals: string[] = [];
    const strategy = createEvaluateAssertionTicketStrategy({ keystore: erp, state: new MemoryStateStore(), users, now: NOW, onRefusal: (e) => refusals.push(e.code) });
    const s = app(loginStack([{ name: 'assertion', flag: 'REQUIRED', module: strategy }], { session: false, passport: new Passport() }));
    const text = issueAssertionTicket({ keystore: portal, user: 'ALICE', recipientSid: 'ERP', recipientClient: '100', now: NOW }).text;

    await users.revoke('alice');
    expect((await request(s).get('/login').set('MYSAPSSO2', text)).status).toBe(401);
    expect(refusals).toEqual(['ERR_USER_REVOKED']);

    await users.restore('alice');
    expect((await request(s).get('/login').set('MYSAPSSO2', text)).status).toBe(200);
    expect((await request(s).get('/login').set('MYSAPSSO2', text)).status).toBe(401);
    expect(refusals).toEqual(['ERR_USER_REVOKED', 'ERR_TICKET_REPLAYED']);
  });

  it('requireKnownUser refuses a user the store does not hold', async () => {
    const refusals: string[] = [];
    const strategy = createEvaluateAssertionTicketStrategy({ keystore: erp, state: new MemoryStateStore(), users, requireKnownUser: true, now: NOW, onRefusal: (e) => refusals.push(e.code) });
    const s = app(loginStack([{ name: 'assertion', flag: 'REQUIRED', module: strategy }], { session: false, passport: new Passport() }));
    const text = issueAssertionTicket({ keystore: portal, user: 'MALLORY', recipientSid: 'ERP', recipientClient: '100', now: NOW }).text;
    expect((await request(s).get('/login').set('MYSAPSSO2', text)).status).toBe(401);
    expect(refusals).toEqual(['ERR_USER_UNKNOWN']);
  });
});
