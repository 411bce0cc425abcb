/**
 * The login-stack engine: OpenJDK `LoginContext.login()` semantics, framework-free.
 *
 * The algorithm is login-stack-semantics.md §1; section references below point into that document.
 * JavaScript has no Error/Exception split, so every throw from `login()` or `commit()` counts as an ordinary
 * failure under the module's own flag, like a `RuntimeException` in the JDK (§5); nothing "escapes" the stack
 * the way a `java.lang.Error` does. The one deliberate extension is {@link StackHalt}: a module throws it to
 * stop the stack at once (the Passport adapter uses it for `error()` and `redirect()`); every module is then
 * aborted, as after a failure.
 *
 * @module
 */
import { StackError } from './errors.js';
import { checkEntryShapes, describeEntry, type ControlFlag } from './flags.js';

export type { ControlFlag } from './flags.js';

export type StackPhase = 'login' | 'commit' | 'abort';

/** What a module's `login()` did, as the engine classified it (§1 vocabulary). */
export type LoginOutcome = 'succeeded' | 'ignored' | 'failed' | 'halted' | 'not-run';

/** The second argument of every module call: where the call stands in the stack. */
export interface ModuleCall {
  /** The entry's name. */
  readonly name: string;
  /** 0-based position in the stack. */
  readonly index: number;
  readonly flag: ControlFlag;
  readonly phase: StackPhase;
  /** This module's own `login()` outcome so far (`'not-run'` when its login was never called, §6 items 7–8). */
  readonly loginOutcome: LoginOutcome;
  /** Once the login phase has succeeded (commit phase, and aborts after a failed commit): the credited module (see {@link StackResult.creditedModule}). */
  readonly creditedModule: string | undefined;
}

/** `true` = succeeded, `false` = ignored (JAAS "ignore this module"), a throw = failed. */
export type ModuleResult = boolean | Promise<boolean>;

/** A JAAS-style login module. Without `commit` / `abort`, the engine behaves as if they returned the login result. */
export interface LoginModule<C = unknown> {
  login(context: C, call: ModuleCall): ModuleResult;
  commit?(context: C, call: ModuleCall): ModuleResult;
  abort?(context: C, call: ModuleCall): ModuleResult;
}

export interface StackEntry<C = unknown> {
  /** Unique within the stack; reported as `failedModule` / `creditedModule` and in the trace. */
  readonly name: string;
  readonly flag: ControlFlag;
  readonly module: LoginModule<C>;
}

/** One `login`, `commit` or `abort` call, in call order. */
export interface TraceEntry {
  readonly module: string;
  readonly index: number;
  readonly flag: ControlFlag;
  readonly phase: StackPhase;
  /** `succeeded` (returned true), `ignored` (returned false), `failed` (threw or returned a non-boolean), `halted` (threw a StackHalt). */
  readonly outcome: 'succeeded' | 'ignored' | 'failed' | 'halted';
  /** The boolean the call returned (absent when it threw). */
  readonly returned?: boolean;
  /** What the call threw, unchanged (absent when it returned). For a halt, the halt's `cause`. */
  readonly thrown?: unknown;
  /** True when the module has no such method and the engine used the login result instead. */
  readonly implicit?: true;
  /** Wall-clock duration of the call in milliseconds. */
  readonly durationMs: number;
}

export interface StackResult {
  /** True when both the login and the commit phase succeeded. */
  readonly ok: boolean;
  /**
   * On failure: the reported error. A module's own thrown value, unchanged (§3 item R5); a
   * `StackError('ERR_STACK_ALL_IGNORED')` when no module succeeded or failed (§3 item 3); for a halt, the halt's `cause`.
   */
  readonly error?: unknown;
  /** The module whose error is reported; absent for "all modules ignored" (JDK `thrownBy: null`). */
  readonly failedModule?: string;
  /** The phase that failed or halted. */
  readonly failedPhase?: 'login' | 'commit';
  /** True when a module threw {@link StackHalt} (or `beforeCommit` threw): the stack stopped at once and was aborted. */
  readonly halted?: boolean;
  /**
   * The module credited with the authenticated identity: the first module, in stack order, whose `login()`
   * returned `true` among those that ran. A SUFFICIENT short-circuit (§2) credits that module when nothing
   * before it succeeded; a later module that merely re-affirms an earlier identity (a CreateTicket-like module)
   * is never credited. Set whenever the login phase succeeded, also if the commit phase then failed.
   */
  readonly creditedModule?: string;
  /** Every call made, in order. */
  readonly trace: readonly TraceEntry[];
}

