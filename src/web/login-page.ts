/**
 * `loginPage(options)`: a server-rendered login form that posts `j_username` / `j_password` to a login template
 * (the Servlet form-login field names, as SAP's `form` template reads them; sap-logon-ticket.md §3.1).
 *
 * Security (issue 8, item 4):
 * - **Session fixation**: the POST runs the template's login stack with sessions, and Passport 0.7's `req.login`
 *   regenerates the session (ecosystem-notes.md §1.3): the session id changes at login and the old one is dead.
 * - **Login CSRF**: the form carries the session's synchronizer token (`csrf.ts`); a POST without a valid one is
 *   refused with 403 `ERR_CSRF_TOKEN_INVALID` before any credential is read.
 * - **Return URL**: only a local path (`return-path.ts`); anything else falls back to `defaultReturnTo`.
 * - **A POST always signs on anew**: a session already signed in is logged out first, so the template's stack runs
 *   on the submitted credentials (switching users works; a planted signed-in session is no shortcut).
 * - A failed login shows one generic message (the template's `failureRedirect`, `?error=1`), never which of user
 *   or password was wrong. Pages are `Cache-Control: no-store`, allow no script, no framing; every value is escaped.
 *
 * Works without JavaScript; accessible: labels, `autocomplete`, the error tied to the fields with
 * `aria-describedby` and announced with `role="alert"`, a `<main>` landmark, AA contrast.
 *
 * @module
 */
import express, { type NextFunction, type Request, type Response, type Router } from 'express';
import type { Policies } from '../policy/policies.js';
import { checkOptionKeys } from '../option-keys.js';
import { CSRF_FIELD, csrfToken, csrfTokenMatches } from './csrf.js';
import { escapeHtml, sendPage, sendRefusal } from './html.js';
import { safeReturnPath } from './return-path.js';

export interface LoginPageOptions {
  /** The policies holding the login template. */
  policies: Policies;
  /**
   * The template the form posts to (default `form`). It must read `j_username` / `j_password` (BasicPassword
   * with `usernameField` / `passwordField`), and its `failureRedirect` should be `<path>?error=1`.
   */
  template?: string;
  /** Where the page is served and posted, inside the router (default `/login`). */
  path?: string;
  /** Where the browser goes after login when no valid return path was given (default `/`). A local path. */
  defaultReturnTo?: string;
  /** The page title and heading (default `Sign in`). */
  title?: string;
  /** A line under the heading, e.g. the system's name. */
  description?: string;
}

const KEYS = ['policies', 'template', 'path', 'defaultReturnTo', 'title', 'description'];
const RETURN_KEY = 'ticketstackReturnTo';
const WHERE = 'loginPage';

