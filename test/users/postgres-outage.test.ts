/**
 * Fail closed (issue "several instances" item 4): PostgreSQL unreachable → ERR_USER_STORE_UNAVAILABLE (503)
 * within the configured timeout, for every operation; nothing resolves "open". A closed port stands in
 * for a stopped server, and a listener that never answers for a hung one. Needs no real server.
 */
import { createServer, type Server, type Socket } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PostgresUserStore, type UserStoreEvent } from '../../src/users/postgres-user-store.js';
import { freePort } from '../support/services.js';
import { TEST_HASH_PARAMS } from './user-store-contract.js';

const TIMEOUT = 400;
const SLACK = 250;

async function expectUnavailableWithin(promise: Promise<unknown>): Promise<void> {
  const started = Date.now();
  await expect(promise).rejects.toMatchObject({ code: 'ERR_USER_STORE_UNAVAILABLE', status: 503 });
  expect(Date.now() - started).toBeLessThan(TIMEOUT + SLACK);
}

function operations(store: PostgresUserStore): Array<() => Promise<unknown>> {
  return [
    () => store.findUser('alice'),
    () => store.verifyPassword('alice', 'secret'),
    () => store.createUser({ id: 'alice', password: 'secret' }),
    () => store.revoke('alice'),
    () => store.restore('alice'),
    () => store.changePassword('alice', 'new-secret'),
    () => store.listUsers(),
    () => store.migrate(),
  ];
}

describe('PostgreSQL unreachable', () => {
  it('closed port: every operation rejects with ERR_USER_STORE_UNAVAILABLE within the timeout', async () => {
    const port = await freePort();
    const events: UserStoreEvent[] = [];
    const store = new PostgresUserStore({
      connectionString: `postgres://postgres:s3cr3t-pw@127.0.0.1:${port}/test`,
      queryTimeoutMs: TIMEOUT,
      hashParams: TEST_HASH_PARAMS,
      onEvent: (e) => events.push(e),
    });
    for (const op of operations(store)) {
      const error = await op().catch((e: unknown) => e);
      expect(error).toMatchObject({ code: 'ERR_USER_STORE_UNAVAILABLE' });
      expect(String((error as Error).message)).not.toContain('s3cr3t-pw');
      expect(JSON.stringify(error)).not.toContain('s3cr3t-pw');
    }
    for (const op of operations(store)) await expectUnavailableWithin(op());
    // One log event for the outage, not one per failed call; no connection string in it.
    expect(events).toEqual([{ type: 'users.unavailable', store: 'postgres', operation: 'findUser', reason: 'ECONNREFUSED' }]);
    await store.close();
  });

  describe('hung server (accepts, never answers)', () => {
    let server: Server;
    let port: number;
    const sockets = new Set<Socket>();
    beforeAll(async () => {
      server = createServer((socket) => {
        sockets.add(socket);
        socket.on('close', () => sockets.delete(socket));
      });
      await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
      port = (server.address() as { port: number }).port;
    });
    afterAll(async () => {
      for (const socket of sockets) socket.destroy();
      await new Promise((resolve) => server.close(resolve));
    });

    it('every operation rejects within the timeout instead of hanging', async () => {
      const store = new PostgresUserStore({ connectionString: `postgres://postgres@127.0.0.1:${port}/test`, queryTimeoutMs: TIMEOUT, hashParams: TEST_HASH_PARAMS });
      await Promise.all(operations(store).map((op) => expectUnavailableWithin(op())));
      await store.close();
    });
  });
});
