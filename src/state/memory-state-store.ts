/**
 * The embedded state store: one process only (tests, a single instance). Several instances behind a load
 * balancer must share a `RedisStateStore` instead, or "once" silently becomes "once per process"
 * (passticket.md §2.3, ecosystem-notes.md §4.3).
 *
 * JavaScript runs each method body without interleaving, so every operation here is atomic.
 *
 * @module
 */
import type { StateStore } from './state-store.js';
import { StateError } from './errors.js';
import { checkOptionKeys } from '../option-keys.js';
import { assertKey, assertPositiveInteger } from './validate.js';

export interface MemoryStateStoreOptions {
  /**
   * Most keys held at once (default 100,000). When full, expired keys are swept (at most once a second), then the
   * oldest counter (`increment`) is dropped to make room: a flood of failed sign-ons under made-up user IDs must not
   * turn into a 503 for everyone, and forgetting a failure count only restarts one user's window. One-time markers
   * and flags are never dropped: when only those fill the store, the operation rejects with
   * `ERR_STATE_UNAVAILABLE` (fail closed) rather than forgetting a live marker.
   */
  maxEntries?: number;
  /** How often expired keys are swept in the background (default 60,000 ms; the timer is unref'd). */
  sweepIntervalMs?: number;
}

interface Entry {
  value: number;
  /** Epoch milliseconds; `Infinity` for no expiry. */
  expiresAt: number;
}

const WHERE = 'MemoryStateStore';
const OPTION_KEYS = ['maxEntries', 'sweepIntervalMs'] as const;

export class MemoryStateStore implements StateStore {
  readonly #entries = new Map<string, Entry>();
  /** The keys of counters, oldest first (a Set keeps insertion order): what may be dropped when the store is full. */
  readonly #counters = new Set<string>();
  readonly #maxEntries: number;
  #lastFullSweep = 0;
  #timer: NodeJS.Timeout | undefined;
  #closed = false;

  constructor(options: MemoryStateStoreOptions = {}) {
    checkOptionKeys(WHERE, options, OPTION_KEYS);
    const maxEntries = options.maxEntries ?? 100_000;
    const sweepIntervalMs = options.sweepIntervalMs ?? 60_000;
    assertPositiveInteger(WHERE, 'maxEntries', maxEntries);
    assertPositiveInteger(WHERE, 'sweepIntervalMs', sweepIntervalMs);
    this.#maxEntries = maxEntries;
    this.#timer = setInterval(() => this.sweep(), sweepIntervalMs);
    this.#timer.unref();
  }

  /** Number of live (unexpired) keys. */
  get size(): number {
    this.sweep();
    return this.#entries.size;
  }

  /** Drops every expired key now (also runs lazily on access and periodically). */
  sweep(): void {
    const now = Date.now();
    for (const [key, entry] of this.#entries) {
      if (entry.expiresAt <= now) this.#delete(key);
    }
  }

  async claimOnce(key: string, ttlMs: number): Promise<boolean> {
    this.#check('claimOnce', key);
    assertPositiveInteger(`${WHERE}.claimOnce`, 'ttlMs', ttlMs);
    if (this.#live(key) !== undefined) return false;
    this.#insert(key, { value: 1, expiresAt: Date.now() + ttlMs });
    return true;
  }

  async release(key: string): Promise<void> {
    this.#check('release', key);
    this.#delete(key);
  }

  async increment(key: string, windowMs: number): Promise<number> {
    this.#check('increment', key);
    assertPositiveInteger(`${WHERE}.increment`, 'windowMs', windowMs);
    const entry = this.#live(key);
    if (entry !== undefined) {
      // The window started with the first increment; later increments do not extend it.
      entry.value += 1;
      return entry.value;
    }
    this.#insert(key, { value: 1, expiresAt: Date.now() + windowMs }, true);
    return 1;
  }

  async count(key: string): Promise<number> {
    this.#check('count', key);
    return this.#live(key)?.value ?? 0;
  }

  async reset(key: string): Promise<void> {
    this.#check('reset', key);
    this.#delete(key);
  }

  async setFlag(key: string, ttlMs?: number): Promise<void> {
    this.#check('setFlag', key);
    if (ttlMs !== undefined) assertPositiveInteger(`${WHERE}.setFlag`, 'ttlMs', ttlMs);
    const expiresAt = ttlMs === undefined ? Infinity : Date.now() + ttlMs;
    if (this.#live(key) !== undefined) this.#delete(key);
    this.#insert(key, { value: 1, expiresAt });
  }

  async hasFlag(key: string): Promise<boolean> {
    this.#check('hasFlag', key);
    return this.#live(key) !== undefined;
  }

  async close(): Promise<void> {
    this.#closed = true;
    if (this.#timer !== undefined) clearInterval(this.#timer);
    this.#timer = undefined;
    this.#entries.clear();
    this.#counters.clear();
  }

  #check(method: string, key: string): void {
    assertKey(`${WHERE}.${method}`, key);
    if (this.#closed) throw new StateError('ERR_STATE_UNAVAILABLE', `${WHERE} is closed`);
  }

  /** The entry if present and unexpired; an expired one is dropped (lazy sweep). */
  #live(key: string): Entry | undefined {
    const entry = this.#entries.get(key);
    if (entry === undefined) return undefined;
    if (entry.expiresAt <= Date.now()) {
      this.#delete(key);
      return undefined;
    }
    return entry;
  }

  #delete(key: string): void {
    this.#entries.delete(key);
    this.#counters.delete(key);
  }

  #insert(key: string, entry: Entry, counter = false): void {
    if (this.#entries.size >= this.#maxEntries) this.#makeRoom();
    this.#entries.set(key, entry);
    if (counter) this.#counters.add(key);
  }

  /** At the limit: drop expired keys (a full scan at most once a second), else the oldest counter, else refuse. */
  #makeRoom(): void {
    const now = Date.now();
    if (now - this.#lastFullSweep >= 1000) {
      this.#lastFullSweep = now;
      this.sweep();
      if (this.#entries.size < this.#maxEntries) return;
    }
    const oldest = this.#counters.values().next();
    if (oldest.done !== true) {
      this.#delete(oldest.value);
      return;
    }
    this.sweep(); // only markers and flags are left: look for expired ones before refusing
    // Fail closed: evicting a live one-time marker would let its ticket be accepted twice.
    if (this.#entries.size >= this.#maxEntries) throw new StateError('ERR_STATE_UNAVAILABLE', `${WHERE} is full (maxEntries ${this.#maxEntries})`);
  }
}
