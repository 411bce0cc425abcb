/**
 * Weak signer keys (DSA < 1024, RSA < 2048 bits) are refused by default by both ticket modules and by the policy
 * templates, and accepted only with the explicit `allowWeakKeys` option (issue 8), with the real DSA-512 ABAP ticket
 * from the shared vectors and with generated DSA-512 and RSA-1024 signers.
 */
import { Passport } from 'passport';
import request from 'supertest';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { Keystore } from '../../src/keystore/index.js';
import { createEvaluateAssertionTicketStrategy } from '../../src/modules/evaluate-assertion-ticket-module.js';
import { createEvaluateTicketStrategy } from '../../src/modules/evaluate-ticket-module.js';
import { createPolicies, type Template } from '../../src/policy/index.js';
import type { DecisionRecord } from '../../src/stack/decision-record.js';
import { loginStack } from '../../src/stack/passport-adapter.js';
import { MemoryStateStore } from '../../src/state/memory-state-store.js';
import { issueAssertionTicket, issueTicket } from '../../src/ticket/index.js';
import { MemoryUserStore } from '../../src/users/memory-user-store.js';
import { SignOnGuard } from '../../src/users/sign-on-guard.js';
import { app as policyApp } from '../policy/helpers.js';
import { weakSignerKeystore } from '../support/weak-keys.js';
import { expectedReal, sharedVectorsDir, sharedVectorsExist, SKIP_MESSAGE, vectorFile, vectorText } from '../ticket/vectors.js';
import { app, NOW, TEST_HASH_PARAMS } from './helpers.js';

const state = new MemoryStateStore();
let backend: Keystore; // ERP/100, trusts the weak signers (explicitly)
let signers: Record<'dsa-512' | 'rsa-1024', Keystore>;
const records: DecisionRecord[] = [];
const warnings: string[] = [];
const onWarning = (w: Error) => {
  if (w.name === 'TicketStackWarning') warnings.push(w.message);
};

beforeAll(async () => {
  backend = await Keystore.generate({ sid: 'ERP', client: '100' });
  signers = { 'dsa-512': weakSignerKeystore('dsa-512', 'OLD', '200'), 'rsa-1024': weakSignerKeystore('rsa-1024', 'RSA', '300') };
  for (const s of Object.values(signers)) backend.addTrusted(s.own.certificate, { sid: s.own.sid, client: s.own.client, allowWeakKey: true });
  process.on('warning', onWarning);
});
afterAll(() => {
  process.off('warning', onWarning);
  return state.close();
});
afterEach(() => {
  records.length = 0;
});

const lastReason = (): string | undefined => records.at(-1)?.calls.find((c) => c.phase === 'login')?.error?.reason;

/** One EvaluateTicket (or EvaluateAssertionTicket) module behind a loginStack, answering the user. */
function ticketApp(kind: 'logon' | 'assertion', keystore: Keystore, now: Date, extra: Record<string, unknown> = {}) {
  const module = kind === 'logon'
    ? createEvaluateTicketStrategy({ keystore, now, ...extra })
    : createEvaluateAssertionTicketStrategy({ keystore, state, now, ...extra });
  return app(loginStack([{ name: 'ticket', flag: 'REQUIRED', module }], { session: false, passport: new Passport(), onDecision: (r) => records.push(r) }));
}

