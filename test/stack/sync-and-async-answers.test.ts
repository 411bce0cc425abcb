/**
 * The engine runs a phase synchronously until a module answers with a promise (src/stack/engine.ts). The 22,620-case
 * table only has synchronous stubs, so this property holds the fast path to the slow one: any stack whose modules
 * answer each call at once, with a promise, a rejected promise or a bare thenable — differently per phase and per
 * module, with throws, `StackHalt`, non-boolean answers, missing hooks and a `beforeCommit` that is synchronous,
 * asynchronous or throws — makes the same calls in the same order (with the same `ModuleCall` each time) and reports
 * the same result and trace as the same stack answering everything later, from a timer.
 */
import fc from 'fast-check';
import { expect, it } from 'vitest';
import { runLoginStack, StackHalt, type ModuleCall, type RunLoginStackOptions, type StackEntry, type StackResult } from '../../src/stack/engine.js';

type Answer = 'true' | 'false' | 'throw' | 'halt' | 'undefined';
type Timing = 'sync' | 'promise' | 'rejected-promise' | 'thenable' | 'timer';
interface Call { answer: Answer | 'missing'; timing: Timing }
interface ModuleSpec { flag: StackEntry<unknown>['flag']; login: Call; commit: Call; abort: Call }

const answer = fc.constantFrom<Answer>('true', 'false', 'throw', 'halt', 'undefined');
const timing = fc.constantFrom<Timing>('sync', 'promise', 'rejected-promise', 'thenable', 'timer');
const call = (hook: boolean) => fc.record({ answer: hook ? fc.oneof(answer, fc.constant('missing' as const)) : answer, timing });
const moduleSpec = fc.record({ flag: fc.constantFrom('REQUIRED', 'REQUISITE', 'SUFFICIENT', 'OPTIONAL'), login: call(false), commit: call(true), abort: call(true) }) as fc.Arbitrary<ModuleSpec>;

/** Builds the stack; `log` receives every call with what the engine told the module. */
function stack(spec: readonly ModuleSpec[], log: string[], timingOf: (c: Call) => Timing): StackEntry<unknown>[] {
  return spec.map((m, i) => {
    const method = (phase: 'login' | 'commit' | 'abort', c: Call) => (_context: unknown, info: ModuleCall) => {
      log.push(`${phase} ${i} ${info.loginOutcome} ${info.creditedModule ?? '-'}`);
      const value = (): unknown => {
        if (c.answer === 'throw') throw new Error(`${phase} ${i}`);
        if (c.answer === 'halt') throw new StackHalt(`${phase} ${i}`);
        return c.answer === 'true' ? true : c.answer === 'false' ? false : undefined;
      };
      switch (timingOf(c)) {
        case 'sync': return value();
        case 'promise': return (async () => value())();
        case 'rejected-promise': try { return Promise.resolve(value()); } catch (err) { return Promise.reject(err); }
        case 'thenable': return { then: (ok: (v: unknown) => void, fail: (e: unknown) => void) => { try { ok(value()); } catch (err) { fail(err); } } };
        case 'timer': return new Promise((ok, fail) => setTimeout(() => { try { ok(value()); } catch (err) { fail(err); } }, 0));
      }
    };
    const module: StackEntry<unknown>['module'] = { login: method('login', m.login) as never };
    if (m.commit.answer !== 'missing') module.commit = method('commit', m.commit) as never;
    if (m.abort.answer !== 'missing') module.abort = method('abort', m.abort) as never;
    return { name: `m${i}`, flag: m.flag, module };
  });
}

const comparable = (r: StackResult) => JSON.parse(JSON.stringify({ ...r, trace: r.trace.map((t) => ({ ...t, durationMs: 0 })) }, (_k, v: unknown) => (v instanceof Error ? `${v.name}: ${v.message}` : v)));

it('the synchronous fast path makes the same calls and decisions as answering everything later (property)', async () => {
  await fc.assert(
    fc.asyncProperty(fc.array(moduleSpec, { minLength: 1, maxLength: 4 }), fc.constantFrom('none', 'sync', 'async', 'throws'), async (spec, hook) => {
      const run = async (timingOf: (c: Call) => Timing) => {
        const log: string[] = [];
        const options: RunLoginStackOptions = hook === 'none' ? {} : {
          beforeCommit: (credited) => {
            log.push(`beforeCommit ${credited}`);
            if (hook === 'throws') throw new Error('beforeCommit');
            return hook === 'async' ? new Promise((ok) => setTimeout(ok, 0)) : undefined;
          },
        };
        const result = await runLoginStack(stack(spec, log, timingOf), undefined, options);
        return { log, result: comparable(result) };
      };
      const mixed = await run((c) => c.timing);
      const late = await run(() => 'timer');
      expect(mixed).toEqual(late);
    }),
    { numRuns: 800 },
  );
}, 60_000);
