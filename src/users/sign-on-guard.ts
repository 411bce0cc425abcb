/**
 * The RACF `SETROPTS PASSWORD(REVOKE(n))` analogue (passticket.md §2.4), shared by the password module and
 * the PassTicket module: n failed sign-ons within a window revoke the user in the user store; a successful
 * sign-on resets the count; an administrator's RESUME (`restore`) clears both.
 *
 * The failure counter lives in the shared `StateStore`, so every instance counts the same failures; the
 * revocation lives in the `UserStore`, so it survives restarts and shows in `ticketstack users list`.
 *
 * Fail closed (issue "several instances" item 4): a state or user-store error propagates (HTTP 503). If the
 * revoke itself fails, the counter stays at the threshold, so the next failure tries the revoke again:
 * a failure is never half-counted.
 *
 * @module
 */
import { checkOptionKeys } from '../option-keys.js';
import type { StateStore } from '../state/state-store.js';
import type { UserStore } from './user-store.js';
import { SignOnError } from './errors.js';
import { isTicketStackError } from '../errors.js';

/** Log events. `userId` is the lowercased logon ID (not a secret); no password or ticket ever appears. */
export type SignOnEvent =
  | { type: 'signon.failure'; userId: string; failures: number }
  | { type: 'signon.revoked'; userId: string; failures: number }
  | { type: 'signon.revoke-failed'; userId: string; failures: number; code: string }
  | { type: 'signon.restored'; userId: string };

export interface SignOnGuardOptions {
  users: UserStore;
  state: StateStore;
  /** RACF REVOKE(n): failed sign-ons that revoke the user (default 5). */
  maxFailures?: number;
  /** The failures must fall within this window, which starts at the first failure (default 15 min). */
  windowMs?: number;
  /** Prefix of the counter keys in the state store (default `'signon:failures:'`). */
  keyPrefix?: string;
  onEvent?: (e: SignOnEvent) => void;
}

const WHERE = 'SignOnGuard';
const OPTION_KEYS = ['users', 'state', 'maxFailures', 'windowMs', 'keyPrefix', 'onEvent'];

export class SignOnGuard {
  readonly #users: UserStore;
  readonly #state: StateStore;
  readonly #maxFailures: number;
  readonly #windowMs: number;
  readonly #keyPrefix: string;
  readonly #onEvent: ((e: SignOnEvent) => void) | undefined;

  constructor(options: SignOnGuardOptions) {
    checkOptionKeys(WHERE, options, OPTION_KEYS);
    const { users, state, maxFailures = 5, windowMs = 15 * 60_000, keyPrefix = 'signon:failures:', onEvent } = options;
    if (users === null || typeof users !== 'object' || typeof users.findUser !== 'function' || typeof users.revoke !== 'function') {
      throw new TypeError(`${WHERE}: users must be a UserStore`);
    }
    if (state === null || typeof state !== 'object' || typeof state.increment !== 'function' || typeof state.reset !== 'function') {
      throw new TypeError(`${WHERE}: state must be a StateStore`);
    }
    if (!Number.isSafeInteger(maxFailures) || maxFailures < 1) throw new TypeError(`${WHERE}: maxFailures must be a positive integer`);
    if (!Number.isSafeInteger(windowMs) || windowMs < 1) throw new TypeError(`${WHERE}: windowMs must be a positive integer (milliseconds)`);
    if (typeof keyPrefix !== 'string') throw new TypeError(`${WHERE}: keyPrefix must be a string`);
    if (onEvent !== undefined && typeof onEvent !== 'function') throw new TypeError(`${WHERE}: onEvent must be a function`);
    this.#users = users;
    this.#state = state;
    this.#maxFailures = maxFailures;
    this.#windowMs = windowMs;
    this.#keyPrefix = keyPrefix;
    this.#onEvent = onEvent;
  }

  /** Throws SignOnError 'ERR_USER_REVOKED' (status 401) if the user is revoked. Unknown users are not revealed: resolves normally. */
  async assertNotRevoked(userId: string): Promise<void> {
    const id = normalize(userId);
    const user = await this.#users.findUser(id);
    if (user?.revoked === true) {
      throw new SignOnError('ERR_USER_REVOKED', 'the user ID is revoked');
    }
  }

  /**
   * Records a failed sign-on (wrong password, wrong PassTicket). At maxFailures within windowMs the user is
   * revoked (users.revoke) and the counter reset. Resolves with { failures, revoked }. Unknown users are
   * counted too (so timing/answers do not reveal existence) but never "revoked" in a store.
   */
  async recordFailure(userId: string): Promise<{ failures: number; revoked: boolean }> {
    const id = normalize(userId);
    const key = this.#key(id);
    const failures = await this.#state.increment(key, this.#windowMs);
    this.#emit({ type: 'signon.failure', userId: id, failures });
    if (failures < this.#maxFailures) return { failures, revoked: false };

    try {
      await this.#users.revoke(id);
    } catch (err) {
      if (isTicketStackError(err) && err.code === 'ERR_USER_UNKNOWN') {
        // Nobody to revoke: start counting again, as for a known user.
        await this.#state.reset(key);
        return { failures, revoked: false };
      }
      // Leave the counter at the threshold: the next failure retries the revoke (never half-counted).
      this.#emit({ type: 'signon.revoke-failed', userId: id, failures, code: isTicketStackError(err) ? err.code : 'ERR_UNEXPECTED' });
      throw err;
    }
    this.#emit({ type: 'signon.revoked', userId: id, failures });
    // The revoke is durable; resetting the counter is tidying. If it fails, the user is still revoked and
    // `restore` resets the counter, so report the revocation rather than a 503.
    await this.#state.reset(key).catch(() => undefined);
    return { failures, revoked: true };
  }

  /** Records a successful sign-on: resets the failure counter (RACF resets the revoke count on a successful logon). */
  async recordSuccess(userId: string): Promise<void> {
    await this.#state.reset(this.#key(normalize(userId)));
  }

  /**
   * Administrator RESUME: reset the counter, then users.restore. In this order a failure half-way leaves the user
   * revoked (try again), never restored with the old failures still counted against them.
   */
  async restore(userId: string): Promise<void> {
    const id = normalize(userId);
    await this.#state.reset(this.#key(id));
    await this.#users.restore(id);
    this.#emit({ type: 'signon.restored', userId: id });
  }

  /** Current failure count of a user (0 when none within the window). */
  async failures(userId: string): Promise<number> {
    return this.#state.count(this.#key(normalize(userId)));
  }

  #key(id: string): string {
    return this.#keyPrefix + id;
  }

  #emit(event: SignOnEvent): void {
    try {
      this.#onEvent?.(event);
    } catch {
      // a logger must not change a decision
    }
  }
}

function normalize(userId: string): string {
  if (typeof userId !== 'string' || userId.length === 0 || userId.length > 256) {
    throw new TypeError(`${WHERE}: userId must be a non-empty string of at most 256 characters`);
  }
  return userId.toLowerCase();
}
