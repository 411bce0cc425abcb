/**
 * `errorHandler()`: the Express error-handling middleware of a ticketstack app (mount it last).
 *
 * - This package's errors answer their own status and `{ error, code }` (a 503 also gets `Retry-After`):
 *   `ERR_STATE_UNAVAILABLE`, `ERR_USER_STORE_UNAVAILABLE`, `ERR_STRATEGY_TIMEOUT`, CICS conditions, ...
 * - Client errors of body-parser and of any http-errors producer (413, 400, 415, ...) answer their 4xx with a
 *   stable code (table below), never a 5xx.
 * - Passport's "Login sessions require session support" on a request that ran while the session store was
 *   down (see `session.ts`) is that outage: 503 `ERR_STATE_UNAVAILABLE`, never 500 and never "logged out".
 * - Anything else is a generic 500 `ERR_INTERNAL`; the real error's name and code go to the `http.error` event.
 *
 * Never a stack trace, never an error's message (only the status text), `Cache-Control: no-store`, JSON or
 * plain text by content negotiation. Express's own default handler would print the stack in development.
 *
 * @module
 */
import type { ErrorRequestHandler, Request, Response } from 'express';
import { STATUS_CODES } from 'node:http';
import { isTicketStackError } from '../errors.js';
import { checkOptionKeys } from '../option-keys.js';
import { summarizeError } from '../stack/decision-record.js';
import { safeEmitter, type TicketStackEvent } from './events.js';
import { sessionStoreWasUnavailable } from './session.js';

/** The codes `errorHandler` answers for errors that are not this package's own. */
export type HttpErrorCode =
  /** 413: body larger than the parser's `limit`, or too many form parameters. */
  | 'ERR_REQUEST_TOO_LARGE'
  /** 400: a body that does not parse (bad JSON, a form nested too deep), or whose size does not match Content-Length. */
  | 'ERR_REQUEST_MALFORMED'
  /** 400: the client went away while the body was read. */
  | 'ERR_REQUEST_ABORTED'
  /** 415: an unsupported charset or Content-Encoding. */
  | 'ERR_REQUEST_ENCODING_UNSUPPORTED'
  /** 403: a body parser's `verify` function refused the body. */
  | 'ERR_REQUEST_REFUSED'
  /** Other 4xx errors of http-errors producers, by status. */
  | 'ERR_BAD_REQUEST'
  | 'ERR_UNAUTHORIZED'
  | 'ERR_FORBIDDEN'
  | 'ERR_NOT_FOUND'
  | 'ERR_METHOD_NOT_ALLOWED'
  | 'ERR_NOT_ACCEPTABLE'
  | 'ERR_REQUEST_TIMEOUT'
  | 'ERR_CONFLICT'
  | 'ERR_UNSUPPORTED_MEDIA_TYPE'
  | 'ERR_TOO_MANY_REQUESTS'
  | 'ERR_CLIENT_ERROR'
  /** 500: anything else (a bug or a foreign error); details only in the `http.error` event. */
  | 'ERR_INTERNAL';

export interface ErrorHandlerOptions {
  /** Receives one `http.error` event per handled error (log-safe). */
  onEvent?: (event: TicketStackEvent) => void;
  /** `Retry-After` of 503 answers, in seconds (default 5). */
  retryAfterSeconds?: number;
}

const OPTION_KEYS = ['onEvent', 'retryAfterSeconds'];

/** body-parser / raw-body error `type`s (their documented, stable identifiers). */
const BODY_PARSER_CODES: Readonly<Record<string, HttpErrorCode>> = {
  'entity.too.large': 'ERR_REQUEST_TOO_LARGE',
  'parameters.too.many': 'ERR_REQUEST_TOO_LARGE',
  'entity.parse.failed': 'ERR_REQUEST_MALFORMED',
  'querystring.parse.rangeError': 'ERR_REQUEST_MALFORMED',
  'request.size.invalid': 'ERR_REQUEST_MALFORMED',
  'request.aborted': 'ERR_REQUEST_ABORTED',
  'encoding.unsupported': 'ERR_REQUEST_ENCODING_UNSUPPORTED',
  'charset.unsupported': 'ERR_REQUEST_ENCODING_UNSUPPORTED',
  'entity.verify.failed': 'ERR_REQUEST_REFUSED',
};

