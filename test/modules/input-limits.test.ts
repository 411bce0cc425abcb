/**
 * Every login module refuses oversized input before parsing it, with a stable refusal code, under a configurable
 * limit (issue 8, item 4): `maxTicketLength` (the MYSAPSSO2 cookie and header; default 8192 characters) and
 * `maxCredentialLength` (user ID and password or PassTicket; default 1024 characters; the Basic header is held to
 * what two such fields can need). The client only ever sees the stack's 401; the code goes to the decision record.
 *
 * "Before parsing" is shown by order, not by time: input that is both oversized and malformed is refused as
 * oversized, and the costly steps (the password hash, the PassTicket evaluation, the one-time claim) never run.
 */
import express from 'express';
import { Passport } from 'passport';
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { Keystore } from '../../src/keystore/index.js';
import { createBasicPasswordStrategy } from '../../src/modules/basic-password-module.js';
import { basicHeaderLimit, DEFAULT_MAX_CREDENTIAL_LENGTH } from '../../src/modules/credentials.js';
import { createEvaluateAssertionTicketStrategy } from '../../src/modules/evaluate-assertion-ticket-module.js';
import { createEvaluateTicketStrategy } from '../../src/modules/evaluate-ticket-module.js';
import { createPassTicketStrategy } from '../../src/modules/passticket-module.js';
import { PassTicketVerifier } from '../../src/passticket/verifier.js';
import { createPolicies, type Template } from '../../src/policy/index.js';
import type { DecisionRecord } from '../../src/stack/decision-record.js';
import { loginStack, type PassportStrategyLike } from '../../src/stack/passport-adapter.js';
import { MemoryStateStore } from '../../src/state/memory-state-store.js';
import { DEFAULT_MAX_TICKET_TEXT_LENGTH, issueAssertionTicket, issueTicket } from '../../src/ticket/index.js';
import { MemoryUserStore } from '../../src/users/memory-user-store.js';
import { SignOnGuard } from '../../src/users/sign-on-guard.js';
import { frozenClock, profiles } from '../passticket/helpers.js';
import { basicAuth, NOW, TEST_HASH_PARAMS } from './helpers.js';

let keystore: Keystore;
let users: MemoryUserStore;
let state: MemoryStateStore;
let guard: SignOnGuard;
const records: DecisionRecord[] = [];
const reason = (): string | undefined => records.at(-1)?.calls.find((c) => c.phase === 'login' && c.outcome === 'failed')?.error?.reason;

beforeAll(async () => {
  keystore = await Keystore.generate({ sid: 'ERP', client: '100' });
  users = new MemoryUserStore({ hashParams: TEST_HASH_PARAMS });
  await users.createUser({ id: 'alice', password: 'correct horse' });
  state = new MemoryStateStore();
  guard = new SignOnGuard({ users, state });
});
afterAll(() => state.close());

/** POST and GET /login through one module (REQUIRED), with a urlencoded body parser. */
function moduleApp(module: PassportStrategyLike): express.Express {
  const a = express();
  a.use(express.urlencoded({ extended: false }));
  a.all('/login', loginStack([{ name: 'm', flag: 'REQUIRED', module }], { session: false, passport: new Passport(), onDecision: (r) => records.push(r) }), (req, res) => void res.json({ user: req.user }));
  return a;
}

