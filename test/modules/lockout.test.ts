import { Passport } from 'passport';
import request from 'supertest';
import { afterAll, describe, expect, it } from 'vitest';
import { createBasicPasswordStrategy } from '../../src/modules/basic-password-module.js';
import { loginStack } from '../../src/stack/passport-adapter.js';
import type { DecisionRecord } from '../../src/stack/decision-record.js';
import { MemoryStateStore } from '../../src/state/memory-state-store.js';
import { MemoryUserStore } from '../../src/users/memory-user-store.js';
import { SignOnGuard } from '../../src/users/sign-on-guard.js';
import { app, basicAuth, TEST_HASH_PARAMS } from './helpers.js';

// passticket.md §2.4: REVOKE(n) for the password module.
const state = new MemoryStateStore();
afterAll(() => state.close());

describe('BasicPassword with a SignOnGuard', () => {
  it('revokes after n wrong passwords, refuses the right one, and guard.restore restores', async () => {
    const users = new MemoryUserStore({ hashParams: TEST_HASH_PARAMS });
    await users.createUser({ id: 'alice', password: 'correct horse' });
    const guard = new SignOnGuard({ users, state, maxFailures: 3 });
    const events: { reason: string; code: string; revoked?: boolean }[] = [];
    const strategy = createBasicPasswordStrategy({ users, guard, onRefusal: ({ reason, code, revoked }) => events.push({ reason, code, ...(revoked ? { revoked } : {}) }) });
    const records: DecisionRecord[] = [];
    const s = app(loginStack([{ name: 'password', flag: 'REQUIRED', module: strategy }], { session: false, passport: new Passport(), onDecision: (r) => records.push(r) }));
    const reason = () => records.at(-1)?.calls[0]?.error?.reason;
    const login = (password: string) => request(s).get('/login').set('Accept', 'application/json').set('Authorization', basicAuth('alice', password));

    for (let i = 0; i < 3; i++) expect((await login('wrong')).status).toBe(401);
    expect(events.at(-1)).toEqual({ reason: 'wrong-password', code: 'ERR_PASSWORD_REFUSED', revoked: true });
    expect(reason()).toBe('ERR_PASSWORD_REFUSED');
    expect((await users.findUser('alice'))?.revoked).toBe(true);

    const revoked = await login('correct horse');
    expect(revoked.status).toBe(401);
    expect(events.at(-1)).toEqual({ reason: 'revoked', code: 'ERR_USER_REVOKED' });
    expect(reason()).toBe('ERR_USER_REVOKED'); // the decision record tells a revoked user apart...
    expect(JSON.stringify(revoked.body)).not.toContain('REVOKED'); // ...the client sees the generic refusal only

    await guard.restore('alice');
    const ok = await login('correct horse');
    expect(ok.status).toBe(200);
    expect(ok.body.user).toMatchObject({ id: 'alice', authMethod: 'password' });
  });

  it('resets the count on success and reads form POST fields', async () => {
    const users = new MemoryUserStore({ hashParams: TEST_HASH_PARAMS });
    await users.createUser({ id: 'bob', password: 'pw' });
    const guard = new SignOnGuard({ users, state, maxFailures: 3 });
    const strategy = createBasicPasswordStrategy({ users, guard, usernameField: 'j_username', passwordField: 'j_password' });
    const express = (await import('express')).default;
    const a = express();
    a.post('/login', express.urlencoded({ extended: false }), loginStack([{ name: 'pw', flag: 'REQUIRED', module: strategy }], { session: false, passport: new Passport() }), (req, res) => void res.json({ user: req.user }));
    const post = (p: string) => request(a).post('/login').type('form').send({ j_username: 'bob', j_password: p });
    expect((await post('x')).status).toBe(401);
    expect((await post('x')).status).toBe(401);
    expect((await post('pw')).status).toBe(200);
    expect(await guard.failures('bob')).toBe(0);
  });

  it('rejects unknown options by name', () => {
    const users = new MemoryUserStore({ hashParams: TEST_HASH_PARAMS });
    expect(() => createBasicPasswordStrategy({ users, pasword: 'x' } as never)).toThrow(/unknown option "pasword"/);
  });
});
