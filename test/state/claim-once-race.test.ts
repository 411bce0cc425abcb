/**
 * Acceptance: two store instances (two clients) on one Redis, 200 trials of racing claimOnce on the same
 * key: exactly one winner each time. The memory store gets the same treatment within one process.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MemoryStateStore } from '../../src/state/memory-state-store.js';
import { RedisStateStore } from '../../src/state/redis-state-store.js';
import type { StateStore } from '../../src/state/state-store.js';
import { assertRedisReachable, deleteRedisKeys, redisUrl, uniqueSuffix } from '../support/services.js';

async function race(label: string, stores: StateStore[], trials: number, contendersPerStore: number): Promise<number[]> {
  const winners: number[] = [];
  for (let trial = 0; trial < trials; trial++) {
    const key = `race:${label}:${trial}`;
    const calls = stores.flatMap((store) => Array.from({ length: contendersPerStore }, () => store.claimOnce(key, 60_000)));
    const results = await Promise.all(calls);
    winners.push(results.filter(Boolean).length);
  }
  return winners;
}

describe('claimOnce race, memory', () => {
  it('200 trials, 8 contenders: exactly one winner each time', async () => {
    const store = new MemoryStateStore();
    const winners = await race('memory', [store], 200, 8);
    expect(winners.every((w) => w === 1)).toBe(true);
    await store.close();
  });
});

const url = redisUrl();

describe.skipIf(url === undefined)('claimOnce race, two Redis clients', () => {
  const prefix = `ticketstack_test_${uniqueSuffix()}:`;
  let a: RedisStateStore;
  let b: RedisStateStore;

  beforeAll(async () => {
    await assertRedisReachable(url!);
    a = new RedisStateStore({ url: url!, prefix });
    b = new RedisStateStore({ url: url!, prefix });
  });
  afterAll(async () => {
    await a?.close();
    await b?.close();
    await deleteRedisKeys(url!, prefix);
  });

  it('200 trials, one contender per instance: exactly one winner each time', async () => {
    const winners = await race('one-each', [a, b], 200, 1);
    expect(winners).toEqual(Array.from({ length: 200 }, () => 1));
  });

  it('200 trials, four contenders per instance: exactly one winner each time', async () => {
    const winners = await race('four-each', [a, b], 200, 4);
    expect(winners).toEqual(Array.from({ length: 200 }, () => 1));
  });
});
