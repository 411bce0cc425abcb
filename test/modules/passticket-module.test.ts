import express from 'express';
import { Passport } from 'passport';
import request from 'supertest';
import { describe, expect, it } from 'vitest';
import { createPassTicketStrategy } from '../../src/modules/passticket-module.js';
import { PassTicketGenerator } from '../../src/passticket/generator.js';
import { PassTicketVerifier } from '../../src/passticket/verifier.js';
import { loginStack } from '../../src/stack/passport-adapter.js';
import type { UserRecord, UserStore } from '../../src/users/user-store.js';
import { frozenClock, profiles, TestGuard, TestStateStore } from '../passticket/helpers.js';

/** Only findUser is used by the verifier. */
function users(records: UserRecord[]): UserStore {
  const find = async (id: string) => records.find((r) => r.id.toUpperCase() === id.toUpperCase()) ?? null;
  const no = async () => {
    throw new Error('not used');
  };
  return { findUser: find, verifyPassword: no, createUser: no, changePassword: no, revoke: no, restore: no, listUsers: async () => records, close: async () => {} };
}

function setup(options: { withUsers?: boolean } = {}) {
  const p = profiles();
  const state = new TestStateStore();
  const guard = new TestGuard(3);
  const verifier = new PassTicketVerifier({
    profiles: p,
    state,
    guard,
    clock: frozenClock(),
    ...(options.withUsers ? { users: users([{ id: 'Alice', groups: ['PAYROLL'], revoked: false }]) } : {}),
  });
  const generator = new PassTicketGenerator({ profiles: p, state: new TestStateStore(), clock: frozenClock() });
  const refusals: string[] = [];
  const strategy = createPassTicketStrategy({ application: 'CICSAPP1', verifier, onRefusal: (e) => refusals.push(e.reason) });
  return { strategy, generator, guard, refusals };
}

/** Runs the strategy once and reports the action it called. */
function runStrategy(strategy: object, req: object): Promise<{ action: string; user?: unknown; info?: unknown }> {
  return new Promise((resolve) => {
    const s = Object.assign(Object.create(strategy), {
      success: (user: unknown, info: unknown) => resolve({ action: 'success', user, info }),
      fail: (info: unknown) => resolve({ action: 'fail', info }),
      error: (err: unknown) => resolve({ action: 'error', info: err }),
      pass: () => resolve({ action: 'pass' }),
    });
    s.authenticate(req, {});
  });
}
const basic = (user: string, pass: string) => ({ headers: { authorization: `Basic ${Buffer.from(`${user}:${pass}`).toString('base64')}` } });

