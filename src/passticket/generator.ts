/**
 * PassTicket generation with the distinct-second rule (passticket.md §2.3, issue 5 item 4).
 *
 * RACF tickets are granular to one second: two requests for the same user and application in the same second get
 * the same ticket, and with replay protection the second one is refused as a replay (§2.3, §6). So for a
 * replay-protected application this generator never hands out one second twice:
 *
 * - it claims `(application, user, second)` in the shared {@link StateStore} with `claimOnce`, for twice the
 *   validity window (while a ticket of that second could still be accepted);
 * - if that second is taken it tries now−1, now+1, now−2, now+2, … up to ±`maxSpreadSeconds` (default 60, never
 *   beyond the validity window), so every ticket stays valid for at least `validitySeconds − maxSpreadSeconds`;
 * - it also claims a digest of the ticket text, so two seconds whose tickets collide (§1.4 is many-to-one) are
 *   never both handed out;
 * - when all are taken it fails with `ERR_PASSTICKET_BUSY` (sustained, that is more than one ticket per second).
 *
 * The claims live in the StateStore, so several instances sharing Redis never hand out the same second twice.
 * Without replay protection the ticket is simply that of the current second, as RACF does.
 *
 * @module
 */
import { createHash } from 'node:crypto';
import type { StateStore } from '../state/state-store.js';
import { normalizeRacfName } from './ebcdic.js';
import { PassTicketError } from './errors.js';
import type { PassTicketProfiles } from './profiles.js';
import { checkOptionKeys } from '../option-keys.js';

export interface PassTicketGeneratorOptions {
  profiles: PassTicketProfiles;
  state: StateStore;
  /** Milliseconds since the epoch (default `Date.now`). */
  clock?: () => number;
  /** Largest distance from now of a chosen generation second (default 60, capped at the validity window). */
  maxSpreadSeconds?: number;
  /** Prefix of the StateStore keys (default `ticketstack:passticket:`). */
  keyPrefix?: string;
}

export interface GeneratePassTicketInput {
  user: string;
  application: string;
  /** Epoch seconds; default: the clock. */
  now?: number;
}

export interface GeneratedPassTicket {
  ticket: string;
  /** Uppercased user ID and application name the ticket is for. */
  user: string;
  application: string;
  /** The generation second encoded in the ticket (epoch seconds). */
  time: number;
  /** The last second at which an evaluator with a synchronised clock accepts it. */
  validUntil: number;
}

export class PassTicketGenerator {
  readonly #profiles: PassTicketProfiles;
  readonly #state: StateStore;
  readonly #clock: () => number;
  readonly #spread: number;
  readonly #prefix: string;

  constructor(options: PassTicketGeneratorOptions) {
    checkOptionKeys('PassTicketGenerator', options, ['profiles', 'state', 'clock', 'maxSpreadSeconds', 'keyPrefix']);
    if (options.profiles === undefined) throw new TypeError("PassTicketGenerator: option 'profiles' is required");
    if (options.state === undefined) throw new TypeError("PassTicketGenerator: option 'state' is required");
    const spread = options.maxSpreadSeconds ?? 60;
    if (!Number.isSafeInteger(spread) || spread < 0) {
      throw new TypeError("PassTicketGenerator: option 'maxSpreadSeconds' must be a non-negative integer");
    }
    this.#profiles = options.profiles;
    this.#state = options.state;
    this.#clock = options.clock ?? Date.now;
    this.#spread = spread;
    this.#prefix = options.keyPrefix ?? 'ticketstack:passticket:';
  }

  /** Generates a PassTicket for `user` and `application` (no requester authorization here: see `cics.ts`). */
  async generate(input: GeneratePassTicketInput): Promise<GeneratedPassTicket> {
    const app = this.#profiles.get(input.application);
    if (app === undefined) {
      throw new PassTicketError('ERR_PASSTICKET_UNKNOWN_APPLICATION', `no PassTicket profile for application ${String(input.application)}`, {
        status: 400,
      });
    }
    if (!this.#profiles.mayGenerate) {
      throw new PassTicketError('ERR_PASSTICKET_GENERATION_DISABLED', 'this service is not authorized to generate PassTickets', {
        status: 403,
      });
    }
    const user = normalizeRacfName(input.user, 'user');
    const now = input.now ?? Math.floor(this.#clock() / 1000);
    const v = app.validitySeconds;
    const done = (time: number, ticket: string): GeneratedPassTicket => ({
      ticket,
      user,
      application: app.name,
      time,
      validUntil: time + v,
    });
    if (!app.replayProtection) return done(now, app.generateAt(user, now));

    const ttlMs = (2 * v + 1) * 1000;
    const spread = Math.min(this.#spread, v);
    const base = `${this.#prefix}gen:${app.name}:${user}:`;
    for (let i = 0; i <= 2 * spread; i++) {
      const second = now + (i % 2 === 0 ? i / 2 : -(i + 1) / 2); // now, now-1, now+1, now-2, …
      if (second < 0) continue;
      if (!(await this.#state.claimOnce(`${base}s:${second}`, ttlMs))) continue;
      const ticket = app.generateAt(user, second);
      const digest = createHash('sha256').update(ticket).digest('base64url').slice(0, 22);
      if (await this.#state.claimOnce(`${base}t:${digest}`, ttlMs)) return done(second, ticket);
      // The text collides with a ticket still live for another second: that second stays burnt, try the next.
    }
    throw new PassTicketError(
      'ERR_PASSTICKET_BUSY',
      `every generation second within ±${spread} s is taken for user ${user} and application ${app.name}; retry later`,
      { status: 503 },
    );
  }
}
