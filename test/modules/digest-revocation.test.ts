/** passticket.md §2.4 REVOKE(n) for Digest: wrong responses count through the SignOnGuard, as for BasicPassword. */
import { afterAll, describe, expect, it } from 'vitest';
import { MemoryStateStore } from '../../src/state/memory-state-store.js';
import { SignOnGuard } from '../../src/users/sign-on-guard.js';
import { DigestClient } from '../support/digest-client.js';
import { digestServer, digestUsers } from './digest-setup.js';

const state = new MemoryStateStore();
afterAll(() => state.close());

describe('Digest with a SignOnGuard', () => {
  it('revokes after n wrong passwords, then refuses the right one; guard.restore lets the user in again', async () => {
    const users = await digestUsers();
    const guard = new SignOnGuard({ users, state, maxFailures: 3 });
    const events: { code: string; user?: string; failures?: number; revoked?: boolean }[] = [];
    const server = await digestServer({ users, state, guard, onRefusal: (e) => events.push(e) });
    try {
      for (let i = 1; i <= 3; i++) {
        const res = await new DigestClient('alice', `wrong ${i}`).fetch(server.base, '/login');
        expect(res.status).toBe(401);
        expect(server.reason()).toBe('ERR_DIGEST_REFUSED');
      }
      expect(events.filter((e) => e.code === 'ERR_DIGEST_REFUSED').map((e) => [e.failures, e.revoked])).toEqual([
        [1, false],
        [2, false],
        [3, true],
      ]);
      expect((await users.findUser('alice'))?.revoked).toBe(true);

      const right = new DigestClient('alice', 'correct horse');
      const refused = await right.fetch(server.base, '/login');
      expect(refused.status).toBe(401);
      expect(server.reason()).toBe('ERR_USER_REVOKED'); // the record tells it apart...
      expect(refused.body).toBe('Unauthorized'); // ...the client does not
      expect(refused.challenges).toHaveLength(1);

      // A revoked user's wrong guesses are refused as revoked and not counted again.
      expect((await new DigestClient('alice', 'wrong 4').fetch(server.base, '/login')).status).toBe(401);
      expect(server.reason()).toBe('ERR_USER_REVOKED');
      expect(await guard.failures('alice')).toBe(0);

      await guard.restore('alice');
      expect((await new DigestClient('alice', 'correct horse').fetch(server.base, '/login')).status).toBe(200);
    } finally {
      await server.close();
    }
  });

  it('a success resets the count; an administrator revoke (no guard) is honoured too', async () => {
    const users = await digestUsers();
    const guard = new SignOnGuard({ users, state, maxFailures: 3, keyPrefix: 'digest-reset:' });
    const server = await digestServer({ users, state, guard });
    const unguarded = await digestServer({ users });
    try {
      await new DigestClient('alice', 'wrong').fetch(server.base, '/login');
      await new DigestClient('alice', 'wrong').fetch(server.base, '/login');
      expect(await guard.failures('alice')).toBe(2);
      expect((await new DigestClient('alice', 'correct horse').fetch(server.base, '/login')).status).toBe(200);
      expect(await guard.failures('alice')).toBe(0);

      await users.revoke('alice');
      expect((await new DigestClient('alice', 'correct horse').fetch(unguarded.base, '/login')).status).toBe(401);
      expect(unguarded.reason()).toBe('ERR_USER_REVOKED');
    } finally {
      await server.close();
      await unguarded.close();
    }
  });
});
