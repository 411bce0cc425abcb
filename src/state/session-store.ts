/**
 * Sessions across instances (issue "several instances" item 2; ecosystem-notes.md §4.3): an express-session
 * store on Redis (connect-redis 9, node-redis 5), so a session created by one instance is seen, and a
 * logout is honoured, by every other instance behind the load balancer.
 *
 * Without a Redis URL (option or `REDIS_URL`) this returns `undefined`, and express-session falls back to its
 * MemoryStore (one process only; express-session itself warns about it in production).
 *
 * Fail closed: a session read or write that fails or takes longer than `commandTimeoutMs` is passed to
 * express-session as a `StateError` (`ERR_STATE_UNAVAILABLE`, `status` 503), which Express's default error
 * handler answers with 503 — never as "no session" or "saved".
 *
 * `connect-redis` and `redis` are optional peer dependencies, imported only here and only when needed.
 *
 * @module
 */
import type { Store } from 'express-session';
import { StateError } from './errors.js';
import type { StateEvent } from './redis-state-store.js';
import { checkOptionKeys } from '../option-keys.js';
import { assertPositiveInteger } from './validate.js';

export interface CreateSessionStoreOptions {
  /** Redis URL (default `process.env.REDIS_URL`). Exactly one of `redisUrl` and `client`, or neither for MemoryStore. */
  redisUrl?: string;
  /** A node-redis client you created (connected or not); it stays yours: `close()` leaves it open. */
  client?: unknown;
  /** Key prefix, one per application (default `'ticketstack:sess:'`). */
  prefix?: string;
  /** Session lifetime in seconds when the cookie has no `expires` (connect-redis `ttl`, default 86400). */
  ttlSeconds?: number;
  /** Upper bound of every session read or write (default 1000 ms). */
  commandTimeoutMs?: number;
  /** Receives `state.unavailable` / `state.recovered` (`store: 'redis-sessions'`), once per transition. */
  onEvent?: (event: StateEvent) => void;
}

/** connect-redis's `RedisStore`, with failures turned into 503 `StateError`s and a `close()`. */
export interface RedisSessionStore extends Store {
  /** The node-redis client in use. */
  readonly client: unknown;
  /** Closes the client this function created (a client you passed is left open). */
  close(): Promise<void>;
}

const WHERE = 'createSessionStore';
const OPTION_KEYS = ['redisUrl', 'client', 'prefix', 'ttlSeconds', 'commandTimeoutMs', 'onEvent'] as const;

type Callback = (err?: unknown, data?: unknown) => void;
interface OwnedClient {
  isOpen: boolean;
  isReady: boolean;
  connect(): Promise<unknown>;
  on(event: string, listener: (...args: unknown[]) => void): unknown;
  close(): Promise<unknown>;
  destroy(): void;
}