export interface RunLoginStackOptions<C = unknown> {
  /**
   * Called once between a successful login phase and the commit phase with the credited module and the context (the Passport
   * adapter logs the user in here). If it throws, the stack halts: every module is aborted and the result carries
   * that error with `halted: true`.
   */
  beforeCommit?(creditedModule: string, context: C): void | Promise<void>;
}

/**
 * Thrown by a module to stop the stack at once, whatever its flag (like JAAS `PendingException`): no further
 * login or commit calls, `abort()` on every module, and the result is `{ ok: false, halted: true, error: cause }`.
 */
export class StackHalt extends Error {
  constructor(cause: unknown) {
    super('login stack halted', { cause });
    this.name = 'StackHalt';
  }
}

interface PhaseVerdict {
  readonly ok: boolean;
  readonly halted?: boolean;
  readonly error?: unknown;
  readonly failedIndex?: number;
}

interface CallOutcome {
  readonly kind: 'succeeded' | 'ignored' | 'failed' | 'halted';
  readonly error?: unknown;
}
const SUCCEEDED: CallOutcome = Object.freeze({ kind: 'succeeded' });
const IGNORED: CallOutcome = Object.freeze({ kind: 'ignored' });

const isThenable = (value: unknown): value is PromiseLike<unknown> =>
  (typeof value === 'object' || typeof value === 'function') && value !== null && typeof (value as { then?: unknown }).then === 'function';

/**
 * Runs a JAAS login stack over `context` and reports the decision. Never throws for a module's behaviour;
 * throws a `TypeError` naming the entry when the configuration is malformed.
 */
export async function runLoginStack<C>(
  entries: readonly StackEntry<C>[],
  context: C,
  options: RunLoginStackOptions<C> = {},
): Promise<StackResult> {
  assertStackEntries(entries);
  return runCheckedStack(entries, context, options);
}

/**
 * `runLoginStack` for entries already checked by `assertStackEntries` (the Passport adapter checks its stack once,
 * at construction, not on every request). Not exported from the package. It answers at once when every module
 * answers at once, and with a promise from the first module that answers with one: the same calls in the same order
 * either way (`test/stack/sync-and-async-answers.test.ts`).
 */
export function runCheckedStack<C>(entries: readonly StackEntry<C>[], context: C, options: RunLoginStackOptions<C>): StackResult | Promise<StackResult> {
  const run: Run<C> = {
    entries,
    context,
    trace: [],
    loginOutcomes: new Array<LoginOutcome>(entries.length).fill('not-run'),
    creditedModule: undefined,
    loginPhaseOk: false,
    pending: undefined,
    pendingStarted: 0,
  };
  const login = runPhase(run, 'login');
  return login instanceof Promise ? login.then((verdict) => afterLogin(run, verdict, options)) : afterLogin(run, login, options);
}

function afterLogin<C>(run: Run<C>, login: PhaseVerdict, options: RunLoginStackOptions<C>): StackResult | Promise<StackResult> {
  if (!login.ok) return abortThen(run, () => failure(run, login, 'login'));
  // A successful login phase always has a credited module: some login returned true (§1 formula R1).
  const credited = run.creditedModule!;
  run.loginPhaseOk = true;
  if (options.beforeCommit) {
    const halt = (error: unknown) =>
      abortThen(run, (): StackResult => ({ ok: false, error, failedPhase: 'login', halted: true, creditedModule: credited, trace: run.trace }));
    let done: void | Promise<void>;
    try {
      done = options.beforeCommit(credited, run.context);
    } catch (error) {
      return halt(error);
    }
    if (isThenable(done)) return Promise.resolve(done).then(() => commitPhase(run, credited), halt);
  }
  return commitPhase(run, credited);
}

