/**
 * express-session as `createTicketStack` mounts it: cookie defaults of ecosystem-notes.md §4.2 (HttpOnly,
 * SameSite=Lax, Secure, a non-default name), `resave: false` and `saveUninitialized: false` (§4.3), and a
 * fail-closed guard for express-session's "store disconnected" path.
 *
 * That path (ecosystem-notes.md §3.2): when its store emits `disconnect`, express-session passes requests
 * through *without* `req.session`. A logged-in user would then look logged out, and Passport's `req.login`
 * throws "Login sessions require session support". So: a request that carries the session cookie while the
 * store is down is answered 503 `ERR_STATE_UNAVAILABLE` at once; a request without one goes on anonymously,
 * and if it tries to log in, `errorHandler` turns Passport's error into the same 503 (this request is marked
 * here). (connect-redis 9 emits no `disconnect`: its failures already reach `next(err)` as 503 `StateError`s
 * through `createSessionStore`.)
 *
 * @module
 */
import type { Request, RequestHandler } from 'express';
import session, { type CookieOptions, type Store } from 'express-session';
import { StateError } from '../state/errors.js';

/** Requests that ran while the session store was unavailable (read by `errorHandler`). */
const withoutSessionStore = new WeakSet<object>();

export function sessionStoreWasUnavailable(req: Request): boolean {
  return withoutSessionStore.has(req);
}

export interface SessionSettings {
  readonly secret: readonly string[];
  readonly name: string;
  readonly secure: boolean | 'auto';
  readonly sameSite: 'lax' | 'strict' | 'none';
  readonly domain: string | undefined;
  readonly path: string;
  readonly maxAgeMs: number | undefined;
  readonly rolling: boolean;
}

/** express-session with our defaults, followed by the store-unavailable guard. */
export function sessionMiddleware(settings: SessionSettings, store: Store | undefined): RequestHandler[] {
  const cookie: CookieOptions = {
    httpOnly: true,
    secure: settings.secure,
    sameSite: settings.sameSite,
    path: settings.path,
    ...(settings.domain === undefined ? {} : { domain: settings.domain }),
    ...(settings.maxAgeMs === undefined ? {} : { maxAge: settings.maxAgeMs }),
  };
  const sessions = session({
    ...(store === undefined ? {} : { store }),
    secret: [...settings.secret],
    name: settings.name,
    resave: false,
    saveUninitialized: false,
    rolling: settings.rolling,
    cookie,
  });
  const guard: RequestHandler = (req, _res, next) => {
    // express-session also skips requests outside the cookie path; only a skip inside it means "store down".
    if (req.session !== undefined || !(req.originalUrl || req.url || '/').startsWith(settings.path)) return next();
    withoutSessionStore.add(req);
    const cookies = (req as { cookies?: Record<string, unknown> }).cookies;
    if (typeof cookies?.[settings.name] === 'string' && cookies[settings.name] !== '') {
      return next(new StateError('ERR_STATE_UNAVAILABLE', 'session store unavailable: the session of this request cannot be read'));
    }
    next();
  };
  return [sessions, guard];
}
