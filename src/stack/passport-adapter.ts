/**
 * `loginStack(entries, options)`: a JAAS login stack of Passport strategies, as Express middleware.
 *
 * The stacking itself is {@link runLoginStack} (login-stack-semantics.md); this file maps Passport's strategy
 * actions onto it (ecosystem-notes.md §1.1) and turns the result into a response:
 *
 * | strategy action            | stack meaning                                                              |
 * |----------------------------|----------------------------------------------------------------------------|
 * | `success(user, info)`      | `login()` returned `true` (a falsy `user` fails closed: ERR_MODULE_INVALID_RESULT) |
 * | `pass()`                   | `login()` returned `false` ("ignore this module")                          |
 * | `fail(challenge?, status?)`| `login()` threw `StackError('ERR_LOGIN_FAILED')` under the entry's flag   |
 * | `error(err)`               | the stack halts: every module is aborted, then `next(err)`                 |
 * | `redirect(url, status)`    | the stack halts (like JAAS `PendingException`): every module is aborted, then the redirect is sent |
 *
 * **Redirect decision.** A redirect is an interactive challenge that cannot be "combined" with the other
 * modules' results: the request ends at the identity provider. So it stops the stack whatever the entry's
 * flag, runs the abort hooks of every module (nothing was committed), records outcome `redirect` and sends
 * `Location` with the strategy's status (default 302), exactly as `passport.authenticate` would.
 *
 * **Per-request strategies.** Every request gets `Object.create(strategy)` with the action functions on that
 * copy, also for strategy instances (passport shares instances; upstream PR #789). Concurrent requests never
 * share callback state.
 *
 * **Never hangs.** A strategy that calls no action within `timeoutMs` (default 30 s) halts the stack with
 * `StackError('ERR_STRATEGY_TIMEOUT', status 503)` and `next(err)`. Later action calls are ignored, as are
 * second calls: only a strategy's first action counts. (passport-custom does not catch rejected promises,
 * ecosystem-notes.md §1.4: write verify functions as `(req, done) => { work().then(u => done(null, u), done) }`.)
 *
 * @module
 */
import type { NextFunction, Request, RequestHandler, Response } from 'express';
import passportSingleton from 'passport';
import { STATUS_CODES } from 'node:http';
import { isTicketStackError } from '../errors.js';
import { buildDecisionRecord, type DecisionRecord, type DecisionRecordInput } from './decision-record.js';
import {
  assertStackEntries,
  runCheckedStack,
  StackHalt,
  type LoginOutcome,
  type ModuleCall,
  type StackEntry,
  type RunLoginStackOptions,
  type StackResult,
} from './engine.js';
import { checkOptionKeys } from '../option-keys.js';
import { StackError } from './errors.js';
import { checkEntryShapes, describeEntry, type ControlFlag } from './flags.js';

/** What this package puts on the request: `req.ticketstack.decision` is the login stack's decision record. */
export interface TicketStackRequestState {
  decision?: DecisionRecord;
}

declare global {
  // eslint-disable-next-line @typescript-eslint/no-namespace
  namespace Express {
    interface Request {
      /** Set by ticketstack; `decision` is the last login stack's {@link DecisionRecord}. */
      ticketstack?: TicketStackRequestState;
    }
  }
}

/**
 * `req.ticketstack` after a login stack ran. The decision record is built when it is first read (by `onDecision`, by
 * the application, by a log): a route that never reads it does not pay for it on every request.
 */
class RequestStackState implements TicketStackRequestState {
  #record: DecisionRecord | undefined;
  #result: StackResult | undefined;
  #input: DecisionRecordInput | undefined;
  // The route as the stack saw it (a router changes `req.baseUrl` and `req.url` as the request moves on).
  readonly #method: string;
  readonly #baseUrl: string;
  readonly #path: string;

  constructor(req: Request, result: StackResult, input: DecisionRecordInput) {
    this.#result = result;
    this.#input = input;
    this.#method = req.method;
    this.#baseUrl = req.baseUrl;
    this.#path = req.path;
  }

