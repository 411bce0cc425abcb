/**
 * What must be shared between instances (issue "several instances"): one-time markers with expiry,
 * failure counters with a window, and flags. Two implementations: in memory (the embedded default,
 * one process) and Redis (atomic SET NX PX / INCR + PEXPIRE), so that two instances racing on the same
 * ticket cannot both win.
 *
 * Every method may reject with a `StateError` whose code is `ERR_STATE_UNAVAILABLE` when the backing
 * service cannot be reached within its timeout; callers must then fail closed (HTTP 503).
 *
 * @module
 */

export interface StateStore {
  /**
   * Atomically claims `key` for `ttlMs` milliseconds. Resolves `true` for the one caller that set the
   * marker, `false` for everyone after it until it expires. Used for one-time tickets and nonces.
   */
  claimOnce(key: string, ttlMs: number): Promise<boolean>;
  /** Releases a claim (used to undo a claim when a later step failed, so nothing is consumed-but-unused). */
  release(key: string): Promise<void>;
  /**
   * Atomically increments the counter `key` and resolves its new value. The window starts with the first
   * increment: the counter expires `windowMs` after it was created.
   */
  increment(key: string, windowMs: number): Promise<number>;
  /** Current value of a counter (0 when absent or expired). */
  count(key: string): Promise<number>;
  /** Deletes a counter or flag. */
  reset(key: string): Promise<void>;
  /** Sets a flag, forever or for `ttlMs`. */
  setFlag(key: string, ttlMs?: number): Promise<void>;
  /** True while the flag is set. */
  hasFlag(key: string): Promise<boolean>;
  /** Frees resources (timers, connections). */
  close(): Promise<void>;
}
