/**
 * What a session remembers a policy's stack by: this system, the template's name and its modules. A template changed
 * since the login (modules, flags or options) runs again; a change of its description does not; another system
 * sharing the session store and secret does not honour the login.
 */
import express from 'express';
import session from 'express-session';
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTicketStack, type TicketStack } from '../../src/config/create-ticket-stack.js';
import { Keystore } from '../../src/keystore/index.js';
import { FORM_TEMPLATE } from '../../src/policy/index.js';
import { MemoryStateStore } from '../../src/state/memory-state-store.js';
import { MemoryUserStore } from '../../src/users/memory-user-store.js';
import { TEST_HASH_PARAMS } from '../modules/helpers.js';

const SECRET = 'a-long-random-session-secret-of-48-characters-xx';
const store = new session.MemoryStore(); // shared by both systems, as one Redis would be
let users: MemoryUserStore;
const stacks: TicketStack[] = [];

async function system(sid: string): Promise<{ sso: TicketStack; app: express.Express }> {
  const sso = await createTicketStack({
    keystore: await Keystore.generate({ sid, client: '000' }),
    users,
    state: new MemoryStateStore(),
    session: { secret: SECRET, store, cookie: { secure: false } },
  });
  stacks.push(sso);
  const app = express();
  app.use(express.urlencoded({ extended: false }));
  app.use(sso.router);
  app.post('/login', sso.protect('form'), (req, res) => void res.json({ user: (req.user as { id: string }).id }));
  app.get('/orders', sso.protect('form'), (req, res) => void res.json({ user: (req.user as { id: string }).id }));
  app.use(sso.errorHandler);
  return { sso, app };
}

async function signedIn(app: express.Express): Promise<ReturnType<typeof request.agent>> {
  const agent = request.agent(app);
  expect((await agent.post('/login').type('form').send({ j_username: 'alice', j_password: 'correct horse' })).status).toBe(200);
  expect((await agent.get('/orders')).status).toBe(200);
  return agent;
}

beforeAll(async () => {
  users = new MemoryUserStore({ hashParams: TEST_HASH_PARAMS });
  await users.createUser({ id: 'alice', password: 'correct horse' });
});
afterAll(async () => {
  for (const s of stacks) await s.close();
});

describe('the session key of a policy', () => {
  it('a change of the description keeps the login; a change of the modules asks again', async () => {
    const { sso, app } = await system('J2E');
    const agent = await signedIn(app);
    sso.policies.defineTemplate({ ...FORM_TEMPLATE, description: 'Sign in with your company account' });
    expect((await agent.get('/orders')).status).toBe(200);
    sso.policies.defineTemplate({
      ...FORM_TEMPLATE,
      modules: [{ module: 'BasicPassword', flag: 'REQUIRED', name: 'password', options: { usernameField: 'j_username', passwordField: 'j_password', maxCredentialLength: 64 } }],
    });
    const again = await agent.get('/orders');
    expect(again.status).toBe(302); // the changed template's stack ran, without credentials: back to the login page
    expect(again.headers.location).toBe('/login?error=1');
  });

  it('another system on the same session store and secret does not honour the login', async () => {
    const portal = await system('POR');
    const other = await system('OTH');
    const login = await request(portal.app).post('/login').type('form').send({ j_username: 'alice', j_password: 'correct horse' });
    const cookie = ([] as string[]).concat(login.headers['set-cookie'] ?? []).map((c) => c.split(';')[0]).join('; ');
    expect(cookie).toMatch(/^ticketstack\.sid=/);
    expect((await request(portal.app).get('/orders').set('Cookie', cookie)).status).toBe(200); // the login, on its system
    const res = await request(other.app).get('/orders').set('Cookie', cookie);
    expect(res.status).toBe(302);
  });
});