  get decision(): DecisionRecord {
    if (this.#record === undefined) {
      this.#input!.route = `${this.#method} ${this.#baseUrl}${this.#path}`;
      this.#record = buildDecisionRecord(this.#result!, this.#input!);
      this.#result = this.#input = undefined;
    }
    return this.#record;
  }
}

/** A Passport strategy: anything with `authenticate(req, options)` that calls one action on `this`. */
export interface PassportStrategyLike {
  name?: string | undefined;
  authenticate(this: never, req: Request, options?: unknown): unknown;
}

/** What commit and abort hooks receive. */
export interface StackHookContext {
  readonly req: Request;
  readonly res: Response;
  /** The credited user (the user logged in for this request); `undefined` while no login phase has succeeded. */
  readonly user: Express.User | undefined;
  /** This module's own `login()` outcome (`'not-run'` if the stack never called it, §6 items 7–8). */
  readonly loginOutcome: LoginOutcome;
  /** The user this module's strategy passed to `success()`, if it succeeded. */
  readonly moduleUser: unknown;
  /** The `info` this module's strategy passed to `success()`, if it succeeded. */
  readonly moduleInfo: unknown;
  /** Where the call stands in the stack (name, index, flag, phase, credited module). */
  readonly call: ModuleCall;
}

export type StackHook = (ctx: StackHookContext) => boolean | Promise<boolean>;

/**
 * One entry of a Passport login stack. `module` is a registered strategy name or a strategy instance. Without
 * a `commit` / `abort` hook the module commits / aborts with its login result (issue 2, item 2).
 */
export interface PassportStackEntry {
  readonly name: string;
  readonly flag: ControlFlag;
  readonly module: string | PassportStrategyLike;
  /** Passed to `strategy.authenticate(req, options)`. */
  readonly options?: Record<string, unknown>;
  readonly commit?: StackHook;
  readonly abort?: StackHook;
}

export interface LoginStackOptions {
  /** The Authenticator whose strategies, session manager and serializers are used. Default: the passport singleton. */
  passport?: PassportAuthenticatorLike;
  /** `true` (default): `req.login()` (Passport 0.7 regenerates the session). `false`: only set `req.user`. */
  session?: boolean;
  /** Keep the old session's data across the login's session regeneration (Passport's `keepSessionInfo`). */
  keepSessionInfo?: boolean;
  /** A label for the decision record (`record.stack`). */
  name?: string;
  /** On failure, redirect here (302) instead of answering 401. */
  failureRedirect?: string;
  /** Receives every decision record (a structured event to log). Exceptions from it are reported as a process warning. */
  onDecision?: (record: DecisionRecord) => void;
  /** With `session: false`: the request property that receives the user (default `'user'`). */
  requestProperty?: string;
  /** Milliseconds a strategy may take before the stack halts with ERR_STRATEGY_TIMEOUT (default 30000). */
  timeoutMs?: number;
  /**
   * With sessions: a request whose session this same stack already authenticated goes on as that user without
   * running the stack again (`true`, the default), as a JAAS security session does. `false` runs the stack on every
   * request (step-up routes). A function decides per request (e.g. refuse a user revoked since); refused, the
   * session's login ends and the stack runs.
   */
  reuseSession?: boolean | ((user: Express.User, req: Request) => boolean | Promise<boolean>);
  /**
   * What a session remembers this stack by (default: `name`). Without either, the stack runs on every request:
   * two unnamed stacks of the same shape over different user stores must never pass for each other.
   */
  sessionKey?: string;
}

/** The parts of a Passport `Authenticator` the adapter uses. */
export interface PassportAuthenticatorLike {
  initialize(): RequestHandler;
  _strategy?(name: string): PassportStrategyLike | undefined;
}

