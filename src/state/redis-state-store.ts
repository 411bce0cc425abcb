/**
 * The shared state store on Redis (node-redis 4+), for several instances behind a load balancer
 * (issue "several instances" item 1; passticket.md §2.3: the replay cache "must be shared").
 *
 * Atomicity: `claimOnce` is one `SET key token NX PX ttl`, so of two instances racing on the same ticket
 * exactly one wins; `increment` is one Lua script (`INCR`, then `PEXPIRE` only when the key has no expiry),
 * so the window starts at the first increment and no counter is ever left without an expiry.
 *
 * Failure (item 4): every command is bounded by `commandTimeoutMs`; a refused, dropped or slow command
 * rejects with `StateError('ERR_STATE_UNAVAILABLE')` (HTTP 503), never resolves "open". The client this
 * store creates does not queue commands while disconnected (`disableOfflineQueue`) and reconnects with a
 * capped back-off, so requests succeed again when Redis returns, without a restart.
 *
 * `redis` is an optional peer dependency: it is imported only when this store creates its own client.
 *
 * @module
 */
import { randomBytes } from 'node:crypto';
import type { StateStore } from './state-store.js';
import { StateError } from './errors.js';
import { checkOptionKeys } from '../option-keys.js';
import { assertKey, assertPositiveInteger } from './validate.js';

/**
 * The part of a node-redis client this store uses. A client made with `createClient()` from `redis` fits;
 * a client you pass stays yours: this store never closes it and adds no `error` listener to it.
 */
export interface RedisClientLike {
  readonly isOpen: boolean;
  readonly isReady: boolean;
  connect(): Promise<unknown>;
  sendCommand(args: string[], options?: { timeout?: number }): Promise<unknown>;
  on(event: string, listener: (...args: any[]) => void): unknown;
  once(event: string, listener: (...args: any[]) => void): unknown;
  off(event: string, listener: (...args: any[]) => void): unknown;
  close?(): Promise<unknown>;
  destroy?(): unknown;
}

/**
 * A log event: emitted when Redis becomes unavailable and when it is back, once per transition. Never contains
 * the URL. `store` is `'redis'` for this state store, `'redis-sessions'` for `createSessionStore`'s client.
 */
export type StateEvent =
  | { type: 'state.unavailable'; store: 'redis' | 'redis-sessions'; operation: string; reason: string }
  | { type: 'state.recovered'; store: 'redis' | 'redis-sessions' };

export interface RedisStateStoreOptions {
  /** `redis://[[user]:password@]host:port[/db]` or `rediss://…`. Exactly one of `url` and `client`. */
  url?: string;
  /** A node-redis client you created (connected or not). Exactly one of `url` and `client`. */
  client?: RedisClientLike;
  /** Prefix of every key this store writes (default `'ticketstack:'`). Use one per application. */
  prefix?: string;
  /** Upper bound of every operation, connecting included (default 1000 ms). */
  commandTimeoutMs?: number;
  /** Longest pause between reconnection attempts of the client this store creates (default 2000 ms). */
  maxReconnectDelayMs?: number;
  /** Receives `state.unavailable` / `state.recovered` (default: one `console.warn` line per transition). */
  onEvent?: (event: StateEvent) => void;
}

const WHERE = 'RedisStateStore';
const OPTION_KEYS = ['url', 'client', 'prefix', 'commandTimeoutMs', 'maxReconnectDelayMs', 'onEvent'] as const;

/** INCR, and start the window only if the counter has none yet (PTTL -1): atomic, one round trip. */
const INCREMENT_SCRIPT =
  "local v = redis.call('INCR', KEYS[1]) " +
  "if redis.call('PTTL', KEYS[1]) == -1 then redis.call('PEXPIRE', KEYS[1], ARGV[1]) end " +
  'return v';
/** Deletes the key only if it still holds our token (undo of a claim whose reply was lost). */
const RELEASE_IF_OWNED_SCRIPT =
  "if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) else return 0 end";

class TimeoutError extends Error {}

export class RedisStateStore implements StateStore {
  readonly #prefix: string;
  readonly #timeoutMs: number;
  readonly #maxReconnectDelayMs: number;
  readonly #url: string | undefined;
  readonly #owned: boolean;
  readonly #onEvent: (event: StateEvent) => void;
  #client: RedisClientLike | undefined;
  #clientPromise: Promise<RedisClientLike> | undefined;
  #readyWaiter: Promise<RedisClientLike> | undefined;
  #available = true;
  #closed = false;