/** Builds the login page router: `GET <path>` shows the form, `POST <path>` checks the token and runs the template. */
export function loginPage(options: LoginPageOptions): Router {
  checkOptionKeys(WHERE, options, KEYS);
  const { policies } = options;
  if (policies === null || typeof policies !== 'object' || typeof policies.protect !== 'function' || typeof policies.describe !== 'function') {
    throw new TypeError(`${WHERE}: option 'policies' must be the Policies of createPolicies() (or createTicketStack().policies)`);
  }
  for (const k of ['template', 'title', 'description'] as const) {
    const v = options[k];
    if (v !== undefined && (typeof v !== 'string' || v === '')) throw new TypeError(`${WHERE}: option '${k}' must be a non-empty string`);
  }
  const path = options.path ?? '/login';
  if (typeof path !== 'string' || !/^\/[A-Za-z0-9._~\-/]*$/.test(path) || path.includes('//')) {
    throw new TypeError(`${WHERE}: option 'path' must be a plain path such as "/login"`);
  }
  const defaultReturnTo = options.defaultReturnTo ?? '/';
  if (safeReturnPath(defaultReturnTo) === undefined) throw new TypeError(`${WHERE}: option 'defaultReturnTo' must be a local path such as "/"`);
  const templateName = options.template ?? 'form';
  if (!policies.templateNames().includes(templateName)) {
    throw new TypeError(`${WHERE}: option 'template': unknown template '${templateName}'; defined: ${policies.templateNames().join(', ')}`);
  }
  const described = policies.describe().templates.find((t) => t.name === templateName);
  if (described?.failureRedirect === undefined) {
    process.emitWarning(
      `ticketstack: loginPage template '${templateName}' has no failureRedirect; a failed login answers 401 instead of showing the form again`,
      'TicketStackWarning',
    );
  }
  const title = options.title ?? 'Sign in';
  const runTemplate = policies.protect(templateName); // also marks the template as in use (it cannot be dropped)

  const router = express.Router();
  router.get(path, (req, res) => {
    const session = req.session as unknown as Record<string, unknown> | undefined;
    const token = csrfToken(req, WHERE);
    const returnTo = safeReturnPath(req.query.returnTo) ?? safeReturnPath(session?.[RETURN_KEY]);
    sendPage(res, {
      title,
      mainClass: 'narrow',
      body: renderForm({
        action: `${req.baseUrl}${path}`,
        title,
        description: options.description,
        token,
        returnTo,
        failed: req.query.error !== undefined,
        signedOut: req.query.signed_out !== undefined,
      }),
    });
  });

  router.post(
    path,
    express.urlencoded({ extended: false, limit: '16kb', parameterLimit: 20 }),
    (req: Request, res: Response, next: NextFunction) => {
      res.setHeader('Cache-Control', 'no-store');
      const body = (req.body ?? {}) as Record<string, unknown>;
      if (!csrfTokenMatches(req, body[CSRF_FIELD], WHERE)) {
        sendRefusal(res, 403, 'ERR_CSRF_TOKEN_INVALID', 'This sign-in form has expired or was not sent by this site. Reload the page and sign in again.', 'Sign-in refused');
        return;
      }
      endCurrentLogin(req).then(() => {
        const returnTo = safeReturnPath(body.returnTo);
        // Kept in the session for the form shown again after a failed attempt; a successful login regenerates
        // the session (dropping it), so the value for the redirect travels in res.locals.
        const session = req.session as unknown as Record<string, unknown>;
        if (returnTo === undefined) delete session[RETURN_KEY];
        else session[RETURN_KEY] = returnTo;
        res.locals.ticketstackReturnTo = returnTo;
        next();
      }, next);
    },
    runTemplate,
    (_req: Request, res: Response) => {
      res.redirect(303, (res.locals.ticketstackReturnTo as string | undefined) ?? defaultReturnTo);
    },
  );
  return router;
}

/**
 * A login POST always checks the credentials it carries. A session that is already signed in would otherwise be
 * served from the session (the stack does not run again for a session it logged in), so the form could not switch
 * users, and a signed-in session planted in a victim's browser (login fixation) would keep the attacker's account
 * whatever the victim typed. So the current login ends first (Passport 0.7's logout regenerates the session).
 */
function endCurrentLogin(req: Request): Promise<void> {
  const r = req as Request & { isAuthenticated?: () => boolean };
  if (typeof r.isAuthenticated !== 'function' || !r.isAuthenticated()) return Promise.resolve();
  return new Promise<void>((resolve, reject) => req.logout({ keepSessionInfo: false }, (err) => (err ? reject(err) : resolve())));
}

interface FormModel {
  action: string;
  title: string;
  description: string | undefined;
  token: string;
  returnTo: string | undefined;
  failed: boolean;
  signedOut: boolean;
}

function renderForm(m: FormModel): string {
  const errorId = 'login-error';
  const invalid = m.failed ? ` aria-invalid="true" aria-describedby="${errorId}"` : '';
  return [
    `<h1>${escapeHtml(m.title)}</h1>`,
    m.description ? `<p class="lead">${escapeHtml(m.description)}</p>` : '',
    m.failed
      ? `<p id="${errorId}" class="alert error" role="alert">Sign-in failed. Check your user ID and password, then try again.</p>`
      : '',
    m.signedOut && !m.failed ? `<p class="alert ok" role="status">You have signed out.</p>` : '',
    `<form method="post" action="${escapeHtml(m.action)}">`,
    `<input type="hidden" name="${CSRF_FIELD}" value="${escapeHtml(m.token)}">`,
    m.returnTo ? `<input type="hidden" name="returnTo" value="${escapeHtml(m.returnTo)}">` : '',
    `<label for="j_username">User ID</label>`,
    `<input type="text" id="j_username" name="j_username" autocomplete="username" autocapitalize="none" spellcheck="false" required maxlength="256"${invalid}>`,
    `<label for="j_password">Password</label>`,
    `<input type="password" id="j_password" name="j_password" autocomplete="current-password" required maxlength="1024"${invalid}>`,
    `<button type="submit">Sign in</button>`,
    `</form>`,
  ]
    .filter((line) => line !== '')
    .join('\n');
}
