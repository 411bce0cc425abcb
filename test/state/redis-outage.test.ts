/**
 * Acceptance: with Redis stopped mid-run, decisions reject with ERR_STATE_UNAVAILABLE (→ 503), no call
 * hangs longer than the configured timeout, nothing is accepted twice after Redis returns, and requests
 * succeed again without a restart. Uses a throwaway redis-server, never the shared one.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RedisStateStore, type StateEvent } from '../../src/state/redis-state-store.js';
import { redisUrl, ThrowawayRedis } from '../support/services.js';

const TIMEOUT = 300;
const SLACK = 200;

async function timed<T>(promise: Promise<T>): Promise<{ ms: number; result?: T; error?: unknown }> {
  const started = Date.now();
  try {
    const result = await promise;
    return { ms: Date.now() - started, result };
  } catch (error) {
    return { ms: Date.now() - started, error };
  }
}

async function waitUntilAvailable(store: RedisStateStore, timeoutMs = 10_000): Promise<void> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    try {
      await store.count('probe');
      return;
    } catch (err) {
      if (Date.now() > end) throw err;
      await new Promise((r) => setTimeout(r, 100));
    }
  }
}

// Gated like the other Redis tests (CI has REDIS_URL and redis-server); the shared Redis is not used.
const url = redisUrl();

describe.skipIf(url === undefined)('Redis outage', () => {
  let server: ThrowawayRedis;
  let store: RedisStateStore;
  const events: StateEvent[] = [];

  beforeAll(async () => {
    server = await ThrowawayRedis.start({ persistent: true });
    store = new RedisStateStore({ url: server.url, commandTimeoutMs: TIMEOUT, maxReconnectDelayMs: 200, onEvent: (e) => events.push(e) });
  });
  afterAll(async () => {
    await store?.close();
    await server?.dispose();
  });

  it('killed: every operation rejects with ERR_STATE_UNAVAILABLE within the timeout; back: works again, nothing twice', async () => {
    expect(await store.claimOnce('ticket-before', 60_000)).toBe(true);
    expect(await store.increment('failures', 60_000)).toBe(1);

    await server.kill();
    const during = [
      await timed(store.claimOnce('ticket-during', 60_000)),
      await timed(store.claimOnce('ticket-before', 60_000)),
      await timed(store.increment('failures', 60_000)),
      await timed(store.count('failures')),
      await timed(store.hasFlag('revoked')),
      await timed(store.setFlag('revoked')),
      await timed(store.release('ticket-before')),
      await timed(store.reset('failures')),
    ];
    for (const outcome of during) {
      expect(outcome.error).toMatchObject({ code: 'ERR_STATE_UNAVAILABLE', status: 503 });
      expect(outcome.ms).toBeLessThan(TIMEOUT + SLACK);
    }
    expect(events.filter((e) => e.type === 'state.unavailable')).toHaveLength(1);

    await server.start();
    await waitUntilAvailable(store);
    expect(events.at(-1)).toEqual({ type: 'state.recovered', store: 'redis' });
    // Claimed before the outage: still claimed (not accepted twice). Tried during it: not consumed.
    expect(await store.claimOnce('ticket-before', 60_000)).toBe(false);
    expect(await store.claimOnce('ticket-during', 60_000)).toBe(true);
    // The failed increment did not count.
    expect(await store.count('failures')).toBe(1);
  });

  it('hung (SIGSTOP): calls reject within the timeout; a claim whose reply was lost is undone', async () => {
    server.freeze();
    try {
      const outcomes = await Promise.all([
        timed(store.claimOnce('ticket-hung', 60_000)),
        timed(store.increment('hung-counter', 60_000)),
        timed(store.hasFlag('hung-flag')),
      ]);
      for (const outcome of outcomes) {
        expect(outcome.error).toMatchObject({ code: 'ERR_STATE_UNAVAILABLE' });
        expect(outcome.ms).toBeLessThan(TIMEOUT + SLACK);
      }
    } finally {
      server.thaw();
    }
    await waitUntilAvailable(store);
    // The SET NX reached Redis after we had answered 503; the undo that followed it released it, so the
    // ticket was not consumed-but-unused. It can be claimed now, once.
    const results = await Promise.all([store.claimOnce('ticket-hung', 60_000), store.claimOnce('ticket-hung', 60_000)]);
    expect(results.filter(Boolean)).toHaveLength(1);
  });
});
