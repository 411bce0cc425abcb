/**
 * The **EvaluateTicket** login module (SAP `EvaluateTicketLoginModule`): accepts a logon ticket from the
 * `MYSAPSSO2` cookie (sap-logon-ticket.md §3). No cookie: the module is ignored (`pass()`). A valid ticket:
 * `success()` with the portal user (0x20) first, else the ticket user, through `mapUser`. An invalid ticket:
 * `fail()` with its `TicketError` code (to `onRefusal` for logs; the client sees only the stack's 401).
 *
 * Trusted issuers are the keystore's trusted entries (§3.2). `authScheme`: the ticket's 0x88 authscheme must
 * reach this rank in `authSchemeRanks` (ordered lowest first; default `['default']`, rank `'default'`).
 *
 * Verified tickets are cached (`cache`, on by default; §3.2's shortcut, see `verified-ticket-cache.ts`): a ticket
 * seen again skips decoding and the signature check, never the validity window, and a trust change empties the
 * cache. With `users`, the mapped user is looked up on every request, cache hit or not, and a revoked user is
 * refused at once (`ERR_USER_REVOKED`), as a locked UME user cannot log on with a ticket. A user the store does not
 * know is accepted (a backend may trust a portal's users without holding them) unless `requireKnownUser` is set
 * (`ERR_USER_UNKNOWN`). When the store cannot answer, a user's last answer serves for `userOutageGraceSeconds`
 * (SAP's UME serves its user cache the same way); a user not seen within that time halts the stack with the store's
 * 503: never accept unchecked.
 *
 * @module
 */
import type { Request } from 'express';
import type { Strategy } from 'passport';
import { isTicketStackError } from '../errors.js';
import { Keystore } from '../keystore/keystore.js';
import { TicketError } from '../ticket/errors.js';
import type { TicketAlgorithm } from '../ticket/cms.js';
import { DEFAULT_MAX_TICKET_TEXT_LENGTH } from '../ticket/text-form.js';
import { readClock, type Clock } from '../ticket/validity.js';
import type { VerifiedTicketCacheOptions } from '../ticket/verified-ticket-cache.js';
import { createTicketVerifier, DEFAULT_MIN_KEY_BITS, type MinKeyBits, type TicketVerifier, type VerifiedTicket } from '../ticket/verify.js';
import { isValidUserId } from '../users/internal.js';
import type { UserRecord, UserStore } from '../users/user-store.js';
import { checkOptionKeys } from '../option-keys.js';
import { checkLimitOption, CustomStrategy, readCookie, TICKET_COOKIE, type Done } from './credentials.js';

export type TicketRefusalCode =
  | TicketError['code']
  | 'ERR_TICKET_AUTHSCHEME_TOO_LOW'
  | 'ERR_TICKET_IS_ASSERTION'
  | 'ERR_TICKET_NO_USER'
  | 'ERR_USER_REVOKED'
  | 'ERR_USER_UNKNOWN';

/** The options both ticket modules pass on to `verifyTicket`. */
export interface TicketModuleVerifyOptions {
  keystore: Keystore;
  toleranceMinutes?: number;
  allowedAlgorithms?: readonly TicketAlgorithm[];
  /** Longer ticket text is refused before decoding with `ERR_TICKET_TOO_LARGE` (default 8192 characters). */
  maxTicketLength?: number;
  /** Minimum signer key sizes (default DSA 1024, RSA 2048, EC 256 bits); lower than that warns. */
  minKeyBits?: MinKeyBits;
  /** Accept signer keys below `minKeyBits` (e.g. an old ABAP system's DSA-512). Default false; true warns. */
  allowWeakKeys?: boolean;
  now?: Clock;
}

