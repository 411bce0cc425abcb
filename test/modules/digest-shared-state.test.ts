/**
 * Acceptance: two app instances on one Redis (each with its own RedisStateStore client, one key prefix, one nonce
 * secret). A nonce minted by one is accepted by the other, and a (nonce, nc) pair accepted by one is refused by the
 * other as a replay.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RedisStateStore } from '../../src/state/redis-state-store.js';
import { DigestClient, send } from '../support/digest-client.js';
import { assertRedisReachable, deleteRedisKeys, redisUrl, uniqueSuffix } from '../support/services.js';
import { digestServer, digestUsers, type DigestServer } from './digest-setup.js';

const url = redisUrl();

describe.skipIf(url === undefined)('Digest nonce counts across two instances on Redis', () => {
  const prefix = `ticketstack_test_${uniqueSuffix()}:`;
  let a: DigestServer;
  let b: DigestServer;
  const stores: RedisStateStore[] = [];

  beforeAll(async () => {
    await assertRedisReachable(url!);
    const users = await digestUsers();
    for (let i = 0; i < 2; i++) stores.push(new RedisStateStore({ url: url!, prefix }));
    a = await digestServer({ users, state: stores[0]! });
    b = await digestServer({ users, state: stores[1]! });
  });
  afterAll(async () => {
    await a?.close();
    await b?.close();
    await Promise.all(stores.map((s) => s.close()));
    await deleteRedisKeys(url!, prefix);
  });

  it('a nonce from instance A works on B with the next nc; a pair A accepted is refused by B', async () => {
    const client = new DigestClient('alice', 'correct horse');
    expect((await client.fetch(a.base, '/login')).status).toBe(200); // A mints the nonce, A accepts nc=1
    const accepted = client.lastAuthorization!;

    const replay = await send(b.base, '/login', 'GET', { authorization: accepted });
    expect(replay.status).toBe(401);
    expect(b.reason()).toBe('ERR_DIGEST_REPLAYED');

    // The nonce itself is fine on B: nc=2 is accepted there, and then refused on A.
    const next = client.authorization('GET', '/login');
    expect((await send(b.base, '/login', 'GET', { authorization: next })).status).toBe(200);
    expect((await send(a.base, '/login', 'GET', { authorization: next })).status).toBe(401);
    expect(a.reason()).toBe('ERR_DIGEST_REPLAYED');
  });

  it('the same pair sent to both instances at once: exactly one accepts it (50 trials)', async () => {
    const client = new DigestClient('alice', 'correct horse');
    expect((await client.fetch(a.base, '/login')).status).toBe(200);
    for (let trial = 0; trial < 50; trial++) {
      const authorization = client.authorization('GET', '/login');
      const statuses = await Promise.all([a, b, a, b].map((s) => send(s.base, '/login', 'GET', { authorization }).then((r) => r.status)));
      expect(statuses.filter((s) => s === 200)).toHaveLength(1);
    }
  });
});