/** §1 PHASE 2a / §6 item 8: the same loop with commit(), fresh state, from module 0. */
function commitPhase<C>(run: Run<C>, credited: string): StackResult | Promise<StackResult> {
  const commit = runPhase(run, 'commit');
  return commit instanceof Promise ? commit.then((verdict) => afterCommit(run, verdict, credited)) : afterCommit(run, commit, credited);
}

function afterCommit<C>(run: Run<C>, commit: PhaseVerdict, credited: string): StackResult | Promise<StackResult> {
  if (!commit.ok) return abortThen(run, () => failure(run, commit, 'commit'));
  return { ok: true, creditedModule: credited, trace: run.trace };
}

/** One run of a stack: what the phases share. */
interface Run<C> {
  readonly entries: readonly StackEntry<C>[];
  readonly context: C;
  readonly trace: TraceEntry[];
  readonly loginOutcomes: LoginOutcome[];
  /** The first login success so far. */
  creditedModule: string | undefined;
  /** `creditedModule` is published to modules only once the login phase succeeded. */
  loginPhaseOk: boolean;
  /** When {@link invoke} answered {@link PENDING}: the module's promise, and when the call started. */
  pending: PromiseLike<unknown> | undefined;
  pendingStarted: number;
}

function callOf<C>(run: Run<C>, i: number, phase: StackPhase): ModuleCall {
  const e = run.entries[i]!;
  return { name: e.name, index: i, flag: e.flag, phase, loginOutcome: run.loginOutcomes[i]!, creditedModule: run.loginPhaseOk ? run.creditedModule : undefined };
}

/** {@link invoke}'s answer when the module answered with a promise (left in `run.pending`). */
const PENDING: unique symbol = Symbol('pending');

/**
 * Calls one module method and records it. Missing commit/abort = the login result (issue 2, item 2). Returns the
 * outcome at once when the module answers synchronously; when it answers with a promise, returns {@link PENDING}
 * and leaves the promise in `run.pending` for the caller to await ({@link settle}): no promise of its own per call.
 */
function invoke<C>(run: Run<C>, i: number, phase: StackPhase): CallOutcome | typeof PENDING {
  const e = run.entries[i]!;
  const method = e.module[phase];
  if (method === undefined) {
    const returned = run.loginOutcomes[i] === 'succeeded';
    run.trace.push({ module: e.name, index: i, flag: e.flag, phase, outcome: returned ? 'succeeded' : 'ignored', returned, implicit: true, durationMs: 0 });
    return returned ? SUCCEEDED : IGNORED;
  }
  const started = performance.now();
  let answer: unknown;
  try {
    answer = method.call(e.module, run.context, callOf(run, i, phase));
  } catch (thrown) {
    return recordThrow(run, i, phase, started, thrown);
  }
  if (isThenable(answer)) {
    run.pending = answer;
    run.pendingStarted = started;
    return PENDING;
  }
  return recordAnswer(run, i, phase, started, answer);
}

/** Awaits the answer {@link invoke} left in `run.pending` and records it like a synchronous one (for the abort loop). */
async function settle<C>(run: Run<C>, i: number, phase: StackPhase): Promise<CallOutcome> {
  const answer = run.pending!;
  const started = run.pendingStarted;
  run.pending = undefined;
  let returned: unknown;
  try {
    returned = await answer;
  } catch (thrown) {
    return recordThrow(run, i, phase, started, thrown);
  }
  return recordAnswer(run, i, phase, started, returned);
}

