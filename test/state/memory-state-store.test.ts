import { afterEach, describe, expect, it, vi } from 'vitest';
import { MemoryStateStore } from '../../src/state/memory-state-store.js';
import { stateStoreContract } from './state-store-contract.js';

stateStoreContract('MemoryStateStore', async () => new MemoryStateStore());

describe('MemoryStateStore specifics', () => {
  afterEach(() => {
    vi.useRealTimers();
  });

  it('sweeps expired keys in the background (timer) and lazily', async () => {
    vi.useFakeTimers();
    const store = new MemoryStateStore({ sweepIntervalMs: 1000 });
    await store.claimOnce('a', 500);
    await store.setFlag('b', 5000);
    await store.setFlag('forever');
    expect(store.size).toBe(3);
    vi.advanceTimersByTime(1000);
    expect(store.size).toBe(2);
    vi.advanceTimersByTime(5000);
    expect(store.size).toBe(1);
    await store.close();
  });

  it('when full, fails closed with ERR_STATE_UNAVAILABLE instead of forgetting a live marker', async () => {
    vi.useFakeTimers();
    const store = new MemoryStateStore({ maxEntries: 2 });
    expect(await store.claimOnce('a', 1000)).toBe(true);
    expect(await store.claimOnce('b', 60_000)).toBe(true);
    await expect(store.claimOnce('c', 1000)).rejects.toMatchObject({ code: 'ERR_STATE_UNAVAILABLE', status: 503 });
    expect(await store.claimOnce('a', 1000)).toBe(false); // still remembered
    vi.advanceTimersByTime(1001); // 'a' expires: room again
    expect(await store.claimOnce('c', 1000)).toBe(true);
    await store.close();
  });

  it('rejects unknown and invalid options with a TypeError naming the option', () => {
    expect(() => new MemoryStateStore({ maxEntry: 5 } as never)).toThrow(/unknown option "maxEntry"/);
    expect(() => new MemoryStateStore({ maxEntries: 0 })).toThrow(/maxEntries/);
    expect(() => new MemoryStateStore({ sweepIntervalMs: Number.NaN })).toThrow(/sweepIntervalMs/);
  });

  it('a closed store rejects with ERR_STATE_UNAVAILABLE', async () => {
    const store = new MemoryStateStore();
    await store.close();
    await expect(store.claimOnce('x', 1000)).rejects.toMatchObject({ code: 'ERR_STATE_UNAVAILABLE' });
  });
});