export interface EvaluateTicketStrategyOptions extends TicketModuleVerifyOptions {
  /** Authschemes ordered from weakest to strongest (default `['default']`). */
  authSchemeRanks?: readonly string[];
  /** The rank a ticket's authscheme must reach (default `'default'`). */
  authScheme?: string;
  /** Maps the ticket's user name (portal user first, else ticket user) to this service's user ID. */
  mapUser?: (name: string, ticket: VerifiedTicket) => string;
  /** The verified-ticket cache: `{ maxEntries }` (default 10 000) or `false` to verify every ticket in full. Default on. */
  cache?: false | VerifiedTicketCacheOptions;
  /** Looked up on every request (cache hit or not): a revoked user is refused (`ERR_USER_REVOKED`). */
  users?: UserStore;
  /** With `users`: refuse a user the store does not know (`ERR_USER_UNKNOWN`). Default false. */
  requireKnownUser?: boolean;
  /**
   * With `users`: while the store cannot answer, a user's last answer serves this long (default 300 s): last seen
   * revoked stays refused, last seen in good standing keeps working; not seen within it: the store's 503. 0: no grace.
   */
  userOutageGraceSeconds?: number;
  /** Strategy name (default `sap-evaluate-ticket`). */
  name?: string;
  onRefusal?: (event: { code: TicketRefusalCode }) => void;
}

/** The user given to `success()`. */
export interface TicketUser {
  id: string;
  authMethod: 'logon-ticket' | 'assertion-ticket';
  authScheme: string;
  issuer: { sid: string; client: string };
  validUntil: Date;
}

export interface TicketFailureInfo {
  code: TicketRefusalCode;
  message: string;
}

const KEYS = ['keystore', 'toleranceMinutes', 'allowedAlgorithms', 'maxTicketLength', 'minKeyBits', 'allowWeakKeys', 'authSchemeRanks', 'authScheme', 'mapUser', 'now', 'cache', 'users', 'requireKnownUser', 'userOutageGraceSeconds', 'name', 'onRefusal'];

/** Checks the options shared by both ticket modules. */
export function checkTicketOptions(where: string, o: { keystore?: unknown; mapUser?: unknown; onRefusal?: unknown; toleranceMinutes?: unknown }): void {
  if (!(o.keystore instanceof Keystore)) throw new TypeError(`${where}: option 'keystore' must be a Keystore`);
  if (o.mapUser !== undefined && typeof o.mapUser !== 'function') throw new TypeError(`${where}: option 'mapUser' must be a function`);
  if (o.onRefusal !== undefined && typeof o.onRefusal !== 'function') throw new TypeError(`${where}: option 'onRefusal' must be a function`);
  const t = o.toleranceMinutes;
  if (t !== undefined && (typeof t !== 'number' || !Number.isFinite(t) || t < 0)) throw new TypeError(`${where}: option 'toleranceMinutes' must be a number ≥ 0`);
}

/**
 * The ticket verifier of both ticket modules, its options checked now (a `TypeError`) rather than on the first
 * request; also the text length refused before any work.
 */
export function ticketVerifier(
  where: string,
  o: TicketModuleVerifyOptions,
  assertion: boolean,
  cache: false | VerifiedTicketCacheOptions | undefined,
): { verifier: TicketVerifier; maxLength: number } {
  const maxLength = checkLimitOption(where, 'maxTicketLength', o.maxTicketLength, DEFAULT_MAX_TICKET_TEXT_LENGTH);
  let verifier: TicketVerifier;
  try {
    verifier = createTicketVerifier({
      keystore: o.keystore,
      maxLength,
      ...(assertion ? { assertion: true } : {}),
      ...(o.toleranceMinutes === undefined ? {} : { toleranceMinutes: o.toleranceMinutes }),
      ...(o.allowedAlgorithms === undefined ? {} : { allowedAlgorithms: o.allowedAlgorithms }),
      ...(o.minKeyBits === undefined ? {} : { minKeyBits: o.minKeyBits }),
      ...(o.allowWeakKeys === undefined ? {} : { allowWeakKeys: o.allowWeakKeys }),
      ...(o.now === undefined ? {} : { now: o.now }),
      ...(cache === undefined ? {} : { cache }),
    });
  } catch (err) {
    throw new TypeError(`${where}: ${(err as Error).message.replace(/^createTicketVerifier: /, '')}`);
  }
  const lowered = Object.entries(o.minKeyBits ?? {}).filter(([k, v]) => typeof v === 'number' && v < DEFAULT_MIN_KEY_BITS[k as keyof MinKeyBits]);
  if (o.allowWeakKeys === true || lowered.length > 0) {
    const how = o.allowWeakKeys === true ? 'allowWeakKeys' : `minKeyBits ${lowered.map(([k, v]) => `${k} ${v}`).join(', ')}`;
    process.emitWarning(`ticketstack: ${where} with ${how} accepts tickets signed with keys below DSA-1024 / RSA-2048 / EC-256`, 'TicketStackWarning');
  }
  return { verifier, maxLength };
}

