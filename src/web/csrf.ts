/**
 * Anti-CSRF tokens for the web pages' forms: the synchronizer-token pattern (OWASP CSRF Prevention Cheat Sheet).
 *
 * Why this design: the login page needs express-session anyway (the session is regenerated at login, Passport
 * 0.7; ecosystem-notes.md §1.3), so the token lives in the session and needs no extra secret or cookie; with
 * Redis sessions it works across instances. A login-CSRF attacker, posting from another site through the victim's
 * browser, cannot know the token of the victim's session (and with SameSite=Lax the POST does not even carry that
 * session), so the POST is refused. The cost: every visit to the login page creates a session (it holds the token).
 * The session keeps 32 random bytes; the form's token is an HMAC of them and of the session's current login (its
 * Passport user), so it changes at every login, also when the session data survives the login (Passport's
 * `keepSessionInfo`): a token read before the login (by whoever planted that session) is refused after it. Without
 * `keepSessionInfo`, the login's session regeneration throws the bytes away too. Comparison is constant-time (both
 * sides are hashed to the same length first, then `timingSafeEqual`).
 *
 * @module
 */
import { createHash, createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import type { Request } from 'express';
import type {} from 'express-session';
import { StateError } from '../state/errors.js';

/** The form field carrying the token. */
export const CSRF_FIELD = '_csrf';
const SESSION_KEY = 'ticketstackCsrf';

type SessionData = Record<string, unknown>;

/**
 * The request's session. None: express-session skipped the request because its store is down (or it is not
 * mounted at all): fail closed with 503 `ERR_STATE_UNAVAILABLE`, as a login needs the session.
 */
function sessionOf(req: Request, where: string): SessionData {
  const session = (req as { session?: unknown }).session;
  if (session === null || typeof session !== 'object') {
    throw new StateError(
      'ERR_STATE_UNAVAILABLE',
      `${where}: no session on the request: the session store is unavailable, or express-session (createTicketStack's router) is not mounted before this page`,
      { status: 503 },
    );
  }
  return session as SessionData;
}

/** The form token for the session's key and its current login (Passport keeps the logged-in user under `passport`). */
function formToken(key: string, session: SessionData): string {
  const login = JSON.stringify((session.passport as { user?: unknown } | undefined)?.user ?? null);
  return createHmac('sha256', key).update(`ticketstack csrf\0${login}`).digest('base64url');
}

/**
 * The form token of the session's current login. The session's key is created on first use (which makes
 * express-session save the session).
 */
export function csrfToken(req: Request, where: string): string {
  const session = sessionOf(req, where);
  let key = session[SESSION_KEY];
  if (typeof key !== 'string' || key.length < 32) {
    key = randomBytes(32).toString('base64url');
    session[SESSION_KEY] = key;
  }
  return formToken(key as string, session);
}

/** True only when the submitted token is the session's for its current login (constant-time). No session key: false. */
export function csrfTokenMatches(req: Request, submitted: unknown, where: string): boolean {
  const session = sessionOf(req, where);
  const key = session[SESSION_KEY];
  if (typeof key !== 'string' || key.length < 32 || typeof submitted !== 'string' || submitted === '') return false;
  const a = createHash('sha256').update(formToken(key, session)).digest();
  const b = createHash('sha256').update(submitted).digest();
  return timingSafeEqual(a, b);
}
