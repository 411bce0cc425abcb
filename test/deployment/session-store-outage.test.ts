/**
 * Sessions on Redis (connect-redis through `createTicketStack`) with Redis stopped: a request carrying a session
 * cookie answers 503 `ERR_STATE_UNAVAILABLE` within the timeout, never "logged out"; a login attempt answers 503
 * (the session cannot be regenerated); a public page without a cookie still answers; and the session is back when
 * Redis is. The one-time state is kept in memory here, so only the session store is down.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MemoryStateStore } from '../../src/state/memory-state-store.js';
import { MemoryUserStore } from '../../src/users/memory-user-store.js';
import { redisUrl, ThrowawayRedis } from '../support/services.js';
import { call, eventually, portalAndErp, SESSION_SECRET, startInstance, TEST_HASH_PARAMS, whoami, type Instance } from './harness.js';

const TIMEOUT_MS = 500;
const MARGIN_MS = 1500;
const HTTPS = { 'x-forwarded-proto': 'https' };
const gate = redisUrl();

describe.skipIf(gate === undefined)('Redis sessions with Redis stopped', () => {
  let redis: ThrowawayRedis;
  let app: Instance;
  const state = new MemoryStateStore();
  const login = () =>
    call(app, '/login', { method: 'POST', headers: { ...HTTPS, 'content-type': 'application/x-www-form-urlencoded' }, body: 'j_username=alice&j_password=correct+horse' });

  beforeAll(async () => {
    redis = await ThrowawayRedis.start({ persistent: true });
    const users = new MemoryUserStore({ hashParams: TEST_HASH_PARAMS });
    await users.createUser({ id: 'alice', password: 'correct horse' });
    const { erp } = await portalAndErp();
    app = await startInstance(
      'A',
      { keystore: erp, redisUrl: redis.url, databaseUrl: false, state, users, session: { secret: SESSION_SECRET, commandTimeoutMs: TIMEOUT_MS } },
      (a, sso) => {
        a.post('/login', sso.protect('form'), whoami('A'));
        a.get('/me', whoami('A'));
        a.get('/public', (_req, res) => void res.send('ok'));
      },
    );
  });
  afterAll(async () => {
    await app?.close();
    await state.close();
    await redis?.dispose();
  });

  it('503 with a session cookie and for a login; a public page answers; the session is back with Redis', async () => {
    const first = await login();
    expect(first.status).toBe(200);
    const cookie = { ...HTTPS, cookie: first.headers.getSetCookie()[0]!.split(';')[0]! };
    expect((await call(app, '/me', { headers: cookie })).body?.user).toMatchObject({ id: 'alice' });

    await redis.kill();
    const me = await call(app, '/me', { headers: cookie });
    expect(me.status).toBe(503);
    expect(me.body).toEqual({ error: 'service_unavailable', code: 'ERR_STATE_UNAVAILABLE' });
    expect(me.ms).toBeLessThan(TIMEOUT_MS + MARGIN_MS);
    const again = await login();
    expect(again.status).toBe(503);
    expect(again.body?.code).toBe('ERR_STATE_UNAVAILABLE');
    expect(again.ms).toBeLessThan(TIMEOUT_MS + MARGIN_MS);
    expect((await call(app, '/public', { headers: HTTPS })).status).toBe(200);

    await redis.start();
    await eventually(async () => (await call(app, '/me', { headers: cookie })).body?.user?.id === 'alice');
    // The outage of the session store is logged once, and its end once.
    expect(app.events.filter((e) => e.type.startsWith('state.'))).toEqual([
      { type: 'state.unavailable', store: 'redis-sessions', operation: 'get', reason: expect.any(String) },
      { type: 'state.recovered', store: 'redis-sessions' },
    ]);
  });
});
