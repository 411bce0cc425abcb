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

/** `Authorization: Basic base64(user:password)` first, else `req.body[userField]` / `req.body[passField]`. */
export function readBasicOrForm(req: Request, userField: string, passField: string): { user: string; password: string } | undefined {
  const header = req.headers?.authorization;
  if (typeof header === 'string' && /^basic /i.test(header)) {
    const decoded = Buffer.from(header.slice(6).trim(), 'base64').toString('utf8');
    const colon = decoded.indexOf(':');
    if (colon > 0) return { user: decoded.slice(0, colon), password: decoded.slice(colon + 1) };
    return undefined;
  }
  const body = (req as { body?: Record<string, unknown> }).body;
  const user = body?.[userField];
  const password = body?.[passField];
  return typeof user === 'string' && typeof password === 'string' && user !== '' ? { user, password } : undefined;
}

/** The raw value of cookie `name`: `req.cookies` when cookie-parser ran, else the Cookie header (not URL-decoded). */
export function readCookie(req: Request, name: string): string | undefined {
  const parsed = (req as { cookies?: Record<string, unknown> }).cookies;
  if (parsed !== null && typeof parsed === 'object' && typeof parsed[name] === 'string') {
    return (parsed[name] as string) || undefined;
  }
  const header = req.headers?.cookie;
  if (typeof header !== 'string') return undefined;
  for (const part of header.split(';')) {
    const eq = part.indexOf('=');
    if (eq < 0 || part.slice(0, eq).trim() !== name) continue;
    let value = part.slice(eq + 1).trim();
    if (value.length >= 2 && value.startsWith('"') && value.endsWith('"')) value = value.slice(1, -1);
    return value === '' ? undefined : value;
  }
  return undefined;
}

/** Throws a TypeError naming the first unknown option key. */
export function checkOptionKeys(where: string, options: unknown, keys: readonly string[]): void {
  if (options === null || typeof options !== 'object') throw new TypeError(`${where}: expected an options object`);
  for (const k of Object.keys(options)) if (!keys.includes(k)) throw new TypeError(`${where}: unknown option '${k}'`);
}
