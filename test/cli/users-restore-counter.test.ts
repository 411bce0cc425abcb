/**
 * `ticketstack users restore` with Redis: the administrator's RESUME clears the revoke mark and the failed sign-on
 * counter that the instances share, so the user gets the full REVOKE(n) allowance back at once.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RedisStateStore } from '../../src/state/redis-state-store.js';
import { FileUserStore } from '../../src/users/file-user-store.js';
import { SignOnGuard } from '../../src/users/sign-on-guard.js';
import { assertRedisReachable, redisUrl, uniqueSuffix } from '../support/services.js';
import { runCli } from './harness.js';

const url = redisUrl();

describe.skipIf(url === undefined)('ticketstack users restore with REDIS_URL', () => {
  const dir = mkdtempSync(join(tmpdir(), 'ticketstack-cli-restore-'));
  const file = join(dir, 'users.json');
  const prefix = `test:cli-restore:${uniqueSuffix()}:`;
  let state: RedisStateStore;
  let guard: SignOnGuard;
  let users: FileUserStore;

  beforeAll(async () => {
    await assertRedisReachable(url!);
    users = new FileUserStore({ path: file, hashParams: { ln: 4, r: 8, p: 1 } });
    await users.createUser({ id: 'alice', password: 'right' });
    state = new RedisStateStore({ url: url!, prefix });
    guard = new SignOnGuard({ users, state, maxFailures: 3 });
  });
  afterAll(async () => {
    await state.reset('signon:failures:alice').catch(() => undefined);
    await state.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('resets the shared failure counter along with the revoke mark', async () => {
    for (let i = 0; i < 3; i++) await guard.recordFailure('alice');
    expect((await users.findUser('alice'))?.revoked).toBe(true);
    await guard.recordFailure('alice'); // a failure after the revoke starts a new count
    expect(await guard.failures('alice')).toBe(1);

    const r = await runCli(['users', 'restore', 'ALICE', '--store', file, '--redis-prefix', prefix, '--json'], { REDIS_URL: url! });
    expect(r.exitCode).toBe(0);
    expect(r.json()).toMatchObject({ ok: true, user: { id: 'alice', revoked: false }, counterReset: true });
    expect(await guard.failures('alice')).toBe(0);
    expect((await users.findUser('alice'))?.revoked).toBe(false);
  });

  it('without Redis only the revoke mark is cleared, and the output says nothing about a counter', async () => {
    await users.revoke('alice');
    const r = await runCli(['users', 'restore', 'alice', '--store', file]);
    expect(r.exitCode).toBe(0);
    expect(r.stdout).toBe('restored alice\n');
  });

  it('an unreachable Redis is a refusal (exit 1), not a half-done restore', async () => {
    await users.revoke('alice');
    const r = await runCli(['users', 'restore', 'alice', '--store', file, '--redis-url', 'redis://127.0.0.1:1', '--json']);
    expect(r.exitCode).toBe(1);
    expect(r.json()).toMatchObject({ ok: false, code: 'ERR_STATE_UNAVAILABLE' });
    expect((await users.findUser('alice'))?.revoked).toBe(true); // still revoked: run it again when Redis is back
  });
});
