/**
 * The **CreateTicket** login module (SAP `CreateTicketLoginModule`). As in JAAS, its `login()` does nothing
 * (the strategy calls `pass()`: ignored) and the ticket is issued in the **commit** phase, so it never runs
 * after a failed stack: put `commit: module.commit` on its stack entry. It issues a logon ticket for the
 * credited user and sets the `MYSAPSSO2` cookie (sap-logon-ticket.md §3): HttpOnly, Secure (unless
 * `secure: false`, which warns once), SameSite=Lax, Path=/, Domain only when configured, a session cookie
 * unless `persistent: true`; lifetime default 8 h. A request that already carried a valid logon ticket gets
 * no new one. `clearTicketCookie(res)` removes the cookie at logout.
 *
 * Who the ticket names, as an AS Java portal writes it (sap-logon-ticket.md §1.2, §3.3; the EPP and KPO portal
 * tickets): 0x20 `portal:<user id>` in UTF-8, case kept (portal-ID mode, `portalId`, default on), and 0x01 the ABAP
 * user — `abapUser(user)` when given, else the user ID in capitals when it can be an ABAP user ID (at most 12
 * characters, in the ticket's code page, and capitals that name the same user: `ſ`, `ı`, `ß` capitalise to
 * another user's letters). A user with no ABAP user ID still gets a ticket: other portals and AS Java
 * (and this package's EvaluateTicket) take 0x20, while ABAP systems refuse it, as they should.
 *
 * @module
 */
import type { Response } from 'express';
import type { Strategy } from 'passport';
import { Keystore } from '../keystore/keystore.js';
import type { StackHook, StackHookContext } from '../stack/passport-adapter.js';
import type { IssueCodePage } from '../ticket/code-pages.js';
import { DEFAULT_LOGON_TICKET_LIFETIME_MINUTES, issueTicket, type IssuedTicket } from '../ticket/issue.js';
import type { Clock } from '../ticket/validity.js';
import { checkOptionKeys } from '../option-keys.js';
import { CustomStrategy, TICKET_COOKIE } from './credentials.js';

export interface CreateTicketOptions {
  /** The issuing system's own identity and key. */
  keystore: Keystore;
  /** Ticket validity in minutes (default 480 = 8 h). */
  lifetimeMinutes?: number;
  /** Send the cookie with `Secure` (default true). `false` only for plain-HTTP development: a warning is emitted once. */
  secure?: boolean;
  /** The cookie's Domain (default: none, host-only). */
  domain?: string;
  /** `true`: the cookie expires with the ticket; default a session cookie. */
  persistent?: boolean;
  /**
   * The ABAP user (0x01) of the credited user, or `undefined` for none (default: the user ID in capitals when it is
   * at most 12 characters and fits the code page, as ABAP user IDs do).
   */
  abapUser?: (user: unknown) => string | undefined;
  /** Write 0x20 `portal:<user id>` (AS Java `login.ticket_portalid`; default true). */
  portalId?: boolean;
  authScheme?: string;
  codePage?: IssueCodePage;
  now?: Clock;
  /** Strategy name (default `sap-create-ticket`). */
  name?: string;
  /** Called after a ticket was issued (for logs; never the ticket text). */
  onIssued?: (event: { user: string; validUntil: Date }) => void;
}

export type CreateTicketStrategy = Strategy & {
  name: string;
  /** The stack entry's `commit` hook: issues the ticket and sets the cookie. */
  commit: StackHook;
};

const KEYS = ['keystore', 'lifetimeMinutes', 'secure', 'domain', 'persistent', 'abapUser', 'portalId', 'authScheme', 'codePage', 'now', 'name', 'onIssued'];
/** ABAP user IDs (BNAME) are at most 12 characters. */
const ABAP_USER_MAX = 12;
let warnedInsecure = false;

