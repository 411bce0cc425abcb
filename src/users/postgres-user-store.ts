/**
 * The user store on PostgreSQL (`pg`), for several instances. The schema is created by `migrate()`
 * (or `ticketstack users migrate`), idempotently and under an advisory lock so that two instances
 * starting together do not collide.
 *
 * - IDs are case-insensitive: the lowercased id (computed in JavaScript, so it matches the other stores
 *   for any locale) is the primary key `id_lower`; `id` keeps the case as given.
 * - Only scrypt hashes are stored, plus HTTP Digest HA1 values for the configured `digestRealms` (table
 *   `digest_credentials`, schema version 2; password-equivalent per realm, see digest-credentials.ts).
 * - Fail closed (issue "several instances" item 4): connecting and every query are bounded by
 *   `queryTimeoutMs`; an unreachable or failing server rejects with `ERR_USER_STORE_UNAVAILABLE` (503).
 *   The pool opens new connections when the server is back: no restart needed.
 *
 * `pg` is an optional peer dependency: it is imported only when this store creates its own pool.
 *
 * @module
 */
import { checkOptionKeys } from '../option-keys.js';
import type { NewUser, UserRecord, UserStore } from './user-store.js';
import { UserStoreError } from './errors.js';
import { assertPassword, assertScryptParams, DEFAULT_SCRYPT_PARAMS, dummyHash, hashPassword, verifyPasswordHash, type ScryptParams } from './password-hash.js';
import { checkNewUser, idKey } from './internal.js';
import {
  checkDigestQuery,
  digestCredentialsFor,
  digestStoreConfig,
  type DigestCredential,
  type DigestCredentialQuery,
  type DigestHashAlgorithm,
  type DigestStoreConfig,
  type DigestStoreOptions,
  type StoredDigestCredential,
} from './digest-credentials.js';

/** The part of a `pg.Pool` this store uses. A pool you pass stays yours: `close()` does not end it. */
export interface PgPoolLike {
  query(text: string, values?: unknown[]): Promise<{ rows: any[]; rowCount: number | null }>;
  connect(): Promise<{ query(text: string, values?: unknown[]): Promise<{ rows: any[]; rowCount: number | null }>; release(err?: Error | boolean): void }>;
  end(): Promise<void>;
  on(event: 'error', listener: (err: Error) => void): unknown;
}

/** `digestRealms` / `digestAlgorithms`: HTTP Digest HA1 values, opt-in (see digest-credentials.ts). */
export interface PostgresUserStoreOptions extends DigestStoreOptions {
  /** `postgres://user[:password]@host:port/db`. Exactly one of `connectionString` and `pool`. */
  connectionString?: string;
  /** A `pg.Pool` you created. Exactly one of `connectionString` and `pool`. */
  pool?: PgPoolLike;
  /** Schema of the `users` table (default `'ticketstack'`): lowercase letters, digits, `_`. */
  schema?: string;
  /** Upper bound of connecting and of every query (default 2000 ms). */
  queryTimeoutMs?: number;
  /** scrypt parameters for new hashes (default ln=15, r=8, p=1; lower them only in tests). */
  hashParams?: ScryptParams;
  /** Most connections of the pool this store creates (default 10). */
  maxConnections?: number;
  /** Receives `users.unavailable` / `users.recovered`, once per transition (default: none). */
  onEvent?: (event: UserStoreEvent) => void;
}

/** A log event: PostgreSQL became unreachable, or is back. Never contains the connection string. */
export type UserStoreEvent =
  | { type: 'users.unavailable'; store: 'postgres'; operation: string; reason: string }
  | { type: 'users.recovered'; store: 'postgres' };

const WHERE = 'PostgresUserStore';
const OPTION_KEYS = ['connectionString', 'pool', 'schema', 'queryTimeoutMs', 'hashParams', 'maxConnections', 'onEvent', 'digestRealms', 'digestAlgorithms'];
const SCHEMA_NAME = /^[a-z_][a-z0-9_]{0,62}$/;
/**
 * The schema, step by step: `migrate()` runs every step (each idempotent: IF NOT EXISTS) and records each version,
 * so a schema at any older version is brought up to the newest. Append a step to change the schema.
 */
