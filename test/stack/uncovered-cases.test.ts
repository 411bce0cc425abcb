/**
 * Cases outside the truth table (login-stack-semantics.md §5, §6 item 7):
 * - a "RuntimeException-like" throw behaves as a FAIL under the module's own flag (§5, E1), checked against the
 *   JDK truth table for every stack of 1–3 modules with outcomes SUCCEED / IGNORE / FAIL / ERROR (4,368 cases);
 * - JS has no Error/Exception split: every throw (an `Error`, a `RangeError`, a string, `undefined`) is an
 *   ordinary failure; nothing escapes the stack the way `java.lang.Error` does in the JDK (§8 probes 1–3 differ
 *   on purpose, documented in engine.ts);
 * - an abort() that throws is recorded and ignored.
 */
import { describe, expect, it } from 'vitest';
import { CONTROL_FLAGS, runLoginStack, StackHalt, type ControlFlag, type StackEntry } from '../../src/index.js';
import { FailedLogin, positions, readTruthTable, recordedFields, recordedRun, stubStack, type Outcome } from './stub-modules.js';

const truth = new Map(readTruthTable().rows.map((row) => [`${row.flags.join(',')}/${row.outcomes.join(',')}`, row]));

function* tuples<T>(values: readonly T[], n: number): Generator<T[]> {
  if (n === 0) { yield []; return; }
  for (const head of values) for (const rest of tuples(values, n - 1)) yield [head, ...rest];
}

const mod = (login: () => unknown, extra: Partial<StackEntry<void>['module']> = {}): StackEntry<void>['module'] => ({
  login: login as () => boolean,
  ...extra,
});

describe('RuntimeException-like throws (§5)', () => {
  it('every stack of 1–3 modules with an ERROR outcome equals the truth-table row with ERROR→FAIL (4,368 cases)', async () => {
    const mismatches: string[] = [];
    let cases = 0;
    for (let n = 1; n <= 3; n++) {
      for (const flags of tuples<ControlFlag>(CONTROL_FLAGS, n)) {
        for (const outcomes of tuples<Outcome>(['SUCCEED', 'IGNORE', 'FAIL', 'ERROR'], n)) {
          cases++;
          const want = truth.get(`${flags.join(',')}/${outcomes.map((o) => (o === 'ERROR' ? 'FAIL' : o)).join(',')}`)!;
          const r = await runLoginStack(stubStack(flags, outcomes), undefined);
          const got = recordedRun(r);
          const expected = recordedFields(want);
          // The reported error is the module's own thrown value, unchanged (a TypeError for ERROR).
          const errorOk = r.ok || want.thrownBy === null || (outcomes[want.thrownBy] === 'ERROR' ? r.error instanceof TypeError : r.error instanceof FailedLogin);
          if (JSON.stringify(got) !== JSON.stringify(expected) || !errorOk) mismatches.push(`${flags}/${outcomes}: ${JSON.stringify(got)} vs ${JSON.stringify(expected)}`);
        }
      }
    }
    expect(cases).toBe(4_368);
    expect(mismatches.slice(0, 10)).toEqual([]);
  });
});

describe('no Error/Exception split in JavaScript', () => {
  it('an OPTIONAL module throwing a RangeError is an optional failure, not a stack-ending error (unlike JDK probe 2)', async () => {
    const r = await runLoginStack(
      [
        { name: 'a', flag: 'OPTIONAL', module: mod(() => { throw new RangeError('stack overflow-ish'); }) },
        { name: 'b', flag: 'REQUIRED', module: mod(() => true) },
      ],
      undefined,
    );
    expect(r.ok).toBe(true);
    expect(r.creditedModule).toBe('b');
    expect(r.trace.map((t) => `${t.phase}:${t.module}:${t.outcome}`)).toEqual(['login:a:failed', 'login:b:succeeded', 'commit:a:ignored', 'commit:b:succeeded']);
  });

  it('a REQUIRED module throwing a non-Error value fails the stack with that value as given', async () => {
    for (const thrown of ['a string', 42, undefined, null, { code: 'X' }]) {
      const r = await runLoginStack(
        [
          { name: 'a', flag: 'REQUIRED', module: mod(() => { throw thrown; }) },
          { name: 'b', flag: 'OPTIONAL', module: mod(() => true) },
        ],
        undefined,
      );
      expect(r.ok).toBe(false);
      expect(r.failedModule).toBe('a');
      expect(r.error).toBe(thrown);
      expect(positions(r.trace, 'abort')).toEqual([0, 1]);
    }
  });

  it('a rejected promise is a failure like a synchronous throw', async () => {
    const boom = new Error('async boom');
    const r = await runLoginStack([{ name: 'a', flag: 'REQUISITE', module: mod(async () => { throw boom; }) }, { name: 'b', flag: 'REQUIRED', module: mod(() => true) }], undefined);
    expect(r).toMatchObject({ ok: false, failedModule: 'a', error: boom });
    expect(positions(r.trace, 'login')).toEqual([0]);
  });

  it('a login returning a non-boolean (e.g. a user object) fails closed under its own flag', async () => {
    const opt = await runLoginStack([{ name: 'a', flag: 'OPTIONAL', module: mod(() => ({ id: 'alice' })) }, { name: 'b', flag: 'OPTIONAL', module: mod(() => true) }], undefined);
    expect(opt.ok).toBe(true);
    expect(opt.creditedModule).toBe('b');
    const req = await runLoginStack([{ name: 'a', flag: 'REQUIRED', module: mod(() => undefined) }, { name: 'b', flag: 'OPTIONAL', module: mod(() => true) }], undefined);
    expect(req.ok).toBe(false);
    expect((req.error as { code: string }).code).toBe('ERR_MODULE_INVALID_RESULT');
  });
});

