/**
 * express-session's "store disconnected" path (ecosystem-notes.md §3.2): when its store emits `disconnect`,
 * express-session passes requests through without `req.session`. Through `createTicketStack`'s router and error
 * handler that is a 503 `ERR_STATE_UNAVAILABLE`, never "logged out" and never Passport's 500 ("Login sessions
 * require session support"); requests without a session cookie still reach public routes, and the sessions are
 * back when the store reconnects. (connect-redis 9 never emits `disconnect`; other stores do.)
 */
import express from 'express';
import session from 'express-session';
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTicketStack, type TicketStack } from '../../src/config/create-ticket-stack.js';
import type { TicketStackEvent } from '../../src/config/events.js';
import { Keystore } from '../../src/keystore/index.js';
import { MemoryStateStore } from '../../src/state/memory-state-store.js';
import { MemoryUserStore } from '../../src/users/memory-user-store.js';
import { TEST_HASH_PARAMS } from '../modules/helpers.js';

const HTTPS = 'X-Forwarded-Proto';
const store = new session.MemoryStore();
const events: TicketStackEvent[] = [];
let sso: TicketStack;
let app: express.Express;

beforeAll(async () => {
  const users = new MemoryUserStore({ hashParams: TEST_HASH_PARAMS });
  await users.createUser({ id: 'alice', password: 'correct horse' });
  sso = await createTicketStack({
    keystore: await Keystore.generate({ sid: 'J2E', client: '000' }),
    redisUrl: false,
    databaseUrl: false,
    state: new MemoryStateStore(),
    users,
    session: { secret: 'a-long-random-session-secret-of-48-characters-xx', store },
    onEvent: (e) => events.push(e),
  });
  app = express();
  app.set('trust proxy', 'loopback');
  app.use(express.urlencoded({ extended: false }));
  app.use(sso.router);
  app.post('/login', sso.protect('form'), (req, res) => void res.json({ user: req.user }));
  app.get('/me', (req, res) => void res.json({ user: req.user ?? null }));
  app.get('/public', (_req, res) => void res.send('ok'));
  app.use(sso.errorHandler);
});
afterAll(() => sso.close());

describe('the session store is disconnected', () => {
  it('a request with a session cookie gets 503, not "logged out"; one without reaches public routes; a login attempt gets 503, not 500', async () => {
    const login = await request(app).post('/login').set(HTTPS, 'https').type('form').send({ j_username: 'alice', j_password: 'correct horse' });
    expect(login.status).toBe(200);
    const cookie = String(login.headers['set-cookie']).split(';')[0]!;
    expect(sso.services.sessions).toBe('custom');

    store.emit('disconnect');
    try {
      const me = await request(app).get('/me').set(HTTPS, 'https').set('Cookie', cookie).set('Accept', 'application/json');
      expect(me.status).toBe(503);
      expect(me.body).toEqual({ error: 'service_unavailable', code: 'ERR_STATE_UNAVAILABLE' });
      expect((await request(app).get('/public').set(HTTPS, 'https')).text).toBe('ok');
      const attempt = await request(app).post('/login').set(HTTPS, 'https').set('Accept', 'application/json').type('form').send({ j_username: 'alice', j_password: 'correct horse' });
      expect(attempt.status).toBe(503);
      expect(attempt.body).toEqual({ error: 'service_unavailable', code: 'ERR_STATE_UNAVAILABLE' });
      expect(events.filter((e) => e.type === 'http.error').map((e) => e.type === 'http.error' && `${e.route} ${e.status} ${e.code}`)).toEqual([
        'GET /me 503 ERR_STATE_UNAVAILABLE',
        'POST /login 503 ERR_STATE_UNAVAILABLE',
      ]);
    } finally {
      store.emit('connect');
    }
    expect((await request(app).get('/me').set(HTTPS, 'https').set('Cookie', cookie)).body.user).toMatchObject({ id: 'alice' });
  });
});