const OPTION_KEYS = [
  'passport',
  'session',
  'keepSessionInfo',
  'name',
  'failureRedirect',
  'onDecision',
  'requestProperty',
  'timeoutMs',
  'reuseSession',
  'sessionKey',
];
const ENTRY_KEYS = new Set(['name', 'flag', 'module', 'options', 'commit', 'abort']);

/** Marks a `redirect(url, status)` call inside a halt. */
class StackRedirect {
  readonly name = 'StackRedirect';
  constructor(
    readonly url: string,
    readonly status: number,
  ) {}
}

interface Failure {
  challenge: unknown;
  status: number | undefined;
}

/** What a module's strategy passed to `success()`. */
interface ModuleSuccess {
  readonly user: unknown;
  readonly info: unknown;
}

/** One request's state, passed by the engine to every module call (the engine's context). */
interface RequestRun {
  readonly req: Request;
  readonly res: Response;
  /** What each module's strategy passed to `success()`, by the module's position in the stack. */
  readonly users: (ModuleSuccess | undefined)[];
  readonly failures: Failure[];
  /** The credited user was logged in (`beforeCommit`): undone if the commit phase then fails. */
  loggedIn: boolean;
  /** `Date.now()` and `performance.now()` when the stack started, for the decision record. */
  readonly startedAt: number;
  readonly started: number;
}

/** What the middleware does once the stack has decided: go on (`undefined`), nothing (it answered), or `next(err)`. */
type Answer = undefined | typeof RESPONDED | unknown;
const RESPONDED: unique symbol = Symbol('responded');

function proceed(answer: Answer, next: NextFunction): void {
  if (answer === undefined) next();
  else if (answer !== RESPONDED) next(answer);
}

/**
 * Builds the middleware. Throws a `TypeError` naming the entry or option on any configuration mistake
 * (unknown flag or key, empty stack, missing or duplicate name, unregistered strategy).
 */