/** Creates the CreateTicket login module: a strategy that passes, and its `commit` hook. */
export function createCreateTicketStrategy(options: CreateTicketOptions): CreateTicketStrategy {
  const where = 'createCreateTicketStrategy';
  checkOptionKeys(where, options, KEYS);
  if (!(options.keystore instanceof Keystore)) throw new TypeError(`${where}: option 'keystore' must be a Keystore`);
  const lifetime = options.lifetimeMinutes ?? DEFAULT_LOGON_TICKET_LIFETIME_MINUTES;
  if (!Number.isInteger(lifetime) || lifetime < 1) throw new TypeError(`${where}: option 'lifetimeMinutes' must be a positive integer`);
  for (const k of ['secure', 'persistent', 'portalId'] as const) {
    if (options[k] !== undefined && typeof options[k] !== 'boolean') throw new TypeError(`${where}: option '${k}' must be a boolean`);
  }
  if (options.domain !== undefined && (typeof options.domain !== 'string' || !/^\.?[A-Za-z0-9.-]+$/.test(options.domain))) {
    throw new TypeError(`${where}: option 'domain' must be a domain name`);
  }
  for (const k of ['abapUser', 'onIssued'] as const) {
    if (options[k] !== undefined && typeof options[k] !== 'function') throw new TypeError(`${where}: option '${k}' must be a function`);
  }
  const secure = options.secure !== false;
  if (!secure && !warnedInsecure) {
    warnedInsecure = true;
    process.emitWarning('ticketstack: CreateTicket with secure: false sends MYSAPSSO2 over plain HTTP', 'TicketStackWarning');
  }

  const portalId = options.portalId !== false;
  const codePage = options.codePage ?? '1100';
  const userId = (user: unknown): string | undefined => {
    if (typeof user === 'string') return user;
    const id = (user as { id?: unknown } | undefined)?.id;
    return typeof id === 'string' ? id : undefined;
  };
  const abapUser = (user: unknown, id: string): string | undefined => {
    if (options.abapUser) return options.abapUser(user);
    const upper = id.toUpperCase();
    // The capitals must name this same user: 'ſap*' → 'SAP*', 'ddıc' → 'DDIC', 'baß' → 'BASS' are other users.
    const sameUser = upper.toLowerCase() === id.toLowerCase();
    return sameUser && upper.length <= ABAP_USER_MAX && fitsCodePage(codePage, upper) ? upper : undefined;
  };

  const commit = (ctx: StackHookContext): boolean => {
    const { user } = ctx;
    if (user === undefined) return false;
    // The request already carried a valid logon ticket: keep it (no new ticket on every request).
    if ((user as { authMethod?: unknown }).authMethod === 'logon-ticket') return true;
    const id = userId(user);
    if (id === undefined || id === '') throw new TypeError(`${where}: the credited user has no user ID`);
    const abap = abapUser(user, id);
    if (abap === undefined && !portalId) throw new TypeError(`${where}: the user has no ABAP user ID and portalId is off: no ticket can name them`);
    const ticket: IssuedTicket = issueTicket({
      keystore: options.keystore,
      ...(abap === undefined ? {} : { user: abap }),
      ...(portalId ? { portalUser: id } : {}),
      lifetimeMinutes: lifetime,
      ...(options.authScheme === undefined ? {} : { authScheme: options.authScheme }),
      ...(options.codePage === undefined ? {} : { codePage: options.codePage }),
      ...(options.now === undefined ? {} : { now: options.now }),
    });
    ctx.res.cookie(TICKET_COOKIE, ticket.text, {
      httpOnly: true,
      secure,
      sameSite: 'lax',
      path: '/',
      ...(options.domain === undefined ? {} : { domain: options.domain }),
      ...(options.persistent === true ? { expires: ticket.validUntil } : {}),
      encode: String, // the text form is already cookie-safe (§3)
    });
    options.onIssued?.({ user: id, validUntil: ticket.validUntil });
    return true;
  };

  const strategy = new CustomStrategy(function (this: { pass(): void }) {
    this.pass(); // JAAS: login() is ignored; the work is in commit()
  }) as CreateTicketStrategy;
  strategy.name = options.name ?? 'sap-create-ticket';
  strategy.commit = commit;
  return strategy;
}

/** Whether `text` can be written in the ticket's code page (1100 is ISO-8859-1; the others are Unicode). */
function fitsCodePage(codePage: IssueCodePage, text: string): boolean {
  return codePage !== '1100' || /^[\x20-\x7e\xa0-\xff]*$/.test(text);
}

/** Logout: removes `MYSAPSSO2` (empty value, expired) with the path and domain it was set with. */
export function clearTicketCookie(res: Response, options: { domain?: string; secure?: boolean } = {}): void {
  res.cookie(TICKET_COOKIE, '', {
    httpOnly: true,
    secure: options.secure !== false,
    sameSite: 'lax',
    path: '/',
    ...(options.domain === undefined ? {} : { domain: options.domain }),
    expires: new Date(0),
  });
}
