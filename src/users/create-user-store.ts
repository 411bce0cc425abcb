/**
 * Picks the user store: PostgreSQL when a database URL is given (or `DATABASE_URL` is set and no file
 * path is given), else the embedded file store.
 *
 * @module
 */
import { checkOptionKeys } from '../option-keys.js';
import type { UserStore } from './user-store.js';
import { FileUserStore } from './file-user-store.js';
import { PostgresUserStore } from './postgres-user-store.js';
import type { ScryptParams } from './password-hash.js';
import type { DigestStoreOptions } from './digest-credentials.js';

/** `digestRealms` / `digestAlgorithms` go to the store it picks (HTTP Digest HA1 values, opt-in). */
export interface CreateUserStoreOptions extends DigestStoreOptions {
  /** PostgreSQL URL. Default: `process.env.DATABASE_URL`, unless `path` is given. */
  databaseUrl?: string;
  /** The users file of the embedded store (default `./ticketstack-users.json`). */
  path?: string;
  /** PostgreSQL schema (default `'ticketstack'`). */
  schema?: string;
  /** PostgreSQL connect and query timeout (default 2000 ms). */
  queryTimeoutMs?: number;
  hashParams?: ScryptParams;
}

/** The embedded store's file when no `path` is given. */
export const DEFAULT_USERS_FILE = 'ticketstack-users.json';

const OPTION_KEYS = ['databaseUrl', 'path', 'schema', 'queryTimeoutMs', 'hashParams', 'digestRealms', 'digestAlgorithms'];

export function createUserStore(options: CreateUserStoreOptions = {}): UserStore {
  checkOptionKeys('createUserStore', options, OPTION_KEYS);
  if (options.databaseUrl !== undefined && options.path !== undefined) {
    throw new TypeError('createUserStore: give "databaseUrl" or "path", not both');
  }
  const envUrl = process.env.DATABASE_URL?.trim() ? process.env.DATABASE_URL : undefined;
  const databaseUrl = options.databaseUrl ?? (options.path === undefined ? envUrl : undefined);
  const common = {
    ...(options.hashParams !== undefined && { hashParams: options.hashParams }),
    ...(options.digestRealms !== undefined && { digestRealms: options.digestRealms }),
    ...(options.digestAlgorithms !== undefined && { digestAlgorithms: options.digestAlgorithms }),
  };
  if (databaseUrl !== undefined) {
    return new PostgresUserStore({
      connectionString: databaseUrl,
      ...(options.schema !== undefined && { schema: options.schema }),
      ...(options.queryTimeoutMs !== undefined && { queryTimeoutMs: options.queryTimeoutMs }),
      ...common,
    });
  }
  return new FileUserStore({ path: options.path ?? DEFAULT_USERS_FILE, ...common });
}