export function loginStack(entries: readonly PassportStackEntry[], options: LoginStackOptions = {}): RequestHandler {
  const opts = validateOptions(options);
  const authenticator = opts.passport;
  checkEntryShapes('loginStack', entries);
  const frozen = entries.map((entry, i) => validateEntry(entry, i, authenticator));
  const initialize = opts.session ? authenticator.initialize() : undefined;
  // What a session remembers this stack by (the same on every instance of the app); none: no session reuse.
  const stackId = opts.sessionKey ?? opts.name;

  // The engine's entries are built once: everything that belongs to one request travels in the engine's context.
  const indexOf = new Map(frozen.map((e, i) => [e.name, i]));
  const hookContext = (run: RequestRun, call: ModuleCall): StackHookContext => ({
    req: run.req,
    res: run.res,
    user: call.creditedModule === undefined ? undefined : (run.users[indexOf.get(call.creditedModule)!]?.user as Express.User),
    loginOutcome: call.loginOutcome,
    moduleUser: run.users[call.index]?.user,
    moduleInfo: run.users[call.index]?.info,
    call,
  });
  const stack: StackEntry<RequestRun>[] = frozen.map((e) => ({
    name: e.name,
    flag: e.flag,
    module: {
      login: (run: RequestRun, call: ModuleCall) => authenticateOnce(e, call.index, run),
      ...(e.commit ? { commit: (run: RequestRun, call: ModuleCall) => e.commit!(hookContext(run, call)) } : {}),
      ...(e.abort ? { abort: (run: RequestRun, call: ModuleCall) => e.abort!(hookContext(run, call)) } : {}),
    },
  }));
  assertStackEntries(stack); // checked once here; runCheckedStack does not check again per request

  // A strategy that calls no action within timeoutMs halts the stack (one timer for the stack, not one per call).
  const deadlines = opts.timeoutMs > 0 ? new StrategyDeadlines(opts.timeoutMs) : undefined;
  // One options object for every request: what belongs to a request travels in its RequestRun.
  const runOptions: RunLoginStackOptions<RequestRun> = { beforeCommit: logIn };

  return function ticketstackLoginStack(req: Request, res: Response, next: NextFunction): void {
    const run: RequestRun = { req, res, users: new Array<ModuleSuccess | undefined>(stack.length), failures: [], loggedIn: false, startedAt: Date.now(), started: performance.now() };
    if (opts.session) {
      handleWithSession(run).then((answer) => proceed(answer, next), next);
      return;
    }
    let result: StackResult | Promise<StackResult>;
    try {
      result = runCheckedStack(stack, run, runOptions);
    } catch (err) {
      next(err);
      return;
    }
    // A stack whose modules all answer at once goes on in the same tick, without a promise.
    if (result instanceof Promise) result.then((r) => conclude(run, r, next), next);
    else conclude(run, result, next);
  };

  async function handleWithSession(run: RequestRun): Promise<Answer> {
    const { req, res } = run;
    if (initialize) await new Promise<void>((resolve) => initialize(req, res, () => resolve()));
    const sessionUser = authenticatedSessionUser(req);
    if (sessionUser !== undefined && stackId !== undefined && opts.reuseSession !== false && sessionStacks(req).includes(stackId)) {
      if (opts.reuseSession === true || (await opts.reuseSession(sessionUser, req))) return undefined;
      await undoLogin(req, opts); // no longer acceptable (e.g. revoked): the session's login ends, the stack decides
    }
    return decide(run, await runCheckedStack(stack, run, runOptions));
  }

  /** Answers the request from the stack's result: go on, respond, or `next(err)`. */
  function conclude(run: RequestRun, result: StackResult, next: NextFunction): void {
    let answer: Answer | Promise<Answer>;
    try {
      answer = decide(run, result);
    } catch (err) {
      next(err);
      return;
    }
    if (answer instanceof Promise) answer.then((a) => proceed(a, next), next);
    else proceed(answer, next);
  }

  /** Issue 2 item 3: log the credited user in once, before the commit hooks (the engine's `beforeCommit`). */
  function logIn(credited: string, run: RequestRun): void | Promise<void> {
    const { req } = run;
    const user = run.users[indexOf.get(credited)!]!.user;
    if (!opts.session) {
      if (opts.requestProperty === 'user') (req as { user?: unknown }).user = user;
      else (req as unknown as Record<string, unknown>)[opts.requestProperty] = user;
      run.loggedIn = true;
      return;
    }
    return (async () => {
      const current = authenticatedSessionUser(req);
      if (current !== undefined && sameUser(current, user)) {
        // The session's own user again (through another stack): no new session, as no privilege changes hands.
        (req as { user?: unknown }).user = user;
        markSessionStack(req, stackId, false);
      } else {
        await new Promise<void>((resolve, reject) =>
          req.login(user as Express.User, { session: true, keepSessionInfo: opts.keepSessionInfo }, (err) => (err ? reject(err) : resolve())),
        );
        markSessionStack(req, stackId, true);
      }
      run.loggedIn = true;
    })();
  }

  /** Leaves the decision on the request and gives it to `onDecision`. */
  function finish(run: RequestRun, result: StackResult, outcome: DecisionRecord['outcome'], status?: number): void {
    const input: DecisionRecordInput = { stack: opts.name, route: undefined, outcome, status, startedAt: run.startedAt, durationMs: performance.now() - run.started };
    const state = new RequestStackState(run.req, result, input);
    run.req.ticketstack = state;
    if (opts.onDecision) {
      try {
        opts.onDecision(state.decision);
      } catch (err) {
        process.emitWarning(`ticketstack: onDecision threw ${String((err as Error)?.name ?? typeof err)}`, 'TicketStackWarning');
      }
    }
  }

  function decide(run: RequestRun, result: StackResult): Answer | Promise<Answer> {
    if (result.ok) {
      finish(run, result, 'success');
      return undefined;
    }
    // A commit-phase failure after the login: undo it so the request does not continue authenticated.
    if (run.loggedIn) {
      return undoLogin(run.req, opts).then(
        () => refuse(run, result),
        (err: unknown) => {
          finish(run, result, 'error');
          return err;
        },
      );
    }
    return refuse(run, result);
  }

  function refuse(run: RequestRun, result: StackResult): Answer {
    const { req, res } = run;
    if (result.halted) {
      if (result.error instanceof StackRedirect) {
        finish(run, result, 'redirect', result.error.status);
        res.statusCode = result.error.status;
        res.setHeader('Location', result.error.url);
        res.setHeader('Content-Length', '0');
        res.end();
        return RESPONDED;
      }
      finish(run, result, 'error');
      return result.error ?? new Error('login stack halted');
    }
    if (opts.failureRedirect !== undefined) {
      finish(run, result, 'failure', 302);
      res.redirect(opts.failureRedirect);
      return RESPONDED;
    }
    const { status, challenges } = failureResponse(run.failures, result);
    finish(run, result, 'failure', status);
    sendFailure(req, res, status, challenges, result);
    return RESPONDED;
  }

  /** Runs one strategy on a per-request copy and maps its first action to a login result. */
  function authenticateOnce(
    e: ValidEntry,
    index: number,
    run: RequestRun,
  ): Promise<boolean> {
    const proto = typeof e.module === 'string' ? authenticator._strategy?.(e.module) : e.module;
    if (!proto) throw new StackHalt(new Error(`Unknown authentication strategy "${String(e.module)}"`));
    // PR #789: never attach actions to a shared instance. The per-request copy holds only its call's state; the
    // actions are on a prototype between it and the strategy, made once per strategy.
    const strategy = Object.create(actionsFor(proto)) as ActingStrategy;
    return new Promise<boolean>((resolve, reject) => {
      const call: StrategyCall = { settled: false, deadlines, deadline: 0, older: undefined, newer: undefined, resolve, reject, name: e.name, index, timeoutMs: opts.timeoutMs, run };
      strategy[STRATEGY_CALL] = call;
      deadlines?.add(call);
      try {
        strategy.authenticate(run.req, e.options === undefined ? {} : { ...e.options });
      } catch (err) {
        if (settle(call)) reject(new StackHalt(err));
      }
    });
  }
}

