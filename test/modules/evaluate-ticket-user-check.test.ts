/**
 * EvaluateTicket with a user store (issue 8, item 2): the mapped user is looked up on every request, also when the
 * ticket comes from the verified-ticket cache, so a revoked user is refused at once (a locked UME user cannot log
 * on with a ticket); an unknown user is accepted unless `requireKnownUser`; a store that cannot answer is answered
 * from the user's last answer within `userOutageGraceSeconds`, else with its 503.
 */
import { Passport } from 'passport';
import request from 'supertest';
import { beforeAll, describe, expect, it } from 'vitest';
import { Keystore } from '../../src/keystore/index.js';
import { createEvaluateTicketStrategy, type EvaluateTicketStrategyOptions } from '../../src/modules/evaluate-ticket-module.js';
import type { DecisionRecord } from '../../src/stack/decision-record.js';
import { loginStack } from '../../src/stack/passport-adapter.js';
import { issueTicket } from '../../src/ticket/index.js';
import { UserStoreError } from '../../src/users/errors.js';
import { MemoryUserStore } from '../../src/users/memory-user-store.js';
import type { UserStore } from '../../src/users/user-store.js';
import { app, NOW, TEST_HASH_PARAMS } from './helpers.js';

let keystore: Keystore;
let users: MemoryUserStore;
const cookie = (user: string) => `MYSAPSSO2=${issueTicket({ keystore, user, now: NOW }).text}`;

beforeAll(async () => {
  keystore = await Keystore.generate({ sid: 'J2E', client: '000' });
  users = new MemoryUserStore({ hashParams: TEST_HASH_PARAMS });
  await users.createUser({ id: 'alice', password: 'correct horse' });
});

function server(options: Partial<EvaluateTicketStrategyOptions>) {
  const records: DecisionRecord[] = [];
  const evaluate = createEvaluateTicketStrategy({ keystore, now: NOW, ...options });
  const a = app(loginStack([{ name: 'ticket', flag: 'REQUIRED', module: evaluate }], { session: false, passport: new Passport(), onDecision: (r) => records.push(r) }));
  const reason = () => records.at(-1)?.calls.find((c) => c.phase === 'login')?.error?.reason;
  return { a, reason };
}

describe('a revoked user', () => {
  it('is refused at once on a ticket the cache already holds, and admitted again after a restore', async () => {
    const { a, reason } = server({ users });
    const alice = cookie('ALICE');
    const ok = await request(a).get('/other').set('Cookie', alice);
    expect(ok.status).toBe(200);
    expect(ok.body.user).toMatchObject({ id: 'ALICE', authMethod: 'logon-ticket' });

    await users.revoke('alice');
    const refused = await request(a).get('/other').set('Cookie', alice);
    expect(refused.status).toBe(401);
    expect(reason()).toBe('ERR_USER_REVOKED');
    expect(refused.text).not.toMatch(/REVOKED/); // the reason goes to the decision record, never to the client

    await users.restore('alice');
    expect((await request(a).get('/other').set('Cookie', alice)).status).toBe(200);
  });

  it('is refused with the cache off too', async () => {
    const { a, reason } = server({ users, cache: false });
    await users.revoke('alice');
    try {
      expect((await request(a).get('/other').set('Cookie', cookie('ALICE'))).status).toBe(401);
      expect(reason()).toBe('ERR_USER_REVOKED');
    } finally {
      await users.restore('alice');
    }
  });
});

describe('a user the store does not know', () => {
  it('is accepted by default (a backend may trust a portal without holding its users)', async () => {
    const { a } = server({ users });
    const res = await request(a).get('/other').set('Cookie', cookie('BOB'));
    expect(res.status).toBe(200);
    expect(res.body.user).toMatchObject({ id: 'BOB' });
  });

  it('is refused with requireKnownUser (ERR_USER_UNKNOWN), and so is an ID no store can hold', async () => {
    const { a, reason } = server({ users, requireKnownUser: true, mapUser: (name) => (name === 'ODD' ? ' odd' : name) });
    expect((await request(a).get('/other').set('Cookie', cookie('ALICE'))).status).toBe(200);
    expect((await request(a).get('/other').set('Cookie', cookie('BOB'))).status).toBe(401);
    expect(reason()).toBe('ERR_USER_UNKNOWN');
    expect((await request(a).get('/other').set('Cookie', cookie('ODD'))).status).toBe(401);
    expect(reason()).toBe('ERR_USER_UNKNOWN');
  });

  it('requireKnownUser without a store is a configuration error', () => {
    expect(() => createEvaluateTicketStrategy({ keystore, requireKnownUser: true })).toThrow(/requireKnownUser.*users/);
    expect(() => createEvaluateTicketStrategy({ keystore, users: {} as UserStore })).toThrow(/'users'/);
  });
});

