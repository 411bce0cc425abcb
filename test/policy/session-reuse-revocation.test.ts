/**
 * Policies reuse an authenticated session (the stack does not run again for it), but not for a user revoked since:
 * the session's login ends at the next request and the stack decides again. When the user store cannot answer
 * whether the user is revoked, the session is not served (fail closed). `stackOptions.reuseSession` of
 * `createTicketStack` narrows the reuse further (`false`: every request runs its stack), never past the revocation.
 */
import express from 'express';
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTicketStack, type TicketStack } from '../../src/config/create-ticket-stack.js';
import type { TicketStackConfig } from '../../src/config/options.js';
import { Keystore } from '../../src/keystore/index.js';
import { MemoryStateStore } from '../../src/state/memory-state-store.js';
import { MemoryUserStore } from '../../src/users/memory-user-store.js';
import { TEST_HASH_PARAMS } from '../modules/helpers.js';

/** A store whose `findUser` can be made to fail, as a store with a bug or without its driver does. */
class FailingUserStore extends MemoryUserStore {
  failure: Error | undefined;
  override async findUser(id: string) {
    if (this.failure) throw this.failure;
    return super.findUser(id);
  }
}

interface Portal {
  sso: TicketStack;
  users: FailingUserStore;
  /** A browser signed in as alice. The session cookie is Secure (`__Host-`): supertest's jar would not send it over plain HTTP. */
  signedIn(): Promise<{ get(path: string): Promise<request.Response> }>;
}

/** alice, and the `form` template on POST /login and GET /orders. */
async function portal(stackOptions?: TicketStackConfig['stackOptions']): Promise<Portal> {
  const users = new FailingUserStore({ hashParams: TEST_HASH_PARAMS });
  await users.createUser({ id: 'alice', password: 'correct horse' });
  const sso = await createTicketStack({
    keystore: await Keystore.generate({ sid: 'J2E', client: '000' }),
    users,
    state: new MemoryStateStore(),
    session: { secret: 'a-long-random-session-secret-of-48-characters-xx' },
    ...(stackOptions === undefined ? {} : { stackOptions }),
  });
  const app = express();
  app.set('trust proxy', 'loopback'); // the Secure session cookie: TLS ends at a proxy
  app.use(express.urlencoded({ extended: false }));
  app.use(sso.router);
  app.post('/login', sso.protect('form'), (req, res) => void res.json({ user: req.user }));
  app.get('/orders', sso.protect('form'), (req, res) => void res.json({ user: (req.user as { id: string }).id }));
  app.get('/me', (req, res) => void res.json({ user: req.user ?? null }));
  app.use(sso.errorHandler);
  const signedIn = async () => {
    let cookie = '';
    const send = async (r: request.Test): Promise<request.Response> => {
      const res = await r.set('X-Forwarded-Proto', 'https').set('Cookie', cookie);
      const set = ([] as string[]).concat(res.headers['set-cookie'] ?? []).find((c) => c.startsWith('__Host-ticketstack.sid='));
      if (set !== undefined) cookie = set.split(';')[0]!;
      return res;
    };
    const login = await send(request(app).post('/login').type('form').send({ j_username: 'alice', j_password: 'correct horse' }));
    expect(login.status).toBe(200);
    return { get: (path: string) => send(request(app).get(path)) };
  };
  return { sso, users, signedIn };
}

describe('session reuse under policies', () => {
  let p: Portal;
  beforeAll(async () => {
    p = await portal();
  });
  afterAll(() => p.sso.close());

  it('serves the session without credentials, then ends it once the user is revoked', async () => {
    const agent = await p.signedIn();
    const before = p.sso.decisions.recent().length;

    const orders = await agent.get('/orders');
    expect(orders.status).toBe(200);
    expect(orders.body).toEqual({ user: 'alice' });
    expect(p.sso.decisions.recent().length).toBe(before); // the stack did not run: no new decision

    await p.users.revoke('alice');
    const refused = await agent.get('/orders');
    expect(refused.status).toBe(302); // the form template's failure redirect: the stack ran and refused
    expect(refused.headers.location).toBe('/login?error=1');
    expect((await agent.get('/me')).body.user).toBeNull();
  });

  it('does not serve the session when the store fails to look the user up, even with a TypeError', async () => {
    await p.users.restore('alice');
    const agent = await p.signedIn();
    expect((await agent.get('/orders')).status).toBe(200);
    // e.g. PostgresUserStore without its optional "pg" driver, or a store's own bug: not "a user ID it cannot hold".
    p.users.failure = new TypeError('PostgresUserStore: the optional peer dependency "pg" is not installed (npm install pg)');
    try {
      const res = await agent.get('/orders');
      expect(res.status).toBe(500);
      expect(res.body).not.toEqual({ user: 'alice' });
    } finally {
      p.users.failure = undefined;
    }
  });
});

describe("createTicketStack's stackOptions.reuseSession", () => {
  it('false: every request runs its stack (a session is no shortcut)', async () => {
    const p = await portal({ reuseSession: false });
    try {
      const agent = await p.signedIn();
      const refused = await agent.get('/orders'); // no credentials on this request
      expect(refused.status).toBe(302);
      expect(refused.headers.location).toBe('/login?error=1');
    } finally {
      await p.sso.close();
    }
  });

  it('a function decides per request, and a user revoked since is still refused whatever it says', async () => {
    const asked: string[] = [];
    const p = await portal({ reuseSession: (user) => (asked.push((user as { id: string }).id), true) });
    try {
      const agent = await p.signedIn();
      expect((await agent.get('/orders')).body).toEqual({ user: 'alice' });
      expect(asked).toEqual(['alice']);
      await p.users.revoke('alice');
      expect((await agent.get('/orders')).status).toBe(302);
    } finally {
      await p.sso.close();
    }
  });
});
