/**
 * Errors of the user stores and of the sign-on guard (RACF REVOKE(n), passticket.md §2.4).
 *
 * @module
 */
import { TicketStackError, type TicketStackErrorOptions } from '../errors.js';

export type UserStoreErrorCode =
  /** PostgreSQL (or the users file) could not be reached or read within the timeout: fail closed, HTTP 503. */
  | 'ERR_USER_STORE_UNAVAILABLE'
  /** The PostgreSQL schema is missing: run `ticketstack users migrate` (HTTP 503). */
  | 'ERR_USER_STORE_NOT_MIGRATED'
  /** `createUser` with an id that exists (ids are case-insensitive). HTTP 409. */
  | 'ERR_USER_EXISTS'
  /** An administrative operation (revoke, restore, change password) on an unknown user. HTTP 404. */
  | 'ERR_USER_UNKNOWN';

const DEFAULT_STATUS: Record<UserStoreErrorCode, number> = {
  ERR_USER_STORE_UNAVAILABLE: 503,
  ERR_USER_STORE_NOT_MIGRATED: 503,
  ERR_USER_EXISTS: 409,
  ERR_USER_UNKNOWN: 404,
};

export class UserStoreError<C extends UserStoreErrorCode = UserStoreErrorCode> extends TicketStackError<C> {
  constructor(code: C, message: string, options: TicketStackErrorOptions = {}) {
    super(code, message, { ...options, status: options.status ?? DEFAULT_STATUS[code] });
  }
}

export type SignOnErrorCode =
  /** The user is revoked (by an administrator or after too many failed sign-ons). HTTP 401. */
  'ERR_USER_REVOKED';

export class SignOnError<C extends SignOnErrorCode = SignOnErrorCode> extends TicketStackError<C> {
  constructor(code: C, message: string, options: TicketStackErrorOptions = {}) {
    super(code, message, { ...options, status: options.status ?? 401 });
  }
}