function recordAnswer<C>(run: Run<C>, i: number, phase: StackPhase, started: number, returned: unknown): CallOutcome {
  const e = run.entries[i]!;
  const durationMs = performance.now() - started;
  if (typeof returned !== 'boolean') {
    // Fail closed: `undefined` or a user object is not "true" (a JAAS module returns a boolean).
    const error = new StackError(
      'ERR_MODULE_INVALID_RESULT',
      `login module ${JSON.stringify(e.name)}: ${phase}() returned ${typeof returned}, expected a boolean`,
      { module: e.name },
    );
    run.trace.push({ module: e.name, index: i, flag: e.flag, phase, outcome: 'failed', thrown: error, durationMs });
    return { kind: 'failed', error };
  }
  run.trace.push({ module: e.name, index: i, flag: e.flag, phase, outcome: returned ? 'succeeded' : 'ignored', returned, durationMs });
  return returned ? SUCCEEDED : IGNORED;
}

function recordThrow<C>(run: Run<C>, i: number, phase: StackPhase, started: number, thrown: unknown): CallOutcome {
  const e = run.entries[i]!;
  const durationMs = performance.now() - started;
  if (thrown instanceof StackHalt) {
    run.trace.push({ module: e.name, index: i, flag: e.flag, phase, outcome: 'halted', thrown: thrown.cause, durationMs });
    return { kind: 'halted', error: thrown.cause };
  }
  // §5: anything thrown is a failure under the module's own flag, passed on unchanged.
  run.trace.push({ module: e.name, index: i, flag: e.flag, phase, outcome: 'failed', thrown, durationMs });
  return { kind: 'failed', error: thrown };
}

/** What a phase remembers while it walks the stack (§1). */
interface PhaseState {
  readonly phase: 'login' | 'commit';
  /** The first REQUIRED / REQUISITE error. */
  firstRequired: { error: unknown; index: number } | undefined;
  /** The first SUFFICIENT / OPTIONAL error. */
  firstOther: { error: unknown; index: number } | undefined;
  anySuccess: boolean;
}

/**
 * §1: the flag loop, shared by the login phase and (with fresh state) the commit phase. It runs synchronously until
 * a module answers with a promise and continues asynchronously from there: the same calls in the same order, with
 * no promise for a phase whose modules all answer at once (the commit phase, usually).
 */
function runPhase<C>(run: Run<C>, phase: 'login' | 'commit'): PhaseVerdict | Promise<PhaseVerdict> {
  const state: PhaseState = { phase, firstRequired: undefined, firstOther: undefined, anySuccess: false };
  for (let i = 0; i < run.entries.length; i++) {
    const out = invoke(run, i, phase);
    if (out === PENDING) return continuePhase(run, state, i);
    const verdict = applyOutcome(run, state, i, out);
    if (verdict !== undefined) return verdict;
  }
  return endOfPhase(state);
}

/**
 * The rest of a phase from module `from`, whose answer is pending: it awaits each pending answer itself (one async
 * frame for the rest of the phase, however many modules answer later) and goes on synchronously in between.
 */
async function continuePhase<C>(run: Run<C>, state: PhaseState, from: number): Promise<PhaseVerdict> {
  for (let i = from; ; ) {
    const answer = run.pending!;
    const started = run.pendingStarted;
    run.pending = undefined;
    let out: CallOutcome;
    try {
      const returned = await answer;
      out = recordAnswer(run, i, state.phase, started, returned);
    } catch (thrown) {
      out = recordThrow(run, i, state.phase, started, thrown); // recordAnswer does not throw: this is the module's
    }
    for (;;) {
      const verdict = applyOutcome(run, state, i, out);
      if (verdict !== undefined) return verdict;
      if (++i >= run.entries.length) return endOfPhase(state);
      const next = invoke(run, i, state.phase);
      if (next === PENDING) break;
      out = next;
    }
  }
}