const STRATEGY_CALL = Symbol('ticketstack.strategyCall');

/** One strategy call's state: whether an action (or the timeout) already answered, its deadline, and where its answer goes. */
interface StrategyCall {
  settled: boolean;
  /** The stack's deadlines, which this call waits in until it is settled (none when the timeout is off). */
  readonly deadlines: StrategyDeadlines | undefined;
  /** `performance.now()` by which an action must have answered. */
  deadline: number;
  /** The neighbours in the deadlines' list while the call waits. */
  older: StrategyCall | undefined;
  newer: StrategyCall | undefined;
  readonly resolve: (loggedIn: boolean) => void;
  readonly reject: (reason: unknown) => void;
  readonly name: string;
  /** The entry's position in the stack. */
  readonly index: number;
  readonly timeoutMs: number;
  /** The request's state: what each module's strategy passed to `success()`, and the failures. */
  readonly run: RequestRun;
}

/**
 * The strategy timeout of one stack, without a timer per call: unsettled calls wait in a list in the order they
 * started, and as every call of a stack has the same timeout, the oldest always expires first. One unref'd timer
 * stands for the oldest; it is re-armed for the next one when it fires, so under load it fires about once per
 * `timeoutMs`. The list runs through the calls themselves (`newer` / `older`): no allocation per call.
 */
class StrategyDeadlines {
  #oldest: StrategyCall | undefined;
  #newest: StrategyCall | undefined;
  #timer: NodeJS.Timeout | undefined;

  constructor(readonly timeoutMs: number) {}

