/**
 * The user store on PostgreSQL (`pg`), for several instances. The schema is created by `migrate()`
 * (or `ticketstack users migrate`), idempotently and under an advisory lock so that two instances
 * starting together do not collide.
 *
 * - IDs are case-insensitive: the lowercased id (computed in JavaScript, so it matches the other stores
 *   for any locale) is the primary key `id_lower`; `id` keeps the case as given.
 * - Only scrypt hashes are stored.
 * - Fail closed (issue "several instances" item 4): connecting and every query are bounded by
 *   `queryTimeoutMs`; an unreachable or failing server rejects with `ERR_USER_STORE_UNAVAILABLE` (503).
 *   The pool opens new connections when the server is back: no restart needed.
 *
 * `pg` is an optional peer dependency: it is imported only when this store creates its own pool.
 *
 * @module
 */
import type { NewUser, UserRecord, UserStore } from './user-store.js';
import { UserStoreError } from './errors.js';
import { assertPassword, assertScryptParams, DEFAULT_SCRYPT_PARAMS, dummyHash, hashPassword, verifyPasswordHash, type ScryptParams } from './password-hash.js';
import { checkNewUser, idKey } from './internal.js';

/** The part of a `pg.Pool` this store uses. A pool you pass stays yours: `close()` does not end it. */
export interface PgPoolLike {
  query(text: string, values?: unknown[]): Promise<{ rows: any[]; rowCount: number | null }>;
  connect(): Promise<{ query(text: string, values?: unknown[]): Promise<{ rows: any[]; rowCount: number | null }>; release(err?: Error | boolean): void }>;
  end(): Promise<void>;
  on(event: 'error', listener: (err: Error) => void): unknown;
}

export interface PostgresUserStoreOptions {
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
const OPTION_KEYS = ['connectionString', 'pool', 'schema', 'queryTimeoutMs', 'hashParams', 'maxConnections', 'onEvent'];
const SCHEMA_NAME = /^[a-z_][a-z0-9_]{0,62}$/;
/** Bumped when the table changes; `migrate()` brings older schemas up to it. */
export const POSTGRES_SCHEMA_VERSION = 1;

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
  #pool: PgPoolLike | undefined;
  #poolPromise: Promise<PgPoolLike> | undefined;

  constructor(options: PostgresUserStoreOptions) {
    if (options === null || typeof options !== 'object') throw new TypeError(`${WHERE}: options must be an object`);
    for (const key of Object.keys(options)) {
      if (!OPTION_KEYS.includes(key)) throw new TypeError(`${WHERE}: unknown option "${key}" (allowed: ${OPTION_KEYS.join(', ')})`);
    }
    const { connectionString, pool, schema = 'ticketstack', queryTimeoutMs = 2000, hashParams = DEFAULT_SCRYPT_PARAMS, maxConnections = 10, onEvent } = options;
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
  }

  /** The schema in use. */
  get schema(): string {
    return this.#schema;
  }

  /**
   * Creates the schema and the `users` table if missing (idempotent; safe to run from several instances at
   * once: an advisory lock serializes it). Resolves with the schema version now in place.
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
      await this.#bounded(
        client.query(
          `CREATE TABLE IF NOT EXISTS ${this.#table} (
             id_lower text PRIMARY KEY,
             id text NOT NULL,
             display_name text,
             groups text[] NOT NULL DEFAULT '{}',
             revoked boolean NOT NULL DEFAULT false,
             password_hash text NOT NULL,
             created_at timestamptz NOT NULL DEFAULT now(),
             updated_at timestamptz NOT NULL DEFAULT now(),
             CONSTRAINT users_id_lower_not_empty CHECK (id_lower <> ''))`,
        ),
        'migrate',
      );
      await this.#bounded(
        client.query(`INSERT INTO "${this.#schema}".schema_version (version) VALUES ($1) ON CONFLICT DO NOTHING`, [POSTGRES_SCHEMA_VERSION]),
        'migrate',
      );
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
    const { rows } = await this.#query(
      'createUser',
      `INSERT INTO ${this.#table} (id_lower, id, display_name, groups, password_hash) VALUES ($1, $2, $3, $4, $5)
       ON CONFLICT (id_lower) DO NOTHING
       RETURNING id, display_name, groups, revoked`,
      [key, id, displayName ?? null, groups, passwordHash],
    );
    if (rows.length === 0) throw new UserStoreError('ERR_USER_EXISTS', 'a user with this id exists');
    return toRecord(rows[0] as Row);
  }

  async changePassword(id: string, newPassword: string): Promise<void> {
    const key = idKey(`${WHERE}.changePassword`, id);
    assertPassword(`${WHERE}.changePassword`, newPassword);
    const passwordHash = await hashPassword(newPassword, this.#params);
    await this.#updateOne('changePassword', 'password_hash = $2', [key, passwordHash]);
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
