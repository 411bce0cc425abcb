/**
 * The behaviour every StateStore must have (src/state/state-store.ts), run against the memory store and
 * against Redis with real, short expiries.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { StateStore } from '../../src/state/state-store.js';

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

export function stateStoreContract(name: string, open: () => Promise<StateStore>): void {
  describe(`StateStore contract: ${name}`, () => {
    let store: StateStore;
    let n = 0;
    const key = (label: string): string => `${label}:${++n}`;

    beforeAll(async () => {
      store = await open();
    });
    afterAll(async () => {
      await store?.close();
    });

    it('claimOnce: the first claim wins, later ones lose until it expires', async () => {
      const k = key('claim');
      expect(await store.claimOnce(k, 200)).toBe(true);
      expect(await store.claimOnce(k, 200)).toBe(false);
      expect(await store.claimOnce(k, 200)).toBe(false);
      await sleep(260);
      expect(await store.claimOnce(k, 200)).toBe(true);
    });

    it('release undoes a claim, so it can be claimed again', async () => {
      const k = key('release');
      expect(await store.claimOnce(k, 10_000)).toBe(true);
      await store.release(k);
      expect(await store.claimOnce(k, 10_000)).toBe(true);
      await store.release(key('never-claimed')); // no error
    });

    it('increment counts from 1 and count reads the value; absent counters are 0', async () => {
      const k = key('counter');
      expect(await store.count(k)).toBe(0);
      expect(await store.increment(k, 10_000)).toBe(1);
      expect(await store.increment(k, 10_000)).toBe(2);
      expect(await store.increment(k, 10_000)).toBe(3);
      expect(await store.count(k)).toBe(3);
      await store.reset(k);
      expect(await store.count(k)).toBe(0);
      expect(await store.increment(k, 10_000)).toBe(1);
    });

    it('the window starts at the first increment and later increments do not extend it', async () => {
      const k = key('window');
      expect(await store.increment(k, 300)).toBe(1);
      await sleep(150);
      expect(await store.increment(k, 300)).toBe(2);
      await sleep(200); // 350 ms after the first increment, 200 ms after the second
      expect(await store.count(k)).toBe(0);
      expect(await store.increment(k, 300)).toBe(1);
    });

    it('flags: forever, or for a ttl; reset clears them', async () => {
      const forever = key('flag');
      const brief = key('flag-ttl');
      expect(await store.hasFlag(forever)).toBe(false);
      await store.setFlag(forever);
      await store.setFlag(brief, 150);
      expect(await store.hasFlag(forever)).toBe(true);
      expect(await store.hasFlag(brief)).toBe(true);
      await sleep(220);
      expect(await store.hasFlag(brief)).toBe(false);
      expect(await store.hasFlag(forever)).toBe(true);
      await store.reset(forever);
      expect(await store.hasFlag(forever)).toBe(false);
    });

    it('concurrent claims in one instance: exactly one winner', async () => {
      const k = key('concurrent');
      const results = await Promise.all(Array.from({ length: 20 }, () => store.claimOnce(k, 10_000)));
      expect(results.filter(Boolean)).toHaveLength(1);
    });

    it('concurrent increments are all counted', async () => {
      const k = key('concurrent-counter');
      const results = await Promise.all(Array.from({ length: 50 }, () => store.increment(k, 10_000)));
      expect([...results].sort((a, b) => a - b)).toEqual(Array.from({ length: 50 }, (_, i) => i + 1));
      expect(await store.count(k)).toBe(50);
    });

    it('rejects bad arguments with a TypeError naming them', async () => {
      await expect(store.claimOnce('', 1000)).rejects.toThrow(TypeError);
      await expect(store.claimOnce(key('bad'), 0)).rejects.toThrow(/ttlMs/);
      await expect(store.increment(key('bad'), -5)).rejects.toThrow(/windowMs/);
      await expect(store.setFlag(key('bad'), 1.5)).rejects.toThrow(/ttlMs/);
    });
  });
}