  add(call: StrategyCall): void {
    call.deadline = performance.now() + this.timeoutMs;
    call.older = this.#newest;
    if (this.#newest === undefined) this.#oldest = call;
    else this.#newest.newer = call;
    this.#newest = call;
    if (this.#timer === undefined) this.#arm(this.timeoutMs);
  }

  remove(call: StrategyCall): void {
    const { older, newer } = call;
    if (older === undefined) this.#oldest = newer;
    else older.newer = newer;
    if (newer === undefined) this.#newest = older;
    else newer.older = older;
    call.older = call.newer = undefined;
  }

  #arm(ms: number): void {
    this.#timer = setTimeout(() => this.#expire(), ms);
    this.#timer.unref();
  }

  #expire(): void {
    this.#timer = undefined;
    const now = performance.now();
    for (let call = this.#oldest; call !== undefined; call = this.#oldest) {
      if (call.deadline > now) {
        this.#arm(Math.max(1, Math.ceil(call.deadline - now)));
        return;
      }
      strategyTimedOut(call); // settles the call, which leaves the list
    }
  }
}

/** A per-request strategy: the strategy's own prototype chain, the actions, and this request's call. */
interface ActingStrategy {
  [STRATEGY_CALL]: StrategyCall;
  authenticate(req: Request, options: unknown): unknown;
}

/**
 * Passport's strategy actions, as methods: each maps its call's first answer to a login result (see the table at the
 * top). Only a strategy's first action counts; each action checks and sets `settled` itself.
 */
const STRATEGY_ACTIONS = {
  success(this: ActingStrategy, user: unknown, info: unknown): void {
    const call = this[STRATEGY_CALL];
    if (!settle(call)) return;
    if (!user) {
      call.reject(new StackError('ERR_MODULE_INVALID_RESULT', `login module ${JSON.stringify(call.name)}: success() without a user`, { module: call.name }));
      return;
    }
    call.run.users[call.index] = { user, info };
    call.resolve(true);
  },
  pass(this: ActingStrategy): void {
    const call = this[STRATEGY_CALL];
    if (settle(call)) call.resolve(false);
  },
  fail(this: ActingStrategy, challenge?: unknown, status?: unknown): void {
    const call = this[STRATEGY_CALL];
    if (!settle(call)) return;
    // As passport: a number as first argument is the status.
    if (typeof challenge === 'number') [challenge, status] = [undefined, challenge];
    const st = typeof status === 'number' && status >= 400 && status <= 599 ? status : undefined;
    call.run.failures.push({ challenge, status: st });
    call.reject(new StackError('ERR_LOGIN_FAILED', `login module ${JSON.stringify(call.name)} failed`, { module: call.name, challenge, status: st ?? 401 }));
  },
  error(this: ActingStrategy, err: unknown): void {
    const call = this[STRATEGY_CALL];
    if (settle(call)) call.reject(new StackHalt(err ?? new Error('strategy error')));
  },
  redirect(this: ActingStrategy, url: unknown, status?: unknown): void {
    const call = this[STRATEGY_CALL];
    if (!settle(call)) return;
    const st = typeof status === 'number' && status >= 300 && status <= 399 ? status : 302;
    call.reject(new StackHalt(new StackRedirect(String(url), st)));
  },
};

/** The actions' prototype for each strategy, made on first use (a strategy registered again by name gets its own). */
const actionPrototypes = new WeakMap<object, object>();

function actionsFor(strategy: object): object {
  let actions = actionPrototypes.get(strategy);
  if (actions === undefined) {
    actions = Object.assign(Object.create(strategy) as object, STRATEGY_ACTIONS);
    actionPrototypes.set(strategy, actions);
  }
  return actions;
}

/** True for the first answer of a strategy call (which leaves the deadlines); false for any later one, which is ignored. */
function settle(call: StrategyCall): boolean {
  if (call.settled) return false;
  call.settled = true;
  call.deadlines?.remove(call);
  return true;
}

function strategyTimedOut(call: StrategyCall): void {
  if (!settle(call)) return;
  call.reject(
    new StackHalt(new StackError('ERR_STRATEGY_TIMEOUT', `login module ${JSON.stringify(call.name)} did not answer within ${call.timeoutMs} ms`, { module: call.name, status: 503 })),
  );
}

type ValidEntry = PassportStackEntry;