const STATUS_CODES_4XX: Readonly<Record<number, HttpErrorCode>> = {
  400: 'ERR_BAD_REQUEST',
  401: 'ERR_UNAUTHORIZED',
  403: 'ERR_FORBIDDEN',
  404: 'ERR_NOT_FOUND',
  405: 'ERR_METHOD_NOT_ALLOWED',
  406: 'ERR_NOT_ACCEPTABLE',
  408: 'ERR_REQUEST_TIMEOUT',
  409: 'ERR_CONFLICT',
  413: 'ERR_REQUEST_TOO_LARGE',
  415: 'ERR_UNSUPPORTED_MEDIA_TYPE',
  429: 'ERR_TOO_MANY_REQUESTS',
};

/** Passport's SessionManager, when `req.session` is missing (ecosystem-notes.md §1.3). */
const PASSPORT_NO_SESSION = 'Login sessions require session support';

/** Creates the error-handling middleware. Throws a TypeError naming a bad option. */
export function errorHandler(options: ErrorHandlerOptions = {}): ErrorRequestHandler {
  checkOptionKeys('errorHandler', options, OPTION_KEYS);
  if (options.onEvent !== undefined && typeof options.onEvent !== 'function') throw new TypeError('errorHandler: option "onEvent" must be a function');
  const retryAfter = options.retryAfterSeconds ?? 5;
  if (!Number.isSafeInteger(retryAfter) || retryAfter < 0 || retryAfter > 86_400) {
    throw new TypeError('errorHandler: option "retryAfterSeconds" must be an integer from 0 to 86400');
  }
  const emit = safeEmitter(options.onEvent);

  return function ticketstackErrorHandler(err: unknown, req: Request, res: Response, _next: unknown): void {
    const { status, code } = classify(err, req);
    const route = `${req.method} ${req.baseUrl ?? ''}${req.path ?? ''}`;
    if (res.headersSent) {
      // Too late for a status: end the connection so the client sees a broken response, not a complete one.
      emit({ type: 'http.error', status, code, route, error: summarizeError(err), headersSent: true });
      req.socket?.destroy();
      return;
    }
    emit({ type: 'http.error', status, code, route, error: summarizeError(err) });
    send(req, res, err, status, code, retryAfter);
  };
}

/** The status and public code for an error. */
function classify(err: unknown, req: Request): { status: number; code: string } {
  if (isTicketStackError(err)) {
    // A 500 of ours (a keystore or profile misconfiguration) is still an internal error to the client.
    if (err.status >= 400 && err.status <= 599 && err.status !== 500) return { status: err.status, code: err.code };
    return { status: 500, code: 'ERR_INTERNAL' };
  }
  if (err instanceof Error && err.message.startsWith(PASSPORT_NO_SESSION) && sessionStoreWasUnavailable(req)) {
    return { status: 503, code: 'ERR_STATE_UNAVAILABLE' };
  }
  const e = (err ?? {}) as { status?: unknown; statusCode?: unknown; expose?: unknown; type?: unknown };
  const status = typeof e.status === 'number' ? e.status : typeof e.statusCode === 'number' ? e.statusCode : undefined;
  // http-errors marks client errors `expose: true`; a 4xx that says it must not be exposed is treated as internal.
  if (status !== undefined && Number.isInteger(status) && status >= 400 && status <= 499 && e.expose !== false) {
    const byType = typeof e.type === 'string' ? BODY_PARSER_CODES[e.type] : undefined;
    return { status, code: byType ?? STATUS_CODES_4XX[status] ?? 'ERR_CLIENT_ERROR' };
  }
  return { status: 500, code: 'ERR_INTERNAL' };
}

function send(req: Request, res: Response, err: unknown, status: number, code: string, retryAfter: number): void {
  const text = STATUS_CODES[status] ?? 'Error';
  // Headers a partial response may have set for its own body.
  for (const name of ['Content-Encoding', 'Content-Language', 'Content-Range', 'Content-Disposition', 'ETag', 'Last-Modified']) res.removeHeader(name);
  // http-errors may carry headers the status needs (405 Allow, 429 Retry-After): only for client errors.
  const extra = (err as { headers?: unknown } | null)?.headers;
  if (status < 500 && extra !== null && typeof extra === 'object') {
    for (const [name, value] of Object.entries(extra)) if (typeof value === 'string' || typeof value === 'number') res.setHeader(name, String(value));
  }
  res.status(status);
  res.setHeader('Cache-Control', 'no-store');
  res.setHeader('X-Content-Type-Options', 'nosniff');
  if (status === 503) res.setHeader('Retry-After', String(retryAfter));
  res.vary('Accept');
  if (req.accepts(['text/plain', 'application/json']) === 'application/json') {
    res.json({ error: text.toLowerCase().replace(/[^a-z0-9]+/g, '_'), code });
  } else {
    res.type('text/plain').send(`${text} (${code})\n`);
  }
}
