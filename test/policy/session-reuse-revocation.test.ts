/**
 * Policies reuse an authenticated session (the stack does not run again for it), but not for a user revoked since:
 * the session's login ends at the next request and the stack decides again.
 */
import express from 'express';
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTicketStack, type TicketStack } from '../../src/config/create-ticket-stack.js';
import { Keystore } from '../../src/keystore/index.js';
import { MemoryStateStore } from '../../src/state/memory-state-store.js';
import { MemoryUserStore } from '../../src/users/memory-user-store.js';
import { TEST_HASH_PARAMS } from '../modules/helpers.js';

describe('session reuse under policies', () => {
  let sso: TicketStack;
  let users: MemoryUserStore;
  let app: express.Express;

  beforeAll(async () => {
    users = new MemoryUserStore({ hashParams: TEST_HASH_PARAMS });
    await users.createUser({ id: 'alice', password: 'correct horse' });
    sso = await createTicketStack({
      keystore: await Keystore.generate({ sid: 'J2E', client: '000' }),
      users,
      state: new MemoryStateStore(),
      session: { secret: 'a-long-random-session-secret-of-48-characters-xx' },
    });
    app = express();
    app.set('trust proxy', 'loopback'); // the Secure session cookie: TLS ends at a proxy
    app.use(express.urlencoded({ extended: false }));
    app.use(sso.router);
    app.post('/login', sso.protect('form'), (req, res) => void res.json({ user: req.user }));
    app.get('/orders', sso.protect('form'), (req, res) => void res.json({ user: (req.user as { id: string }).id }));
    app.get('/me', (req, res) => void res.json({ user: req.user ?? null }));
    app.use(sso.errorHandler);
  });
  afterAll(() => sso.close());

  it('serves the session without credentials, then ends it once the user is revoked', async () => {
    // The session cookie is Secure (`__Host-`): supertest's jar would not send it over plain HTTP, so keep it here.
    let cookie = '';
    const send = async (r: request.Test): Promise<request.Response> => {
      const res = await r.set('X-Forwarded-Proto', 'https').set('Cookie', cookie);
      const set = ([] as string[]).concat(res.headers['set-cookie'] ?? []).find((c) => c.startsWith('__Host-ticketstack.sid='));
      if (set !== undefined) cookie = set.split(';')[0]!;
      return res;
    };
    const agent = { get: (path: string) => send(request(app).get(path)) };
    const login = await send(request(app).post('/login').type('form').send({ j_username: 'alice', j_password: 'correct horse' }));
    expect(login.status).toBe(200);
    const before = sso.decisions.recent().length;

    const orders = await agent.get('/orders');
    expect(orders.status).toBe(200);
    expect(orders.body).toEqual({ user: 'alice' });
    expect(sso.decisions.recent().length).toBe(before); // the stack did not run: no new decision

    await users.revoke('alice');
    const refused = await agent.get('/orders');
    expect(refused.status).toBe(302); // the form template's failure redirect: the stack ran and refused
    expect(refused.headers.location).toBe('/login?error=1');
    expect((await agent.get('/me')).body.user).toBeNull();
  });
});