interface ValidOptions {
  passport: PassportAuthenticatorLike;
  session: boolean;
  keepSessionInfo: boolean;
  name: string | undefined;
  failureRedirect: string | undefined;
  onDecision: ((record: DecisionRecord) => void) | undefined;
  requestProperty: string;
  timeoutMs: number;
  reuseSession: boolean | ((user: Express.User, req: Request) => boolean | Promise<boolean>);
  sessionKey: string | undefined;
}

function validateOptions(options: LoginStackOptions): ValidOptions {
  checkOptionKeys('loginStack', options, OPTION_KEYS);
  const bool = (key: 'session' | 'keepSessionInfo', dflt: boolean): boolean => {
    const v = options[key];
    if (v === undefined) return dflt;
    if (typeof v !== 'boolean') throw new TypeError(`loginStack: option "${key}" must be a boolean`);
    return v;
  };
  const str = (key: 'name' | 'failureRedirect' | 'requestProperty' | 'sessionKey'): string | undefined => {
    const v = options[key];
    if (v !== undefined && (typeof v !== 'string' || v === '')) throw new TypeError(`loginStack: option "${key}" must be a non-empty string`);
    return v;
  };
  const passport = (options.passport ?? passportSingleton) as PassportAuthenticatorLike;
  if (typeof passport !== 'object' || passport === null || typeof passport.initialize !== 'function') {
    throw new TypeError('loginStack: option "passport" must be a passport Authenticator');
  }
  if (options.onDecision !== undefined && typeof options.onDecision !== 'function') {
    throw new TypeError('loginStack: option "onDecision" must be a function');
  }
  const timeoutMs = options.timeoutMs ?? 30_000;
  if (typeof timeoutMs !== 'number' || !Number.isFinite(timeoutMs) || timeoutMs < 0 || timeoutMs > 2_147_483_647) {
    throw new TypeError('loginStack: option "timeoutMs" must be a number of milliseconds (0 disables the timeout)');
  }
  const session = bool('session', true);
  const reuseSession = options.reuseSession ?? true;
  if (typeof reuseSession !== 'boolean' && typeof reuseSession !== 'function') {
    throw new TypeError('loginStack: option "reuseSession" must be a boolean or a function');
  }
  const requestProperty = str('requestProperty');
  if (requestProperty !== undefined && session) {
    throw new TypeError('loginStack: option "requestProperty" needs session: false (with sessions, req.login sets passport\'s user property)');
  }
  return {
    passport,
    session,
    keepSessionInfo: bool('keepSessionInfo', false),
    name: str('name'),
    failureRedirect: str('failureRedirect'),
    onDecision: options.onDecision,
    requestProperty: requestProperty ?? 'user',
    timeoutMs,
    reuseSession,
    sessionKey: str('sessionKey'),
  };
}

/** The user Passport restored from the session (`passport.session()`), if the request has an authenticated session. */
function authenticatedSessionUser(req: Request): Express.User | undefined {
  const r = req as Request & { isAuthenticated?: () => boolean };
  return req.session !== undefined && typeof r.isAuthenticated === 'function' && r.isAuthenticated() ? req.user : undefined;
}

interface SessionMark {
  ticketstack?: { stacks?: unknown };
}

/** The stacks that authenticated the session's user. */
function sessionStacks(req: Request): readonly string[] {
  const stacks = (req.session as SessionMark | undefined)?.ticketstack?.stacks;
  return Array.isArray(stacks) ? (stacks as string[]) : [];
}

/** Remembers in the session that this stack authenticated its user (`fresh`: a new login, forget the others). */
function markSessionStack(req: Request, stackId: string | undefined, fresh: boolean): void {
  const session = req.session as SessionMark | undefined;
  if (session === undefined) return;
  const stacks = fresh ? [] : sessionStacks(req).filter((s) => s !== stackId);
  session.ticketstack = { stacks: stackId === undefined ? stacks : [...stacks, stackId] };
}

