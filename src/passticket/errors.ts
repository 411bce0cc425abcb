/**
 * Errors raised by the PassTicket library (generation and verification). The CICS-style conditions are in
 * `cics.ts` (`CicsCondition`). Messages name the user and application (actionable, passticket.md §6) but never a key
 * nor a ticket.
 *
 * @module
 */
import { TicketStackError, type TicketStackErrorOptions } from '../errors.js';

export type PassTicketErrorCode =
  /** No PTKTDATA-like profile is defined for the application name. */
  | 'ERR_PASSTICKET_UNKNOWN_APPLICATION'
  /** This service is configured with `mayGenerate: false`. */
  | 'ERR_PASSTICKET_GENERATION_DISABLED'
  /** Every second allowed for a replay-protected application is taken for this user (distinct-second rule). */
  | 'ERR_PASSTICKET_BUSY'
  /** A PassTicket sign-on was refused (wrong ticket, replay, revoked or unknown user: deliberately one code). */
  | 'ERR_PASSTICKET_REFUSED'
  /** No user ID or PassTicket was supplied to the PassTicket login module. */
  | 'ERR_PASSTICKET_MISSING_CREDENTIALS';

export class PassTicketError<C extends PassTicketErrorCode = PassTicketErrorCode> extends TicketStackError<C> {
  constructor(code: C, message: string, options: TicketStackErrorOptions = {}) {
    super(code, message, options);
  }
}
