/**
 * The one logging hook of `createTicketStack` (`onEvent`): every structured event the stack emits, in one
 * union, so an application routes them to its logger with one `switch (event.type)`.
 *
 * Log-safe by construction: no event carries a password, a ticket, a PassTicket, a session id, a secret, a
 * connection URL or a stack trace. Errors appear only as `summarizeError` output (name and code, plus the
 * message of this package's own errors, which we write ourselves).
 *
 * @module
 */
import type { DecisionError, DecisionRecord } from '../stack/decision-record.js';
import type { StateEvent } from '../state/redis-state-store.js';
import type { SignOnEvent } from '../users/sign-on-guard.js';
import type { UserStoreEvent } from '../users/postgres-user-store.js';

/** A login stack's decision (also kept in `decisions.recent()`). */
export interface DecisionEvent {
  readonly type: 'decision';
  readonly record: DecisionRecord;
}

/** An error answered by `errorHandler` (every one: 4xx, 503 and 500). */
export interface HttpErrorEvent {
  readonly type: 'http.error';
  /** The status sent (or that would have been sent, when the response had already started). */
  readonly status: number;
  /** The code sent to the client. */
  readonly code: string;
  /** `METHOD /path`, without the query string (it may carry tokens). */
  readonly route: string;
  /** The error as thrown, log-safe: for a generic 500 this is where the real name and code are. */
  readonly error: DecisionError;
  /** True when the response had already started: the connection was closed instead. */
  readonly headersSent?: true;
}

/** A keystore generated and saved on first start (`keystore.create`). */
export interface KeystoreCreatedEvent {
  readonly type: 'keystore.created';
  readonly dir: string;
  readonly sid: string;
  readonly client: string;
  /** SHA-256 fingerprint of the new own certificate (compare it before importing it elsewhere). */
  readonly fingerprint: string;
  /** Whether the private key file is encrypted with a passphrase. */
  readonly encrypted: boolean;
}

export type TicketStackEvent = DecisionEvent | HttpErrorEvent | KeystoreCreatedEvent | StateEvent | UserStoreEvent | SignOnEvent;

/** Wraps a user's `onEvent` so that a throwing logger never changes a decision or a response. */
export function safeEmitter(onEvent: ((event: TicketStackEvent) => void) | undefined): (event: TicketStackEvent) => void {
  if (onEvent === undefined) return () => undefined;
  return (event) => {
    try {
      onEvent(event);
    } catch (err) {
      process.emitWarning(`ticketstack: onEvent threw ${String((err as Error)?.name ?? typeof err)} for a ${event.type} event`, 'TicketStackWarning');
    }
  };
}
