/**
 * Logout (issue 4, item 3): ends the Passport login, destroys the session, and overwrites `MYSAPSSO2` with an
 * empty, expired value as SAP's Java issuer does on logout (sap-logon-ticket.md §1.5).
 *
 * @module
 */
import type { Request, RequestHandler, Response } from 'express';
import { clearTicketCookie } from './create-ticket-module.js';
import { checkOptionKeys } from '../option-keys.js';

export interface LogoutOptions {
  /** The Domain the ticket cookie was set with (must match, or the browser keeps the cookie). */
  domain?: string;
  /** Must match CreateTicket's `secure` (default true). */
  secure?: boolean;
  /** Where to send the browser afterwards: a local path only (default: answer 204). */
  redirectTo?: string;
}

const KEYS = ['domain', 'secure', 'redirectTo'];

/** Ends the login and session of `req` (if any) and clears the ticket cookie on `res`. */
export async function logout(req: Request, res: Response, options: LogoutOptions = {}): Promise<void> {
  const r = req as Request & { logout?: (cb: (err?: unknown) => void) => void };
  if (typeof r.logout === 'function' && r.session) {
    // Passport 0.7: logout clears the user and regenerates the session.
    await new Promise<void>((resolve, reject) => r.logout!((err) => (err ? reject(err) : resolve())));
  }
  if (req.session) await new Promise<void>((resolve, reject) => req.session.destroy((err) => (err ? reject(err) : resolve())));
  else delete (req as { user?: unknown }).user;
  clearTicketCookie(res, { ...(options.domain === undefined ? {} : { domain: options.domain }), ...(options.secure === undefined ? {} : { secure: options.secure }) });
}

/** An Express handler for a logout route: `app.post('/logout', logoutHandler({ redirectTo: '/' }))`. */
export function logoutHandler(options: LogoutOptions = {}): RequestHandler {
  const where = 'logoutHandler';
  checkOptionKeys(where, options, KEYS);
  if (options.domain !== undefined && (typeof options.domain !== 'string' || options.domain === '')) {
    throw new TypeError(`${where}: option 'domain' must be a non-empty string`);
  }
  if (options.secure !== undefined && typeof options.secure !== 'boolean') throw new TypeError(`${where}: option 'secure' must be a boolean`);
  const target = options.redirectTo;
  // Only a local path: never an open redirect.
  if (target !== undefined && (typeof target !== 'string' || !/^\/(?![/\\])/.test(target))) {
    throw new TypeError(`${where}: option 'redirectTo' must be a local path such as "/"`);
  }
  return (req, res, next) => {
    logout(req, res, options).then(() => {
      res.setHeader('Cache-Control', 'no-store');
      if (target === undefined) res.status(204).end();
      else res.redirect(303, target);
    }, next);
  };
}
