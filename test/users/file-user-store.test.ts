import { mkdtempSync, rmSync, statSync, writeFileSync, readFileSync, readdirSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { FileUserStore } from '../../src/users/file-user-store.js';
import { CONTRACT_DIGEST, TEST_HASH_PARAMS, userStoreContract } from './user-store-contract.js';

const dir = mkdtempSync(join(tmpdir(), 'ticketstack-users-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const contractPath = join(dir, 'nested', 'users.json');
userStoreContract('FileUserStore', async () => new FileUserStore({ path: contractPath, hashParams: TEST_HASH_PARAMS, ...CONTRACT_DIGEST }), {
  reopen: async (old, digest = CONTRACT_DIGEST) => {
    await old.close();
    return new FileUserStore({ path: contractPath, hashParams: TEST_HASH_PARAMS, ...digest });
  },
  rawDump: () => readFile(contractPath, 'utf8'),
});

describe('FileUserStore specifics', () => {
  it('writes the file with mode 0600 and leaves no temporary file', async () => {
    const path = join(dir, 'mode', 'users.json');
    const store = new FileUserStore({ path, hashParams: TEST_HASH_PARAMS });
    await store.createUser({ id: 'u1', password: 'p1' });
    await store.revoke('u1');
    expect(statSync(path).mode & 0o777).toBe(0o600);
    expect(readdirSync(join(dir, 'mode'))).toEqual(['users.json']);
  });

  it('serializes concurrent writes: none is lost', async () => {
    const path = join(dir, 'concurrent.json');
    const store = new FileUserStore({ path, hashParams: TEST_HASH_PARAMS });
    await Promise.all(Array.from({ length: 25 }, (_, i) => store.createUser({ id: `user${i}`, password: `pw${i}` })));
    await Promise.all(Array.from({ length: 25 }, (_, i) => (i % 2 === 0 ? store.revoke(`user${i}`) : Promise.resolve())));
    const reopened = new FileUserStore({ path, hashParams: TEST_HASH_PARAMS });
    const users = await reopened.listUsers();
    expect(users).toHaveLength(25);
    expect(users.filter((u) => u.revoked)).toHaveLength(13);
  });

  it('sees a change made by another process (e.g. the CLI) and does not overwrite it', async () => {
    const path = join(dir, 'two-writers.json');
    const app = new FileUserStore({ path, hashParams: TEST_HASH_PARAMS });
    const cli = new FileUserStore({ path, hashParams: TEST_HASH_PARAMS });
    await app.createUser({ id: 'eve', password: 'pw-eve' });
    expect((await app.findUser('eve'))?.revoked).toBe(false);
    await cli.revoke('eve');
    expect((await app.findUser('eve'))?.revoked).toBe(true);
    await app.createUser({ id: 'frank', password: 'pw-frank' });
    expect((await cli.findUser('eve'))?.revoked).toBe(true);
  });

  it('a missing file is an empty store; a corrupt one fails closed with ERR_USER_STORE_UNAVAILABLE (503)', async () => {
    expect(await new FileUserStore({ path: join(dir, 'absent.json') }).listUsers()).toEqual([]);
    const path = join(dir, 'corrupt.json');
    writeFileSync(path, '{"format":"ticketstack-users","version":1,"users":{');
    const store = new FileUserStore({ path });
    await expect(store.findUser('x')).rejects.toMatchObject({ code: 'ERR_USER_STORE_UNAVAILABLE', status: 503 });
    await expect(store.verifyPassword('x', 'y')).rejects.toMatchObject({ code: 'ERR_USER_STORE_UNAVAILABLE' });
    writeFileSync(path, JSON.stringify({ something: 'else' }));
    await expect(store.listUsers()).rejects.toThrow(/not a ticketstack users file/);
    expect(readFileSync(path, 'utf8')).toContain('something'); // left alone
  });

  it('an unwritable location fails with ERR_USER_STORE_UNAVAILABLE', async () => {
    const blocker = join(dir, 'blocker');
    writeFileSync(blocker, 'a file, not a directory');
    const store = new FileUserStore({ path: join(blocker, 'users.json'), hashParams: TEST_HASH_PARAMS });
    await expect(store.createUser({ id: 'x', password: 'y' })).rejects.toMatchObject({ code: 'ERR_USER_STORE_UNAVAILABLE' });
  });

  it('rejects unknown and invalid options with a TypeError naming the option', () => {
    expect(() => new FileUserStore({ path: 'x', mode: 0o600 } as never)).toThrow(/unknown option "mode"/);
    expect(() => new FileUserStore({ path: '' })).toThrow(/path/);
    expect(() => new FileUserStore({ path: 'x', hashParams: { ln: 40, r: 8, p: 1 } })).toThrow(/hashParams.ln/);
  });
});