export async function createSessionStore(options: CreateSessionStoreOptions = {}): Promise<RedisSessionStore | undefined> {
  checkOptionKeys(WHERE, options, OPTION_KEYS);
  const { prefix = 'ticketstack:sess:', ttlSeconds = 86_400, commandTimeoutMs = 1000 } = options;
  if (options.redisUrl !== undefined && options.client !== undefined) throw new TypeError(`${WHERE}: give "redisUrl" or "client", not both`);
  if (typeof prefix !== 'string') throw new TypeError(`${WHERE}: prefix must be a string`);
  assertPositiveInteger(WHERE, 'ttlSeconds', ttlSeconds);
  assertPositiveInteger(WHERE, 'commandTimeoutMs', commandTimeoutMs);
  if (options.onEvent !== undefined && typeof options.onEvent !== 'function') throw new TypeError(`${WHERE}: onEvent must be a function`);
  const availability = trackAvailability(options.onEvent);
  const envUrl = process.env.REDIS_URL?.trim() ? process.env.REDIS_URL : undefined;
  const url = options.client === undefined ? (options.redisUrl ?? envUrl) : undefined;
  if (options.client === undefined && url === undefined) return undefined;
  if (url !== undefined && !/^rediss?:\/\//.test(url)) throw new TypeError(`${WHERE}: redisUrl must be a redis:// or rediss:// URL`);

  const [{ RedisStore }, redis] = await Promise.all([
    import('connect-redis').catch((err: unknown) => {
      throw new TypeError(`${WHERE}: the optional peer dependency "connect-redis" is not installed (npm install connect-redis)`, { cause: err });
    }),
    url === undefined
      ? undefined
      : import('redis').catch((err: unknown) => {
          throw new TypeError(`${WHERE}: the optional peer dependency "redis" is not installed (npm install redis)`, { cause: err });
        }),
  ]);

  let owned: OwnedClient | undefined;
  let client = options.client as OwnedClient;
  if (redis !== undefined) {
    owned = redis.createClient({
      url,
      disableOfflineQueue: true,
      socket: {
        connectTimeout: commandTimeoutMs,
        reconnectStrategy: (retries: number) => Math.min(50 * 2 ** retries, 2000) + Math.floor(Math.random() * 50),
      },
    }) as unknown as OwnedClient;
    owned.on('error', () => undefined); // surfaced per request as 503, not as a crash
    client = owned;
  }
  if (!client.isOpen) {
    // connect() resolves once connected; it retries in the background, so do not wait longer than the timeout.
    const connecting = client.connect();
    connecting.catch(() => undefined);
    await Promise.race([connecting, new Promise((resolve) => setTimeout(resolve, commandTimeoutMs).unref())]);
  }

  class FailClosedRedisStore extends RedisStore {
    async close(): Promise<void> {
      if (owned === undefined || !owned.isOpen) return;
      if (owned.isReady) {
        await Promise.race([owned.close(), new Promise((resolve) => setTimeout(resolve, commandTimeoutMs).unref())]).catch(() => undefined);
      }
      if (owned.isOpen) owned.destroy();
    }
  }
  const store = new FailClosedRedisStore({ client, prefix, ttl: ttlSeconds }) as unknown as RedisSessionStore & Record<string, unknown>;
  for (const method of ['get', 'set', 'touch', 'destroy'] as const) {
    const original = (store[method] as (...args: unknown[]) => Promise<unknown>).bind(store);
    store[method] = (sid: string, ...rest: unknown[]): Promise<unknown> => {
      const cb = typeof rest.at(-1) === 'function' ? (rest.pop() as Callback) : undefined;
      const result = bounded(original(sid, ...rest), commandTimeoutMs, method, availability);
      if (cb === undefined) return result;
      return result.then(
        (data) => cb(null, data),
        (err: unknown) => cb(err),
      );
    };
  }
  return store;
}

type Availability = (ok: boolean, operation: string, reason?: string) => void;

/** One `state.unavailable` when the first call fails, one `state.recovered` when a call succeeds again. */
function trackAvailability(onEvent: ((event: StateEvent) => void) | undefined): Availability {
  let available = true;
  return (ok, operation, reason = '') => {
    if (ok === available) return;
    available = ok;
    try {
      onEvent?.(ok ? { type: 'state.recovered', store: 'redis-sessions' } : { type: 'state.unavailable', store: 'redis-sessions', operation, reason });
    } catch {
      // a logger must not change a decision
    }
  };
}

/** Runs a connect-redis call (promise form) within the timeout; a failure becomes a 503 StateError. */
function bounded(promise: Promise<unknown>, ms: number, operation: string, availability: Availability): Promise<unknown> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no answer within ${ms} ms`)), ms);
  });
  promise.catch(() => undefined);
  return Promise.race([promise, timeout])
    .then(
      (value) => {
        availability(true, operation);
        return value;
      },
      (err: unknown) => {
        const reason = err instanceof Error ? (err.name === 'Error' ? err.message : err.name) : 'error';
        availability(false, operation, reason);
        throw new StateError('ERR_STATE_UNAVAILABLE', `session store unavailable (${operation}: ${reason})`, { cause: err });
      },
    )
    .finally(() => clearTimeout(timer));
}

