/**
 * Failure-counter windows (issue "several instances" item 1): the window starts at the first increment and
 * is not extended by later ones. Memory: a frozen clock. Redis: real short windows, and the key's PTTL.
 */
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { MemoryStateStore } from '../../src/state/memory-state-store.js';
import { RedisStateStore } from '../../src/state/redis-state-store.js';
import { assertRedisReachable, redisUrl, uniqueSuffix } from '../support/services.js';

describe('counter window, memory (frozen clock)', () => {
  it('expires windowMs after the first increment, not after the last', async () => {
    vi.useFakeTimers({ now: new Date('2030-01-01T00:00:00Z') });
    try {
      const store = new MemoryStateStore();
      expect(await store.increment('u', 15 * 60_000)).toBe(1);
      vi.advanceTimersByTime(14 * 60_000);
      expect(await store.increment('u', 15 * 60_000)).toBe(2);
      vi.advanceTimersByTime(60_000 - 1);
      expect(await store.count('u')).toBe(2);
      vi.advanceTimersByTime(1);
      expect(await store.count('u')).toBe(0);
      expect(await store.increment('u', 15 * 60_000)).toBe(1);
      await store.close();
    } finally {
      vi.useRealTimers();
    }
  });
});

const url = redisUrl();

describe.skipIf(url === undefined)('counter window, Redis (real short windows)', () => {
  let store: RedisStateStore;
  let raw: import('redis').RedisClientType;
  const prefix = `ticketstack_test_${uniqueSuffix()}:`;

  beforeAll(async () => {
    await assertRedisReachable(url!);
    store = new RedisStateStore({ url: url!, prefix });
    const { createClient } = await import('redis');
    raw = createClient({ url: url! }) as import('redis').RedisClientType;
    await raw.connect();
  });
  afterAll(async () => {
    await store?.close();
    if (raw?.isOpen) {
      const keys = await raw.keys(`${prefix}*`);
      if (keys.length > 0) await raw.del(keys);
      await raw.close();
    }
  });

  it('sets the expiry once, at the first increment, atomically with INCR', async () => {
    expect(await store.increment('w', 400)).toBe(1);
    const first = await raw.pTTL(`${prefix}w`);
    expect(first).toBeGreaterThan(300);
    expect(first).toBeLessThanOrEqual(400);
    await new Promise((r) => setTimeout(r, 200));
    expect(await store.increment('w', 400)).toBe(2);
    const second = await raw.pTTL(`${prefix}w`);
    expect(second).toBeLessThanOrEqual(first - 150); // not extended
    await new Promise((r) => setTimeout(r, 260));
    expect(await store.count('w')).toBe(0);
  });

  it('gives a counter left without expiry (written by something else) a window', async () => {
    await raw.set(`${prefix}legacy`, '7');
    expect(await store.increment('legacy', 5000)).toBe(8);
    expect(await raw.pTTL(`${prefix}legacy`)).toBeGreaterThan(0);
  });
});
