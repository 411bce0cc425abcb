/**
 * A stack that authenticated a session is not run again for that session (a JAAS security session), another stack
 * re-authenticates the same user without a new session id, a different user gets a new session, and a reuse check
 * can end the session's login (a user revoked since).
 */
import express from 'express';
import session from 'express-session';
import request from 'supertest';
import { describe, expect, it } from 'vitest';
import { loginStack, type LoginStackOptions } from '../../src/index.js';
import { errorHandler, freshPassport, scriptedStrategy } from './helpers.js';

function sessionApp(options: Partial<LoginStackOptions> = {}, named = true) {
  const calls: string[] = [];
  const decisions: string[] = [];
  const p = freshPassport();
  p.use('a', scriptedStrategy('a', calls));
  p.use('b', scriptedStrategy('b', calls));
  const app = express();
  app.use(session({ secret: 'test-only-secret', resave: false, saveUninitialized: false, store: new session.MemoryStore() }));
  app.use(p.session());
  const stack = (name: string) =>
    loginStack([{ name, flag: 'REQUIRED', module: name }], {
      passport: p,
      ...(named ? { name: `stack-${name}` } : {}),
      onDecision: (r) => decisions.push(`${r.stack ?? 'unnamed'}:${r.outcome}`),
      ...options,
    });
  const answer = (req: express.Request, res: express.Response) => void res.json({ user: req.user ?? null, sid: req.sessionID });
  app.get('/a', stack('a'), answer);
  app.get('/b', stack('b'), answer);
  app.get('/me', answer);
  app.use(errorHandler);
  return { app, calls, decisions };
}

describe('session reuse', () => {
  it('the stack that logged the session in is not run again for it: same user, same session id, no new decision', async () => {
    const { app, calls, decisions } = sessionApp();
    const agent = request.agent(app);
    const login = await agent.get('/a').set('x-a', 'succeed:alice');
    expect(login.status).toBe(200);
    // Later requests carry no credentials at all: the session is the proof.
    const again = await agent.get('/a');
    expect(again.status).toBe(200);
    expect(again.body).toEqual({ user: { id: 'alice', via: 'a' }, sid: login.body.sid });
    expect(calls).toEqual(['login:a']);
    expect(decisions).toEqual(['stack-a:success']);
  });

  it('reuseSession: false runs the stack on every request (step-up routes)', async () => {
    const { app, calls } = sessionApp({ reuseSession: false });
    const agent = request.agent(app);
    await agent.get('/a').set('x-a', 'succeed:alice');
    const again = await agent.get('/a');
    expect(again.status).toBe(401);
    expect(calls).toEqual(['login:a', 'login:a']);
  });

  it('another stack runs for the same session; the same user keeps the session id and both stacks are then remembered', async () => {
    const { app, calls } = sessionApp();
    const agent = request.agent(app);
    const viaA = await agent.get('/a').set('x-a', 'succeed:alice');
    expect((await agent.get('/b')).status).toBe(401); // b has its own requirement: a session from a does not satisfy it
    const viaB = await agent.get('/b').set('x-b', 'succeed:alice');
    expect(viaB.status).toBe(200);
    expect(viaB.body.sid).toBe(viaA.body.sid); // no regeneration: no privilege changed hands
    expect((await agent.get('/a')).status).toBe(200);
    expect((await agent.get('/b')).status).toBe(200);
    expect(calls).toEqual(['login:a', 'login:b', 'login:b']);
  });

  it('a different user through another stack gets a new session, and the first stack must run again', async () => {
    const { app, calls } = sessionApp();
    const agent = request.agent(app);
    const viaA = await agent.get('/a').set('x-a', 'succeed:alice');
    const viaB = await agent.get('/b').set('x-b', 'succeed:bob');
    expect(viaB.body.user).toEqual({ id: 'bob', via: 'b' });
    expect(viaB.body.sid).not.toBe(viaA.body.sid);
    expect((await agent.get('/me')).body.user).toEqual({ id: 'bob', via: 'b' });
    expect((await agent.get('/a')).status).toBe(401); // bob's session was not authenticated by stack a
    expect(calls).toEqual(['login:a', 'login:b', 'login:a']);
  });

  it('a reuse check that refuses ends the session login, and the stack decides', async () => {
    let revoked = false;
    const { app, calls } = sessionApp({ reuseSession: (user) => !(revoked && (user as { id: string }).id === 'alice') });
    const agent = request.agent(app);
    await agent.get('/a').set('x-a', 'succeed:alice');
    expect((await agent.get('/a')).status).toBe(200);
    revoked = true;
    expect((await agent.get('/a')).status).toBe(401);
    expect((await agent.get('/me')).body.user).toBeNull();
    expect(calls).toEqual(['login:a', 'login:a']);
  });

  it('a reuse check that throws (its store is down) fails closed: the error goes to next(), nothing is served', async () => {
    const { app } = sessionApp({
      reuseSession: () => {
        throw Object.assign(new Error('store down'), { code: 'ERR_USER_STORE_UNAVAILABLE' });
      },
    });
    const agent = request.agent(app);
    await agent.get('/a').set('x-a', 'succeed:alice');
    const res = await agent.get('/a');
    expect(res.status).toBe(500);
    expect(res.body).toEqual({ handled: true, name: 'Error', code: 'ERR_USER_STORE_UNAVAILABLE' });
  });

  it('an unnamed stack is run on every request: two of the same shape must never pass for each other', async () => {
    const { app, calls } = sessionApp({}, false);
    const agent = request.agent(app);
    await agent.get('/a').set('x-a', 'succeed:alice');
    expect((await agent.get('/a')).status).toBe(401);
    expect(calls).toEqual(['login:a', 'login:a']);
  });

  it('sessionKey, not the name, is what the session remembers', async () => {
    const { app, calls } = sessionApp({ name: 'same-name', sessionKey: 'key-1' });
    const agent = request.agent(app);
    await agent.get('/a').set('x-a', 'succeed:alice');
    expect((await agent.get('/b')).status).toBe(200); // same key: b is taken as already done
    expect(calls).toEqual(['login:a']);
  });

  it('rejects a reuseSession that is neither a boolean nor a function', () => {
    expect(() => loginStack([{ name: 'a', flag: 'REQUIRED', module: scriptedStrategy('a') }], { reuseSession: 'yes' as never })).toThrow(
      new TypeError('loginStack: option "reuseSession" must be a boolean or a function'),
    );
  });
});
