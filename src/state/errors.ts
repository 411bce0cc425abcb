/**
 * Errors raised by the shared-state stores (issue "several instances", item 4: fail closed).
 *
 * @module
 */
import { TicketStackError, type TicketStackErrorOptions } from '../errors.js';

export type StateErrorCode =
  /**
   * The backing service (Redis) could not be reached, did not answer within `commandTimeoutMs`, or the
   * embedded store is full. Every decision that depends on shared state must then fail closed: HTTP 503.
   */
  'ERR_STATE_UNAVAILABLE';

export class StateError<C extends StateErrorCode = StateErrorCode> extends TicketStackError<C> {
  constructor(code: C, message: string, options: TicketStackErrorOptions = {}) {
    super(code, message, { ...options, status: options.status ?? 503 });
  }
}
