import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { RequestHandler } from 'express';
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Policies } from '../../src/policy/index.js';
import type { MemoryStateStore } from '../../src/state/memory-state-store.js';
import { app, basicAuth, cookieOf, setup } from './helpers.js';

// Hot reload: a changed template serves the next request on every route using it; requests in flight finish
// on the version they started with; no request fails.
let policies: Policies;
let state: MemoryStateStore;
let server: Server;
let url: string;
let changed = false;
let entered = 0;
let finished = 0;

beforeAll(async () => {
  ({ policies, state } = await setup());
  const guard = policies.protect('ticket');
  // Marks each request with whether the change had happened when it entered the policy (synchronously before the lookup).
  const marked: RequestHandler = (req, res, next) => {
    entered++;
    res.on('finish', () => finished++);
    res.setHeader('x-after-change', changed ? '1' : '0');
    guard(req, res, next);
  };
  server = createServer(app({ '/a': marked, '/b': marked }));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}, 60_000);
afterAll(async () => {
  await new Promise((resolve) => server.close(resolve));
  await state.close();
});

describe('hot reload', () => {
  it('changes ticket to basic under 200 concurrent requests with no failed request', async () => {
    const auth = basicAuth('alice', 'correct horse');
    // supertest sends on then(): start each request at once.
    const send = (i: number): Promise<request.Response> => request(url).get(i % 2 ? '/a' : '/b').set('Authorization', auth).then((r) => r);

    const before = await send(0);
    expect(before.status).toBe(200);
    expect(cookieOf(before)).toBeDefined();
    entered = 0;
    finished = 0;

    const inFlight = Array.from({ length: 200 }, (_, i) => send(i));
    const deadline = Date.now() + 10_000;
    while (entered < 100 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 1));
    expect(entered).toBeGreaterThanOrEqual(100);
    policies.defineTemplate({ name: 'ticket', description: 'password only', modules: [{ module: 'BasicPassword', flag: 'REQUIRED', name: 'password' }] });
    changed = true;
    const finishedAtChange = finished;
    const after = Array.from({ length: 50 }, (_, i) => send(i));
    const results = await Promise.all([...inFlight, ...after]);

    const statuses = results.map((r) => r.status);
    expect(statuses.filter((s) => s !== 200)).toEqual([]);
    const old = results.filter((r) => r.headers['x-after-change'] === '0');
    const neu = results.filter((r) => r.headers['x-after-change'] === '1');
    expect(old.length).toBeGreaterThanOrEqual(100);
    expect(neu.length).toBeGreaterThanOrEqual(50);
    // Some requests of the old version were still in flight at the change.
    expect(old.length).toBeGreaterThan(finishedAtChange);
    // In flight: the old version (a ticket is issued). After the change: the new version on both routes.
    expect(old.every((r) => cookieOf(r) !== undefined)).toBe(true);
    expect(neu.every((r) => cookieOf(r) === undefined)).toBe(true);
    for (const r of results) expect(r.body.user).toMatchObject({ id: 'alice', authMethod: 'password' });

    const desc = policies.describe().templates.find((t) => t.name === 'ticket')!;
    expect(desc.modules.map((m) => m.module)).toEqual(['BasicPassword']);
  });

  it('a reload back to the shipped ticket template issues tickets again at the next request', async () => {
    policies.replaceTemplates([]); // built-ins only
    const res = await request(url).get('/b').set('Authorization', basicAuth('alice', 'correct horse'));
    expect(res.status).toBe(200);
    expect(cookieOf(res)).toBeDefined();
  });
});
