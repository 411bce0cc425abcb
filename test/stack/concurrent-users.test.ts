/**
 * 200 concurrent requests, each with a different user, through one stack: every response names its own user.
 * A control run through passport.authenticate with a shared strategy instance shows that the check detects
 * the upstream race (PR #789), so the loginStack result is meaningful.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Express } from 'express';
import request from 'supertest';
import { afterEach, describe, expect, it } from 'vitest';
import { loginStack } from '../../src/index.js';
import { appWith, freshPassport, scriptedStrategy } from './helpers.js';

const servers: Server[] = [];
afterEach(() =>
  Promise.all(
    servers.splice(0).map((s) => {
      s.closeAllConnections();
      return new Promise((r) => s.close(r));
    }),
  ),
);

async function listen(app: Express): Promise<string> {
  const server = createServer(app);
  servers.push(server);
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

/** Fires `n` requests at once; user i sends `x-<header>: succeed:user-i`. Returns how many got someone else's user. */
async function hammer(base: string, header: string, n = 200, timeoutMs = 10_000): Promise<{ wrong: string[]; statuses: number[] }> {
  const responses = await Promise.all(
    Array.from({ length: n }, (_, i) =>
      request(base)
        .get('/private')
        .set(`x-${header}`, `succeed:user-${i}`)
        .timeout(timeoutMs) // a request that never answers counts as wrong
        .then(
          (res) => ({ i, res }),
          () => ({ i, res: { status: 0, body: undefined } as { status: number; body?: { user?: { id?: string } } } }),
        ),
    ),
  );
  const wrong = responses.filter(({ i, res }) => res.body?.user?.id !== `user-${i}`).map(({ i, res }) => `user-${i} got ${JSON.stringify(res.body?.user?.id)}`);
  return { wrong, statuses: responses.map(({ res }) => res.status) };
}

describe('concurrent users through one stack', () => {
  it('registered strategy names: 200 concurrent requests each get their own user', async () => {
    const p = freshPassport();
    p.use('ticket', scriptedStrategy('ticket'));
    p.use('pw', scriptedStrategy('pw'));
    const guard = loginStack(
      [
        { name: 'ticket', flag: 'SUFFICIENT', module: 'ticket' },
        { name: 'pw', flag: 'REQUISITE', module: 'pw' },
      ],
      { passport: p, session: false },
    );
    const { wrong, statuses } = await hammer(await listen(appWith(guard)), 'pw');
    expect(statuses.every((s) => s === 200)).toBe(true);
    expect(wrong).toEqual([]);
  });

  it('a shared strategy instance: 200 concurrent requests each get their own user', async () => {
    const p = freshPassport();
    const shared = scriptedStrategy('pw');
    const guard = loginStack([{ name: 'pw', flag: 'REQUIRED', module: shared }], { passport: p, session: false });
    const { wrong, statuses } = await hammer(await listen(appWith(guard)), 'pw');
    expect(statuses.every((s) => s === 200)).toBe(true);
    expect(wrong).toEqual([]);
    // The instance itself was never given action functions.
    expect(Object.hasOwn(shared, 'success')).toBe(false);
  });

  it('control: passport.authenticate with the same shared instance mixes users up (the race this guards against)', async () => {
    const p = freshPassport();
    const shared = scriptedStrategy('pw');
    const guard = p.authenticate(shared, { session: false });
    const { wrong } = await hammer(await listen(appWith(guard)), 'pw', 50, 1_500);
    expect(wrong.length).toBeGreaterThan(0); // wrong users, or requests that never get an answer
  });
});