describe('BasicPassword: maxCredentialLength', () => {
  it('a password over the limit is refused with ERR_CREDENTIALS_TOO_LARGE: no hash is computed and no failure is counted', async () => {
    const refusals: string[] = [];
    const counted: string[] = [];
    const countingGuard = new SignOnGuard({ users, state, keyPrefix: 'limits:failures:', onEvent: (e) => counted.push(e.type) });
    const verify = vi.spyOn(users, 'verifyPassword');
    const server = moduleApp(createBasicPasswordStrategy({ users, guard: countingGuard, onRefusal: (e) => refusals.push(e.code) }));
    const long = 'x'.repeat(DEFAULT_MAX_CREDENTIAL_LENGTH + 1);
    for (const send of [
      (r: request.Test) => r.set('Authorization', basicAuth('alice', long)),
      (r: request.Test) => r.type('form').send({ username: 'alice', password: long }),
      (r: request.Test) => r.type('form').send({ username: long, password: 'x' }),
    ]) {
      const res = await send(request(server).post('/login'));
      expect(res.status).toBe(401);
      expect(res.text).not.toContain('ERR_CREDENTIALS_TOO_LARGE'); // never in the response
      expect(reason()).toBe('ERR_CREDENTIALS_TOO_LARGE');
    }
    expect(refusals).toEqual(['ERR_CREDENTIALS_TOO_LARGE', 'ERR_CREDENTIALS_TOO_LARGE', 'ERR_CREDENTIALS_TOO_LARGE']);
    expect(verify).not.toHaveBeenCalled();
    expect(counted).toEqual([]);

    // At the limit the password is checked (and, being wrong, counted).
    await request(server).post('/login').set('Authorization', basicAuth('alice', 'x'.repeat(DEFAULT_MAX_CREDENTIAL_LENGTH)));
    expect(verify).toHaveBeenCalledTimes(1);
    expect(reason()).toBe('ERR_PASSWORD_REFUSED');
    expect(counted).toEqual(['signon.failure']);
    verify.mockRestore();
    await countingGuard.restore('alice');
  });

  it('a Basic header longer than two maximal fields can need is refused before it is decoded', async () => {
    const server = moduleApp(createBasicPasswordStrategy({ users, maxCredentialLength: 100 }));
    const limit = basicHeaderLimit(100);
    // Not base64, no colon: decoded, it would read as "no credentials". Refused by size first.
    const res = await request(server).get('/login').set('Authorization', `Basic ${'!'.repeat(limit)}`);
    expect(res.status).toBe(401);
    expect(reason()).toBe('ERR_CREDENTIALS_TOO_LARGE');
    // The bound is the base64 of 100 + 1 + 100 characters of 3-byte UTF-8: such a header is still read.
    const widest = basicAuth('€'.repeat(100), '€'.repeat(100));
    expect(widest.length).toBeLessThanOrEqual(limit);
    await request(server).get('/login').set('Authorization', widest);
    expect(reason()).toBe('ERR_PASSWORD_REFUSED');
  });

  it('the limit is configurable, as a module option and as template data', async () => {
    const small = moduleApp(createBasicPasswordStrategy({ users, maxCredentialLength: 8 }));
    await request(small).get('/login').set('Authorization', basicAuth('alice', 'correct horse'));
    expect(reason()).toBe('ERR_CREDENTIALS_TOO_LARGE');
    const large = moduleApp(createBasicPasswordStrategy({ users, maxCredentialLength: 4096 }));
    const res = await request(large).get('/login').set('Authorization', basicAuth('alice', 'correct horse'));
    expect(res.status).toBe(200);
    await request(large).get('/login').set('Authorization', basicAuth('alice', 'y'.repeat(3000)));
    expect(reason()).toBe('ERR_PASSWORD_REFUSED'); // read and checked

    const policies = createPolicies({
      dependencies: { keystore, users, guard, state, passport: new Passport() },
      stackOptions: { session: false, onDecision: (r) => records.push(r) },
      templates: [{ name: 'tight', modules: [{ module: 'BasicPassword', flag: 'REQUIRED', options: { maxCredentialLength: 8 } }] }],
    });
    const a = express();
    a.get('/basic', policies.protect('basic'), (req, res) => void res.json({ user: req.user }));
    a.get('/tight', policies.protect('tight'), (req, res) => void res.json({ user: req.user }));
    expect((await request(a).get('/basic').set('Authorization', basicAuth('alice', 'correct horse'))).status).toBe(200);
    expect((await request(a).get('/tight').set('Authorization', basicAuth('alice', 'correct horse'))).status).toBe(401);
    expect(reason()).toBe('ERR_CREDENTIALS_TOO_LARGE');
  });
});

