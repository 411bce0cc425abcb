/**
 * The embedded user store: one JSON file, no server, survives a restart.
 *
 * - Atomic writes: a temporary file in the same directory (mode 0600), fsync, then rename over the old
 *   file, so a crash leaves either the old or the new content, never half of it.
 * - Writes are serialized within the process, and each one re-reads the file first, so a change made by
 *   `ticketstack users revoke` while the app runs is not lost by the app's next write (and reads notice it:
 *   the file is re-read whenever its inode, size or mtime changed). Two processes writing at the same
 *   instant are not coordinated: for several instances use `PostgresUserStore`.
 * - Only scrypt hashes are stored, plus HTTP Digest HA1 values for the configured `digestRealms` (password-
 *   equivalent per realm: the file is as sensitive as the passwords of those realms). A missing file is an empty store; an unreadable or corrupt file fails
 *   closed with `ERR_USER_STORE_UNAVAILABLE` (503).
 *
 * @module
 */
import { randomBytes } from 'node:crypto';
import { mkdir, open, readFile, rename, rm, stat } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
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
export interface FileUserStoreOptions extends DigestStoreOptions {
  /** The JSON file (created on the first write, with mode 0600; its directory too). */
  path: string;
  /** scrypt parameters for new hashes (default ln=15, r=8, p=1; lower them only in tests). */
  hashParams?: ScryptParams;
}

interface FileContent {
  format: 'ticketstack-users';
  version: 1;
  /** Keyed by the lowercased id. */
  users: Record<string, StoredUser>;
}

interface Snapshot {
  users: Map<string, StoredUser>;
  /** `ino:size:mtimeMs` of the file it was read from, or 'absent'. */
  signature: string;
}

const WHERE = 'FileUserStore';
const OPTION_KEYS = ['path', 'hashParams', 'digestRealms', 'digestAlgorithms'];

export class FileUserStore implements UserStore {
  readonly #path: string;
  readonly #params: ScryptParams;
  readonly #digest: DigestStoreConfig;
  #snapshot: Snapshot | undefined;
  #queue: Promise<unknown> = Promise.resolve();

