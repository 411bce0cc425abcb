/**
 * Errors raised by the login-stack engine and its Passport adapter.
 *
 * A module's own failure is never wrapped: `runLoginStack` reports the value the module threw, unchanged
 * (login-stack-semantics.md §3 item R5). The codes below are for the refusals the stack itself makes.
 *
 * @module
 */
import { TicketStackError, type TicketStackErrorOptions } from '../errors.js';

export type StackErrorCode =
  /** Every module that ran returned `false` ("Login Failure: all modules ignored", §1 / §3 item 3). */
  | 'ERR_STACK_ALL_IGNORED'
  /** A Passport strategy called `fail(challenge, status)` (the module's JAAS `FailedLoginException`). */
  | 'ERR_LOGIN_FAILED'
  /** A module returned something other than a boolean, or a strategy called `success()` without a user. Fails closed. */
  | 'ERR_MODULE_INVALID_RESULT'
  /** A Passport strategy did not call any action within the adapter's `timeoutMs`. */
  | 'ERR_STRATEGY_TIMEOUT';

export interface StackErrorOptions extends TicketStackErrorOptions {
  /** The name of the stack entry the error belongs to. */
  module?: string;
  /** For `ERR_LOGIN_FAILED`: the challenge the strategy gave to `fail()` (a string becomes a `WWW-Authenticate` value). */
  challenge?: unknown;
}

export class StackError<C extends StackErrorCode = StackErrorCode> extends TicketStackError<C> {
  /** The stack entry the error belongs to, if any. */
  readonly module: string | undefined;
  /** For `ERR_LOGIN_FAILED`: the strategy's challenge, as given to `fail()`. Not part of `toJSON()`. */
  readonly challenge: unknown;

  constructor(code: C, message: string, options: StackErrorOptions = {}) {
    super(code, message, options);
    this.module = options.module;
    this.challenge = options.challenge;
  }
}
