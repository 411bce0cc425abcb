/**
 * A user store in memory: for tests and demos only (nothing survives a restart). The embedded default is
 * `FileUserStore`.
 *
 * @module
 */
import { checkOptionKeys } from '../option-keys.js';
import type { NewUser, UserRecord, UserStore } from './user-store.js';
import { UserStoreError } from './errors.js';
import { assertPassword, assertScryptParams, DEFAULT_SCRYPT_PARAMS, dummyHash, hashPassword, verifyPasswordHash, type ScryptParams } from './password-hash.js';
import { checkNewUser, findStoredDigestCredential, idKey, toRecord, type StoredUser } from './internal.js';
import {
  digestCredentialsFor,
  digestStoreConfig,
  nonEmpty,
  type DigestCredential,
  type DigestCredentialQuery,
  type DigestHashAlgorithm,
  type DigestStoreConfig,
  type DigestStoreOptions,
} from './digest-credentials.js';

/** `digestRealms` / `digestAlgorithms`: HTTP Digest HA1 values, opt-in (see digest-credentials.ts). */
export interface MemoryUserStoreOptions extends DigestStoreOptions {
  /** scrypt parameters for new hashes (default ln=15, r=8, p=1; lower them only in tests). */
  hashParams?: ScryptParams;
}

const WHERE = 'MemoryUserStore';
const OPTION_KEYS = ['hashParams', 'digestRealms', 'digestAlgorithms'];

export class MemoryUserStore implements UserStore {
  readonly #users = new Map<string, StoredUser>();
  readonly #params: ScryptParams;
  readonly #digest: DigestStoreConfig;

  constructor(options: MemoryUserStoreOptions = {}) {
    checkOptionKeys(WHERE, options, OPTION_KEYS);
    this.#params = options.hashParams ?? DEFAULT_SCRYPT_PARAMS;
    assertScryptParams(WHERE, this.#params);
    this.#digest = digestStoreConfig(WHERE, options.digestRealms, options.digestAlgorithms);
  }

  get digestRealms(): readonly string[] {
    return this.#digest.realms;
  }

  get digestAlgorithms(): readonly DigestHashAlgorithm[] {
    return this.#digest.algorithms;
  }

  async findDigestCredential(query: DigestCredentialQuery): Promise<DigestCredential | null> {
    return findStoredDigestCredential(`${WHERE}.findDigestCredential`, query, this.#users);
  }

  async findUser(id: string): Promise<UserRecord | null> {
    const user = this.#users.get(idKey(`${WHERE}.findUser`, id));
    return user === undefined ? null : toRecord(user);
  }

  async verifyPassword(id: string, password: string): Promise<boolean> {
    const user = this.#users.get(idKey(`${WHERE}.verifyPassword`, id));
    const ok = await verifyPasswordHash(password, user?.passwordHash ?? (await dummyHash(this.#params)));
    return ok && user !== undefined;
  }

  async createUser(input: NewUser): Promise<UserRecord> {
    const { id, key, password, displayName, groups } = checkNewUser(`${WHERE}.createUser`, input);
    if (this.#users.has(key)) throw new UserStoreError('ERR_USER_EXISTS', 'a user with this id exists');
    const passwordHash = await hashPassword(password, this.#params);
    if (this.#users.has(key)) throw new UserStoreError('ERR_USER_EXISTS', 'a user with this id exists');
    const now = new Date().toISOString();
    const digest = digestCredentialsFor(this.#digest, id, password);
    const user: StoredUser = { id, ...(displayName !== undefined && { displayName }), groups, revoked: false, passwordHash, ...(digest.length > 0 && { digest }), createdAt: now, updatedAt: now };
    this.#users.set(key, user);
    return toRecord(user);
  }

  async changePassword(id: string, newPassword: string): Promise<void> {
    const key = idKey(`${WHERE}.changePassword`, id);
    assertPassword(`${WHERE}.changePassword`, newPassword);
    const { id: storedId } = this.#get(key);
    const passwordHash = await hashPassword(newPassword, this.#params);
    // Every old HA1 goes (it would still admit the old password), also for realms no longer configured.
    this.#update(key, { passwordHash, digest: nonEmpty(digestCredentialsFor(this.#digest, storedId, newPassword)) });
  }

  async revoke(id: string): Promise<void> {
    this.#update(idKey(`${WHERE}.revoke`, id), { revoked: true });
  }

  async restore(id: string): Promise<void> {
    this.#update(idKey(`${WHERE}.restore`, id), { revoked: false });
  }

  async listUsers(): Promise<UserRecord[]> {
    return [...this.#users.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([, user]) => toRecord(user));
  }

  async close(): Promise<void> {}

  #get(key: string): StoredUser {
    const user = this.#users.get(key);
    if (user === undefined) throw new UserStoreError('ERR_USER_UNKNOWN', 'no user with this id');
    return user;
  }

  #update(key: string, patch: Partial<StoredUser>): void {
    const user = this.#get(key);
    this.#users.set(key, { ...user, ...patch, updatedAt: new Date().toISOString() });
  }
}
