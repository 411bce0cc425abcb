/**
 * Acceptance (issue "several instances", passticket.md §2.4 REVOKE(n)): n failed passwords spread over two
 * instances revoke the user; the counter is on the shared Redis, the revocation in the shared PostgreSQL. A
 * control with one memory counter per instance shows the same failures not adding up.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Keystore } from '../../src/keystore/index.js';
import { databaseUrl, redisUrl } from '../support/services.js';
import { basic, call, Deployment, portalAndErp, whoami } from './harness.js';

const MAX_FAILURES = 5;
const redis = redisUrl();
const database = databaseUrl();

describe.skipIf(redis === undefined || database === undefined)('two instances: failed passwords on either instance add up to REVOKE(n)', () => {
  let deployment: Deployment;
  let erp: Keystore;

  const pair = (shared: boolean) =>
    deployment.pair(
      { keystore: erp, signOn: { maxFailures: MAX_FAILURES, windowMs: 60_000 } },
      (app, sso, name) => app.get('/api', sso.protect('basic'), whoami(name)),
      { shared },
    );

  beforeAll(async () => {
    deployment = await Deployment.open(redis!, database!);
    ({ erp } = await portalAndErp());
  });
  afterAll(() => deployment?.dispose());

  it(`${MAX_FAILURES - 1} concurrent failures over both instances are all counted; the ${MAX_FAILURES}th revokes on both`, async () => {
    const [a, b] = await pair(true);
    await a.sso.users.createUser({ id: 'alice', password: 'correct horse' });
    expect((await call(b, '/api', { headers: basic('alice', 'correct horse') })).status).toBe(200);

    const wrong = basic('alice', 'wrong horse');
    const spread = await Promise.all(Array.from({ length: MAX_FAILURES - 1 }, (_, i) => call(i % 2 === 0 ? a : b, '/api', { headers: wrong })));
    expect(spread.map((x) => x.status)).toEqual(Array(MAX_FAILURES - 1).fill(401));
    // No increment lost in the race: both instances see the same count.
    expect(await a.sso.guard.failures('alice')).toBe(MAX_FAILURES - 1);
    expect(await b.sso.guard.failures('alice')).toBe(MAX_FAILURES - 1);
    expect((await a.sso.users.findUser('alice'))?.revoked).toBe(false);

    expect((await call(b, '/api', { headers: wrong })).status).toBe(401);
    expect((await a.sso.users.findUser('alice'))?.revoked).toBe(true);
    expect(b.events).toContainEqual({ type: 'signon.revoked', userId: 'alice', failures: MAX_FAILURES });

    // Revoked everywhere: the right password is refused on both instances, with the same 401 a wrong one gets.
    for (const instance of [a, b]) {
      const answer = await call(instance, '/api', { headers: basic('alice', 'correct horse') });
      expect(answer.status).toBe(401);
      expect(answer.body).toEqual({ error: 'unauthorized', code: 'ERR_LOGIN_FAILED' });
      expect(instance.sso.decisions.recent()[0]?.calls[0]?.error?.reason).toBe('ERR_USER_REVOKED');
    }

    // An administrator's RESUME on one instance is honoured by the other.
    await a.sso.guard.restore('alice');
    expect((await call(b, '/api', { headers: basic('alice', 'correct horse') })).status).toBe(200);
  });

  it('control: with one memory counter per instance, the same failures spread over both do not revoke', async () => {
    const [a, b] = await pair(false);
    await a.sso.users.createUser({ id: 'bob', password: 'builder bob' });
    const wrong = basic('bob', 'wrong');
    for (let i = 0; i < MAX_FAILURES + 2; i++) expect((await call(i % 2 === 0 ? a : b, '/api', { headers: wrong })).status).toBe(401);
    expect((await a.sso.users.findUser('bob'))?.revoked).toBe(false);
  });
});