describe('EvaluateTicket and EvaluateAssertionTicket: maxTicketLength', () => {
  it('an oversized MYSAPSSO2 cookie is refused with ERR_TICKET_TOO_LARGE, even when it is not a ticket at all', async () => {
    const server = moduleApp(createEvaluateTicketStrategy({ keystore, now: NOW }));
    for (const value of ['A'.repeat(DEFAULT_MAX_TICKET_TEXT_LENGTH + 1), `%zz${'%'.repeat(DEFAULT_MAX_TICKET_TEXT_LENGTH)}`]) {
      const res = await request(server).get('/login').set('Cookie', `MYSAPSSO2=${value}`);
      expect(res.status).toBe(401);
      expect(reason()).toBe('ERR_TICKET_TOO_LARGE');
    }
    // Just under the limit, garbage is parsed and refused as what it is.
    await request(server).get('/login').set('Cookie', `MYSAPSSO2=%zz${'A'.repeat(100)}`);
    expect(reason()).toBe('ERR_TICKET_MALFORMED');
  });

  it('an oversized assertion header is refused before verification and before the one-time claim', async () => {
    const claim = vi.spyOn(state, 'claimOnce');
    const server = moduleApp(createEvaluateAssertionTicketStrategy({ keystore, state, now: NOW, maxTicketLength: 2000 }));
    const res = await request(server).get('/login').set('MYSAPSSO2', ` ${'!'.repeat(2001)}`);
    expect(res.status).toBe(401);
    expect(reason()).toBe('ERR_TICKET_TOO_LARGE');
    expect(claim).not.toHaveBeenCalled();
    const ok = issueAssertionTicket({ keystore, user: 'ALICE', recipientSid: 'ERP', recipientClient: '100', now: NOW }).text;
    expect((await request(server).get('/login').set('MYSAPSSO2', ok)).status).toBe(200);
    expect(claim).toHaveBeenCalledTimes(1);
    claim.mockRestore();
  });

  it('the limit is configurable: a small one refuses a genuine ticket, in the module and in a template', async () => {
    const text = issueTicket({ keystore, user: 'ALICE', now: NOW }).text;
    expect(text.length).toBeGreaterThan(200);
    const tight = moduleApp(createEvaluateTicketStrategy({ keystore, now: NOW, maxTicketLength: 200 }));
    expect((await request(tight).get('/login').set('Cookie', `MYSAPSSO2=${text}`)).status).toBe(401);
    expect(reason()).toBe('ERR_TICKET_TOO_LARGE');
    const roomy = moduleApp(createEvaluateTicketStrategy({ keystore, now: NOW, maxTicketLength: 20_000 }));
    expect((await request(roomy).get('/login').set('Cookie', `MYSAPSSO2=${text}`)).status).toBe(200);

    const template: Template = { name: 'tight', modules: [{ module: 'EvaluateTicket', flag: 'REQUIRED', options: { maxTicketLength: 200 } }] };
    const policies = createPolicies({ dependencies: { keystore, users, guard, state, passport: new Passport(), now: NOW }, stackOptions: { session: false, onDecision: (r) => records.push(r) }, templates: [template] });
    const a = express();
    a.get('/tight', policies.protect('tight'), (req, res) => void res.json({ user: req.user }));
    expect((await request(a).get('/tight').set('Cookie', `MYSAPSSO2=${text}`)).status).toBe(401);
    expect(reason()).toBe('ERR_TICKET_TOO_LARGE');
  });
});

describe('PassTicket module: maxCredentialLength', () => {
  it('an oversized PassTicket field is refused with ERR_CREDENTIALS_TOO_LARGE and never evaluated', async () => {
    const verifier = new PassTicketVerifier({ profiles: profiles(), state, clock: frozenClock() });
    const evaluate = vi.spyOn(verifier, 'verifyPassTicket');
    const refusals: string[] = [];
    const server = moduleApp(createPassTicketStrategy({ application: 'CICSAPP1', verifier, maxCredentialLength: 64, onRefusal: (e) => refusals.push(e.reason) }));
    const res = await request(server).post('/login').type('form').send({ username: 'ALICE', password: 'A'.repeat(65) });
    expect(res.status).toBe(401);
    expect(reason()).toBe('ERR_CREDENTIALS_TOO_LARGE');
    expect(refusals).toEqual(['too-large']);
    expect(evaluate).not.toHaveBeenCalled();
    await request(server).post('/login').type('form').send({ username: 'ALICE', password: 'A'.repeat(64) });
    expect(evaluate).toHaveBeenCalledTimes(1);
    expect(reason()).toBe('ERR_PASSTICKET_REFUSED');
  });
});

describe('limit options are checked at construction', () => {
  it('anything but a positive integer is a TypeError naming the option', () => {
    const verifier = new PassTicketVerifier({ profiles: profiles(), state, clock: frozenClock() });
    for (const bad of [0, -1, 1.5, '10', Number.POSITIVE_INFINITY, null]) {
      const v = bad as unknown as number;
      expect(() => createBasicPasswordStrategy({ users, maxCredentialLength: v })).toThrow(/createBasicPasswordStrategy: option 'maxCredentialLength'/);
      expect(() => createPassTicketStrategy({ application: 'CICSAPP1', verifier, maxCredentialLength: v })).toThrow(/'maxCredentialLength'/);
      expect(() => createEvaluateTicketStrategy({ keystore, maxTicketLength: v })).toThrow(/createEvaluateTicketStrategy: option 'maxTicketLength'/);
      expect(() => createEvaluateAssertionTicketStrategy({ keystore, state, maxTicketLength: v })).toThrow(/'maxTicketLength'/);
    }
  });
});
