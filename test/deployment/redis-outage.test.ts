/**
 * Acceptance (issue "several instances" item 4): Redis stopped under a running app. One-time decisions answer
 * 503 `ERR_STATE_UNAVAILABLE` within the configured timeout (plus a generous margin: a hang detector, not a
 * benchmark): assertion tickets and PassTickets (one use only), and password logins, whose failure counter is
 * shared; a logon-ticket check that needs no shared state keeps working; nothing is accepted twice after Redis returns, nothing tried during the
 * outage was consumed or counted; and requests succeed again without a restart. A throwaway redis-server with
 * an append-only file stands in for production's persistent Redis; the shared Redis is never touched.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Keystore } from '../../src/keystore/index.js';
import { issueAssertionTicket } from '../../src/ticket/index.js';
import { redisUrl, ThrowawayRedis } from '../support/services.js';
import { basic, call, eventually, PassTicketFixture, portalAndErp, startEveryRouteApp, TEST_HASH_PARAMS, type Answer, type Instance } from './harness.js';

const TIMEOUT_MS = 500;
/** Generous: the machine is shared; this only has to tell "bounded" from "hangs". */
const MARGIN_MS = 1500;

// Gated like the other Redis tests (CI has REDIS_URL and redis-server); the shared Redis itself is not used.
const gate = redisUrl();