const MIGRATIONS: readonly ((schema: string) => readonly string[])[] = [
  // 1: users.
  (schema) => [
    `CREATE TABLE IF NOT EXISTS "${schema}".users (
       id_lower text PRIMARY KEY,
       id text NOT NULL,
       display_name text,
       groups text[] NOT NULL DEFAULT '{}',
       revoked boolean NOT NULL DEFAULT false,
       password_hash text NOT NULL,
       created_at timestamptz NOT NULL DEFAULT now(),
       updated_at timestamptz NOT NULL DEFAULT now(),
       CONSTRAINT users_id_lower_not_empty CHECK (id_lower <> ''))`,
  ],
  // 2: HTTP Digest HA1 values per user, realm and algorithm (RFC 7616), found by user or by userhash.
  (schema) => [
    `CREATE TABLE IF NOT EXISTS "${schema}".digest_credentials (
       id_lower text NOT NULL REFERENCES "${schema}".users (id_lower) ON DELETE CASCADE,
       realm text NOT NULL,
       algorithm text NOT NULL,
       ha1 text NOT NULL,
       userhash text NOT NULL,
       PRIMARY KEY (id_lower, realm, algorithm))`,
    `CREATE INDEX IF NOT EXISTS digest_credentials_userhash ON "${schema}".digest_credentials (realm, algorithm, userhash)`,
  ],
];

/** The newest schema version; `migrate()` brings older schemas up to it. */
export const POSTGRES_SCHEMA_VERSION = MIGRATIONS.length;

interface Row {
  id: string;
  display_name: string | null;
  groups: string[];
  revoked: boolean;
}

class QueryTimeout extends Error {}

export class PostgresUserStore implements UserStore {
  readonly #schema: string;
  readonly #table: string;
  readonly #timeoutMs: number;
  readonly #params: ScryptParams;
  readonly #connectionString: string | undefined;
  readonly #owned: boolean;
  readonly #maxConnections: number;
  readonly #onEvent: ((event: UserStoreEvent) => void) | undefined;
  #available = true;
  readonly #digest: DigestStoreConfig;
  readonly #digestTable: string;
  #pool: PgPoolLike | undefined;
  #poolPromise: Promise<PgPoolLike> | undefined;

