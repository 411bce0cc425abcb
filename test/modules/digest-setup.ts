/** A Digest-protected app on a real HTTP server, for the Digest module's tests. */
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Passport } from 'passport';
import { createDigestStrategy, type DigestStrategyOptions } from '../../src/modules/digest-module.js';
import { loginStack } from '../../src/stack/passport-adapter.js';
import type { DecisionRecord } from '../../src/stack/decision-record.js';
import { MemoryStateStore } from '../../src/state/memory-state-store.js';
import type { StateStore } from '../../src/state/state-store.js';
import { MemoryUserStore } from '../../src/users/memory-user-store.js';
import type { UserStore } from '../../src/users/user-store.js';
import { app, TEST_HASH_PARAMS } from './helpers.js';

export const SECRET = 'a test nonce secret of at least thirty-two bytes';

export interface DigestServer {
  base: string;
  records: DecisionRecord[];
  /** The refusal code of the last decision's Digest call (decision record `error.reason`). */
  reason(): string | undefined;
  close(): Promise<void>;
}

/** Users alice / "correct horse" (and Jörg / "pässwörd") in a memory store keeping SHA-256, SHA-512-256 and MD5 HA1s. */
export async function digestUsers(realm = 'ticketstack'): Promise<MemoryUserStore> {
  const users = new MemoryUserStore({ hashParams: TEST_HASH_PARAMS, digestRealms: [realm], digestAlgorithms: ['SHA-256', 'SHA-512-256', 'MD5'] });
  await users.createUser({ id: 'alice', password: 'correct horse', groups: ['staff'] });
  await users.createUser({ id: 'Jörg', password: 'pässwörd' });
  return users;
}

/** Listens on 127.0.0.1 with the Digest module (REQUIRED, with its commit hook) on `/login` and `/other`. */
export async function digestServer(
  options: Partial<DigestStrategyOptions> & { users?: UserStore; state?: StateStore } = {},
): Promise<DigestServer & { users: UserStore; state: StateStore }> {
  const users = options.users ?? (await digestUsers(options.realm));
  const state = options.state ?? new MemoryStateStore();
  const digest = createDigestStrategy({ nonceSecret: SECRET, ...options, users, state });
  const records: DecisionRecord[] = [];
  const stack = loginStack([{ name: 'digest', flag: 'REQUIRED', module: digest, commit: digest.commit }], {
    session: false,
    passport: new Passport(),
    onDecision: (r) => records.push(r),
  });
  const server = app(stack).listen(0, '127.0.0.1');
  await new Promise((resolve) => server.once('listening', resolve));
  return {
    base: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    records,
    reason: () => records.at(-1)?.calls.find((c) => c.module === 'digest' && c.phase === 'login')?.error?.reason,
    close: () => closeServer(server),
    users,
    state,
  };
}

export function closeServer(server: Server): Promise<void> {
  server.closeAllConnections();
  return new Promise((resolve) => server.close(() => resolve()));
}
