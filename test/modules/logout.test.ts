/** Logout (issue 4, item 3): the session ends and MYSAPSSO2 is overwritten empty and expired, as SAP does. */
import express from 'express';
import session from 'express-session';
import request from 'supertest';
import { beforeAll, describe, expect, it } from 'vitest';
import { Keystore } from '../../src/keystore/keystore.js';
import { createBasicPasswordStrategy } from '../../src/modules/basic-password-module.js';
import { createCreateTicketStrategy } from '../../src/modules/create-ticket-module.js';
import { logoutHandler } from '../../src/modules/logout.js';
import { loginStack } from '../../src/stack/passport-adapter.js';
import { MemoryUserStore } from '../../src/users/memory-user-store.js';
import { freshPassport } from '../stack/helpers.js';
import { basicAuth, NOW, TEST_HASH_PARAMS } from './helpers.js';

let server: express.Express;

beforeAll(async () => {
  const keystore = await Keystore.generate({ sid: 'POR', client: '000', now: NOW });
  const users = new MemoryUserStore({ hashParams: TEST_HASH_PARAMS });
  await users.createUser({ id: 'alice', password: 'correct horse' });
  const p = freshPassport();
  const create = createCreateTicketStrategy({ keystore, now: NOW, domain: 'example.test' });
  server = express();
  server.use(session({ secret: 'test-only-secret', resave: false, saveUninitialized: false, store: new session.MemoryStore() }));
  server.use(p.session());
  server.get(
    '/login',
    loginStack(
      [
        { name: 'password', flag: 'REQUISITE', module: createBasicPasswordStrategy({ users }) },
        { name: 'createTicket', flag: 'OPTIONAL', module: create, commit: create.commit },
      ],
      { passport: p },
    ),
    (req, res) => void res.json({ user: req.user }),
  );
  server.get('/me', (req, res) => void res.json({ user: req.user ?? null }));
  server.post('/logout', logoutHandler({ domain: 'example.test', redirectTo: '/' }));
}, 60_000);

const cookies = (res: request.Response): string[] => ([] as string[]).concat(res.headers['set-cookie'] ?? []);

describe('logout', () => {
  it('ends the session and overwrites MYSAPSSO2 with an empty, expired cookie on the same domain and path', async () => {
    const login = await request(server).get('/login').set('Authorization', basicAuth('alice', 'correct horse'));
    expect(login.status).toBe(200);
    const sid = cookies(login).find((c) => c.startsWith('connect.sid='))!.split(';')[0]!;
    expect((await request(server).get('/me').set('Cookie', sid)).body.user).toMatchObject({ id: 'alice' });

    const out = await request(server).post('/logout').set('Cookie', sid);
    expect(out.status).toBe(303);
    expect(out.headers.location).toBe('/');
    const cleared = cookies(out).find((c) => c.startsWith('MYSAPSSO2='))!;
    expect(cleared).toMatch(/^MYSAPSSO2=;/);
    expect(cleared).toMatch(/Expires=Thu, 01 Jan 1970 00:00:00 GMT/);
    expect(cleared).toMatch(/Domain=example\.test/);
    expect(cleared).toMatch(/Path=\//);
    expect(cleared).toMatch(/HttpOnly/);

    // The old session id no longer names a logged-in user.
    expect((await request(server).get('/me').set('Cookie', sid)).body.user).toBeNull();
  });

  it('refuses an open redirect and unknown options at construction', () => {
    expect(() => logoutHandler({ redirectTo: 'https://evil.example/' })).toThrow(TypeError);
    expect(() => logoutHandler({ redirectTo: '//evil.example/' })).toThrow(/redirectTo/);
    expect(() => logoutHandler({ domian: 'x' } as never)).toThrow(/unknown option "domian"/);
  });
});
