/**
 * Acceptance: the PostgreSQL user store passes the same suite as the embedded one. Each run uses its own
 * schema (`ticketstack_test_<random>`), dropped afterwards, so test files can run in parallel.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import pg from 'pg';
import { PostgresUserStore } from '../../src/users/postgres-user-store.js';
import { createUserStore } from '../../src/users/create-user-store.js';
import { FileUserStore } from '../../src/users/file-user-store.js';
import { assertPostgresReachable, databaseUrl, uniqueSuffix } from '../support/services.js';
import { CONTRACT_DIGEST, TEST_HASH_PARAMS, userStoreContract, type ContractDigestOptions } from './user-store-contract.js';

const url = databaseUrl();

describe('PostgresUserStore configuration', () => {
  it('rejects unknown and invalid options with a TypeError naming the option', () => {
    expect(() => new PostgresUserStore({ connectionString: 'postgres://x/y', timeout: 1 } as never)).toThrow(/unknown option "timeout"/);
    expect(() => new PostgresUserStore({})).toThrow(/exactly one of the options "connectionString" and "pool"/);
    expect(() => new PostgresUserStore({ connectionString: 'mysql://x' })).toThrow(/connectionString/);
    expect(() => new PostgresUserStore({ connectionString: 'postgres://x/y', schema: 'Bad"Name' })).toThrow(/schema/);
    expect(() => new PostgresUserStore({ connectionString: 'postgres://x/y', queryTimeoutMs: 0 })).toThrow(/queryTimeoutMs/);
  });

  it('createUserStore: PostgreSQL with a URL, the file store with a path, never both', async () => {
    const pgStore = createUserStore({ databaseUrl: 'postgres://127.0.0.1:1/x' });
    expect(pgStore).toBeInstanceOf(PostgresUserStore);
    await pgStore.close();
    expect(createUserStore({ path: '/tmp/x.json' })).toBeInstanceOf(FileUserStore);
    expect(() => createUserStore({ databaseUrl: 'postgres://a/b', path: 'x' })).toThrow(/not both/);
    expect(() => createUserStore({ dbUrl: 'x' } as never)).toThrow(/unknown option "dbUrl"/);
  });
});

describe.skipIf(url === undefined)('PostgresUserStore on a real PostgreSQL', () => {
  const schema = `ticketstack_test_${uniqueSuffix()}`;
  let admin: pg.Pool;

  beforeAll(async () => {
    await assertPostgresReachable(url!);
    admin = new pg.Pool({ connectionString: url!, max: 2 });
  });
  afterAll(async () => {
    await admin?.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
    await admin?.query(`DROP SCHEMA IF EXISTS "${schema}_unmigrated" CASCADE`);
    await admin?.query(`DROP SCHEMA IF EXISTS "${schema}_v1" CASCADE`);
    await admin?.end();
  });

  const open = async (digest: ContractDigestOptions = CONTRACT_DIGEST): Promise<PostgresUserStore> => {
    const store = new PostgresUserStore({ connectionString: url!, schema, hashParams: TEST_HASH_PARAMS, ...digest });
    await store.migrate();
    return store;
  };

  userStoreContract('PostgresUserStore', () => open(), {
    reopen: async (old, digest) => {
      await old.close();
      return open(digest); // migrate() again: idempotent
    },
    rawDump: async () => JSON.stringify((await admin.query(`SELECT * FROM "${schema}".users`)).rows),
  });

  it('migrate() is idempotent and safe to run from several instances at once', async () => {
    const stores = Array.from({ length: 4 }, () => new PostgresUserStore({ connectionString: url!, schema, hashParams: TEST_HASH_PARAMS }));
    expect(await Promise.all(stores.map((s) => s.migrate()))).toEqual([2, 2, 2, 2]);
    await Promise.all(stores.map((s) => s.close()));
    const { rows } = await admin.query(`SELECT version FROM "${schema}".schema_version ORDER BY version`);
    expect(rows).toEqual([{ version: 1 }, { version: 2 }]);
  });

  it('without migrate(): ERR_USER_STORE_NOT_MIGRATED naming the command', async () => {
    const store = new PostgresUserStore({ connectionString: url!, schema: `${schema}_unmigrated` });
    await expect(store.findUser('x')).rejects.toMatchObject({ code: 'ERR_USER_STORE_NOT_MIGRATED', status: 503, message: expect.stringContaining('ticketstack users migrate') });
    await store.close();
  });

  it('accepts a pool the application created and leaves it open on close()', async () => {
    const pool = new pg.Pool({ connectionString: url!, max: 2 });
    const store = new PostgresUserStore({ pool, schema, hashParams: TEST_HASH_PARAMS });
    expect(await store.findUser('alice')).toMatchObject({ id: 'Alice' });
    await store.close();
    expect((await pool.query('SELECT 1 AS one')).rows).toEqual([{ one: 1 }]);
    await pool.end();
  });

  it('migrate() brings a version-1 schema (before Digest) up to version 2 and keeps its users', async () => {
    const v1 = `${schema}_v1`;
    // The schema as version 1 of this package created it.
    await admin.query(`CREATE SCHEMA "${v1}"`);
    await admin.query(`CREATE TABLE "${v1}".schema_version (version integer PRIMARY KEY, applied_at timestamptz NOT NULL DEFAULT now())`);
    await admin.query(`CREATE TABLE "${v1}".users (
      id_lower text PRIMARY KEY, id text NOT NULL, display_name text, groups text[] NOT NULL DEFAULT '{}',
      revoked boolean NOT NULL DEFAULT false, password_hash text NOT NULL,
      created_at timestamptz NOT NULL DEFAULT now(), updated_at timestamptz NOT NULL DEFAULT now(),
      CONSTRAINT users_id_lower_not_empty CHECK (id_lower <> ''))`);
    await admin.query(`INSERT INTO "${v1}".schema_version (version) VALUES (1)`);
    const old = new PostgresUserStore({ connectionString: url!, schema: v1, hashParams: TEST_HASH_PARAMS });
    const hash = await (await import('../../src/users/password-hash.js')).hashPassword('pw-old', TEST_HASH_PARAMS);
    await admin.query(`INSERT INTO "${v1}".users (id_lower, id, password_hash) VALUES ('olga', 'Olga', $1)`, [hash]);
    // Before the migration, a password change (which must remove HA1 values) says what to do.
    await expect(old.changePassword('olga', 'x')).rejects.toMatchObject({ code: 'ERR_USER_STORE_NOT_MIGRATED' });
    await old.close();

    const store = new PostgresUserStore({ connectionString: url!, schema: v1, hashParams: TEST_HASH_PARAMS, ...CONTRACT_DIGEST });
    expect(await store.migrate()).toBe(2);
    expect(await store.migrate()).toBe(2);
    expect((await admin.query(`SELECT version FROM "${v1}".schema_version ORDER BY version`)).rows).toEqual([{ version: 1 }, { version: 2 }]);
    expect(await store.verifyPassword('olga', 'pw-old')).toBe(true);
    // A user from before has no HA1 until the password is set again.
    expect(await store.findDigestCredential({ realm: 'contract realm', algorithm: 'SHA-256', username: 'olga' })).toBeNull();
    await store.changePassword('olga', 'pw-new');
    expect(await store.findDigestCredential({ realm: 'contract realm', algorithm: 'SHA-256', username: 'olga' })).toMatchObject({ id: 'Olga' });
    await store.close();
  });
});
