/**
 * The behaviour every UserStore must have (src/users/user-store.ts). The embedded file store, the memory
 * store and the PostgreSQL store all run this same suite.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { UserStore } from '../../src/users/user-store.js';
import { computeDigestHa1, computeDigestUserhash, type DigestHashAlgorithm } from '../../src/users/digest-credentials.js';

/** Cheap scrypt parameters for tests (the default ln=15 costs ~100 ms per hash). */
export const TEST_HASH_PARAMS = { ln: 4, r: 8, p: 1 };

/** Every contract store is opened with these Digest options (HA1 values for one realm, two algorithms). */
export const CONTRACT_DIGEST = { digestRealms: ['contract realm'], digestAlgorithms: ['SHA-256', 'MD5'] as DigestHashAlgorithm[] };
export type ContractDigestOptions = typeof CONTRACT_DIGEST;

export interface ContractOptions {
  /** Reopens the store on the same data (a restart), with other Digest options if given; omit if the store does not persist. */
  reopen?: (store: UserStore, digest?: ContractDigestOptions) => Promise<UserStore>;
  /** Reads the raw stored representation, to check that no password is in it. */
  rawDump?: () => Promise<string>;
}

export function userStoreContract(name: string, open: () => Promise<UserStore>, options: ContractOptions = {}): void {
  describe(`UserStore contract: ${name}`, () => {
    let store: UserStore;

    beforeAll(async () => {
      store = await open();
    });
    afterAll(async () => {
      await store?.close();
    });

    it('createUser returns the record; findUser finds it case-insensitively, keeping the case', async () => {
      const created = await store.createUser({ id: 'Alice', password: 'correct horse', displayName: 'Alice A.', groups: ['staff', 'admins'] });
      expect(created).toEqual({ id: 'Alice', displayName: 'Alice A.', groups: ['staff', 'admins'], revoked: false });
      expect(await store.findUser('alice')).toEqual(created);
      expect(await store.findUser('ALICE')).toEqual(created);
      expect(await store.findUser('bob')).toBeNull();
    });

    it('a user without displayName or groups gets an empty group list and no displayName', async () => {
      const created = await store.createUser({ id: 'plain', password: 'pw-plain' });
      expect(created).toEqual({ id: 'plain', groups: [], revoked: false });
      expect(await store.findUser('PLAIN')).toEqual(created);
    });

    it('ids are unique case-insensitively: ERR_USER_EXISTS (409)', async () => {
      await expect(store.createUser({ id: 'ALICE', password: 'x' })).rejects.toMatchObject({ code: 'ERR_USER_EXISTS', status: 409 });
    });

    it('two concurrent creations of the same id: exactly one succeeds', async () => {
      const results = await Promise.allSettled([
        store.createUser({ id: 'twin', password: 'a' }),
        store.createUser({ id: 'TWIN', password: 'b' }),
      ]);
      expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
      const rejected = results.find((r) => r.status === 'rejected') as PromiseRejectedResult;
      expect(rejected.reason).toMatchObject({ code: 'ERR_USER_EXISTS' });
    });

    it('verifyPassword: true only for the right password of an existing user', async () => {
      expect(await store.verifyPassword('alice', 'correct horse')).toBe(true);
      expect(await store.verifyPassword('Alice', 'correct horse')).toBe(true);
      expect(await store.verifyPassword('alice', 'Correct horse')).toBe(false);
      expect(await store.verifyPassword('alice', '')).toBe(false);
      expect(await store.verifyPassword('nobody', 'correct horse')).toBe(false);
      expect(await store.verifyPassword('alice', 'x'.repeat(5000))).toBe(false);
    });

    it('verifyPassword does not look at revoked', async () => {
      await store.createUser({ id: 'rv', password: 'pw-rv' });
      await store.revoke('rv');
      expect(await store.verifyPassword('rv', 'pw-rv')).toBe(true);
    });

    it('revoke and restore flip the mark, case-insensitively; unknown users: ERR_USER_UNKNOWN (404)', async () => {
      await store.createUser({ id: 'Carol', password: 'pw-carol' });
      await store.revoke('CAROL');
      expect((await store.findUser('carol'))?.revoked).toBe(true);
      await store.revoke('carol'); // idempotent
      expect((await store.findUser('carol'))?.revoked).toBe(true);
      await store.restore('Carol');
      expect((await store.findUser('carol'))?.revoked).toBe(false);
      await expect(store.revoke('ghost')).rejects.toMatchObject({ code: 'ERR_USER_UNKNOWN', status: 404 });
      await expect(store.restore('ghost')).rejects.toMatchObject({ code: 'ERR_USER_UNKNOWN' });
    });

    it('changePassword replaces the password; unknown users: ERR_USER_UNKNOWN', async () => {
      await store.createUser({ id: 'dave', password: 'old-password' });
      await store.changePassword('DAVE', 'new-password');
      expect(await store.verifyPassword('dave', 'new-password')).toBe(true);
      expect(await store.verifyPassword('dave', 'old-password')).toBe(false);
      await expect(store.changePassword('ghost', 'whatever')).rejects.toMatchObject({ code: 'ERR_USER_UNKNOWN' });
    });

    it('listUsers returns every user, ordered by lowercased id', async () => {
      const ids = (await store.listUsers()).map((u) => u.id);
      expect(ids).toEqual(['Alice', 'Carol', 'dave', 'plain', 'rv', expect.stringMatching(/^twin$/i)]);
    });

    it('invalid input is a TypeError, not a store error', async () => {
      await expect(store.createUser({ id: '', password: 'x' })).rejects.toThrow(TypeError);
      await expect(store.createUser({ id: ' padded', password: 'x' })).rejects.toThrow(TypeError);
      await expect(store.createUser({ id: 'nopw', password: '' })).rejects.toThrow(TypeError);
      await expect(store.createUser({ id: 'extra', password: 'x', role: 'admin' } as never)).rejects.toThrow(/unknown user field "role"/);
      await expect(store.findUser('bad\nid')).rejects.toThrow(TypeError);
    });

    describe('HTTP Digest HA1 values (opt-in per realm)', () => {
      const realm = CONTRACT_DIGEST.digestRealms[0]!;
      const ha1 = (alg: DigestHashAlgorithm, id: string, password: string) => computeDigestHa1(alg, id, realm, password);

      it('reports its Digest configuration', () => {
        expect(store.digestRealms).toEqual(['contract realm']);
        expect(store.digestAlgorithms).toEqual(['SHA-256', 'MD5']);
      });

      it('computes HA1 over the stored ID when the password is set; finds it case-insensitively and by userhash', async () => {
        await store.createUser({ id: 'Hanna', password: 'pw-hanna' });
        const expected = { id: 'Hanna', ha1: ha1('SHA-256', 'Hanna', 'pw-hanna') };
        expect(await store.findDigestCredential!({ realm, algorithm: 'SHA-256', username: 'Hanna' })).toEqual(expected);
        expect(await store.findDigestCredential!({ realm, algorithm: 'SHA-256', username: 'hanna' })).toEqual(expected);
        expect(await store.findDigestCredential!({ realm, algorithm: 'MD5', username: 'HANNA' })).toEqual({ id: 'Hanna', ha1: ha1('MD5', 'Hanna', 'pw-hanna') });
        const userhash = computeDigestUserhash('SHA-256', 'Hanna', realm);
        expect(await store.findDigestCredential!({ realm, algorithm: 'SHA-256', userhash })).toEqual(expected);
        expect(await store.findDigestCredential!({ realm, algorithm: 'SHA-256', userhash: userhash.toUpperCase() })).toEqual(expected);
      });

      it('has nothing for another realm, an algorithm not configured, or an unknown user', async () => {
        expect(await store.findDigestCredential!({ realm: 'other', algorithm: 'SHA-256', username: 'Hanna' })).toBeNull();
        expect(await store.findDigestCredential!({ realm, algorithm: 'SHA-512-256', username: 'Hanna' })).toBeNull();
        expect(await store.findDigestCredential!({ realm, algorithm: 'SHA-256', username: 'nobody' })).toBeNull();
        expect(await store.findDigestCredential!({ realm, algorithm: 'SHA-256', userhash: 'ab'.repeat(32) })).toBeNull();
        await expect(store.findDigestCredential!({ realm, algorithm: 'SHA-256', userhash: 'not hex' })).rejects.toThrow(TypeError);
      });

      it('changePassword replaces every HA1: the old password no longer answers a challenge', async () => {
        await store.createUser({ id: 'Ivo', password: 'old-ivo' });
        await store.changePassword('IVO', 'new-ivo');
        for (const algorithm of ['SHA-256', 'MD5'] as const) {
          expect(await store.findDigestCredential!({ realm, algorithm, username: 'ivo' })).toEqual({ id: 'Ivo', ha1: ha1(algorithm, 'Ivo', 'new-ivo') });
        }
      });

      it('never shows an HA1 in a user record', async () => {
        const text = JSON.stringify([await store.findUser('hanna'), ...(await store.listUsers())]);
        expect(text).not.toContain(ha1('SHA-256', 'Hanna', 'pw-hanna'));
        expect(text).not.toMatch(/ha1|digest/i);
      });
    });

    if (options.rawDump !== undefined) {
      it('stores only scrypt hashes, never a password', async () => {
        const raw = await options.rawDump!();
        expect(raw).toContain('$scrypt$ln=');
        for (const password of ['correct horse', 'pw-plain', 'pw-carol', 'new-password', 'old-password']) {
          expect(raw).not.toContain(password);
        }
      });
    }

    if (options.reopen !== undefined) {
      it('survives a restart: a reopened store has the same users, marks and passwords', async () => {
        store = await options.reopen!(store);
        expect(await store.findUser('alice')).toMatchObject({ id: 'Alice', groups: ['staff', 'admins'] });
        expect((await store.findUser('rv'))?.revoked).toBe(true);
        expect(await store.verifyPassword('dave', 'new-password')).toBe(true);
        const ha1 = computeDigestHa1('SHA-256', 'Hanna', 'contract realm', 'pw-hanna');
        expect(await store.findDigestCredential!({ realm: 'contract realm', algorithm: 'SHA-256', username: 'hanna' })).toEqual({ id: 'Hanna', ha1 });
      });

      it('a realm no longer configured loses its HA1 at the next password change; a user from before a realm has none', async () => {
        store = await options.reopen!(store, { digestRealms: ['new realm'], digestAlgorithms: ['SHA-256'] });
        expect(await store.findDigestCredential!({ realm: 'new realm', algorithm: 'SHA-256', username: 'hanna' })).toBeNull();
        await store.changePassword('hanna', 'pw-hanna-2');
        expect(await store.findDigestCredential!({ realm: 'new realm', algorithm: 'SHA-256', username: 'hanna' })).toEqual({
          id: 'Hanna',
          ha1: computeDigestHa1('SHA-256', 'Hanna', 'new realm', 'pw-hanna-2'),
        });
        store = await options.reopen!(store);
        for (const algorithm of ['SHA-256', 'MD5'] as const) {
          expect(await store.findDigestCredential!({ realm: 'contract realm', algorithm, username: 'hanna' })).toBeNull();
        }
      });
    }
  });
}
