/**
 * A full MemoryStateStore (issue 8, item 4): a client that sends failed sign-ons under endless made-up user IDs
 * creates one failure counter per ID. Those counters used to fill the store, and then every operation (also one-time
 * markers of genuine tickets) answered 503 until the window passed, each insert paying a scan of every key. Now the
 * oldest counter makes room; markers and flags are never dropped, and a full scan runs at most once a second.
 */
import { afterEach, describe, expect, it, vi } from 'vitest';
import { MemoryStateStore } from '../../src/state/memory-state-store.js';

afterEach(() => vi.useRealTimers());

describe('MemoryStateStore at its limit', () => {
  it('a flood of counters evicts the oldest counters, never a one-time marker or a flag', async () => {
    const store = new MemoryStateStore({ maxEntries: 10 });
    for (let i = 0; i < 4; i++) expect(await store.claimOnce(`marker:${i}`, 60_000)).toBe(true);
    await store.setFlag('flag');
    for (let i = 0; i < 1000; i++) expect(await store.increment(`signon:failures:made-up-${i}`, 60_000)).toBe(1);
    expect(store.size).toBe(10);
    for (let i = 0; i < 4; i++) expect(await store.claimOnce(`marker:${i}`, 60_000)).toBe(false); // still remembered
    expect(await store.hasFlag('flag')).toBe(true);
    // The newest counters survive, the oldest went first.
    expect(await store.count('signon:failures:made-up-999')).toBe(1);
    expect(await store.count('signon:failures:made-up-0')).toBe(0);
    // A genuine new marker still finds room (a counter makes way).
    expect(await store.claimOnce('marker:new', 60_000)).toBe(true);
    await store.close();
  });

  it('a counter being incremented is not evicted by its own increments, and keeps its count', async () => {
    const store = new MemoryStateStore({ maxEntries: 3 });
    await store.increment('victim', 60_000);
    await store.increment('victim', 60_000);
    expect(await store.increment('victim', 60_000)).toBe(3); // an existing key needs no room
    await store.close();
  });

  it('when only markers and flags fill it, it still fails closed with ERR_STATE_UNAVAILABLE (503)', async () => {
    const store = new MemoryStateStore({ maxEntries: 3 });
    await store.claimOnce('a', 60_000);
    await store.claimOnce('b', 60_000);
    await store.setFlag('c');
    await expect(store.increment('counter', 60_000)).rejects.toMatchObject({ code: 'ERR_STATE_UNAVAILABLE', status: 503 });
    await expect(store.claimOnce('d', 60_000)).rejects.toMatchObject({ code: 'ERR_STATE_UNAVAILABLE' });
    expect(await store.claimOnce('a', 60_000)).toBe(false);
    await store.close();
  });

  it('expired markers still make room at once, even right after a sweep', async () => {
    vi.useFakeTimers();
    const store = new MemoryStateStore({ maxEntries: 2 });
    await store.claimOnce('a', 100);
    await store.claimOnce('b', 60_000);
    await expect(store.claimOnce('c', 1000)).rejects.toMatchObject({ code: 'ERR_STATE_UNAVAILABLE' }); // swept: nothing expired
    vi.advanceTimersByTime(200); // 'a' expires less than a second after that sweep
    expect(await store.claimOnce('c', 1000)).toBe(true);
    await store.close();
  });

  it('at the limit, a flood does not scan every key on every insert: at most one full sweep a second', async () => {
    vi.useFakeTimers();
    const store = new MemoryStateStore({ maxEntries: 1000 });
    for (let i = 0; i < 1000; i++) await store.increment(`fill-${i}`, 600_000);
    const sweep = vi.spyOn(store, 'sweep');
    for (let i = 0; i < 10_000; i++) await store.increment(`flood-${i}`, 600_000);
    expect(sweep).toHaveBeenCalledTimes(1); // all within the same (frozen) second
    vi.advanceTimersByTime(1000);
    for (let i = 0; i < 10_000; i++) await store.increment(`more-${i}`, 600_000);
    expect(sweep).toHaveBeenCalledTimes(2);
    await store.close();
  });
});
