/**
 * The per-request decision record: what the login stack decided and every call it made, in a log-safe shape.
 *
 * Log-safe means: no error messages (they can carry credentials, user input or internals), no stack traces, no
 * users, no challenges. An error is reduced to its `name` and string `code`; only this package's own
 * `TicketStackError`s keep their `message`, because we write those messages ourselves.
 *
 * @module
 */
import { isTicketStackError, type TicketStackError } from '../errors.js';
import type { ControlFlag, StackPhase, StackResult } from './engine.js';

/** A log-safe summary of a thrown value. */
export interface DecisionError {
  readonly name: string;
  /** The error's `code`, when it has a string one. */
  readonly code?: string;
  /** Only for this package's own `TicketStackError`s. */
  readonly message?: string;
  /**
   * For `ERR_LOGIN_FAILED`: the module's own refusal code, when the strategy called `fail({ code })` with a code of
   * the `ERR_…` form (e.g. `ERR_TICKET_EXPIRED`). This is why a ticket fell through; it never reaches the response.
   */
  readonly reason?: string;
}

const REFUSAL_CODE = /^ERR_[A-Z0-9_]{1,60}$/;

/** The refusal code a strategy gave to `fail({ code })`, if it has the `ERR_…` form (anything else is left out). */
function refusalCodeOf(thrown: TicketStackError): string | undefined {
  if (thrown.code !== 'ERR_LOGIN_FAILED') return undefined;
  const challenge = (thrown as { challenge?: unknown }).challenge;
  if (typeof challenge !== 'object' || challenge === null) return undefined;
  const code = (challenge as { code?: unknown }).code;
  return typeof code === 'string' && REFUSAL_CODE.test(code) ? code : undefined;
}

/** One `login`, `commit` or `abort` call. */
export interface DecisionCall {
  readonly module: string;
  readonly index: number;
  readonly flag: ControlFlag;
  readonly phase: StackPhase;
  readonly outcome: 'succeeded' | 'ignored' | 'failed' | 'halted';
  /** The module has no such hook; the engine used the module's login result (issue 2, item 2). */
  readonly implicit?: true;
  readonly error?: DecisionError;
  readonly durationMs: number;
}

export interface DecisionRecord {
  /** The stack's label (`loginStack` option `name`), if any. */
  readonly stack?: string;
  /** `METHOD /path` of the request, without the query string (it may carry tokens). */
  readonly route?: string;
  /** `success`; `failure` (401/4xx or failureRedirect); `error` (next(err)); `redirect` (a strategy redirected). */
  readonly outcome: 'success' | 'failure' | 'error' | 'redirect';
  readonly ok: boolean;
  /** The module whose user was logged in (see `StackResult.creditedModule`). */
  readonly creditedModule?: string;
  readonly failedModule?: string;
  readonly failedPhase?: 'login' | 'commit';
  /** The reported error, log-safe. */
  readonly error?: DecisionError;
  /** The HTTP status the adapter answered with, when it answered itself. */
  readonly status?: number;
  readonly calls: readonly DecisionCall[];
  /** ISO 8601 start time. */
  readonly startedAt: string;
  readonly durationMs: number;
}

const clip = (s: string): string => (s.length > 128 ? `${s.slice(0, 125)}...` : s);

/** Reduces any thrown value to `{ name, code? }` (plus `message` for our own errors). Never reads `stack`. */
export function summarizeError(thrown: unknown): DecisionError {
  if (isTicketStackError(thrown)) {
    const reason = refusalCodeOf(thrown);
    return { name: clip(thrown.name), code: clip(thrown.code), message: clip(thrown.message), ...(reason ? { reason } : {}) };
  }
  if (typeof thrown === 'object' && thrown !== null) {
    let name: unknown;
    let code: unknown;
    try {
      ({ name, code } = thrown as { name?: unknown; code?: unknown });
    } catch {
      // a hostile getter; fall through with what we have
    }
    const safeName = typeof name === 'string' && name !== '' ? name : (thrown.constructor?.name ?? 'Object');
    return typeof code === 'string' ? { name: clip(safeName), code: clip(code) } : { name: clip(safeName) };
  }
  return { name: typeof thrown };
}

export interface DecisionRecordInput {
  stack?: string | undefined;
  route?: string | undefined;
  outcome: DecisionRecord['outcome'];
  status?: number | undefined;
  /** When the stack started: a Date, or milliseconds since the epoch. */
  startedAt: Date | number;
  durationMs: number;
}

/**
 * Builds the frozen, log-safe record of one stack run. Objects are built by assignment in a fixed key order (no
 * conditional spreads): this runs on every request.
 */
export function buildDecisionRecord(result: StackResult, input: DecisionRecordInput): DecisionRecord {
  const trace = result.trace;
  const calls: DecisionCall[] = new Array<DecisionCall>(trace.length);
  for (let i = 0; i < trace.length; i++) {
    const t = trace[i]!;
    const call = { module: t.module, index: t.index, flag: t.flag, phase: t.phase, outcome: t.outcome } as Mutable<DecisionCall>;
    if (t.implicit) call.implicit = true;
    if ('thrown' in t) call.error = Object.freeze(summarizeError(t.thrown));
    call.durationMs = round(t.durationMs);
    calls[i] = Object.freeze(call);
  }
  const record: Mutable<DecisionRecord> = {} as Mutable<DecisionRecord>;
  if (input.stack !== undefined) record.stack = input.stack;
  if (input.route !== undefined) record.route = input.route;
  record.outcome = input.outcome;
  record.ok = result.ok;
  if (result.creditedModule !== undefined) record.creditedModule = result.creditedModule;
  if (result.failedModule !== undefined) record.failedModule = result.failedModule;
  if (result.failedPhase !== undefined) record.failedPhase = result.failedPhase;
  if (!result.ok) record.error = Object.freeze(summarizeError(result.error));
  if (input.status !== undefined) record.status = input.status;
  record.calls = Object.freeze(calls);
  record.startedAt = (typeof input.startedAt === 'number' ? new Date(input.startedAt) : input.startedAt).toISOString();
  record.durationMs = round(input.durationMs);
  return Object.freeze(record);
}

type Mutable<T> = { -readonly [K in keyof T]: T[K] };

const round = (ms: number): number => Math.round(ms * 1000) / 1000;
