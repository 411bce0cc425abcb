import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RedisStateStore, type StateEvent } from '../../src/state/redis-state-store.js';
import { createStateStore } from '../../src/state/create-state-store.js';
import { MemoryStateStore } from '../../src/state/memory-state-store.js';
import { assertRedisReachable, freePort, redisUrl, uniqueSuffix } from '../support/services.js';
import { stateStoreContract } from './state-store-contract.js';

const url = redisUrl();

describe('RedisStateStore configuration', () => {
  it('rejects unknown and invalid options with a TypeError naming the option', () => {
    expect(() => new RedisStateStore({ url: 'redis://x', timeout: 5 } as never)).toThrow(/unknown option "timeout"/);
    expect(() => new RedisStateStore({})).toThrow(/exactly one of the options "url" and "client"/);
    expect(() => new RedisStateStore({ url: 'http://x' })).toThrow(/url/);
    expect(() => new RedisStateStore({ url: 'redis://x', commandTimeoutMs: 0 })).toThrow(/commandTimeoutMs/);
    expect(() => new RedisStateStore({ client: {} as never })).toThrow(/client/);
  });

  it('createStateStore picks memory without a URL, Redis with one', async () => {
    const saved = process.env.REDIS_URL;
    delete process.env.REDIS_URL;
    try {
      const memory = createStateStore();
      expect(memory).toBeInstanceOf(MemoryStateStore);
      await memory.close();
      const redis = createStateStore({ redisUrl: 'redis://127.0.0.1:1' });
      expect(redis).toBeInstanceOf(RedisStateStore);
      await redis.close();
      expect(() => createStateStore({ redis: 'x' } as never)).toThrow(/unknown option "redis"/);
    } finally {
      if (saved !== undefined) process.env.REDIS_URL = saved;
    }
  });

  it('nothing listening: rejects with ERR_STATE_UNAVAILABLE within the timeout, and logs one event', async () => {
    const events: StateEvent[] = [];
    const store = new RedisStateStore({ url: `redis://127.0.0.1:${await freePort()}`, commandTimeoutMs: 300, onEvent: (e) => events.push(e) });
    for (let i = 0; i < 3; i++) {
      const started = Date.now();
      await expect(store.claimOnce('k', 1000)).rejects.toMatchObject({ code: 'ERR_STATE_UNAVAILABLE', status: 503 });
      expect(Date.now() - started).toBeLessThan(300 + 150);
    }
    expect(events.map((e) => e.type)).toEqual(['state.unavailable']);
    expect(JSON.stringify(events)).not.toContain('redis://');
    await store.close();
  });
});

describe.skipIf(url === undefined)('RedisStateStore on a real Redis', () => {
  beforeAll(async () => {
    await assertRedisReachable(url!);
  });

  const prefix = `ticketstack_test_${uniqueSuffix()}:`;
  stateStoreContract('RedisStateStore (own client)', async () => new RedisStateStore({ url: url!, prefix }));

  describe('with a client the application created', () => {
    let client: import('redis').RedisClientType;
    afterAll(async () => {
      if (client?.isOpen) {
        const keys = await client.keys(`${prefix}*`);
        if (keys.length > 0) await client.del(keys);
        await client.close();
      }
    });

    it('uses it, and leaves it open on close()', async () => {
      const { createClient } = await import('redis');
      client = createClient({ url: url! }) as import('redis').RedisClientType;
      await client.connect();
      const store = new RedisStateStore({ client, prefix });
      expect(await store.claimOnce('app-client', 5000)).toBe(true);
      expect(await client.exists(`${prefix}app-client`)).toBe(1);
      await store.close();
      expect(client.isOpen).toBe(true);
    });
  });
});