  constructor(options: PostgresUserStoreOptions) {
    checkOptionKeys(WHERE, options, OPTION_KEYS);
    const { connectionString, pool, schema = 'ticketstack', queryTimeoutMs = 2000, hashParams = DEFAULT_SCRYPT_PARAMS, maxConnections = 10, onEvent, digestRealms, digestAlgorithms } = options;
    if ((connectionString === undefined) === (pool === undefined)) {
      throw new TypeError(`${WHERE}: give exactly one of the options "connectionString" and "pool"`);
    }
    if (connectionString !== undefined && (typeof connectionString !== 'string' || !/^postgres(ql)?:\/\//.test(connectionString))) {
      throw new TypeError(`${WHERE}: connectionString must be a postgres:// or postgresql:// URL`);
    }
    if (pool !== undefined && (pool === null || typeof pool.query !== 'function' || typeof pool.connect !== 'function')) {
      throw new TypeError(`${WHERE}: pool must be a pg.Pool`);
    }
    if (typeof schema !== 'string' || !SCHEMA_NAME.test(schema)) {
      throw new TypeError(`${WHERE}: schema must be 1-63 lowercase letters, digits or "_", not starting with a digit`);
    }
    if (!Number.isSafeInteger(queryTimeoutMs) || queryTimeoutMs < 1) throw new TypeError(`${WHERE}: queryTimeoutMs must be a positive integer (milliseconds)`);
    if (!Number.isSafeInteger(maxConnections) || maxConnections < 1) throw new TypeError(`${WHERE}: maxConnections must be a positive integer`);
    assertScryptParams(WHERE, hashParams);
    if (onEvent !== undefined && typeof onEvent !== 'function') throw new TypeError(`${WHERE}: onEvent must be a function`);
    this.#onEvent = onEvent;
    this.#connectionString = connectionString;
    this.#pool = pool;
    this.#owned = pool === undefined;
    this.#schema = schema;
    this.#table = `"${schema}"."users"`;
    this.#timeoutMs = queryTimeoutMs;
    this.#params = hashParams;
    this.#maxConnections = maxConnections;
    this.#digest = digestStoreConfig(WHERE, digestRealms, digestAlgorithms);
    this.#digestTable = `"${schema}"."digest_credentials"`;
  }

  /** The schema in use. */
  get schema(): string {
    return this.#schema;
  }

  get digestRealms(): readonly string[] {
    return this.#digest.realms;
  }

  get digestAlgorithms(): readonly DigestHashAlgorithm[] {
    return this.#digest.algorithms;
  }

  /**
   * Creates the schema and its tables, or brings an older schema up to {@link POSTGRES_SCHEMA_VERSION}
   * (idempotent; safe to run from several instances at once: an advisory lock serializes it). Resolves with the
   * schema version now in place.
   */
  async migrate(): Promise<number> {
    let client: Awaited<ReturnType<PgPoolLike['connect']>>;
    try {
      client = await this.#bounded((await this.#getPool()).connect(), 'migrate');
    } catch (err) {
      throw this.#translate(err, 'migrate');
    }
    let failed: Error | undefined;
    try {
      await this.#bounded(client.query('BEGIN'), 'migrate');
      await this.#bounded(client.query('SELECT pg_advisory_xact_lock(hashtext($1))', [`ticketstack.migrate.${this.#schema}`]), 'migrate');
      await this.#bounded(client.query(`CREATE SCHEMA IF NOT EXISTS "${this.#schema}"`), 'migrate');
      await this.#bounded(
        client.query(
          `CREATE TABLE IF NOT EXISTS "${this.#schema}".schema_version (
             version integer PRIMARY KEY,
             applied_at timestamptz NOT NULL DEFAULT now())`,
        ),
        'migrate',
      );
      for (const [i, step] of MIGRATIONS.entries()) {
        for (const statement of step(this.#schema)) await this.#bounded(client.query(statement), 'migrate');
        await this.#bounded(
          client.query(`INSERT INTO "${this.#schema}".schema_version (version) VALUES ($1) ON CONFLICT DO NOTHING`, [i + 1]),
          'migrate',
        );
      }
      await this.#bounded(client.query('COMMIT'), 'migrate');
      return POSTGRES_SCHEMA_VERSION;
    } catch (err) {
      failed = err instanceof Error ? err : new Error(String(err));
      await client.query('ROLLBACK').catch(() => undefined);
      throw this.#translate(err, 'migrate');
    } finally {
      // A connection that failed mid-transaction is discarded, not returned to the pool.
      client.release(failed ?? false);
    }
  }

  async findUser(id: string): Promise<UserRecord | null> {
    const key = idKey(`${WHERE}.findUser`, id);
    const { rows } = await this.#query('findUser', `SELECT id, display_name, groups, revoked FROM ${this.#table} WHERE id_lower = $1`, [key]);
    return rows.length === 0 ? null : toRecord(rows[0] as Row);
  }

  async verifyPassword(id: string, password: string): Promise<boolean> {
    const key = idKey(`${WHERE}.verifyPassword`, id);
    const { rows } = await this.#query('verifyPassword', `SELECT password_hash FROM ${this.#table} WHERE id_lower = $1`, [key]);
    const stored = rows[0] as { password_hash: string } | undefined;
    const ok = await verifyPasswordHash(password, stored?.password_hash ?? (await dummyHash(this.#params)));
    return ok && stored !== undefined;
  }

  async createUser(input: NewUser): Promise<UserRecord> {
    const { id, key, password, displayName, groups } = checkNewUser(`${WHERE}.createUser`, input);
    const passwordHash = await hashPassword(password, this.#params);
    const digest = digestColumns(digestCredentialsFor(this.#digest, id, password));
    // One statement: the user and its HA1 values are written together or not at all.
    const { rows } = await this.#query(
      'createUser',
      `WITH u AS (
         INSERT INTO ${this.#table} (id_lower, id, display_name, groups, password_hash) VALUES ($1, $2, $3, $4, $5)
         ON CONFLICT (id_lower) DO NOTHING
         RETURNING id_lower, id, display_name, groups, revoked),
       d AS (
         INSERT INTO ${this.#digestTable} (id_lower, realm, algorithm, ha1, userhash)
         SELECT u.id_lower, c.realm, c.algorithm, c.ha1, c.userhash
         FROM u, unnest($6::text[], $7::text[], $8::text[], $9::text[]) AS c(realm, algorithm, ha1, userhash))
       SELECT id, display_name, groups, revoked FROM u`,
      [key, id, displayName ?? null, groups, passwordHash, ...digest],
    );
    if (rows.length === 0) throw new UserStoreError('ERR_USER_EXISTS', 'a user with this id exists');
    return toRecord(rows[0] as Row);
  }

  async changePassword(id: string, newPassword: string): Promise<void> {
    const key = idKey(`${WHERE}.changePassword`, id);
    assertPassword(`${WHERE}.changePassword`, newPassword);
    // The HA1 covers the user ID exactly as stored, so read it first.
    const { rows } = await this.#query('changePassword', `SELECT id FROM ${this.#table} WHERE id_lower = $1`, [key]);
    const stored = rows[0] as { id: string } | undefined;
    if (stored === undefined) throw new UserStoreError('ERR_USER_UNKNOWN', 'no user with this id');
    const passwordHash = await hashPassword(newPassword, this.#params);
    const digest = digestColumns(digestCredentialsFor(this.#digest, stored.id, newPassword));
    // One statement: the new hash, the new HA1 values, and every other HA1 removed (an old one would still admit
    // the old password, also for a realm no longer configured). The deleted and the upserted rows are disjoint.
    const { rows: changed } = await this.#query(
      'changePassword',
      `WITH u AS (
         UPDATE ${this.#table} SET password_hash = $2, updated_at = now() WHERE id_lower = $1 RETURNING id_lower),
       gone AS (
         DELETE FROM ${this.#digestTable} d USING u
         WHERE d.id_lower = u.id_lower AND (d.realm, d.algorithm) NOT IN (SELECT * FROM unnest($3::text[], $4::text[]))),
       kept AS (
         INSERT INTO ${this.#digestTable} (id_lower, realm, algorithm, ha1, userhash)
         SELECT u.id_lower, c.realm, c.algorithm, c.ha1, c.userhash
         FROM u, unnest($3::text[], $4::text[], $5::text[], $6::text[]) AS c(realm, algorithm, ha1, userhash)
         ON CONFLICT (id_lower, realm, algorithm) DO UPDATE SET ha1 = EXCLUDED.ha1, userhash = EXCLUDED.userhash)
       SELECT count(*)::int AS n FROM u`,
      [key, passwordHash, ...digest],
    );
    if ((changed[0] as { n: number } | undefined)?.n !== 1) throw new UserStoreError('ERR_USER_UNKNOWN', 'no user with this id');
  }

  async findDigestCredential(query: DigestCredentialQuery): Promise<DigestCredential | null> {
    const { userhash } = checkDigestQuery(`${WHERE}.findDigestCredential`, query);
    const select = `SELECT u.id, d.ha1 FROM ${this.#table} u JOIN ${this.#digestTable} d USING (id_lower)`;
    const { rows } =
      userhash === undefined
        ? await this.#query('findDigestCredential', `${select} WHERE u.id_lower = $1 AND d.realm = $2 AND d.algorithm = $3`, [
            idKey(`${WHERE}.findDigestCredential`, (query as { username: string }).username),
            query.realm,
            query.algorithm,
          ])
        : await this.#query('findDigestCredential', `${select} WHERE d.realm = $1 AND d.algorithm = $2 AND d.userhash = $3 LIMIT 1`, [query.realm, query.algorithm, userhash]);
    const row = rows[0] as { id: string; ha1: string } | undefined;
    return row === undefined ? null : { id: row.id, ha1: row.ha1 };
  }

  async revoke(id: string): Promise<void> {
    await this.#updateOne('revoke', 'revoked = true', [idKey(`${WHERE}.revoke`, id)]);
  }

  async restore(id: string): Promise<void> {
    await this.#updateOne('restore', 'revoked = false', [idKey(`${WHERE}.restore`, id)]);
  }

  async listUsers(): Promise<UserRecord[]> {
    const { rows } = await this.#query('listUsers', `SELECT id, display_name, groups, revoked FROM ${this.#table} ORDER BY id_lower`, []);
    return (rows as Row[]).map(toRecord);
  }

  /** Ends the pool this store created (a pool you passed is left open). */
  async close(): Promise<void> {
    if (!this.#owned) return;
    const pool = this.#pool ?? (await this.#poolPromise?.catch(() => undefined));
    this.#pool = undefined;
    this.#poolPromise = undefined;
    await pool?.end().catch(() => undefined);
  }

  async #updateOne(operation: string, assignment: string, values: unknown[]): Promise<void> {
    const { rowCount } = await this.#query(operation, `UPDATE ${this.#table} SET ${assignment}, updated_at = now() WHERE id_lower = $1`, values);
    if (rowCount === 0) throw new UserStoreError('ERR_USER_UNKNOWN', 'no user with this id');
  }

  async #query(operation: string, text: string, values: unknown[]): Promise<{ rows: any[]; rowCount: number | null }> {
    try {
      const pool = await this.#getPool();
      const result = await this.#bounded(pool.query(text, values), operation);
      this.#setAvailable(true, operation);
      return result;
    } catch (err) {
      throw this.#translate(err, operation);
    }
  }

  /** Emits one event per transition between reachable and unreachable. */
  #setAvailable(available: boolean, operation: string, reason = ''): void {
    if (available === this.#available) return;
    this.#available = available;
    const event: UserStoreEvent = available
      ? { type: 'users.recovered', store: 'postgres' }
      : { type: 'users.unavailable', store: 'postgres', operation, reason };
    try {
      this.#onEvent?.(event);
    } catch {
      // a logger must not change a decision
    }
  }

  /** Our own bound on top of pg's timeouts, so that nothing waits longer than `queryTimeoutMs` (plus a little). */
  #bounded<T>(promise: Promise<T>, operation: string): Promise<T> {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new QueryTimeout(`${operation}: no answer within ${this.#timeoutMs} ms`)), this.#timeoutMs + 50);
    });
    promise.catch(() => undefined); // a late rejection after the timeout is not unhandled
    return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
  }

  async #getPool(): Promise<PgPoolLike> {
    if (this.#pool !== undefined) return this.#pool;
    this.#poolPromise ??= (async () => {
      let pg: typeof import('pg');
      try {
        pg = await import('pg');
      } catch (err) {
        throw new TypeError(`${WHERE}: the optional peer dependency "pg" is not installed (npm install pg)`, { cause: err });
      }
      const Pool = (pg.default ?? pg).Pool;
      const pool = new Pool({
        connectionString: this.#connectionString,
        max: this.#maxConnections,
        connectionTimeoutMillis: this.#timeoutMs,
        query_timeout: this.#timeoutMs,
        statement_timeout: this.#timeoutMs,
        idleTimeoutMillis: 10_000,
      });
      // An idle connection dropped by the server emits 'error' on the pool; without a listener it would
      // crash the process. The next query opens a new connection.
      pool.on('error', () => undefined);
      this.#pool = pool as unknown as PgPoolLike;
      return this.#pool;
    })();
    return this.#poolPromise;
  }