describe('PassTicket login module', () => {
  it('accepts a PassTicket as the password over HTTP Basic and as a form POST', async () => {
    const { strategy, generator } = setup();
    const t1 = await generator.generate({ user: 'alice', application: 'CICSAPP1' });
    expect(await runStrategy(strategy, basic('alice', t1.ticket))).toEqual({
      action: 'success',
      user: { id: 'ALICE', authMethod: 'passticket', application: 'CICSAPP1' },
      info: undefined,
    });
    const t2 = await generator.generate({ user: 'alice', application: 'CICSAPP1' });
    expect((await runStrategy(strategy, { headers: {}, body: { username: 'alice', password: t2.ticket } })).action).toBe('success');
  });

  it('refusals carry one stable code and never reveal whether the user exists or is revoked', async () => {
    const { strategy, generator, guard, refusals } = setup({ withUsers: true });
    const refused = { action: 'fail', info: { code: 'ERR_PASSTICKET_REFUSED', message: 'Invalid user ID or PassTicket' } };
    expect(await runStrategy(strategy, basic('alice', 'AAAAAAAA'))).toEqual(refused);
    const ghost = await generator.generate({ user: 'ghost', application: 'CICSAPP1' });
    expect(await runStrategy(strategy, basic('ghost', ghost.ticket))).toEqual(refused);
    guard.revoked.add('ALICE');
    const valid = await generator.generate({ user: 'alice', application: 'CICSAPP1' });
    expect(await runStrategy(strategy, basic('alice', valid.ticket))).toEqual(refused);
    expect(refusals).toEqual(['invalid', 'unknown-user', 'revoked']);
    expect(await runStrategy(strategy, { headers: {} })).toEqual({
      action: 'fail',
      info: { code: 'ERR_PASSTICKET_MISSING_CREDENTIALS', message: 'A user ID and PassTicket are required' },
    });
    await guard.restore('ALICE');
    const ok = await runStrategy(strategy, basic('alice', valid.ticket));
    expect(ok.user).toMatchObject({ id: 'Alice', groups: ['PAYROLL'] }); // the user store's spelling and groups
  });

  it('three wrong tickets revoke the user (as wrong passwords do); then a valid one fails', async () => {
    const { strategy, generator, guard } = setup();
    for (const t of ['AAAAAAAA', 'BBBBBBBB', 'CCCCCCCC']) await runStrategy(strategy, basic('bob', t));
    expect(guard.revoked.has('BOB')).toBe(true);
    const t = await generator.generate({ user: 'bob', application: 'CICSAPP1' });
    expect((await runStrategy(strategy, basic('bob', t.ticket))).action).toBe('fail');
  });

  it('an unavailable dependency is an error, not a refusal', async () => {
    const p = profiles();
    const state = new TestStateStore();
    state.claimOnce = async () => {
      throw new Error('state store down');
    };
    const verifier = new PassTicketVerifier({ profiles: p, state, clock: frozenClock() });
    const gen = new PassTicketGenerator({ profiles: p, state: new TestStateStore(), clock: frozenClock() });
    const t = await gen.generate({ user: 'alice', application: 'CICSAPP1' });
    const r = await runStrategy(createPassTicketStrategy({ application: 'CICSAPP1', verifier }), basic('alice', t.ticket));
    expect(r.action).toBe('error');
  });

  it('configuration mistakes are TypeErrors naming the option', () => {
    const verifier = new PassTicketVerifier({ profiles: profiles(), state: new TestStateStore() });
    expect(() => createPassTicketStrategy({ application: 'NOPE', verifier })).toThrow(/'application'/);
    expect(() => createPassTicketStrategy({ application: 'CICSAPP1', verifier: {} as never })).toThrow(/'verifier'/);
    expect(() => createPassTicketStrategy({ application: 'CICSAPP1', verifier, realm: 'x' } as never)).toThrow(/unknown option "realm"/);
  });

  it('stacks with other modules: SUFFICIENT PassTicket, else a REQUIRED fallback', async () => {
    const { strategy, generator } = setup();
    const passport = new Passport();
    const fallback = {
      name: 'header',
      authenticate(this: { success(u: unknown): void; fail(): void }, req: express.Request) {
        if (req.headers['x-trusted'] === 'yes') this.success({ id: 'TRUSTED' });
        else this.fail();
      },
    };
    const app = express();
    app.use(express.urlencoded({ extended: false }));
    app.post(
      '/login',
      loginStack(
        [
          { name: 'passticket', flag: 'SUFFICIENT', module: strategy },
          { name: 'header', flag: 'REQUIRED', module: fallback },
        ],
        { passport, session: false },
      ),
      (req, res) => {
        res.json(req.user);
      },
    );
    const t = await generator.generate({ user: 'alice', application: 'CICSAPP1' });
    const form = await request(app).post('/login').type('form').send({ username: 'alice', password: t.ticket });
    expect(form.status).toBe(200);
    expect(form.body).toMatchObject({ id: 'ALICE', authMethod: 'passticket' });
    const replayed = await request(app).post('/login').type('form').send({ username: 'alice', password: t.ticket });
    expect(replayed.status).toBe(401);
    const viaFallback = await request(app).post('/login').set('x-trusted', 'yes');
    expect(viaFallback.body).toEqual({ id: 'TRUSTED' });
  });
});
