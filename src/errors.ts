/**
 * The base of every error this package raises on purpose.
 *
 * Like jose's `JOSEError`: each error carries a stable `code` from a closed union, so callers can
 * `switch (err.code)` instead of relying on `instanceof` (which breaks when a bundler loads two copies
 * of the package). Each area (stack, ticket, keystore, passticket, state, users, modules) defines its own
 * subclass and code union next to its code; `src/index.ts` re-exports them and the union of all codes.
 *
 * Configuration mistakes are not `TicketStackError`s: they throw a plain `TypeError` at construction that
 * names the offending option (see `src/config/`).
 *
 * @module
 */

export interface TicketStackErrorOptions {
  /** The underlying error, kept for logs; never sent to a client. */
  cause?: unknown;
  /** The HTTP status a refusal maps to when it reaches a response (4xx for a client's mistake, 503 for an unavailable dependency). */
  status?: number;
}

/** A brand shared by every copy of this package (`Symbol.for`), so `isTicketStackError` works across duplicates. */
const BRAND = Symbol.for('ticketstack.error');

export class TicketStackError<C extends string = string> extends Error {
  /** Stable, machine-readable reason. Never changes between patch releases. */
  readonly code: C;
  /** The HTTP status this refusal maps to. */
  readonly status: number;

  constructor(code: C, message: string, options: TicketStackErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = new.target.name;
    this.code = code;
    this.status = options.status ?? 401;
    Object.defineProperty(this, BRAND, { value: true });
  }

  /** A log-safe summary: name, code and message, never a secret nor a stack trace. */
  toJSON(): { name: string; code: C; message: string } {
    return { name: this.name, code: this.code, message: this.message };
  }
}

/** True for any error raised by this package with a stable code (works across duplicate copies of the package). */
export function isTicketStackError(value: unknown): value is TicketStackError {
  return value instanceof Error && (value as unknown as Record<symbol, unknown>)[BRAND] === true;
}
