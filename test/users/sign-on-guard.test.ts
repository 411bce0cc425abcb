/**
 * SignOnGuard: RACF REVOKE(n) (passticket.md §2.4) over a StateStore counter and a UserStore mark.
 */
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { MemoryStateStore } from '../../src/state/memory-state-store.js';
import { RedisStateStore } from '../../src/state/redis-state-store.js';
import { StateError } from '../../src/state/errors.js';
import type { StateStore } from '../../src/state/state-store.js';
import { MemoryUserStore } from '../../src/users/memory-user-store.js';
import { SignOnGuard, type SignOnEvent } from '../../src/users/sign-on-guard.js';
import { UserStoreError } from '../../src/users/errors.js';
import type { UserStore } from '../../src/users/user-store.js';
import { assertRedisReachable, deleteRedisKeys, redisUrl, uniqueSuffix } from '../support/services.js';
import { TEST_HASH_PARAMS } from './user-store-contract.js';

async function setup(options: { maxFailures?: number; windowMs?: number } = {}) {
  const users = new MemoryUserStore({ hashParams: TEST_HASH_PARAMS });
  await users.createUser({ id: 'Alice', password: 'pw' });
  const state = new MemoryStateStore();
  const events: SignOnEvent[] = [];
  const guard = new SignOnGuard({ users, state, ...options, onEvent: (e) => events.push(e) });
  return { users, state, guard, events };
}