  constructor(options: FileUserStoreOptions) {
    checkOptionKeys(WHERE, options, OPTION_KEYS);
    if (typeof options.path !== 'string' || options.path.trim() === '') throw new TypeError(`${WHERE}: path must be a non-empty string`);
    this.#path = resolve(options.path);
    this.#params = options.hashParams ?? DEFAULT_SCRYPT_PARAMS;
    assertScryptParams(WHERE, this.#params);
    this.#digest = digestStoreConfig(WHERE, options.digestRealms, options.digestAlgorithms);
  }

  /** The absolute path of the file. */
  get path(): string {
    return this.#path;
  }

  get digestRealms(): readonly string[] {
    return this.#digest.realms;
  }

  get digestAlgorithms(): readonly DigestHashAlgorithm[] {
    return this.#digest.algorithms;
  }

  async findDigestCredential(query: DigestCredentialQuery): Promise<DigestCredential | null> {
    return findStoredDigestCredential(`${WHERE}.findDigestCredential`, query, await this.#read());
  }

  async findUser(id: string): Promise<UserRecord | null> {
    const key = idKey(`${WHERE}.findUser`, id);
    const user = (await this.#read()).get(key);
    return user === undefined ? null : toRecord(user);
  }

  async verifyPassword(id: string, password: string): Promise<boolean> {
    const key = idKey(`${WHERE}.verifyPassword`, id);
    const user = (await this.#read()).get(key);
    const ok = await verifyPasswordHash(password, user?.passwordHash ?? (await dummyHash(this.#params)));
    return ok && user !== undefined;
  }

  async createUser(input: NewUser): Promise<UserRecord> {
    const { id, key, password, displayName, groups } = checkNewUser(`${WHERE}.createUser`, input);
    if ((await this.#read()).has(key)) throw new UserStoreError('ERR_USER_EXISTS', 'a user with this id exists');
    // Hash outside the write queue: scrypt is slow and must not hold up other writes.
    const passwordHash = await hashPassword(password, this.#params);
    const now = new Date().toISOString();
    const digest = digestCredentialsFor(this.#digest, id, password);
    const user: StoredUser = { id, ...(displayName !== undefined && { displayName }), groups, revoked: false, passwordHash, ...(digest.length > 0 && { digest }), createdAt: now, updatedAt: now };
    await this.#mutate((users) => {
      if (users.has(key)) throw new UserStoreError('ERR_USER_EXISTS', 'a user with this id exists');
      users.set(key, user);
    });
    return toRecord(user);
  }

  async changePassword(id: string, newPassword: string): Promise<void> {
    const key = idKey(`${WHERE}.changePassword`, id);
    assertPassword(`${WHERE}.changePassword`, newPassword);
    if (!(await this.#read()).has(key)) throw unknownUser();
    const passwordHash = await hashPassword(newPassword, this.#params);
    await this.#mutate((users) => {
      const storedId = users.get(key)?.id ?? id;
      // Every old HA1 goes (it would still admit the old password), also for realms no longer configured.
      update(users, key, { passwordHash, digest: nonEmpty(digestCredentialsFor(this.#digest, storedId, newPassword)) });
    });
  }

  async revoke(id: string): Promise<void> {
    const key = idKey(`${WHERE}.revoke`, id);
    await this.#mutate((users) => update(users, key, { revoked: true }));
  }

  async restore(id: string): Promise<void> {
    const key = idKey(`${WHERE}.restore`, id);
    await this.#mutate((users) => update(users, key, { revoked: false }));
  }

  async listUsers(): Promise<UserRecord[]> {
    const users = await this.#read();
    return [...users.keys()].sort().map((key) => toRecord(users.get(key)!));
  }

  /** Waits for pending writes. */
  async close(): Promise<void> {
    await this.#queue.catch(() => undefined);
  }

  /** The users as on disk now (re-read only if the file changed). */
  async #read(): Promise<Map<string, StoredUser>> {
    try {
      const signature = await this.#signature();
      if (this.#snapshot?.signature === signature) return this.#snapshot.users;
      const users = signature === 'absent' ? new Map<string, StoredUser>() : parse(await readFile(this.#path, 'utf8'));
      this.#snapshot = { users, signature };
      return users;
    } catch (err) {
      throw asUnavailable(err, 'read');
    }
  }

  async #signature(): Promise<string> {
    try {
      const s = await stat(this.#path, { bigint: true });
      return `${s.ino}:${s.size}:${s.mtimeNs}`;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return 'absent';
      throw err;
    }
  }

  /** Serialized read-modify-write: re-read, apply `change` to a copy, write atomically. */
  #mutate(change: (users: Map<string, StoredUser>) => void): Promise<void> {
    const run = async (): Promise<void> => {
      const users = new Map(await this.#read());
      change(users);
      try {
        await this.#write(users);
        this.#snapshot = { users, signature: await this.#signature() };
      } catch (err) {
        this.#snapshot = undefined;
        throw asUnavailable(err, 'write');
      }
    };
    const result = this.#queue.then(run, run);
    this.#queue = result.catch(() => undefined);
    return result;
  }

  async #write(users: Map<string, StoredUser>): Promise<void> {
    const content: FileContent = { format: 'ticketstack-users', version: 1, users: Object.fromEntries([...users.entries()].sort(([a], [b]) => (a < b ? -1 : 1))) };
    const dir = dirname(this.#path);
    await mkdir(dir, { recursive: true, mode: 0o700 });
    const temp = `${this.#path}.${process.pid}.${randomBytes(6).toString('hex')}.tmp`;
    const handle = await open(temp, 'wx', 0o600);
    try {
      await handle.writeFile(`${JSON.stringify(content, null, 2)}\n`, 'utf8');
      await handle.sync();
      await handle.close();
      await rename(temp, this.#path);
    } catch (err) {
      await handle.close().catch(() => undefined);
      await rm(temp, { force: true }).catch(() => undefined);
      throw err;
    }
    // Make the rename itself durable (best effort: not every platform can fsync a directory).
    const dirHandle = await open(dir, 'r').catch(() => undefined);
    await dirHandle?.sync().catch(() => undefined);
    await dirHandle?.close().catch(() => undefined);
  }
}

function update(users: Map<string, StoredUser>, key: string, patch: Partial<StoredUser>): void {
  const user = users.get(key);
  if (user === undefined) throw unknownUser();
  users.set(key, { ...user, ...patch, updatedAt: new Date().toISOString() });
}

function unknownUser(): UserStoreError {
  return new UserStoreError('ERR_USER_UNKNOWN', 'no user with this id');
}

function parse(text: string): Map<string, StoredUser> {
  let content: unknown;
  try {
    content = JSON.parse(text);
  } catch {
    throw new UserStoreError('ERR_USER_STORE_UNAVAILABLE', 'the users file is not valid JSON');
  }
  const c = content as Partial<FileContent> | null;
  if (c === null || typeof c !== 'object' || c.format !== 'ticketstack-users' || c.version !== 1 || c.users === null || typeof c.users !== 'object') {
    throw new UserStoreError('ERR_USER_STORE_UNAVAILABLE', 'the users file is not a ticketstack users file (format "ticketstack-users", version 1)');
  }
  const users = new Map<string, StoredUser>();
  for (const [key, user] of Object.entries(c.users)) {
    if (
      typeof user?.id !== 'string' ||
      user.id.toLowerCase() !== key ||
      typeof user.passwordHash !== 'string' ||
      typeof user.revoked !== 'boolean' ||
      !Array.isArray(user.groups) ||
      (user.digest !== undefined && !Array.isArray(user.digest))
    ) {
      throw new UserStoreError('ERR_USER_STORE_UNAVAILABLE', 'the users file has a malformed entry');
    }
    users.set(key, user);
  }
  return users;
}

function asUnavailable(err: unknown, operation: string): unknown {
  if (err instanceof UserStoreError || err instanceof TypeError) return err;
  const code = (err as NodeJS.ErrnoException | undefined)?.code ?? 'unknown error';
  return new UserStoreError('ERR_USER_STORE_UNAVAILABLE', `cannot ${operation} the users file (${code})`, { cause: err });
}
