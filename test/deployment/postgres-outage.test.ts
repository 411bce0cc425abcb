/**
 * Acceptance (issue "several instances" item 4): PostgreSQL unreachable under a running app. Password logins
 * answer 503 `ERR_USER_STORE_UNAVAILABLE` within the configured timeout (never 401, never a count toward REVOKE),
 * a logon-ticket check keeps working, one `users.unavailable` event is logged, and logins succeed again when
 * the database is back, without a restart. A cuttable TCP proxy in front of the real PostgreSQL stands in for
 * the outage (the shared server is never stopped).
 */
import { URL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { assertPostgresReachable, databaseUrl, uniqueSuffix } from '../support/services.js';
import { CuttableTcpProxy } from '../support/tcp-proxy.js';
import { basic, call, dropSchema, eventually, portalAndErp, startInstance, TEST_HASH_PARAMS, whoami, type Answer, type Instance } from './harness.js';

const TIMEOUT_MS = 500;
/** Generous: a hang detector, not a benchmark. */
const MARGIN_MS = 1500;
const database = databaseUrl();

describe.skipIf(database === undefined)('PostgreSQL unreachable under a running app', () => {
  const schema = `ticketstack_test_${uniqueSuffix()}`;
  let proxy: CuttableTcpProxy;
  let app: Instance;
  let ticketCookie: string;
  const right = basic('alice', 'correct horse');
  const wrong = basic('alice', 'wrong horse');
  const expectFailedClosed = (answer: Answer): void => {
    expect(answer.status).toBe(503);
    expect(answer.body).toEqual({ error: 'service_unavailable', code: 'ERR_USER_STORE_UNAVAILABLE' });
    expect(answer.ms).toBeLessThan(TIMEOUT_MS + MARGIN_MS);
  };
  const userEvents = () => app.events.filter((e) => e.type === 'users.unavailable' || e.type === 'users.recovered').map((e) => e.type);

  beforeAll(async () => {
    await assertPostgresReachable(database!);
    const target = new URL(database!);
    proxy = await CuttableTcpProxy.start(Number(target.port || 5432), target.hostname);
    target.host = `127.0.0.1:${proxy.port}`;
    const { erp } = await portalAndErp();
    app = await startInstance(
      'A',
      {
        keystore: erp,
        redisUrl: false,
        databaseUrl: target.toString(),
        users: { schema, migrate: true, queryTimeoutMs: TIMEOUT_MS, hashParams: TEST_HASH_PARAMS },
        session: false,
      },
      (a, sso) => {
        a.get('/api', sso.protect('basic'), whoami('A'));
        a.get('/orders', sso.protect('ticket'), whoami('A'));
      },
    );
    await app.sso.users.createUser({ id: 'alice', password: 'correct horse' });
    const first = await call(app, '/orders', { headers: right });
    expect(first.status).toBe(200);
    ticketCookie = first.headers.getSetCookie().find((c) => c.startsWith('MYSAPSSO2='))!.split(';')[0]!;
  });
  afterAll(async () => {
    await app?.close();
    await proxy?.close();
    await dropSchema(database!, schema);
  });

  it('cut: password logins answer 503 within the timeout and count nothing; the logon ticket works; back: logins work again', async () => {
    expect((await call(app, '/api', { headers: right })).status).toBe(200);

    await proxy.cut();
    expectFailedClosed(await call(app, '/api', { headers: right }));
    expectFailedClosed(await call(app, '/api', { headers: wrong }));
    for (const answer of await Promise.all(Array.from({ length: 10 }, () => call(app, '/api', { headers: right })))) expectFailedClosed(answer);
    const orders = await call(app, '/orders', { headers: { cookie: ticketCookie } });
    expect(orders.status).toBe(200);
    expect(orders.body?.user).toMatchObject({ id: 'alice', authMethod: 'logon-ticket' });
    // The wrong password could not be checked, so it was not counted toward REVOKE(n).
    expect(await app.sso.guard.failures('alice')).toBe(0);
    expect(userEvents()).toEqual(['users.unavailable']);

    await proxy.restore();
    await eventually(async () => (await call(app, '/api', { headers: right })).status === 200);
    expect(userEvents()).toEqual(['users.unavailable', 'users.recovered']);
    expect((await call(app, '/api', { headers: wrong })).status).toBe(401);
    expect(await app.sso.guard.failures('alice')).toBe(1);
  });

  it('hung (nothing answers): 503 within the timeout instead of hanging; restored: works again', async () => {
    proxy.hang();
    try {
      for (const answer of await Promise.all([call(app, '/api', { headers: right }), call(app, '/api', { headers: wrong })])) expectFailedClosed(answer);
      expect((await call(app, '/orders', { headers: { cookie: ticketCookie } })).status).toBe(200);
    } finally {
      await proxy.restore();
    }
    await eventually(async () => (await call(app, '/api', { headers: right })).status === 200);
  });
});
