/**
 * The **EvaluateAssertionTicket** login module (SAP `EvaluateAssertionTicketLoginModule`): accepts an
 * authentication assertion ticket from the `MYSAPSSO2` request header (sap-logon-ticket.md §2). A missing
 * header fails (as SAP does). The recipient must be this system (`verifyTicket` with `assertion: true`), and
 * each ticket is accepted once only: `StateStore.claimOnce` keyed by its `replayId` (the signed content and
 * signature, whatever the text form or the unsigned CMS parts), for its validity
 * plus tolerance. A state store outage halts the stack with the StateError (503): never accept unchecked.
 *
 * @module
 */
import type { Request } from 'express';
import type { Strategy } from 'passport';
import type { StateStore } from '../state/state-store.js';
import { TicketError } from '../ticket/errors.js';
import { DEFAULT_TOLERANCE_MINUTES, readClock } from '../ticket/validity.js';
import type { VerifiedTicket } from '../ticket/verify.js';
import { checkOptionKeys } from '../option-keys.js';
import { CustomStrategy, TICKET_COOKIE } from './credentials.js';
import {
  checkTicketOptions,
  ticketUser,
  ticketUserCheck,
  ticketVerifier,
  type TicketFailureInfo,
  type TicketModuleVerifyOptions,
  type TicketRefusalCode,
  type TicketUser,
  type TicketUserCheckOptions,
} from './evaluate-ticket-module.js';

export type AssertionRefusalCode = TicketRefusalCode | 'ERR_TICKET_MISSING' | 'ERR_TICKET_REPLAYED';

export interface EvaluateAssertionTicketStrategyOptions extends TicketModuleVerifyOptions, TicketUserCheckOptions {
  /** Where one-time markers live (shared by every instance). */
  state: StateStore;
  mapUser?: (name: string, ticket: VerifiedTicket) => string;
  /** Prefix of the one-time keys (default `'sap-assertion:'`). */
  keyPrefix?: string;
  /** Strategy name (default `sap-evaluate-assertion-ticket`). */
  name?: string;
  onRefusal?: (event: { code: AssertionRefusalCode }) => void;
}

const KEYS = [
  'keystore',
  'state',
  'toleranceMinutes',
  'allowedAlgorithms',
  'maxTicketLength',
  'minKeyBits',
  'allowWeakKeys',
  'mapUser',
  'users',
  'requireKnownUser',
  'userOutageGraceSeconds',
  'now',
  'keyPrefix',
  'name',
  'onRefusal',
];

/** Creates the EvaluateAssertionTicket login module (a passport-custom strategy). */
export function createEvaluateAssertionTicketStrategy(options: EvaluateAssertionTicketStrategyOptions): Strategy & { name: string } {
  const where = 'createEvaluateAssertionTicketStrategy';
  checkOptionKeys(where, options, KEYS);
  checkTicketOptions(where, options);
  const { state } = options;
  if (state === null || typeof state !== 'object' || typeof state.claimOnce !== 'function') {
    throw new TypeError(`${where}: option 'state' must be a StateStore`);
  }
  const prefix = options.keyPrefix ?? 'sap-assertion:';
  if (typeof prefix !== 'string') throw new TypeError(`${where}: option 'keyPrefix' must be a string`);
  const tolerance = options.toleranceMinutes ?? DEFAULT_TOLERANCE_MINUTES;
  const checkUser = ticketUserCheck(where, options);
  // Never a verified-ticket cache: each assertion ticket is accepted once (§2).
  const { verifier, maxLength } = ticketVerifier(where, { ...options, toleranceMinutes: tolerance }, true, false);

  const refuse = (code: AssertionRefusalCode): { user: false; info: TicketFailureInfo | { code: AssertionRefusalCode; message: string } } => {
    options.onRefusal?.({ code });
    return { user: false, info: { code, message: 'The assertion ticket is not accepted' } };
  };

  async function verify(req: Request): Promise<{ user: TicketUser | false; info?: unknown }> {
    const header = req.headers?.[TICKET_COOKIE.toLowerCase()];
    const raw = Array.isArray(header) ? header[0] : header;
    if (typeof raw !== 'string') return refuse('ERR_TICKET_MISSING');
    if (raw.length > maxLength) return refuse('ERR_TICKET_TOO_LARGE'); // before any work on it
    const text = raw.trim();
    if (text === '') return refuse('ERR_TICKET_MISSING');
    let ticket: VerifiedTicket;
    try {
      ticket = verifier.verify(text);
    } catch (err) {
      if (err instanceof TicketError) return refuse(err.code);
      throw err;
    }
    const user = ticketUser(ticket, 'assertion-ticket', options.mapUser);
    if (user === undefined) return refuse('ERR_TICKET_NO_USER');
    // As a logon ticket: a user the store holds as revoked is refused — before the ticket is used up.
    const userRefusal = checkUser === undefined ? undefined : await checkUser(user.id);
    if (userRefusal !== undefined) return refuse(userRefusal);
    // §2: one-time use. Keep the marker as long as the ticket could still be accepted.
    const ttl = Math.max(1, ticket.validUntil.getTime() + tolerance * 60_000 - readClock(options.now).getTime());
    // Keyed on what makes the ticket this ticket (`replayId`), neither its text nor its bytes: SAP's text form writes
    // one ticket many ways (`!`, `+` or a space; `%2F` or `/`; URL-encoded again), and a holder can change the CMS
    // without the key (embed or drop a certificate, add unsigned attributes, flip an ECDSA `s`). None of these is a
    // new "first use".
    const key = prefix + ticket.replayId!;
    if (!(await state.claimOnce(key, ttl))) return refuse('ERR_TICKET_REPLAYED');
    return { user };
  }

  const strategy = new CustomStrategy((req, done) => {
    verify(req).then(({ user, info }) => done(null, user, info), done);
  });
  strategy.name = options.name ?? 'sap-evaluate-assertion-ticket';
  return strategy;
}