describe('abort() throwing (§1 PHASE 2b)', () => {
  it('is recorded and ignored; every later module is still aborted; the login error is reported', async () => {
    const loginError = new FailedLogin(1);
    const abortError = new Error('abort blew up');
    const r = await runLoginStack(
      [
        { name: 'a', flag: 'OPTIONAL', module: mod(() => true, { abort: () => { throw abortError; } }) },
        { name: 'b', flag: 'REQUISITE', module: mod(() => { throw loginError; }) },
        { name: 'c', flag: 'REQUIRED', module: mod(() => true, { abort: async () => { throw abortError; } }) },
        { name: 'd', flag: 'OPTIONAL', module: mod(() => true) },
      ],
      undefined,
    );
    expect(r.ok).toBe(false);
    expect(r.error).toBe(loginError);
    expect(r.failedModule).toBe('b');
    const aborts = r.trace.filter((t) => t.phase === 'abort');
    expect(aborts.map((t) => [t.module, t.outcome])).toEqual([['a', 'failed'], ['b', 'ignored'], ['c', 'failed'], ['d', 'ignored']]);
    expect(aborts[0]!.thrown).toBe(abortError);
    expect(aborts[3]!.implicit).toBe(true); // no abort(): the login result (never logged in → false)
  });
});

describe('laziness and defaults', () => {
  it('login() is never called beyond the stopping prefix (§2 L1/L2)', async () => {
    let called = 0;
    const r = await runLoginStack(
      [
        { name: 'ticket', flag: 'SUFFICIENT', module: mod(() => true) },
        { name: 'password', flag: 'REQUIRED', module: mod(() => { called++; return true; }) },
      ],
      undefined,
    );
    expect(r.ok).toBe(true);
    expect(called).toBe(0);
    expect(r.creditedModule).toBe('ticket');
  });

  it('credits the first module whose login succeeded, not a later SUFFICIENT short-circuit', async () => {
    const r = await runLoginStack(
      [
        { name: 'password', flag: 'REQUIRED', module: mod(() => true) },
        { name: 'create-ticket', flag: 'SUFFICIENT', module: mod(() => true) },
        { name: 'never', flag: 'REQUIRED', module: mod(() => { throw new Error('not reached'); }) },
      ],
      undefined,
    );
    expect(r).toMatchObject({ ok: true, creditedModule: 'password' });
  });

  it('without commit/abort a module commits and aborts with its login result (implicit calls in the trace)', async () => {
    const ok = await runLoginStack([{ name: 'a', flag: 'REQUIRED', module: mod(() => true) }, { name: 'b', flag: 'OPTIONAL', module: mod(() => false) }], undefined);
    expect(ok.trace.filter((t) => t.phase === 'commit').map((t) => [t.module, t.returned, t.implicit])).toEqual([['a', true, true], ['b', false, true]]);
  });

  it('the context object reaches every call, and commit sees the credited module', async () => {
    const ctx = { seen: [] as string[] };
    await runLoginStack(
      [
        { name: 'a', flag: 'OPTIONAL', module: { login: (c: typeof ctx) => (c.seen.push('login'), true), commit: (c: typeof ctx, call) => (c.seen.push(`commit:${call.creditedModule}`), true) } },
      ],
      ctx,
    );
    expect(ctx.seen).toEqual(['login', 'commit:a']);
  });

  it('StackHalt stops the stack at once whatever the flag and aborts every module', async () => {
    const reason = new Error('directory down');
    const r = await runLoginStack(
      [
        { name: 'a', flag: 'OPTIONAL', module: mod(() => true) },
        { name: 'b', flag: 'OPTIONAL', module: mod(() => { throw new StackHalt(reason); }) },
        { name: 'c', flag: 'REQUIRED', module: mod(() => true) },
      ],
      undefined,
    );
    expect(r).toMatchObject({ ok: false, halted: true, error: reason, failedModule: 'b' });
    expect(r.trace.map((t) => `${t.phase}:${t.module}`)).toEqual(['login:a', 'login:b', 'abort:a', 'abort:b', 'abort:c']);
  });

  it('beforeCommit runs once between the phases; a throw from it halts and aborts', async () => {
    const order: string[] = [];
    const entries: StackEntry<void>[] = [{ name: 'a', flag: 'REQUIRED', module: { login: () => (order.push('login'), true), commit: () => (order.push('commit'), true), abort: () => (order.push('abort'), true) } }];
    await runLoginStack(entries, undefined, { beforeCommit: (m) => { order.push(`before:${m}`); } });
    expect(order).toEqual(['login', 'before:a', 'commit']);
    order.length = 0;
    const err = new Error('session store down');
    const r = await runLoginStack(entries, undefined, { beforeCommit: () => { throw err; } });
    expect(r).toMatchObject({ ok: false, halted: true, error: err });
    expect(order).toEqual(['login', 'abort']);
  });
});

describe('credited module is published only after a successful login phase', () => {
  it('a login-phase failure has no creditedModule, and abort() is not told one', async () => {
    const seen: unknown[] = [];
    const r = await runLoginStack(
      [
        { name: 'a', flag: 'OPTIONAL', module: mod(() => true, { abort: (_c, call) => (seen.push(call.creditedModule), true) }) },
        { name: 'b', flag: 'REQUIRED', module: mod(() => { throw new Error('no'); }) },
      ],
      undefined,
    );
    expect(r.ok).toBe(false);
    expect(r.creditedModule).toBeUndefined();
    expect(seen).toEqual([undefined]);
  });
});
