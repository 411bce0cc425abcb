/**
 * The PostgreSQL user store as `createTicketStack` builds it (DATABASE_URL from the environment, `users.schema`,
 * `users.migrate: true`) passes the same UserStore contract suite as the embedded store, including a restart
 * of the whole stack. What the configuration path adds: the schema is created at start (and again, idempotently,
 * at the next start); without `migrate` requests fail closed with ERR_USER_STORE_NOT_MIGRATED; a database that is
 * unreachable at start with `migrate: true` makes the start fail within the timeout, closing what it opened.
 */
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTicketStack, type TicketStack } from '../../src/config/create-ticket-stack.js';
import { Keystore } from '../../src/keystore/index.js';
import { PostgresUserStore } from '../../src/users/postgres-user-store.js';
import type { UserStore } from '../../src/users/user-store.js';
import { assertPostgresReachable, databaseUrl, freePort, uniqueSuffix } from '../support/services.js';
import { CONTRACT_DIGEST, userStoreContract, type ContractDigestOptions } from '../users/user-store-contract.js';
import { call, dropSchema, startInstance, TEST_HASH_PARAMS, whoami } from './harness.js';

const database = databaseUrl();

describe.skipIf(database === undefined)('createTicketStack users on PostgreSQL', () => {
  const schema = `ticketstack_test_${uniqueSuffix()}`;
  const stacks: TicketStack[] = [];
  let keystore: Keystore;
  let admin: pg.Pool;

  /** A whole stack, as an application starts it: DATABASE_URL comes from the environment. */
  async function start(digest: ContractDigestOptions = CONTRACT_DIGEST): Promise<UserStore> {
    const sso = await createTicketStack({ keystore, redisUrl: false, session: false, users: { schema, migrate: true, hashParams: TEST_HASH_PARAMS, ...digest } });
    stacks.push(sso);
    expect(sso.services.users).toBe('postgres');
    expect((sso.users as PostgresUserStore).schema).toBe(schema);
    return sso.users;
  }

  beforeAll(async () => {
    await assertPostgresReachable(database!);
    keystore = await Keystore.generate({ sid: 'J2E', client: '000' });
    admin = new pg.Pool({ connectionString: database!, max: 1 });
  });
  afterAll(async () => {
    await Promise.all(stacks.map((s) => s.close()));
    await admin?.end();
    await dropSchema(database!, schema);
    await dropSchema(database!, `${schema}_unmigrated`);
  });

  userStoreContract('PostgreSQL through createTicketStack', () => start(), {
    reopen: async (_old, digest) => {
      await stacks.at(-1)!.close(); // a restart of the application: the whole stack goes, a new one starts
      return start(digest);
    },
    rawDump: async () => JSON.stringify((await admin.query(`SELECT * FROM "${schema}".users`)).rows),
  });

  it('without users.migrate, a password login fails closed with ERR_USER_STORE_NOT_MIGRATED (503)', async () => {
    const instance = await startInstance(
      'A',
      { keystore, redisUrl: false, session: false, users: { schema: `${schema}_unmigrated`, hashParams: TEST_HASH_PARAMS } },
      (app, sso) => app.get('/api', sso.protect('basic'), whoami('A')),
    );
    try {
      const answer = await call(instance, '/api', { headers: { authorization: `Basic ${Buffer.from('alice:pw').toString('base64')}` } });
      expect(answer.status).toBe(503);
      expect(answer.body).toEqual({ error: 'service_unavailable', code: 'ERR_USER_STORE_NOT_MIGRATED' });
    } finally {
      await instance.close();
    }
  });

  it('users.migrate with the database unreachable: the start fails within the timeout', async () => {
    const started = Date.now();
    const error = await createTicketStack({
      keystore,
      redisUrl: false,
      session: false,
      databaseUrl: `postgres://postgres@127.0.0.1:${await freePort()}/test`,
      users: { migrate: true, queryTimeoutMs: 300 },
    }).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'ERR_USER_STORE_UNAVAILABLE' });
    expect(Date.now() - started).toBeLessThan(300 + 1500);
  });
});