describe.skipIf(gate === undefined)('Redis stopped under a running app', () => {
  const dir = mkdtempSync(join(tmpdir(), 'ticketstack-redis-outage-'));
  let redis: ThrowawayRedis;
  let portal: Keystore;
  let app: Instance;
  let ticketCookie: string;
  const passTickets = new PassTicketFixture();
  let n = 0;
  const assertion = (): string => issueAssertionTicket({ keystore: portal, user: `USER${n++}`, recipientSid: 'ERP', recipientClient: '100' }).text;
  const withTicket = (text: string) => ({ headers: { MYSAPSSO2: text } });
  const expectFailedClosed = (answer: Answer): void => {
    expect(answer.status).toBe(503);
    expect(answer.body).toEqual({ error: 'service_unavailable', code: 'ERR_STATE_UNAVAILABLE' });
    expect(answer.headers.get('retry-after')).toBe('5');
    expect(answer.ms).toBeLessThan(TIMEOUT_MS + MARGIN_MS);
  };
  const processWarnings: string[] = [];
  const onWarning = (w: Error): void => void processWarnings.push(w.name);
  const stateEvents = () => app.events.filter((e) => e.type === 'state.unavailable' || e.type === 'state.recovered').map((e) => e.type);

  beforeAll(async () => {
    process.on('warning', onWarning);
    redis = await ThrowawayRedis.start({ persistent: true });
    let erp: Keystore;
    ({ portal, erp } = await portalAndErp());
    ({ app, ticketCookie } = await startEveryRouteApp(
      {
        keystore: erp,
        redisUrl: redis.url,
        databaseUrl: false,
        state: { commandTimeoutMs: TIMEOUT_MS },
        users: { path: join(dir, 'users.json'), hashParams: TEST_HASH_PARAMS },
      },
      passTickets,
    ));
  });
  afterAll(async () => {
    process.off('warning', onWarning);
    await app?.close();
    await redis?.dispose();
    await passTickets.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('killed: 503 for one-time decisions and password logins, the logon ticket still works; back: nothing twice, nothing lost', async () => {
    const usedBefore = assertion();
    expect((await call(app, '/assertion', withTicket(usedBefore))).status).toBe(200);

    await redis.kill();
    const triedDuring = assertion();
    expectFailedClosed(await call(app, '/assertion', withTicket(triedDuring)));
    expectFailedClosed(await call(app, '/assertion', withTicket(usedBefore))); // never "accepted" because unchecked
    // Many at once: each one bounded, none hangs.
    for (const answer of await Promise.all(Array.from({ length: 20 }, () => call(app, '/assertion', withTicket(triedDuring))))) expectFailedClosed(answer);
    // The logon ticket needs no shared state (EvaluateTicket is SUFFICIENT, nothing else runs).
    const orders = await call(app, '/orders', { headers: { cookie: ticketCookie } });
    expect(orders.status).toBe(200);
    expect(orders.body?.user).toMatchObject({ id: 'alice', authMethod: 'logon-ticket' });
    // Password logins count failures on Redis: they fail closed instead of skipping the count.
    expectFailedClosed(await call(app, '/api', { headers: basic('alice', 'correct horse') }));
    expectFailedClosed(await call(app, '/api', { headers: basic('alice', 'wrong horse') }));
    // A PassTicket sign-on needs its replay marker: 503, and the ticket stays usable.
    const passTicket = await passTickets.ticketFor('CICSUSR');
    expectFailedClosed(await call(app, '/cics', { headers: basic('CICSUSR', passTicket) }));
    expect(stateEvents()).toEqual(['state.unavailable']);

    await redis.start();
    // Requests succeed again without a restart (each probe is a fresh ticket: a 503 does not consume it).
    await eventually(async () => (await call(app, '/assertion', withTicket(assertion()))).status === 200);
    expect(stateEvents()).toEqual(['state.unavailable', 'state.recovered']);
    // Tried during the outage: not consumed, so accepted now, once.
    expect((await call(app, '/assertion', withTicket(triedDuring))).status).toBe(200);
    expect((await call(app, '/assertion', withTicket(triedDuring))).status).toBe(401);
    // Accepted before the outage: still used (the marker survived the restart).
    expect((await call(app, '/assertion', withTicket(usedBefore))).status).toBe(401);
    expect((await call(app, '/cics', { headers: basic('CICSUSR', passTicket) })).status).toBe(200);
    expect((await call(app, '/cics', { headers: basic('CICSUSR', passTicket) })).status).toBe(401);
    // The wrong password sent during the outage was not counted; a new one counts from zero.
    expect(await app.sso.guard.failures('alice')).toBe(0);
    expect((await call(app, '/api', { headers: basic('alice', 'wrong horse') })).status).toBe(401);
    expect(await app.sso.guard.failures('alice')).toBe(1);
    expect((await call(app, '/api', { headers: basic('alice', 'correct horse') })).status).toBe(200);
  });

  it('hung (SIGSTOP): answers 503 within the timeout instead of hanging; after it, the ticket is accepted once', async () => {
    const ticket = assertion();
    redis.freeze();
    try {
      const answers = await Promise.all([call(app, '/assertion', withTicket(ticket)), call(app, '/assertion', withTicket(ticket))]);
      for (const answer of answers) expectFailedClosed(answer);
      expect((await call(app, '/orders', { headers: { cookie: ticketCookie } })).status).toBe(200);
    } finally {
      redis.thaw();
    }
    await eventually(async () => (await call(app, '/assertion', withTicket(assertion()))).status === 200);
    const after = await Promise.all([call(app, '/assertion', withTicket(ticket)), call(app, '/assertion', withTicket(ticket))]);
    expect(after.map((a) => a.status).sort()).toEqual([200, 401]);
  });

  it('every outage answer reached the log as an http.error event with the code, never with a ticket', () => {
    const errors = app.events.filter((e) => e.type === 'http.error');
    expect(errors.length).toBeGreaterThanOrEqual(27);
    expect(new Set(errors.map((e) => e.type === 'http.error' && `${e.status} ${e.code}`))).toEqual(new Set(['503 ERR_STATE_UNAVAILABLE']));
    expect(JSON.stringify(app.events)).not.toMatch(/MYSAPSSO2=|horse/);
    // A burst of requests during the outage waits on one 'ready' listener, not one per request.
    expect(processWarnings).not.toContain('MaxListenersExceededWarning');
  });
});
