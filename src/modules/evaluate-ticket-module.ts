/**
 * The **EvaluateTicket** login module (SAP `EvaluateTicketLoginModule`): accepts a logon ticket from the
 * `MYSAPSSO2` cookie (sap-logon-ticket.md §3). No cookie: the module is ignored (`pass()`). A valid ticket:
 * `success()` with the portal user (0x20) first, else the ticket user, through `mapUser`. An invalid ticket:
 * `fail()` with its `TicketError` code (to `onRefusal` for logs; the client sees only the stack's 401).
 *
 * Trusted issuers are the keystore's trusted entries (§3.2). `authScheme`: the ticket's 0x88 authscheme must
 * reach this rank in `authSchemeRanks` (ordered lowest first; default `['default']`, rank `'default'`).
 *
 * @module
 */
import type { Request } from 'express';
import type { Strategy } from 'passport';
import { Keystore } from '../keystore/keystore.js';
import { TicketError } from '../ticket/errors.js';
import type { TicketAlgorithm } from '../ticket/cms.js';
import { DEFAULT_MAX_TICKET_TEXT_LENGTH } from '../ticket/text-form.js';
import type { Clock } from '../ticket/validity.js';
import { DEFAULT_MIN_KEY_BITS, verifyTicket, type MinKeyBits, type VerifiedTicket, type VerifyTicketOptions } from '../ticket/verify.js';
import { checkLimitOption, checkOptionKeys, CustomStrategy, readCookie, TICKET_COOKIE } from './credentials.js';

export type TicketRefusalCode = TicketError['code'] | 'ERR_TICKET_AUTHSCHEME_TOO_LOW' | 'ERR_TICKET_NO_USER';

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

const KEYS = ['keystore', 'toleranceMinutes', 'allowedAlgorithms', 'maxTicketLength', 'minKeyBits', 'allowWeakKeys', 'authSchemeRanks', 'authScheme', 'mapUser', 'now', 'name', 'onRefusal'];

/** Checks the options shared by both ticket modules. */
export function checkTicketOptions(where: string, o: { keystore?: unknown; mapUser?: unknown; onRefusal?: unknown; toleranceMinutes?: unknown }): void {
  if (!(o.keystore instanceof Keystore)) throw new TypeError(`${where}: option 'keystore' must be a Keystore`);
  if (o.mapUser !== undefined && typeof o.mapUser !== 'function') throw new TypeError(`${where}: option 'mapUser' must be a function`);
  if (o.onRefusal !== undefined && typeof o.onRefusal !== 'function') throw new TypeError(`${where}: option 'onRefusal' must be a function`);
  const t = o.toleranceMinutes;
  if (t !== undefined && (typeof t !== 'number' || !Number.isFinite(t) || t < 0)) throw new TypeError(`${where}: option 'toleranceMinutes' must be a number ≥ 0`);
}

/** The `verifyTicket` options of both ticket modules, checked now (a `TypeError`) rather than on the first request. */
export function ticketVerifyOptions(where: string, o: TicketModuleVerifyOptions, assertion: boolean): VerifyTicketOptions & { maxLength: number } {
  const verifyOptions: VerifyTicketOptions & { maxLength: number } = {
    keystore: o.keystore,
    maxLength: checkLimitOption(where, 'maxTicketLength', o.maxTicketLength, DEFAULT_MAX_TICKET_TEXT_LENGTH),
    ...(assertion ? { assertion: true } : {}),
    ...(o.toleranceMinutes === undefined ? {} : { toleranceMinutes: o.toleranceMinutes }),
    ...(o.allowedAlgorithms === undefined ? {} : { allowedAlgorithms: o.allowedAlgorithms }),
    ...(o.minKeyBits === undefined ? {} : { minKeyBits: o.minKeyBits }),
    ...(o.allowWeakKeys === undefined ? {} : { allowWeakKeys: o.allowWeakKeys }),
    ...(o.now === undefined ? {} : { now: o.now }),
  };
  try {
    verifyTicket('', verifyOptions); // an empty ticket: only an option error is not a TicketError
  } catch (err) {
    if (!(err instanceof TicketError)) throw new TypeError(`${where}: ${(err as Error).message}`);
  }
  const lowered = Object.entries(o.minKeyBits ?? {}).filter(([k, v]) => typeof v === 'number' && v < DEFAULT_MIN_KEY_BITS[k as keyof MinKeyBits]);
  if (o.allowWeakKeys === true || lowered.length > 0) {
    const how = o.allowWeakKeys === true ? 'allowWeakKeys' : `minKeyBits ${lowered.map(([k, v]) => `${k} ${v}`).join(', ')}`;
    process.emitWarning(`ticketstack: ${where} with ${how} accepts tickets signed with keys below DSA-1024 / RSA-2048 / EC-256`, 'TicketStackWarning');
  }
  return verifyOptions;
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
  const verifyOptions = ticketVerifyOptions(where, options, false);

  const refuse = (code: TicketRefusalCode): { user: false; info: TicketFailureInfo } => {
    options.onRefusal?.({ code });
    return { user: false, info: { code, message: 'The logon ticket is not accepted' } };
  };

  async function verify(req: Request): Promise<{ user: TicketUser | false | undefined; info?: TicketFailureInfo }> {
    const text = readCookie(req, TICKET_COOKIE);
    if (text === undefined) return { user: undefined };
    let ticket: VerifiedTicket;
    try {
      ticket = verifyTicket(text, verifyOptions);
    } catch (err) {
      if (err instanceof TicketError) return refuse(err.code);
      throw err;
    }
    if (ranks.indexOf(ticket.authScheme) < required) return refuse('ERR_TICKET_AUTHSCHEME_TOO_LOW');
    const user = ticketUser(ticket, 'logon-ticket', options.mapUser);
    return user === undefined ? refuse('ERR_TICKET_NO_USER') : { user };
  }

  const strategy = new CustomStrategy(function (this: { pass(): void }, req, done) {
    verify(req).then(({ user, info }) => (user === undefined ? this.pass() : done(null, user, info)), done);
  });
  strategy.name = options.name ?? 'sap-evaluate-ticket';
  return strategy;
}
