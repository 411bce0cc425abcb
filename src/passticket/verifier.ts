/**
 * PassTicket sign-on verification: evaluation, replay protection and revocation (passticket.md §2).
 *
 * - **Evaluation** (§2.1, §2.2): window-independent, see `evaluate.ts`.
 * - **Replay** (§2.3): for a replay-protected application the recovered generation second is claimed once in the
 *   shared StateStore, key `(application, user, second)`, for twice the validity window; a second use is refused.
 *   The key holds no ticket text. One second maps to one ticket, so this is "the same ticket".
 * - **Revocation** (§2.4): with a `guard`, a wrong or replayed ticket counts as a failed sign-on (like a wrong
 *   password), a revoked user is refused even with a valid ticket (which is then not consumed), and a success
 *   resets the count. Without a guard this is RACF's R_GenSec "evaluate" plus replay: nothing is counted.
 * - **Unknown users**: with a `users` store, a user it does not know is refused after the same evaluation work.
 *
 * Results carry a `reason` for logs; anything shown to a client should use one code for all refusals
 * (`ERR_PASSTICKET_REFUSED`), so it never reveals whether the user exists or is revoked.
 *
 * @module
 */
import { isTicketStackError } from '../errors.js';
import type { StateStore } from '../state/state-store.js';
import type { UserRecord, UserStore } from '../users/user-store.js';
import { isRacfName } from './ebcdic.js';
import { PassTicketError } from './errors.js';
import type { PassTicketProfiles } from './profiles.js';
import { checkOptionKeys } from '../option-keys.js';

/** The parts of `SignOnGuard` (src/users/sign-on-guard.ts) the verifier uses. */
export interface PassTicketSignOnGuard {
  /** Rejects with a `SignOnError` whose code is `ERR_USER_REVOKED` when the user is revoked. */
  assertNotRevoked(userId: string): Promise<void>;
  recordFailure(userId: string): Promise<{ failures: number; revoked: boolean }>;
  recordSuccess(userId: string): Promise<void>;
}

export interface PassTicketVerifierOptions {
  profiles: PassTicketProfiles;
  state: StateStore;
  guard?: PassTicketSignOnGuard;
  users?: UserStore;
  /** Milliseconds since the epoch (default `Date.now`). */
  clock?: () => number;
  /** Prefix of the StateStore keys (default `ticketstack:passticket:`). */
  keyPrefix?: string;
}

export interface VerifyPassTicketInput {
  user: string;
  application: string;
  ticket: string;
  /** Epoch seconds; default: the clock. */
  now?: number;
}

export type PassTicketRefusal = 'invalid' | 'replayed' | 'revoked' | 'unknown-user';

export type VerifyPassTicketResult =
  | {
      valid: true;
      /** The user ID as the user store spells it (or uppercased without a store). */
      user: string;
      application: string;
      /** The generation second recovered from the ticket. */
      generatedAt: number;
      record?: UserRecord;
    }
  | {
      valid: false;
      reason: PassTicketRefusal;
      code: 'ERR_PASSTICKET_REFUSED';
      /** True when this failure revoked the user (the guard's REVOKE(n) threshold was reached). */
      revoked?: boolean;
    };

export class PassTicketVerifier {
  readonly #o: Required<Pick<PassTicketVerifierOptions, 'profiles' | 'state' | 'clock' | 'keyPrefix'>> &
    Pick<PassTicketVerifierOptions, 'guard' | 'users'>;

  constructor(options: PassTicketVerifierOptions) {
    checkOptionKeys('PassTicketVerifier', options, ['profiles', 'state', 'guard', 'users', 'clock', 'keyPrefix']);
    if (options.profiles === undefined) throw new TypeError("PassTicketVerifier: option 'profiles' is required");
    if (options.state === undefined) throw new TypeError("PassTicketVerifier: option 'state' is required");
    this.#o = {
      profiles: options.profiles,
      state: options.state,
      guard: options.guard,
      users: options.users,
      clock: options.clock ?? Date.now,
      keyPrefix: options.keyPrefix ?? 'ticketstack:passticket:',
    };
  }

  /** The application profiles this verifier evaluates against. */
  get profiles(): PassTicketProfiles {
    return this.#o.profiles;
  }

  /** Verifies a PassTicket sign-on. Throws only for an unknown application or an unavailable dependency. */
  async verifyPassTicket(input: VerifyPassTicketInput): Promise<VerifyPassTicketResult> {
    const { profiles, state, guard, users, clock, keyPrefix } = this.#o;
    const app = profiles.get(input.application);
    if (app === undefined) {
      throw new PassTicketError('ERR_PASSTICKET_UNKNOWN_APPLICATION', `no PassTicket profile for application ${String(input.application)}`, {
        status: 400, // the caller named it, as with the generator: a client's mistake, never a 5xx
      });
    }
    const refuse = (reason: PassTicketRefusal, revoked?: boolean): VerifyPassTicketResult => ({
      valid: false,
      reason,
      code: 'ERR_PASSTICKET_REFUSED',
      ...(revoked === undefined ? {} : { revoked }),
    });
    if (typeof input.user !== 'string' || !isRacfName(input.user)) return refuse('invalid');
    const now = input.now ?? Math.floor(clock() / 1000);

    const record = users === undefined ? undefined : await users.findUser(input.user);
    const evaluation = app.evaluate(input.user, input.ticket, now); // same work whether or not the user exists
    const userId = record?.id ?? input.user.toUpperCase();
    const fail = async (reason: PassTicketRefusal): Promise<VerifyPassTicketResult> => {
      if (guard === undefined) return refuse(reason);
      const { revoked } = await guard.recordFailure(userId);
      return refuse(reason, revoked);
    };
    // Counted like any failure (SignOnGuard counts unknown users too, so answers do not reveal existence).
    if (record === null) return fail('unknown-user');
    if (!evaluation.valid) return fail('invalid');
    if (guard !== undefined) {
      try {
        await guard.assertNotRevoked(userId); // §2.4: a revoked user fails even with a valid ticket
      } catch (err) {
        if (isTicketStackError(err) && err.code === 'ERR_USER_REVOKED') return refuse('revoked', true);
        throw err;
      }
    }
    if (record?.revoked === true) return refuse('revoked', true);
    if (app.replayProtection) {
      const key = `${keyPrefix}used:${app.name}:${input.user.toUpperCase()}:${evaluation.time}`;
      if (!(await state.claimOnce(key, (2 * app.validitySeconds + 1) * 1000))) return fail('replayed');
    }
    if (guard !== undefined) await guard.recordSuccess(userId);
    return {
      valid: true,
      user: userId,
      application: app.name,
      generatedAt: evaluation.time!,
      ...(record === undefined ? {} : { record }),
    };
  }
}