  #translate(err: unknown, operation: string): unknown {
    if (err instanceof UserStoreError || err instanceof TypeError) return err;
    const sqlState = (err as { code?: unknown } | null)?.code;
    if (sqlState === '3F000' || sqlState === '42P01') {
      return new UserStoreError('ERR_USER_STORE_NOT_MIGRATED', `the PostgreSQL user store schema "${this.#schema}" is missing: run \`ticketstack users migrate\``, { cause: err });
    }
    if (sqlState === '23505') return new UserStoreError('ERR_USER_EXISTS', 'a user with this id exists', { cause: err });
    const reason = err instanceof QueryTimeout ? `no answer within ${this.#timeoutMs} ms` : describe(err);
    this.#setAvailable(false, operation, reason);
    return new UserStoreError('ERR_USER_STORE_UNAVAILABLE', `PostgreSQL user store unavailable (${operation}: ${reason})`, { cause: err });
  }
}

/** The four parallel arrays `unnest` takes: realms, algorithms, HA1 values, userhashes. */
function digestColumns(credentials: readonly StoredDigestCredential[]): [string[], string[], string[], string[]] {
  return [credentials.map((c) => c.realm), credentials.map((c) => c.algorithm), credentials.map((c) => c.ha1), credentials.map((c) => c.userhash)];
}

function toRecord(row: Row): UserRecord {
  return { id: row.id, ...(row.display_name !== null && { displayName: row.display_name }), groups: [...row.groups], revoked: row.revoked };
}

/** A short reason without the connection string: the SQLSTATE or errno code, or the error class. */
function describe(err: unknown): string {
  const code = (err as { code?: unknown } | null)?.code;
  if (typeof code === 'string') return code;
  if (err instanceof Error) return err.message.includes('timeout') ? 'timeout' : err.name;
  return 'unknown error';
}