  constructor(options: RedisStateStoreOptions) {
    checkOptionKeys(WHERE, options, OPTION_KEYS);
    const { url, client, prefix = 'ticketstack:', commandTimeoutMs = 1000, maxReconnectDelayMs = 2000, onEvent } = options;
    if ((url === undefined) === (client === undefined)) {
      throw new TypeError(`${WHERE}: give exactly one of the options "url" and "client"`);
    }
    if (url !== undefined && (typeof url !== 'string' || !/^rediss?:\/\//.test(url))) {
      throw new TypeError(`${WHERE}: url must be a redis:// or rediss:// URL`);
    }
    if (client !== undefined && (client === null || typeof client.sendCommand !== 'function')) {
      throw new TypeError(`${WHERE}: client must be a node-redis client (createClient() from 'redis')`);
    }
    if (typeof prefix !== 'string' || prefix.length > 256) throw new TypeError(`${WHERE}: prefix must be a string`);
    assertPositiveInteger(WHERE, 'commandTimeoutMs', commandTimeoutMs);
    assertPositiveInteger(WHERE, 'maxReconnectDelayMs', maxReconnectDelayMs);
    if (onEvent !== undefined && typeof onEvent !== 'function') throw new TypeError(`${WHERE}: onEvent must be a function`);
    this.#url = url;
    this.#client = client;
    this.#owned = client === undefined;
    this.#prefix = prefix;
    this.#timeoutMs = commandTimeoutMs;
    this.#maxReconnectDelayMs = maxReconnectDelayMs;
    this.#onEvent = onEvent ?? defaultLog;
  }

  /** The key prefix in use. */
  get prefix(): string {
    return this.#prefix;
  }

  async claimOnce(key: string, ttlMs: number): Promise<boolean> {
    assertKey(`${WHERE}.claimOnce`, key);
    assertPositiveInteger(`${WHERE}.claimOnce`, 'ttlMs', ttlMs);
    const full = this.#prefix + key;
    // A random token, so that an undo after a lost reply deletes only our own marker.
    const token = randomBytes(12).toString('base64url');
    try {
      const reply = await this.#run('claimOnce', ['SET', full, token, 'NX', 'PX', String(ttlMs)]);
      return reply === 'OK';
    } catch (err) {
      // The SET may have been applied even though we never saw the reply (timeout, dropped connection).
      // The caller gets 503 and will not use the ticket, so do not leave it consumed-but-unused: undo our
      // claim if it is ours. Best effort: if Redis is gone the marker expires with its ttl (fail closed).
      this.#client
        ?.sendCommand(['EVAL', RELEASE_IF_OWNED_SCRIPT, '1', full, token], { timeout: this.#timeoutMs })
        .catch(() => undefined);
      throw err;
    }
  }

  async release(key: string): Promise<void> {
    assertKey(`${WHERE}.release`, key);
    await this.#run('release', ['DEL', this.#prefix + key]);
  }

  async increment(key: string, windowMs: number): Promise<number> {
    assertKey(`${WHERE}.increment`, key);
    assertPositiveInteger(`${WHERE}.increment`, 'windowMs', windowMs);
    const reply = await this.#run('increment', ['EVAL', INCREMENT_SCRIPT, '1', this.#prefix + key, String(windowMs)]);
    return toCount(reply);
  }

  async count(key: string): Promise<number> {
    assertKey(`${WHERE}.count`, key);
    return toCount(await this.#run('count', ['GET', this.#prefix + key]));
  }

  async reset(key: string): Promise<void> {
    assertKey(`${WHERE}.reset`, key);
    await this.#run('reset', ['DEL', this.#prefix + key]);
  }

  async setFlag(key: string, ttlMs?: number): Promise<void> {
    assertKey(`${WHERE}.setFlag`, key);
    if (ttlMs !== undefined) assertPositiveInteger(`${WHERE}.setFlag`, 'ttlMs', ttlMs);
    const args = ['SET', this.#prefix + key, '1'];
    if (ttlMs !== undefined) args.push('PX', String(ttlMs));
    await this.#run('setFlag', args);
  }

  async hasFlag(key: string): Promise<boolean> {
    assertKey(`${WHERE}.hasFlag`, key);
    return toCount(await this.#run('hasFlag', ['EXISTS', this.#prefix + key])) > 0;
  }

  /** Closes the client this store created (a client you passed is left open). */
  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    const client = this.#client ?? (await this.#clientPromise?.catch(() => undefined));
    if (!this.#owned || client === undefined || !client.isOpen) return;
    if (client.isReady && client.close !== undefined) {
      try {
        await withTimeout(client.close(), this.#timeoutMs);
        return;
      } catch {
        // fall through: do not hang on close
      }
    }
    client.destroy?.();
  }

  /** Runs one command within the timeout; any failure becomes `ERR_STATE_UNAVAILABLE`. */
  async #run(operation: string, args: string[]): Promise<unknown> {
    if (this.#closed) throw new StateError('ERR_STATE_UNAVAILABLE', `${WHERE} is closed`);
    const deadline = Date.now() + this.#timeoutMs;
    try {
      const client = await withTimeout(this.#ready(), this.#timeoutMs);
      const left = Math.max(1, deadline - Date.now());
      const reply = await withTimeout(client.sendCommand(args, { timeout: left }), left);
      if (!this.#available) {
        this.#available = true;
        this.#emit({ type: 'state.recovered', store: 'redis' });
      }
      return reply;
    } catch (err) {
      if (err instanceof TypeError && err.message.startsWith(WHERE)) throw err;
      const reason = err instanceof TimeoutError ? `no answer within ${this.#timeoutMs} ms` : errorName(err);
      if (this.#available) {
        this.#available = false;
        this.#emit({ type: 'state.unavailable', store: 'redis', operation, reason });
      }
      throw new StateError('ERR_STATE_UNAVAILABLE', `Redis state store unavailable (${operation}: ${reason})`, { cause: err });
    }
  }

  /** The client, connected: created and connected once; afterwards a disconnected client fails fast. */
  async #ready(): Promise<RedisClientLike> {
    if (this.#client !== undefined && this.#client.isReady) return this.#client;
    this.#clientPromise ??= this.#open();
    const client = await this.#clientPromise;
    if (client.isReady) return client;
    // Connecting for the first time, or reconnecting: wait for 'ready' (bounded by the caller's timeout). One
    // listener for every waiting call, so a burst of requests during an outage adds one listener, not thousands.
    this.#readyWaiter ??= new Promise<RedisClientLike>((resolve) => {
      client.once('ready', () => {
        this.#readyWaiter = undefined;
        resolve(client);
      });
    });
    return this.#readyWaiter;
  }

  async #open(): Promise<RedisClientLike> {
    let client = this.#client;
    if (client === undefined) {
      const { createClient } = await importRedis();
      const maxDelay = this.#maxReconnectDelayMs;
      client = createClient({
        url: this.#url,
        // Never hold commands while disconnected: they would run later, after we already answered 503.
        disableOfflineQueue: true,
        socket: {
          connectTimeout: this.#timeoutMs,
          // Keep trying forever, with a capped, jittered back-off: Redis may come back at any time.
          reconnectStrategy: (retries: number) => Math.min(50 * 2 ** retries, maxDelay) + Math.floor(Math.random() * 50),
        },
      }) as unknown as RedisClientLike;
      // Without an 'error' listener node-redis errors would crash the process; they surface as 503s instead.
      client.on('error', () => undefined);
      this.#client = client;
    }
    if (!client.isOpen) {
      client.connect().catch(() => undefined);
    }
    return client;
  }

  #emit(event: StateEvent): void {
    try {
      this.#onEvent(event);
    } catch {
      // a logger must not break a decision
    }
  }
}

async function importRedis(): Promise<typeof import('redis')> {
  try {
    return await import('redis');
  } catch (err) {
    throw new TypeError(`${WHERE}: the optional peer dependency "redis" is not installed (npm install redis)`, { cause: err });
  }
}

function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new TimeoutError(`timed out after ${ms} ms`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

function toCount(reply: unknown): number {
  if (typeof reply === 'number') return reply;
  if (typeof reply === 'string') {
    const n = Number.parseInt(reply, 10);
    return Number.isNaN(n) ? 0 : n;
  }
  return 0;
}

/** The error's class name and message, which for node-redis is e.g. "ClientOfflineError: The client is offline". No URL. */
function errorName(err: unknown): string {
  if (err instanceof Error) return `${err.name}: ${err.message}`.slice(0, 200);
  return 'unknown error';
}

function defaultLog(event: StateEvent): void {
  console.warn(`ticketstack: ${JSON.stringify(event)}`);
}