/** Two module users are the same person when both have the same string `id` (or are the same value). */
function sameUser(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  const id = (u: unknown): unknown => (u !== null && typeof u === 'object' ? (u as { id?: unknown }).id : undefined);
  return typeof id(a) === 'string' && id(a) === id(b);
}

function validateEntry(entry: PassportStackEntry, i: number, authenticator: PassportAuthenticatorLike): ValidEntry {
  const where = describeEntry('loginStack', i, entry);
  for (const key of Object.keys(entry)) {
    if (!ENTRY_KEYS.has(key)) throw new TypeError(`${where}: unknown key ${JSON.stringify(key)}; expected ${[...ENTRY_KEYS].join(', ')}`);
  }
  const { module } = entry;
  if (typeof module === 'string') {
    if (typeof authenticator._strategy !== 'function' || !authenticator._strategy(module)) {
      throw new TypeError(`${where}: unknown strategy ${JSON.stringify(module)}; register it with passport.use(${JSON.stringify(module)}, strategy)`);
    }
  } else if (typeof module !== 'object' || module === null || typeof module.authenticate !== 'function') {
    throw new TypeError(`${where}: "module" must be a registered strategy name or a strategy with authenticate()`);
  }
  for (const hook of ['commit', 'abort'] as const) {
    if (entry[hook] !== undefined && typeof entry[hook] !== 'function') throw new TypeError(`${where}: "${hook}" must be a function`);
  }
  if (entry.options !== undefined && (typeof entry.options !== 'object' || entry.options === null)) {
    throw new TypeError(`${where}: "options" must be an object`);
  }
  return Object.freeze({ ...entry });
}

/**
 * As passport (ecosystem-notes.md §1.2): first non-empty status, else the error's status, else 401; string
 * challenges. A module that must both send a challenge and name its refusal (HTTP Digest: a fresh nonce after a
 * wrong response) fails with `{ code, wwwAuthenticate: string | string[] }`: the code goes to the decision record,
 * the challenges to `WWW-Authenticate`.
 */
function failureResponse(failures: readonly Failure[], result: StackResult): { status: number; challenges: string[] } {
  let status = failures.find((f) => f.status !== undefined)?.status;
  if (status === undefined && isTicketStackError(result.error) && result.error.status >= 400 && result.error.status <= 599) {
    status = result.error.status;
  }
  const challenges = failures.flatMap((f) => challengesOf(f.challenge));
  return { status: status ?? 401, challenges };
}

function challengesOf(challenge: unknown): string[] {
  if (typeof challenge === 'string') return [challenge];
  const www = (challenge as { wwwAuthenticate?: unknown } | null | undefined)?.wwwAuthenticate;
  if (typeof www === 'string') return [www];
  return Array.isArray(www) ? www.filter((c): c is string => typeof c === 'string') : [];
}

/** A short generic body by content negotiation: never a stack trace, never a module's message. */
function sendFailure(req: Request, res: Response, status: number, challenges: string[], result: StackResult): void {
  const code = isTicketStackError(result.error) ? result.error.code : 'ERR_LOGIN_FAILED';
  const reason = STATUS_CODES[status] ?? 'Unauthorized';
  res.status(status);
  if (status === 401 && challenges.length > 0) res.setHeader('WWW-Authenticate', challenges);
  res.setHeader('Cache-Control', 'no-store');
  res.vary('Accept');
  if (req.accepts(['text/plain', 'application/json']) === 'application/json') {
    res.json({ error: reason.toLowerCase().replace(/[^a-z0-9]+/g, '_'), code });
  } else {
    res.type('text/plain').send(reason);
  }
}

async function undoLogin(req: Request, opts: ValidOptions): Promise<void> {
  if (!opts.session) {
    delete (req as unknown as Record<string, unknown>)[opts.requestProperty];
    return;
  }
  await new Promise<void>((resolve, reject) =>
    req.logout({ keepSessionInfo: opts.keepSessionInfo }, (err) => (err ? reject(err) : resolve())),
  );
}
