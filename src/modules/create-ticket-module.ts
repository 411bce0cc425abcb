/**
 * The **CreateTicket** login module (SAP `CreateTicketLoginModule`). As in JAAS, its `login()` does nothing
 * (the strategy calls `pass()`: ignored) and the ticket is issued in the **commit** phase, so it never runs
 * after a failed stack: put `commit: module.commit` on its stack entry. It issues a logon ticket for the
 * credited user and sets the `MYSAPSSO2` cookie (sap-logon-ticket.md §3): HttpOnly, Secure (unless
 * `secure: false`, which warns once), SameSite=Lax, Path=/, Domain only when configured, a session cookie
 * unless `persistent: true`; lifetime default 8 h. A request that already carried a valid logon ticket gets
 * no new one. `clearTicketCookie(res)` removes the cookie at logout.
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
import { checkOptionKeys, CustomStrategy, TICKET_COOKIE } from './credentials.js';

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
  /** The ticket user for the credited user (default `user.id`, else the user if it is a string). */
  ticketUser?: (user: unknown) => string;
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

const KEYS = ['keystore', 'lifetimeMinutes', 'secure', 'domain', 'persistent', 'ticketUser', 'authScheme', 'codePage', 'now', 'name', 'onIssued'];
let warnedInsecure = false;

/** Creates the CreateTicket login module: a strategy that passes, and its `commit` hook. */
export function createCreateTicketStrategy(options: CreateTicketOptions): CreateTicketStrategy {
  const where = 'createCreateTicketStrategy';
  checkOptionKeys(where, options, KEYS);
  if (!(options.keystore instanceof Keystore)) throw new TypeError(`${where}: option 'keystore' must be a Keystore`);
  const lifetime = options.lifetimeMinutes ?? DEFAULT_LOGON_TICKET_LIFETIME_MINUTES;
  if (!Number.isInteger(lifetime) || lifetime < 1) throw new TypeError(`${where}: option 'lifetimeMinutes' must be a positive integer`);
  for (const k of ['secure', 'persistent'] as const) {
    if (options[k] !== undefined && typeof options[k] !== 'boolean') throw new TypeError(`${where}: option '${k}' must be a boolean`);
  }
  if (options.domain !== undefined && (typeof options.domain !== 'string' || !/^\.?[A-Za-z0-9.-]+$/.test(options.domain))) {
    throw new TypeError(`${where}: option 'domain' must be a domain name`);
  }
  for (const k of ['ticketUser', 'onIssued'] as const) {
    if (options[k] !== undefined && typeof options[k] !== 'function') throw new TypeError(`${where}: option '${k}' must be a function`);
  }
  const secure = options.secure !== false;
  if (!secure && !warnedInsecure) {
    warnedInsecure = true;
    process.emitWarning('ticketstack: CreateTicket with secure: false sends MYSAPSSO2 over plain HTTP', 'TicketStackWarning');
  }

  const userName = (user: unknown): string | undefined => {
    if (options.ticketUser) return options.ticketUser(user);
    if (typeof user === 'string') return user;
    const id = (user as { id?: unknown } | undefined)?.id;
    return typeof id === 'string' ? id : undefined;
  };

  const commit = (ctx: StackHookContext): boolean => {
    const { user } = ctx;
    if (user === undefined) return false;
    // The request already carried a valid logon ticket: keep it (no new ticket on every request).
    if ((user as { authMethod?: unknown }).authMethod === 'logon-ticket') return true;
    const name = userName(user);
    if (name === undefined || name === '') throw new TypeError(`${where}: the credited user has no ticket user name`);
    const ticket: IssuedTicket = issueTicket({
      keystore: options.keystore,
      user: name,
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
    options.onIssued?.({ user: name, validUntil: ticket.validUntil });
    return true;
  };

  const strategy = new CustomStrategy(function (this: { pass(): void }) {
    this.pass(); // JAAS: login() is ignored; the work is in commit()
  }) as CreateTicketStrategy;
  strategy.name = options.name ?? 'sap-create-ticket';
  strategy.commit = commit;
  return strategy;
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
