/**
 * The verified-ticket cache inside EvaluateTicket and the `ticket` policy template (issue 8, item 2): on by default,
 * repeated requests with one cookie cost one signature check; `cache: false` (one option, also in a template)
 * checks every request in full; the policy injects its user store, so a revoked user's ticket falls through.
 */
import { Passport } from 'passport';
import request from 'supertest';
import { beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { Keystore } from '../../src/keystore/index.js';
import { createEvaluateTicketStrategy } from '../../src/modules/evaluate-ticket-module.js';
import { createPolicies } from '../../src/policy/index.js';
import type { DecisionRecord } from '../../src/stack/decision-record.js';
import { loginStack } from '../../src/stack/passport-adapter.js';
import { MemoryStateStore } from '../../src/state/memory-state-store.js';
import * as cms from '../../src/ticket/cms.js';
import { issueTicket } from '../../src/ticket/index.js';
import { MemoryUserStore } from '../../src/users/memory-user-store.js';
import { SignOnGuard } from '../../src/users/sign-on-guard.js';
import { app, NOW, TEST_HASH_PARAMS } from './helpers.js';

vi.mock('../../src/ticket/cms.js', async (importOriginal) => {
  const original = await importOriginal<typeof import('../../src/ticket/cms.js')>();
  return { ...original, verifyCmsSignature: vi.fn(original.verifyCmsSignature) };
});
const signatureChecks = () => vi.mocked(cms.verifyCmsSignature).mock.calls.length;

let keystore: Keystore;
let users: MemoryUserStore;
let cookie: string;

beforeAll(async () => {
  keystore = await Keystore.generate({ sid: 'J2E', client: '000' });
  users = new MemoryUserStore({ hashParams: TEST_HASH_PARAMS });
  await users.createUser({ id: 'alice', password: 'correct horse' });
  cookie = `MYSAPSSO2=${issueTicket({ keystore, user: 'alice', now: NOW }).text}`;
});
beforeEach(() => {
  vi.mocked(cms.verifyCmsSignature).mockClear();
});

const stackOf = (options: { cache?: false }) =>
  app(loginStack([{ name: 'ticket', flag: 'REQUIRED', module: createEvaluateTicketStrategy({ keystore, now: NOW, ...options }) }], { session: false, passport: new Passport() }));

describe('EvaluateTicket', () => {
  it('caches by default: ten requests with one ticket, one signature check', async () => {
    const a = stackOf({});
    for (let i = 0; i < 10; i++) expect((await request(a).get('/other').set('Cookie', cookie)).status).toBe(200);
    expect(signatureChecks()).toBe(1);
  });

  it('cache: false checks every request in full', async () => {
    const a = stackOf({ cache: false });
    for (let i = 0; i < 10; i++) expect((await request(a).get('/other').set('Cookie', cookie)).status).toBe(200);
    expect(signatureChecks()).toBe(10);
  });
});

describe('the ticket template', () => {
  async function policies() {
    const state = new MemoryStateStore();
    return createPolicies({
      dependencies: { keystore, users, guard: new SignOnGuard({ users, state }), state, passport: new Passport(), now: NOW },
      stackOptions: { session: false, onDecision: (r) => records.push(r) },
    });
  }
  const records: DecisionRecord[] = [];

  it('takes cache: false (or { maxEntries }) as template data, and refuses a bad value naming the module', async () => {
    const p = await policies();
    const modules = (cache: unknown) => [
      { module: 'EvaluateTicket', flag: 'SUFFICIENT' as const, options: { cache } as never },
      { module: 'BasicPassword', flag: 'REQUISITE' as const },
    ];
    p.defineTemplate({ name: 'uncached', modules: modules(false) });
    p.defineTemplate({ name: 'small', modules: modules({ maxEntries: 100 }) });
    expect(() => p.defineTemplate({ name: 'bad', modules: modules({ maxEntries: -1 }) })).toThrow(/EvaluateTicket.*cache\.maxEntries/);
    const a = app(p.protect('uncached'));
    for (let i = 0; i < 3; i++) expect((await request(a).get('/other').set('Cookie', cookie)).status).toBe(200);
    expect(signatureChecks()).toBe(3);
  });

  it("refuses a revoked user's cached ticket: the policy gives EvaluateTicket its user store", async () => {
    const a = app((await policies()).protect('ticket'));
    expect((await request(a).get('/other').set('Cookie', cookie)).status).toBe(200);
    await users.revoke('alice');
    try {
      const res = await request(a).get('/other').set('Cookie', cookie);
      expect(res.status).toBe(401);
      expect(records.at(-1)?.calls.find((c) => c.module === 'ticket' && c.phase === 'login')?.error?.reason).toBe('ERR_USER_REVOKED');
    } finally {
      await users.restore('alice');
    }
    expect(signatureChecks()).toBe(1);
  });
});