describe('SignOnGuard', () => {
  it('revokes at the 5th failure (default), resets the counter, and then refuses with ERR_USER_REVOKED (401)', async () => {
    const { users, guard, events } = await setup();
    for (let i = 1; i <= 4; i++) expect(await guard.recordFailure('alice')).toEqual({ failures: i, revoked: false });
    await guard.assertNotRevoked('alice');
    expect(await guard.recordFailure('alice')).toEqual({ failures: 5, revoked: true });
    expect((await users.findUser('alice'))?.revoked).toBe(true);
    expect(await guard.failures('alice')).toBe(0);
    await expect(guard.assertNotRevoked('ALICE')).rejects.toMatchObject({ name: 'SignOnError', code: 'ERR_USER_REVOKED', status: 401 });
    expect(events.at(-1)).toEqual({ type: 'signon.revoked', userId: 'alice', failures: 5 });
  });

  it('counts case-insensitively: Alice, ALICE and alice are one user', async () => {
    const { guard } = await setup({ maxFailures: 3 });
    await guard.recordFailure('Alice');
    await guard.recordFailure('ALICE');
    expect(await guard.recordFailure('alice')).toEqual({ failures: 3, revoked: true });
  });

  it('a successful sign-on resets the count', async () => {
    const { guard } = await setup({ maxFailures: 3 });
    await guard.recordFailure('alice');
    await guard.recordFailure('alice');
    await guard.recordSuccess('ALICE');
    expect(await guard.recordFailure('alice')).toEqual({ failures: 1, revoked: false });
  });

  it('failures outside the window do not add up (frozen clock)', async () => {
    vi.useFakeTimers();
    try {
      const { guard } = await setup({ maxFailures: 3, windowMs: 60_000 });
      await guard.recordFailure('alice');
      await guard.recordFailure('alice');
      vi.advanceTimersByTime(60_000);
      expect(await guard.recordFailure('alice')).toEqual({ failures: 1, revoked: false });
    } finally {
      vi.useRealTimers();
    }
  });

  it('unknown users are counted like known ones but never revoked in the store, and not revealed', async () => {
    const { guard, users } = await setup({ maxFailures: 2 });
    expect(await guard.recordFailure('mallory')).toEqual({ failures: 1, revoked: false });
    expect(await guard.recordFailure('mallory')).toEqual({ failures: 2, revoked: false });
    expect(await guard.failures('mallory')).toBe(0);
    await guard.assertNotRevoked('mallory');
    expect(await users.findUser('mallory')).toBeNull();
  });

  it('restore (RESUME) clears the mark and the counter', async () => {
    const { guard, users, events } = await setup({ maxFailures: 3 });
    for (let i = 0; i < 3; i++) await guard.recordFailure('alice');
    await guard.recordFailure('alice'); // after the revoke, still counted
    await guard.restore('ALICE');
    expect((await users.findUser('alice'))?.revoked).toBe(false);
    expect(await guard.failures('alice')).toBe(0);
    await guard.assertNotRevoked('alice');
    expect(events.at(-1)).toEqual({ type: 'signon.restored', userId: 'alice' });
    await expect(guard.restore('ghost')).rejects.toMatchObject({ code: 'ERR_USER_UNKNOWN' });
  });

  it('a revoke that fails propagates (503) and leaves the counter at the threshold: the next failure revokes', async () => {
    const { users, state, events } = await setup({});
    let down = true;
    const flaky: UserStore = Object.assign(Object.create(users) as UserStore, {
      revoke: async (id: string) => {
        if (down) throw new UserStoreError('ERR_USER_STORE_UNAVAILABLE', 'PostgreSQL user store unavailable');
        return users.revoke(id);
      },
    });
    const guard = new SignOnGuard({ users: flaky, state, maxFailures: 3, onEvent: (e) => events.push(e) });
    await guard.recordFailure('alice');
    await guard.recordFailure('alice');
    await expect(guard.recordFailure('alice')).rejects.toMatchObject({ code: 'ERR_USER_STORE_UNAVAILABLE', status: 503 });
    expect(events.at(-1)).toEqual({ type: 'signon.revoke-failed', userId: 'alice', failures: 3, code: 'ERR_USER_STORE_UNAVAILABLE' });
    expect(await guard.failures('alice')).toBe(3);
    expect((await users.findUser('alice'))?.revoked).toBe(false);
    down = false;
    expect(await guard.recordFailure('alice')).toEqual({ failures: 4, revoked: true });
    expect((await users.findUser('alice'))?.revoked).toBe(true);
  });

  it('state unavailable: every decision fails closed with ERR_STATE_UNAVAILABLE; nothing is revoked', async () => {
    const { users } = await setup();
    const broken: StateStore = new Proxy(new MemoryStateStore(), {
      get: (target, prop) =>
        prop === 'close' ? () => target.close() : async () => {
          throw new StateError('ERR_STATE_UNAVAILABLE', 'Redis state store unavailable');
        },
    });
    const guard = new SignOnGuard({ users, state: broken, maxFailures: 1 });
    await expect(guard.recordFailure('alice')).rejects.toMatchObject({ code: 'ERR_STATE_UNAVAILABLE', status: 503 });
    await expect(guard.recordSuccess('alice')).rejects.toMatchObject({ code: 'ERR_STATE_UNAVAILABLE' });
    expect((await users.findUser('alice'))?.revoked).toBe(false);
  });

  it('user store unavailable: assertNotRevoked fails closed (503), never resolves', async () => {
    const { state } = await setup();
    const users = { findUser: async () => { throw new UserStoreError('ERR_USER_STORE_UNAVAILABLE', 'down'); }, revoke: async () => undefined } as unknown as UserStore;
    const guard = new SignOnGuard({ users, state });
    await expect(guard.assertNotRevoked('alice')).rejects.toMatchObject({ code: 'ERR_USER_STORE_UNAVAILABLE', status: 503 });
  });

  it('rejects unknown and invalid options with a TypeError naming the option', async () => {
    const { users, state } = await setup();
    expect(() => new SignOnGuard({ users, state, maxFailure: 3 } as never)).toThrow(/unknown option "maxFailure"/);
    expect(() => new SignOnGuard({ users, state, maxFailures: 0 })).toThrow(/maxFailures/);
    expect(() => new SignOnGuard({ users, state, windowMs: 1.5 })).toThrow(/windowMs/);
    expect(() => new SignOnGuard({ users: {} as never, state })).toThrow(/users/);
    expect(() => new SignOnGuard({ users, state: {} as never })).toThrow(/state/);
    const guard = new SignOnGuard({ users, state });
    await expect(guard.recordFailure('')).rejects.toThrow(TypeError);
  });
});

const url = redisUrl();

describe.skipIf(url === undefined)('SignOnGuard across two instances (two Redis clients, one user store)', () => {
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

  it('failures on both instances add up to one REVOKE; 20 concurrent failures revoke exactly once per threshold', async () => {
    const users = new MemoryUserStore({ hashParams: TEST_HASH_PARAMS });
    await users.createUser({ id: 'bob', password: 'pw' });
    const guardA = new SignOnGuard({ users, state: a, maxFailures: 5 });
    const guardB = new SignOnGuard({ users, state: b, maxFailures: 5 });
    await guardA.recordFailure('bob');
    await guardB.recordFailure('BOB');
    await guardA.recordFailure('bob');
    await guardB.recordFailure('bob');
    expect(await guardA.recordFailure('bob')).toEqual({ failures: 5, revoked: true });
    await expect(guardB.assertNotRevoked('bob')).rejects.toMatchObject({ code: 'ERR_USER_REVOKED' });
    await guardB.restore('bob');
    const results = await Promise.all(Array.from({ length: 20 }, (_, i) => (i % 2 ? guardA : guardB).recordFailure('bob')));
    expect(results.some((r) => r.revoked)).toBe(true);
    expect((await users.findUser('bob'))?.revoked).toBe(true);
  });
});
