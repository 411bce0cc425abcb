/**
 * Acceptance (issue "several instances" item 4): PostgreSQL unreachable under a running app. Password logins
 * and PassTicket sign-ons answer 503 `ERR_USER_STORE_UNAVAILABLE` within the configured timeout (never 401, never
 * a count toward REVOKE, the PassTicket not consumed); a logon or assertion ticket keeps working for a user the
 * module saw in good standing within `userOutageGraceSeconds` (default 300 s; the ticket's user is checked for
 * revocation on every request), and fails closed with 503 for a user it has not seen (the assertion ticket is then
 * not used up); one `users.unavailable` event is logged; and logins succeed again when the
 * database is back, without a restart. A cuttable TCP proxy in front of the real PostgreSQL stands in for
 * the outage (the shared server is never stopped).
 */
import { URL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Keystore } from '../../src/keystore/index.js';
import { issueAssertionTicket, issueTicket } from '../../src/ticket/index.js';
import { assertPostgresReachable, databaseUrl, uniqueSuffix } from '../support/services.js';
import { CuttableTcpProxy } from '../support/tcp-proxy.js';
import { basic, call, dropSchema, eventually, PassTicketFixture, portalAndErp, startEveryRouteApp, TEST_HASH_PARAMS, type Answer, type Instance } from './harness.js';

const TIMEOUT_MS = 500;
/** Generous: a hang detector, not a benchmark. */
const MARGIN_MS = 1500;
const database = databaseUrl();

describe.skipIf(database === undefined)('PostgreSQL unreachable under a running app', () => {
  const schema = `ticketstack_test_${uniqueSuffix()}`;
  let proxy: CuttableTcpProxy;
  let app: Instance;
  let ticketCookie: string;
  let portal: Keystore;
  let erp: Keystore;
  const passTickets = new PassTicketFixture();
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
    ({ portal, erp } = await portalAndErp());
    ({ app, ticketCookie } = await startEveryRouteApp(
      {
        keystore: erp,
        redisUrl: false,
        databaseUrl: target.toString(),
        users: { schema, migrate: true, queryTimeoutMs: TIMEOUT_MS, hashParams: TEST_HASH_PARAMS },
      },
      passTickets,
    ));
  });
  afterAll(async () => {
    await app?.close();
    await proxy?.close();
    await passTickets.close();
    await dropSchema(database!, schema);
  });

  it('cut: password logins answer 503 within the timeout and count nothing; the logon ticket works; back: logins work again', async () => {
    expect((await call(app, '/api', { headers: right })).status).toBe(200);
    expect((await call(app, '/orders', { headers: { cookie: ticketCookie } })).status).toBe(200); // alice: seen, in good standing
    const assertionFor = (user: string) => issueAssertionTicket({ keystore: portal, user, recipientSid: 'ERP', recipientClient: '100' }).text;
    expect((await call(app, '/assertion', { headers: { MYSAPSSO2: assertionFor('ALICE') } })).status).toBe(200); // seen here too
    const bobsTicket = `MYSAPSSO2=${issueTicket({ keystore: portal, user: 'BOB', portalUser: 'bob' }).text}`;

    await proxy.cut();
    expectFailedClosed(await call(app, '/api', { headers: right }));
    expectFailedClosed(await call(app, '/api', { headers: wrong }));
    for (const answer of await Promise.all(Array.from({ length: 10 }, () => call(app, '/api', { headers: right })))) expectFailedClosed(answer);
    const orders = await call(app, '/orders', { headers: { cookie: ticketCookie } });
    expect(orders.status).toBe(200);
    expect(orders.body?.user).toMatchObject({ id: 'alice', authMethod: 'logon-ticket' });
    // A valid ticket of a user not seen since the start cannot be checked for revocation: 503, never accepted unchecked.
    expectFailedClosed(await call(app, '/orders', { headers: { cookie: bobsTicket } }));
    // Assertion tickets likewise: alice's is accepted from her last answer; bob's fails closed and is not used up.
    expect((await call(app, '/assertion', { headers: { MYSAPSSO2: assertionFor('ALICE') } })).status).toBe(200);
    const bobsAssertion = assertionFor('BOB');
    expectFailedClosed(await call(app, '/assertion', { headers: { MYSAPSSO2: bobsAssertion } }));
    // A PassTicket sign-on looks the user up: 503, and the ticket is not consumed.
    const passTicket = await passTickets.ticketFor('CICSUSR');
    expectFailedClosed(await call(app, '/cics', { headers: basic('CICSUSR', passTicket) }));
    // The wrong password could not be checked, so it was not counted toward REVOKE(n).
    expect(await app.sso.guard.failures('alice')).toBe(0);
    expect(userEvents()).toEqual(['users.unavailable']);

    await proxy.restore();
    await eventually(async () => (await call(app, '/api', { headers: right })).status === 200);
    expect(userEvents()).toEqual(['users.unavailable', 'users.recovered']);
    expect((await call(app, '/api', { headers: wrong })).status).toBe(401);
    expect(await app.sso.guard.failures('alice')).toBe(1);
    expect((await call(app, '/cics', { headers: basic('CICSUSR', passTicket) })).status).toBe(200);
    expect((await call(app, '/assertion', { headers: { MYSAPSSO2: bobsAssertion } })).status).toBe(200); // not used up
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