/** One module's outcome under its flag; a verdict when the phase ends here, else `undefined`. */
function applyOutcome<C>(run: Run<C>, state: PhaseState, i: number, out: CallOutcome): PhaseVerdict | undefined {
  const { entries } = run;
  const flag = entries[i]!.flag;
  if (state.phase === 'login') run.loginOutcomes[i] = out.kind;
  switch (out.kind) {
    case 'halted':
      return { ok: false, halted: true, error: out.error, failedIndex: i };
    case 'succeeded':
      if (state.phase === 'login' && run.creditedModule === undefined) run.creditedModule = entries[i]!.name;
      // §2 L2a: SUFFICIENT stops only while no required-class module has failed (§6 item 2).
      if (flag === 'SUFFICIENT' && state.firstRequired === undefined) return PHASE_OK;
      state.anySuccess = true;
      return undefined;
    case 'ignored':
      return undefined; // §6 item 1: `false` is not a failure, whatever the flag.
    case 'failed':
      if (flag === 'REQUISITE') {
        // §3 item R2b: the stop reports the first required-class error, which may be an earlier REQUIRED one.
        const reported = state.firstRequired ?? { error: out.error, index: i };
        return { ok: false, error: reported.error, failedIndex: reported.index };
      }
      if (flag === 'REQUIRED') state.firstRequired ??= { error: out.error, index: i };
      else state.firstOther ??= { error: out.error, index: i }; // §2 X3: SUFFICIENT failure = OPTIONAL failure
      return undefined;
  }
}

/** The verdict after the last module (§1). */
function endOfPhase(state: PhaseState): PhaseVerdict {
  const { firstRequired, firstOther, anySuccess } = state;
  if (firstRequired !== undefined) return { ok: false, error: firstRequired.error, failedIndex: firstRequired.index };
  if (!anySuccess && firstOther !== undefined) return { ok: false, error: firstOther.error, failedIndex: firstOther.index };
  if (!anySuccess) {
    return { ok: false, error: new StackError('ERR_STACK_ALL_IGNORED', 'Login Failure: all modules ignored') };
  }
  return PHASE_OK;
}
const PHASE_OK: PhaseVerdict = Object.freeze({ ok: true });

/**
 * §1 PHASE 2b: abort on every module 0..n-1, in order; results and throws are recorded and discarded. Then the
 * result: at once when every abort answered at once, else once the last one has.
 */
function abortThen<C>(run: Run<C>, result: () => StackResult): StackResult | Promise<StackResult> {
  for (let i = 0; i < run.entries.length; i++) {
    if (invoke(run, i, 'abort') === PENDING) return abortFrom(run, i).then(result);
  }
  return result();
}

async function abortFrom<C>(run: Run<C>, from: number): Promise<void> {
  await settle(run, from, 'abort');
  for (let i = from + 1; i < run.entries.length; i++) {
    if (invoke(run, i, 'abort') === PENDING) await settle(run, i, 'abort');
  }
}

function failure<C>(run: Run<C>, verdict: PhaseVerdict, phase: 'login' | 'commit'): StackResult {
  return {
    ok: false,
    error: verdict.error,
    ...(verdict.failedIndex !== undefined ? { failedModule: run.entries[verdict.failedIndex]!.name } : {}),
    failedPhase: phase,
    ...(verdict.halted ? { halted: true } : {}),
    ...(run.loginPhaseOk ? { creditedModule: run.creditedModule } : {}),
    trace: run.trace,
  };
}

/** Validates engine entries; throws a `TypeError` naming the offending entry. */
export function assertStackEntries(entries: unknown): asserts entries is readonly StackEntry<never>[] {
  checkEntryShapes('runLoginStack', entries);
  entries.forEach((entry, i) => {
    const where = (): string => describeEntry('runLoginStack', i, entry);
    const module = (entry as { module?: unknown }).module;
    if (typeof module !== 'object' || module === null || typeof (module as LoginModule).login !== 'function') {
      throw new TypeError(`${where()}: "module" must be an object with a login() method`);
    }
    for (const hook of ['commit', 'abort'] as const) {
      const fn = (module as LoginModule)[hook];
      if (fn !== undefined && typeof fn !== 'function') throw new TypeError(`${where()}: module.${hook} must be a function`);
    }
  });
}
