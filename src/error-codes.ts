/**
 * The closed union of every error code this package raises, and the matching discriminated union of error
 * classes, so that callers can `switch (err.code)` with narrowing (the jose `AnyJOSEError` pattern). A code is
 * stable: it never changes meaning between patch releases. The README's "Error codes" tables describe each one.
 *
 * @module
 */
import type { CicsCondition, CicsConditionCode } from './passticket/cics.js';
import type { HttpErrorCode } from './config/error-handler.js';
import type { KeystoreError, KeystoreErrorCode } from './keystore/errors.js';
import type { PassTicketError, PassTicketErrorCode } from './passticket/errors.js';
import type { StackError, StackErrorCode } from './stack/errors.js';
import type { StateError, StateErrorCode } from './state/errors.js';
import type { TicketError, TicketErrorCode } from './ticket/errors.js';
import type { SignOnError, SignOnErrorCode, UserStoreError, UserStoreErrorCode } from './users/errors.js';
import type { LoginRefusalCode } from './modules/refusal-codes.js';
import type { WebError, WebErrorCode } from './web/errors.js';

export type TicketStackErrorCode =
  | StackErrorCode
  | TicketErrorCode
  | KeystoreErrorCode
  | PassTicketErrorCode
  | CicsConditionCode
  | StateErrorCode
  | UserStoreErrorCode
  | SignOnErrorCode
  | WebErrorCode
  /** Codes `errorHandler` answers for errors that are not this package's own (no error class carries them). */
  | HttpErrorCode
  /** Refusal codes of the login modules (decision record `error.reason`, `onRefusal`; never sent to a client). */
  | LoginRefusalCode;

export type AnyTicketStackError =
  | StackError
  | TicketError
  | KeystoreError
  | PassTicketError
  | CicsCondition
  | StateError
  | UserStoreError
  | SignOnError
  | WebError;
