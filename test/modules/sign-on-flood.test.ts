/**
 * A flood of failed PassTicket sign-ons under made-up user IDs (cheap for a client: no password hash on the way)
 * against an app on the embedded state store. Each failure is counted per user ID (unknown IDs too, so that answers
 * do not tell which IDs exist), so the flood fills the store. The genuine user must still sign on afterwards, with
 * replay protection intact: no 503 for everyone (issue 8, item 4).
 */
import express from 'express';
import { Passport } from 'passport';
import request from 'supertest';
import { afterAll, describe, expect, it } from 'vitest';
import { createPassTicketStrategy } from '../../src/modules/passticket-module.js';
import { PassTicketGenerator } from '../../src/passticket/generator.js';
import { PassTicketVerifier } from '../../src/passticket/verifier.js';
import { loginStack } from '../../src/stack/passport-adapter.js';
import { MemoryStateStore } from '../../src/state/memory-state-store.js';
import { MemoryUserStore } from '../../src/users/memory-user-store.js';
import { SignOnGuard } from '../../src/users/sign-on-guard.js';
import { frozenClock, profiles } from '../passticket/helpers.js';
import { basicAuth, TEST_HASH_PARAMS } from './helpers.js';

const state = new MemoryStateStore({ maxEntries: 300 });
afterAll(() => state.close());

describe('a flood of failed sign-ons under made-up user IDs', () => {
  it('fills the embedded state store, yet the genuine user still signs on once (no 503), and a replay is refused', async () => {
    const users = new MemoryUserStore({ hashParams: TEST_HASH_PARAMS });
    await users.createUser({ id: 'ALICE', password: 'not used' });
    const p = profiles();
    const verifier = new PassTicketVerifier({ profiles: p, state, guard: new SignOnGuard({ users, state }), clock: frozenClock() });
    const app = express();
    app.get('/login', loginStack([{ name: 'passticket', flag: 'REQUIRED', module: createPassTicketStrategy({ application: 'CICSAPP1', verifier }) }], { session: false, passport: new Passport() }), (req, res) => void res.json({ user: req.user }));
    app.use(((err, _req, res, _next) => void res.status((err as { status?: number }).status ?? 500).json({ code: (err as { code?: string }).code })) as express.ErrorRequestHandler);

    const statuses = new Map<number, number>();
    for (let i = 0; i < 600; i++) {
      const res = await request(app).get('/login').set('Authorization', basicAuth(`U${i.toString(36).toUpperCase()}`, 'WRONGPT1'));
      statuses.set(res.status, (statuses.get(res.status) ?? 0) + 1);
    }
    expect(Object.fromEntries(statuses)).toEqual({ 401: 600 });
    expect(state.size).toBe(300); // full of counters

    const ticket = (await new PassTicketGenerator({ profiles: p, state: new MemoryStateStore(), clock: frozenClock() }).generate({ user: 'ALICE', application: 'CICSAPP1' })).ticket;
    const first = await request(app).get('/login').set('Authorization', basicAuth('ALICE', ticket));
    expect(first.status).toBe(200);
    expect(first.body.user).toMatchObject({ id: 'ALICE', authMethod: 'passticket' });
    const replay = await request(app).get('/login').set('Authorization', basicAuth('ALICE', ticket));
    expect(replay.status).toBe(401); // its one-time marker was kept through the flood
  });
});
