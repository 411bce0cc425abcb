/** createDigestStrategy checks its options once: a TypeError names the option; MD5 warns. */
import { describe, expect, it } from 'vitest';
import { createDigestStrategy, type DigestStrategyOptions } from '../../src/modules/digest-module.js';
import { MemoryStateStore } from '../../src/state/memory-state-store.js';
import { MemoryUserStore } from '../../src/users/memory-user-store.js';
import { digestUsers, SECRET } from './digest-setup.js';
import { TEST_HASH_PARAMS } from './helpers.js';

const state = new MemoryStateStore();

describe('createDigestStrategy options', () => {
  it('refuses unknown keys and bad values by name', async () => {
    const users = await digestUsers();
    const base: DigestStrategyOptions = { users, state, nonceSecret: SECRET };
    const cases: [Partial<DigestStrategyOptions> & Record<string, unknown>, RegExp][] = [
      [{ nonceSecret: 'too short' }, /'nonceSecret'.*32 bytes/],
      [{ nonceSecret: undefined as never }, /'nonceSecret'/],
      [{ realm: 'with "quote"' }, /'realm'/],
      [{ algorithms: [] }, /'algorithms'/],
      [{ algorithms: ['SHA-1' as never] }, /'algorithms'/],
      [{ algorithms: ['SHA-256', 'SHA-256'] }, /'algorithms'/],
      [{ nonceLifetimeSeconds: 0 }, /'nonceLifetimeSeconds'/],
      [{ userhash: 'yes' as never }, /'userhash'/],
      [{ state: {} as never }, /'state'/],
      [{ guard: {} as never }, /'guard'/],
      [{ now: 'today' as never }, /now must be a valid Date/],
      [{ nonceSecret: SECRET, secret: 'x' }, /unknown option "secret"/],
    ];
    for (const [change, message] of cases) expect(() => createDigestStrategy({ ...base, ...change } as DigestStrategyOptions)).toThrow(message);
  });

  it('the user store must keep HA1 values for the realm and for each offered algorithm', async () => {
    const plain = new MemoryUserStore({ hashParams: TEST_HASH_PARAMS });
    expect(() => createDigestStrategy({ users: plain, state, nonceSecret: SECRET })).toThrow(/'users' keeps no HA1 for realm "ticketstack".*digestRealms/);
    const sha = new MemoryUserStore({ hashParams: TEST_HASH_PARAMS, digestRealms: ['ticketstack'] });
    expect(() => createDigestStrategy({ users: sha, state, nonceSecret: SECRET, realm: 'other' })).toThrow(/realm "other"/);
    expect(() => createDigestStrategy({ users: sha, state, nonceSecret: SECRET, algorithms: ['SHA-256', 'MD5-sess'] })).toThrow(/no MD5 HA1 \(needed by algorithm MD5-sess\)/);
    expect(() => createDigestStrategy({ users: {} as never, state, nonceSecret: SECRET })).toThrow(/'users' must be a UserStore with HTTP Digest support/);
    expect(() => createDigestStrategy({ users: sha, state, nonceSecret: Buffer.alloc(32, 1) })).not.toThrow();
  });

  it('enabling MD5 emits a TicketStackWarning', async () => {
    const users = await digestUsers();
    const warnings: Error[] = [];
    const listen = (w: Error) => warnings.push(w);
    process.on('warning', listen);
    try {
      createDigestStrategy({ users, state, nonceSecret: SECRET, algorithms: ['SHA-256', 'MD5'] });
      await new Promise((r) => setImmediate(r));
    } finally {
      process.off('warning', listen);
    }
    expect(warnings.map((w) => [w.name, w.message])).toEqual([['TicketStackWarning', expect.stringContaining('MD5')]]);
  });
});