describe('a user store that cannot answer', () => {
  /** The memory store, switchable to "unavailable" (as PostgreSQL past its query timeout). */
  function flakyStore(): { store: UserStore; down: (on: boolean) => void } {
    let isDown = false;
    const store = Object.create(users) as UserStore;
    store.findUser = (id) => (isDown ? Promise.reject(new UserStoreError('ERR_USER_STORE_UNAVAILABLE', 'database down')) : users.findUser(id));
    return { store, down: (on) => void (isDown = on) };
  }

  it('fails closed with 503 for a user it has not seen: the ticket is not accepted unchecked', async () => {
    const { store, down } = flakyStore();
    down(true);
    const { a } = server({ users: store });
    const res = await request(a).get('/other').set('Cookie', cookie('ALICE'));
    expect(res.status).toBe(503);
    expect(res.body).toEqual({ code: 'ERR_USER_STORE_UNAVAILABLE' });
  });

  it("answers from a user's last answer for userOutageGraceSeconds (frozen clock), then fails closed", async () => {
    let clock = NOW;
    const { store, down } = flakyStore();
    const { a } = server({ users: store, userOutageGraceSeconds: 60, now: () => clock });
    expect((await request(a).get('/other').set('Cookie', cookie('ALICE'))).status).toBe(200);
    down(true);
    clock = new Date(NOW.getTime() + 60_000);
    expect((await request(a).get('/other').set('Cookie', cookie('ALICE'))).status).toBe(200);
    expect((await request(a).get('/other').set('Cookie', cookie('BOB'))).status).toBe(503); // never seen
    clock = new Date(NOW.getTime() + 60_001);
    expect((await request(a).get('/other').set('Cookie', cookie('ALICE'))).status).toBe(503);
    down(false);
    expect((await request(a).get('/other').set('Cookie', cookie('ALICE'))).status).toBe(200);
  });

  it('a user last seen revoked stays refused through the outage', async () => {
    const { store, down } = flakyStore();
    const { a, reason } = server({ users: store });
    await users.revoke('alice');
    try {
      expect((await request(a).get('/other').set('Cookie', cookie('ALICE'))).status).toBe(401);
      down(true);
      expect((await request(a).get('/other').set('Cookie', cookie('ALICE'))).status).toBe(401);
      expect(reason()).toBe('ERR_USER_REVOKED');
    } finally {
      await users.restore('alice');
    }
  });

  it('userOutageGraceSeconds: 0 fails closed at once; a bad value is a configuration error', async () => {
    const { store, down } = flakyStore();
    const { a } = server({ users: store, userOutageGraceSeconds: 0 });
    expect((await request(a).get('/other').set('Cookie', cookie('ALICE'))).status).toBe(200);
    down(true);
    expect((await request(a).get('/other').set('Cookie', cookie('ALICE'))).status).toBe(503);
    expect(() => createEvaluateTicketStrategy({ keystore, users, userOutageGraceSeconds: -1 })).toThrow(/userOutageGraceSeconds/);
  });
});

describe('a user store that throws a TypeError (a bug, or a driver missing)', () => {
  it('fails closed: the error halts the stack, the ticket is not taken as an unknown user', async () => {
    const broken: UserStore = Object.create(users);
    broken.findUser = () => Promise.reject(new TypeError("Cannot read properties of undefined (reading 'query')"));
    const { a } = server({ users: broken });
    const res = await request(a).get('/other').set('Cookie', cookie('ALICE'));
    expect(res.status).toBe(500);
    expect(res.body.user).toBeUndefined();
  });

  it('an ID no store can hold is still an unknown user, without asking the store', async () => {
    const asked: string[] = [];
    const store: UserStore = Object.create(users);
    store.findUser = (id) => (asked.push(id), users.findUser(id));
    const { a } = server({ users: store });
    const res = await request(a).get('/other').set('Cookie', cookie(' ALICE')); // blanks around it: no store holds that
    expect(res.status).toBe(200);
    expect(asked).toEqual([]);
  });
});
