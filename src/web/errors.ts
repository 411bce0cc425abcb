/**
 * Errors of the web pages (login form, inspector). Each refusal has a stable code; the pages answer it
 * themselves (an HTML page, or `{ error, code }` for a client asking for JSON), never with a stack trace.
 *
 * @module
 */
import { TicketStackError, type TicketStackErrorOptions } from '../errors.js';

export type WebErrorCode =
  /** A form POST without the session's anti-CSRF token, or with a wrong one (login CSRF, inspector edits). HTTP 403. */
  | 'ERR_CSRF_TOKEN_INVALID'
  /** The inspector's user is authenticated but not authorized (not in the required group, or revoked). HTTP 403. */
  | 'ERR_INSPECTOR_FORBIDDEN'
  /** An inspector template edit that is not JSON or that the policy refused; nothing was changed. HTTP 400. */
  | 'ERR_TEMPLATE_INVALID';

const DEFAULT_STATUS: Record<WebErrorCode, number> = {
  ERR_CSRF_TOKEN_INVALID: 403,
  ERR_INSPECTOR_FORBIDDEN: 403,
  ERR_TEMPLATE_INVALID: 400,
};

export class WebError<C extends WebErrorCode = WebErrorCode> extends TicketStackError<C> {
  constructor(code: C, message: string, options: TicketStackErrorOptions = {}) {
    super(code, message, { ...options, status: options.status ?? DEFAULT_STATUS[code] });
  }
}
