/**
 * Shared credential reading for the login modules: HTTP Basic first, else a form POST, and the MYSAPSSO2
 * cookie (sap-logon-ticket.md §3: the logon ticket travels as the `MYSAPSSO2` cookie).
 *
 * @module
 */
import type { Request } from 'express';
import { createRequire } from 'node:module';
import type { Strategy } from 'passport';

export type Done = (err: unknown, user?: unknown, info?: unknown) => void;
export type CustomStrategyCtor = new (verify: (req: Request, done: Done) => void) => Strategy & { name: string };
const require = createRequire(import.meta.url);
// passport-custom ships no types: its Strategy calls verify(req, done); done(null, false, info) → fail(info).
export const { Strategy: CustomStrategy } = require('passport-custom') as { Strategy: CustomStrategyCtor };

/** The cookie and header name of SAP logon and assertion tickets. */
export const TICKET_COOKIE = 'MYSAPSSO2';

/**
 * Input limits (README "Limits"): every module refuses oversized input before decoding it. The user ID and the
 * password (or PassTicket) may each have at most `maxCredentialLength` characters (default 1024).
 */
export const DEFAULT_MAX_CREDENTIAL_LENGTH = 1024;

/**
 * Refusal codes of credential reading (in the decision record and `onRefusal`, never in a response): credentials
 * over the limit, and a form POST that a browser says came from another site (login CSRF).
 */
export type CredentialRefusalCode = 'ERR_CREDENTIALS_TOO_LARGE' | 'ERR_CREDENTIALS_CROSS_SITE';

/**
 * Credentials as read; `tooLarge` when they exceed the limit (checked before decoding); `crossSite` when a form body
 * holds them but the browser says the POST came from another site; `undefined` when absent.
 */
export type ReadCredentials = { user: string; password: string } | { tooLarge: true } | { crossSite: true } | undefined;

const TOO_LARGE = Object.freeze({ tooLarge: true as const });
const CROSS_SITE = Object.freeze({ crossSite: true as const });

/**
 * The longest `Authorization: Basic …` header that can carry two fields of `maxLength` characters: each character
 * is at most 3 bytes of UTF-8, plus the colon, in base64, plus "Basic " and a little whitespace.
 */
export function basicHeaderLimit(maxLength: number): number {
  return 6 + 4 * Math.ceil((2 * 3 * maxLength + 1) / 3) + 16;
}

/**
 * `Authorization: Basic base64(user:password)` first, else `req.body[userField]` / `req.body[passField]` (own
 * string properties only, so an array, an object or a polluted prototype never counts as a credential).
 *
 * Login CSRF: another site can make a browser POST a form (never an `Authorization` header), logging the victim in
 * as the attacker. Form credentials are refused when the browser marks the request as coming from another origin
 * (`Sec-Fetch-Site: cross-site` or `same-site`, or `Origin: null`); requests without those headers (non-browser
 * clients, old browsers) are read as before. The login page's CSRF token stays the first defence; this one covers
 * every other route with a body parser in front of a password or PassTicket module.
 */
export function readBasicOrForm(req: Request, userField: string, passField: string, maxLength = DEFAULT_MAX_CREDENTIAL_LENGTH): ReadCredentials {
  const header = req.headers?.authorization;
  if (typeof header === 'string' && /^basic /i.test(header)) {
    if (header.length > basicHeaderLimit(maxLength)) return TOO_LARGE; // before decoding anything
    const decoded = Buffer.from(header.slice(6).trim(), 'base64').toString('utf8');
    const colon = decoded.indexOf(':');
    if (colon <= 0) return undefined;
    return fields(decoded.slice(0, colon), decoded.slice(colon + 1), maxLength);
  }
  const body = (req as { body?: unknown }).body;
  if (body === null || typeof body !== 'object') return undefined;
  const user = Object.hasOwn(body, userField) ? (body as Record<string, unknown>)[userField] : undefined;
  const password = Object.hasOwn(body, passField) ? (body as Record<string, unknown>)[passField] : undefined;
  if (typeof user !== 'string' || typeof password !== 'string' || user === '') return undefined;
  return isCrossSiteByBrowser(req) ? CROSS_SITE : fields(user, password, maxLength);
}

/** True when the browser says the request came from another origin (Fetch Metadata, or an opaque `Origin: null`). */
function isCrossSiteByBrowser(req: Request): boolean {
  const site = req.headers?.['sec-fetch-site'];
  if (typeof site === 'string') return site !== 'same-origin' && site !== 'none';
  return req.headers?.origin === 'null';
}

function fields(user: string, password: string, maxLength: number): ReadCredentials {
  return user.length > maxLength || password.length > maxLength ? TOO_LARGE : { user, password };
}

/** Checks a length-limit option: a positive integer (TypeError naming it), or the default. */
export function checkLimitOption(where: string, name: string, value: unknown, fallback: number): number {
  if (value === undefined) return fallback;
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < 1) throw new TypeError(`${where}: option '${name}' must be a positive integer`);
  return value;
}

/** The raw value of cookie `name`: `req.cookies` when cookie-parser ran, else the Cookie header (not URL-decoded). */
export function readCookie(req: Request, name: string): string | undefined {
  const parsed = (req as { cookies?: Record<string, unknown> }).cookies;
  if (parsed !== null && typeof parsed === 'object' && typeof parsed[name] === 'string') {
    return (parsed[name] as string) || undefined;
  }
  const header = req.headers?.cookie;
  if (typeof header !== 'string') return undefined;
  // Each `;`-separated pair, its name and value trimmed as String#trim does, read in place rather than by splitting
  // the header: this runs on every ticket request, and a Cookie header can hold several large cookies.
  for (let start = 0; start < header.length; ) {
    let end = header.indexOf(';', start);
    if (end < 0) end = header.length;
    const eq = header.indexOf('=', start);
    if (eq >= 0 && eq < end) {
      let nameStart = start;
      let nameEnd = eq;
      while (nameStart < nameEnd && isTrimmed(header.charCodeAt(nameStart))) nameStart++;
      while (nameEnd > nameStart && isTrimmed(header.charCodeAt(nameEnd - 1))) nameEnd--;
      if (nameEnd - nameStart === name.length && header.startsWith(name, nameStart)) {
        let valueStart = eq + 1;
        let valueEnd = end;
        while (valueStart < valueEnd && isTrimmed(header.charCodeAt(valueStart))) valueStart++;
        while (valueEnd > valueStart && isTrimmed(header.charCodeAt(valueEnd - 1))) valueEnd--;
        if (valueEnd - valueStart >= 2 && header.charCodeAt(valueStart) === 0x22 && header.charCodeAt(valueEnd - 1) === 0x22) {
          valueStart++;
          valueEnd--;
        }
        return valueStart === valueEnd ? undefined : header.slice(valueStart, valueEnd);
      }
    }
    start = end + 1;
  }
  return undefined;
}

/** The characters String#trim removes: ASCII blanks and line ends, and Unicode white space (rare, checked the slow way). */
function isTrimmed(c: number): boolean {
  return c === 0x20 || (c >= 0x09 && c <= 0x0d) || (c > 0x7f && String.fromCharCode(c).trim() === '');
}