/** Default of `userOutageGraceSeconds`. */
export const DEFAULT_USER_OUTAGE_GRACE_SECONDS = 300;
/** How many users' last answers are remembered (the oldest is forgotten first). */
const REMEMBERED_USERS = 10_000;

/** What the user store last said about a user, for answering through a store outage. */
interface UserState {
  revoked: boolean;
  known: boolean;
  /** Milliseconds (the module's clock) of that answer. */
  at: number;
}

/** The user-store options of both ticket modules (`users`, `requireKnownUser`, `userOutageGraceSeconds`). */
export interface TicketUserCheckOptions {
  users?: UserStore;
  requireKnownUser?: boolean;
  userOutageGraceSeconds?: number;
  now?: Clock;
}

/** A ticket module's user check: resolves with the refusal code for the ticket's user, or `undefined` to accept. */
export type TicketUserCheck = (id: string) => Promise<'ERR_USER_REVOKED' | 'ERR_USER_UNKNOWN' | undefined>;

/**
 * Checks the user-store options of a ticket module once, and returns the check to run on each request (or
 * `undefined` without `users`). The store answers on every request (a revocation takes effect at once); its answer is
 * remembered per user, so that a store outage is answered from an answer at most `userOutageGraceSeconds` old, and
 * with the store's own error otherwise (fail closed). It runs on every ticket request: no allocation beyond the
 * store's own when a user's standing has not changed.
 */
export function ticketUserCheck(where: string, options: TicketUserCheckOptions): TicketUserCheck | undefined {
  const { users, requireKnownUser = false } = options;
  if (users !== undefined && (users === null || typeof users !== 'object' || typeof users.findUser !== 'function')) {
    throw new TypeError(`${where}: option 'users' must be a UserStore`);
  }
  if (typeof requireKnownUser !== 'boolean') throw new TypeError(`${where}: option 'requireKnownUser' must be a boolean`);
  if (requireKnownUser && users === undefined) throw new TypeError(`${where}: option 'requireKnownUser' needs option 'users'`);
  const grace = options.userOutageGraceSeconds ?? DEFAULT_USER_OUTAGE_GRACE_SECONDS;
  if (typeof grace !== 'number' || !Number.isFinite(grace) || grace < 0) throw new TypeError(`${where}: option 'userOutageGraceSeconds' must be a number of seconds ≥ 0`);
  if (users === undefined) return undefined;
  const graceMs = grace * 1000;
  const clock = options.now;
  const now = clock === undefined ? Date.now : () => readClock(clock).getTime();
  const remembered = new Map<string, UserState>();
  const verdict = (s: { revoked: boolean; known: boolean }) => (s.revoked ? 'ERR_USER_REVOKED' : !s.known && requireKnownUser ? 'ERR_USER_UNKNOWN' : undefined);

  /** The store's answer: remembered for an outage, then the verdict. */
  const answered = (id: string, record: UserRecord | null): 'ERR_USER_REVOKED' | 'ERR_USER_UNKNOWN' | undefined => {
    const known = record !== null;
    const revoked = record?.revoked === true;
    if (graceMs > 0) {
      const key = id.toLowerCase(); // user IDs are case-insensitive in every store
      const last = remembered.get(key);
      if (last !== undefined) {
        last.known = known;
        last.revoked = revoked;
        last.at = now();
      } else {
        if (remembered.size >= REMEMBERED_USERS) remembered.delete(remembered.keys().next().value as string);
        remembered.set(key, { known, revoked, at: now() });
      }
    }
    return revoked ? 'ERR_USER_REVOKED' : !known && requireKnownUser ? 'ERR_USER_UNKNOWN' : undefined;
  };
  /** No answer: a remembered one if the store is out and it is recent enough, else the store's error. */
  const unanswered = (id: string, err: unknown): 'ERR_USER_REVOKED' | 'ERR_USER_UNKNOWN' | undefined => {
    const last = graceMs > 0 ? remembered.get(id.toLowerCase()) : undefined;
    if (isTicketStackError(err) && err.code === 'ERR_USER_STORE_UNAVAILABLE' && last !== undefined && now() - last.at <= graceMs) return verdict(last);
    throw err;
  };

  return (id) => {
    // An ID no store can hold (blanks around it, control characters, too long) is nobody the store knows. Checked
    // here rather than by catching the store's TypeError, which a store bug could throw too: that must not pass.
    if (!isValidUserId(id)) return Promise.resolve(requireKnownUser ? 'ERR_USER_UNKNOWN' : undefined);
    let found: Promise<UserRecord | null>;
    try {
      found = users.findUser(id);
    } catch (err) {
      found = Promise.reject(err as Error); // a store that throws instead of rejecting: the same as a rejection
    }
    return Promise.resolve(found).then(
      (record) => answered(id, record),
      (err: unknown) => unanswered(id, err),
    );
  };
}