describe.each(['dsa-512', 'rsa-1024'] as const)('a generated %s signer', (alg) => {
  it('EvaluateTicket refuses its logon ticket (ERR_TICKET_KEY_TOO_WEAK) by default and accepts it with allowWeakKeys', async () => {
    const cookie = `MYSAPSSO2=${issueTicket({ keystore: signers[alg], user: 'ALICE', now: NOW }).text}`;
    const refused = await request(ticketApp('logon', backend, NOW)).get('/login').set('Cookie', cookie);
    expect(refused.status).toBe(401);
    expect(lastReason()).toBe('ERR_TICKET_KEY_TOO_WEAK');
    const accepted = await request(ticketApp('logon', backend, NOW, { allowWeakKeys: true })).get('/login').set('Cookie', cookie);
    expect(accepted.status).toBe(200);
    expect(accepted.body.user).toMatchObject({ id: 'ALICE', issuer: { sid: signers[alg].own.sid } });
  });

  it('EvaluateAssertionTicket refuses its assertion ticket by default and accepts it with allowWeakKeys', async () => {
    const ticket = () => issueAssertionTicket({ keystore: signers[alg], user: 'ALICE', recipientSid: 'ERP', recipientClient: '100', now: NOW }).text;
    const refused = await request(ticketApp('assertion', backend, NOW)).get('/login').set('MYSAPSSO2', ticket());
    expect(refused.status).toBe(401);
    expect(lastReason()).toBe('ERR_TICKET_KEY_TOO_WEAK');
    const accepted = await request(ticketApp('assertion', backend, NOW, { allowWeakKeys: true })).get('/login').set('MYSAPSSO2', ticket());
    expect(accepted.status).toBe(200);
    expect(accepted.body.user).toMatchObject({ id: 'ALICE', authMethod: 'assertion-ticket' });
  });
});

describe('the policy templates', () => {
  let users: MemoryUserStore;
  beforeAll(async () => {
    users = new MemoryUserStore({ hashParams: TEST_HASH_PARAMS });
  });
  const policiesWith = (templates: Template[] = []) =>
    createPolicies({
      dependencies: { keystore: backend, users, guard: new SignOnGuard({ users, state }), state, passport: new Passport(), now: NOW },
      stackOptions: { session: false, onDecision: (r) => records.push(r) },
      templates,
    });
  const lenient: Template = {
    name: 'legacy_ticket',
    modules: [
      { module: 'EvaluateTicket', flag: 'SUFFICIENT', name: 'ticket', options: { allowWeakKeys: true } },
      { module: 'BasicPassword', flag: 'REQUISITE', name: 'password' },
    ],
  };

  it('the built-in ticket template refuses a weak signer by default; a template with allowWeakKeys admits it', async () => {
    const policies = policiesWith([lenient]);
    const server = policyApp({ '/strict': policies.protect('ticket'), '/legacy': policies.protect('legacy_ticket') });
    const cookie = `MYSAPSSO2=${issueTicket({ keystore: signers['dsa-512'], user: 'ALICE', now: NOW }).text}`;
    const strict = await request(server).get('/strict').set('Cookie', cookie);
    expect(strict.status).toBe(401); // fell through to the password module, which had nothing
    expect(records.at(-1)!.calls.find((c) => c.module === 'ticket')?.error?.reason).toBe('ERR_TICKET_KEY_TOO_WEAK');
    const legacy = await request(server).get('/legacy').set('Cookie', cookie);
    expect(legacy.status).toBe(200);
    expect(legacy.body.user).toMatchObject({ id: 'ALICE', authMethod: 'logon-ticket' });
  });

  it('minKeyBits is template data too: raising the DSA minimum refuses an ordinary DSA-1024 ticket', async () => {
    const policies = policiesWith([{ name: 'dsa2048', modules: [{ module: 'EvaluateTicket', flag: 'REQUIRED', options: { minKeyBits: { dsa: 2048 } } }] }]);
    const own = issueTicket({ keystore: backend, user: 'BOB', now: NOW }).text;
    const server = policyApp({ '/default': policies.protect('ticket'), '/strict': policies.protect('dsa2048') });
    expect((await request(server).get('/default').set('Cookie', `MYSAPSSO2=${own}`)).status).toBe(200);
    expect((await request(server).get('/strict').set('Cookie', `MYSAPSSO2=${own}`)).status).toBe(401);
    expect(lastReason()).toBe('ERR_TICKET_KEY_TOO_WEAK');
  });

  it('bad values are refused at construction, naming the option', () => {
    const policies = policiesWith();
    const bad = (options: Record<string, unknown>): Template => ({ name: 'x', modules: [{ module: 'EvaluateTicket', flag: 'REQUIRED', options: options as never }] });
    expect(() => policies.defineTemplate(bad({ allowWeakKeys: 'yes' }))).toThrow(/allowWeakKeys/);
    expect(() => policies.defineTemplate(bad({ minKeyBits: { dsa: -1 } }))).toThrow(/minKeyBits/);
    expect(() => policies.defineTemplate(bad({ minKeyBits: { idea: 128 } }))).toThrow(/minKeyBits/);
    expect(() => createEvaluateTicketStrategy({ keystore: backend, allowWeakKeys: 1 as unknown as boolean })).toThrow(/createEvaluateTicketStrategy: allowWeakKeys/);
  });

  it('allowWeakKeys: true, or a minKeyBits below the default, warns (TicketStackWarning) when the module is built', async () => {
    warnings.length = 0;
    createEvaluateTicketStrategy({ keystore: backend });
    createEvaluateAssertionTicketStrategy({ keystore: backend, state });
    createEvaluateTicketStrategy({ keystore: backend, minKeyBits: { dsa: 2048 } }); // stricter: no warning
    await new Promise((r) => setImmediate(r)); // warnings are emitted on the next tick
    expect(warnings).toEqual([]);
    createEvaluateTicketStrategy({ keystore: backend, allowWeakKeys: true });
    createEvaluateAssertionTicketStrategy({ keystore: backend, state, allowWeakKeys: true });
    createEvaluateTicketStrategy({ keystore: backend, minKeyBits: { dsa: 512 } });
    await new Promise((r) => setImmediate(r));
    expect(warnings).toHaveLength(3);
    expect(warnings[0]).toMatch(/allowWeakKeys/);
    expect(warnings[2]).toMatch(/minKeyBits dsa 512/);
  });
});

