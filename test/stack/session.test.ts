/** Sessions: req.login once on success (Passport 0.7 regenerates the session), keepSessionInfo, session: false. */
import express from 'express';
import session from 'express-session';
import request from 'supertest';
import { describe, expect, it } from 'vitest';
import { loginStack, type LoginStackOptions } from '../../src/index.js';
import { errorHandler, freshPassport, scriptedStrategy } from './helpers.js';

function sessionApp(options: LoginStackOptions, withSession = true) {
  const p = freshPassport();
  p.use('pw', scriptedStrategy('pw'));
  p.use('mark', scriptedStrategy('mark'));
  const app = express();
  if (withSession) {
    app.use(session({ secret: 'test-only-secret', resave: false, saveUninitialized: false, store: new session.MemoryStore() }));
    app.use(p.session());
  }
  app.get('/seed', (req, res) => {
    (req.session as unknown as Record<string, unknown>).returnTo = '/after-login';
    res.json({ sid: req.sessionID });
  });
  app.get(
    '/login',
    loginStack(
      [
        { name: 'pw', flag: 'REQUIRED', module: 'pw' },
        { name: 'mark', flag: 'OPTIONAL', module: 'mark' },
      ],
      { passport: p, ...options },
    ),
    (req, res) => {
      res.json({ user: req.user, sid: withSession ? req.sessionID : null, returnTo: withSession ? (req.session as unknown as Record<string, unknown>).returnTo ?? null : null });
    },
  );
  app.get('/me', (req, res) => res.json({ user: req.user ?? null }));
  app.use(errorHandler);
  return app;
}

const sidCookie = (res: request.Response): string | undefined =>
  ([] as string[]).concat(res.headers['set-cookie'] ?? []).find((c) => c.startsWith('connect.sid='))?.split(';')[0];

describe('sessions', () => {
  it('regenerates the session at login: the session id cookie changes, old data is dropped, the login persists', async () => {
    const agent = request.agent(sessionApp({}));
    const seeded = await agent.get('/seed');
    const before = sidCookie(seeded);
    expect(before).toBeDefined();
    const login = await agent.get('/login').set('x-pw', 'succeed:alice').set('x-mark', 'succeed:alice');
    expect(login.status).toBe(200);
    const after = sidCookie(login);
    expect(after).toBeDefined();
    expect(after).not.toBe(before);
    expect(login.body.sid).not.toBe(seeded.body.sid);
    expect(login.body.returnTo).toBeNull();
    const me = await agent.get('/me');
    expect(me.body.user).toEqual({ id: 'alice', via: 'pw' });
  });

  it('keepSessionInfo keeps the old session data across the regeneration', async () => {
    const agent = request.agent(sessionApp({ keepSessionInfo: true }));
    const seeded = await agent.get('/seed');
    const login = await agent.get('/login').set('x-pw', 'succeed:alice');
    expect(login.status).toBe(200);
    expect(sidCookie(login)).not.toBe(sidCookie(seeded));
    expect(login.body.returnTo).toBe('/after-login');
  });

  it('a failed stack does not log in: no new session, /me stays anonymous', async () => {
    const agent = request.agent(sessionApp({}));
    await agent.get('/seed');
    const login = await agent.get('/login').set('x-pw', 'fail').set('x-mark', 'succeed:mallory');
    expect(login.status).toBe(401);
    expect((await agent.get('/me')).body.user).toBeNull();
  });

  it('session: false works without express-session and sets req.user only', async () => {
    const res = await request(sessionApp({ session: false }, false)).get('/login').set('x-pw', 'succeed:bob');
    expect(res.status).toBe(200);
    expect(res.body.user).toEqual({ id: 'bob', via: 'pw' });
    expect(res.headers['set-cookie']).toBeUndefined();
  });

  it('session: true without express-session is a server error (next(err)), never a silent success', async () => {
    const res = await request(sessionApp({}, false)).get('/login').set('x-pw', 'succeed:bob');
    expect(res.status).toBe(500);
    expect(res.body.handled).toBe(true);
  });
});

describe('sessions and a failed commit phase', () => {
  it('a REQUIRED commit hook that throws undoes the session login: 401 and /me stays anonymous', async () => {
    const p = freshPassport();
    p.use('pw', scriptedStrategy('pw'));
    const app = express();
    app.use(session({ secret: 'test-only-secret', resave: false, saveUninitialized: false }));
    app.use(p.session());
    let userDuringCommit: unknown;
    app.get(
      '/login',
      loginStack([{ name: 'pw', flag: 'REQUIRED', module: 'pw', commit: (ctx) => { userDuringCommit = ctx.req.user; throw new Error('ticket store down'); } }], { passport: p }),
      (_req, res) => res.json({ reached: true }),
    );
    app.get('/me', (req, res) => res.json({ user: req.user ?? null }));
    app.use(errorHandler);
    const agent = request.agent(app);
    const login = await agent.get('/login').set('x-pw', 'succeed:alice');
    expect(login.status).toBe(401);
    expect(userDuringCommit).toEqual({ id: 'alice', via: 'pw' });
    expect((await agent.get('/me')).body.user).toBeNull();
  });
});