/** The user of a verified ticket: portal user first, else the ticket user (§3), through `mapUser`. */
export function ticketUser(
  ticket: VerifiedTicket,
  authMethod: TicketUser['authMethod'],
  mapUser: ((name: string, ticket: VerifiedTicket) => string) | undefined,
): TicketUser | undefined {
  const name = ticket.portalUser ?? ticket.user;
  if (name === undefined || name === '') return undefined;
  const id = mapUser ? mapUser(name, ticket) : name;
  if (typeof id !== 'string' || id === '') return undefined;
  return { id, authMethod, authScheme: ticket.authScheme, issuer: { sid: ticket.sid, client: ticket.client }, validUntil: ticket.validUntil };
}

/** Creates the EvaluateTicket login module (a passport-custom strategy). */
export function createEvaluateTicketStrategy(options: EvaluateTicketStrategyOptions): Strategy & { name: string } {
  const where = 'createEvaluateTicketStrategy';
  checkOptionKeys(where, options, KEYS);
  checkTicketOptions(where, options);
  const ranks = options.authSchemeRanks ?? ['default'];
  if (!Array.isArray(ranks) || ranks.length === 0 || ranks.some((r) => typeof r !== 'string' || r === '')) {
    throw new TypeError(`${where}: option 'authSchemeRanks' must be a non-empty array of strings`);
  }
  const required = ranks.indexOf(options.authScheme ?? 'default');
  if (required < 0) throw new TypeError(`${where}: option 'authScheme' must be one of 'authSchemeRanks'`);
  const checkUser = ticketUserCheck(where, options);
  const { verifier } = ticketVerifier(where, options, false, options.cache);

  const refuse = (done: Done, code: TicketRefusalCode): void => {
    options.onRefusal?.({ code });
    const info: TicketFailureInfo = { code, message: 'The logon ticket is not accepted' };
    done(null, false, info);
  };

  // Synchronous up to the user store: a cached ticket costs one cookie read, one hash and one lookup (issue 8).
  const strategy = new CustomStrategy(function (this: { pass(): void }, req: Request, done: Done) {
    const text = readCookie(req, TICKET_COOKIE);
    if (text === undefined) return this.pass();
    let ticket: VerifiedTicket;
    try {
      ticket = verifier.verify(text);
    } catch (err) {
      return err instanceof TicketError ? refuse(done, err.code) : done(err);
    }
    // §2: an assertion ticket (flags 0x01, one use) is not a logon ticket. Taken from the cookie it would log in again
    // and again for its lifetime, past the once-only check of EvaluateAssertionTicket.
    if (ticket.assertion) return refuse(done, 'ERR_TICKET_IS_ASSERTION');
    if (ranks.indexOf(ticket.authScheme) < required) return refuse(done, 'ERR_TICKET_AUTHSCHEME_TOO_LOW');
    let user: TicketUser | undefined;
    try {
      user = ticketUser(ticket, 'logon-ticket', options.mapUser);
    } catch (err) {
      return done(err); // mapUser threw: the application's error, not a refusal
    }
    if (user === undefined) return refuse(done, 'ERR_TICKET_NO_USER');
    if (checkUser === undefined) return done(null, user);
    // Every request, cache hit or not: a revocation takes effect at once. A store outage: see ticketUserCheck.
    const accepted = user;
    checkUser(user.id).then((refusal) => {
      try {
        if (refusal === undefined) done(null, accepted);
        else refuse(done, refusal);
      } catch (err) {
        done(err); // onRefusal threw
      }
    }, done);
  });
  strategy.name = options.name ?? 'sap-evaluate-ticket';
  return strategy;
}