describe.skipIf(!sharedVectorsExist)(`the real DSA-512 ABAP logon ticket (WSP/200, from ${sharedVectorsDir})${sharedVectorsExist ? '' : ` (skipped: ${SKIP_MESSAGE})`}`, () => {
  it('is refused with ERR_TICKET_KEY_TOO_WEAK by EvaluateTicket and the ticket template without the option, and admitted with it', async () => {
    const expected = expectedReal().find((t) => t.file === 'kuleuven-wsp-logon-cookie.txt')!;
    const now = new Date(new Date(expected.validity_utc!.from).getTime() + 60_000);
    const keystore = await Keystore.generate({ sid: 'OWN', client: '001' });
    keystore.addTrusted(vectorFile('kuleuven-wsp-signer.crt.pem'), { sid: 'WSP', client: '200', allowWeakKey: true });
    const cookie = `MYSAPSSO2=${vectorText('kuleuven-wsp-logon-cookie.txt').trim()}`;

    expect((await request(ticketApp('logon', keystore, now)).get('/login').set('Cookie', cookie)).status).toBe(401);
    expect(lastReason()).toBe('ERR_TICKET_KEY_TOO_WEAK');
    const admitted = await request(ticketApp('logon', keystore, now, { allowWeakKeys: true })).get('/login').set('Cookie', cookie);
    expect(admitted.status).toBe(200);
    expect(admitted.body.user).toMatchObject({ authMethod: 'logon-ticket', issuer: { sid: 'WSP', client: '200' } });

    const users = new MemoryUserStore({ hashParams: TEST_HASH_PARAMS });
    const policies = createPolicies({
      dependencies: { keystore, users, guard: new SignOnGuard({ users, state }), state, passport: new Passport(), now },
      stackOptions: { session: false, onDecision: (r) => records.push(r) },
      templates: [{ name: 'wsp', modules: [{ module: 'EvaluateTicket', flag: 'REQUIRED', options: { allowWeakKeys: true } }] }],
    });
    const server = policyApp({ '/ticket': policies.protect('ticket'), '/wsp': policies.protect('wsp') });
    expect((await request(server).get('/ticket').set('Cookie', cookie)).status).toBe(401);
    expect(records.at(-1)!.calls.find((c) => c.module === 'ticket')?.error?.reason).toBe('ERR_TICKET_KEY_TOO_WEAK');
    expect((await request(server).get('/wsp').set('Cookie', cookie)).body.user).toMatchObject({ issuer: { sid: 'WSP' } });
  });
});
