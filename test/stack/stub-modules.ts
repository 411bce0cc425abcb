/**
 * Stub login modules that behave like the JDK recording's stubs (conformance/jaas/README.md, "Stub module
 * behaviour"), the recorded truth table, and what of a run is compared with it.
 */
import { readFileSync } from 'node:fs';
import { gunzipSync } from 'node:zlib';
import type { ControlFlag, StackEntry, StackResult } from '../../src/stack/engine.js';

export type Outcome = 'SUCCEED' | 'IGNORE' | 'FAIL' | 'ERROR' | 'SUCCEED_COMMITFAIL';

/** A FailedLoginException stand-in, tagged with the module's position. */
export class FailedLogin extends Error {
  constructor(readonly position: number, readonly phase: 'login' | 'commit' = 'login') {
    super(`stub ${position} failed in ${phase}`);
    this.name = 'FailedLoginException';
  }
}

/** Builds stub entries named "m0", "m1", ...; `thrown[i]` is what module i's login/commit throws. */
export function stubStack(flags: readonly ControlFlag[], outcomes: readonly Outcome[]): StackEntry<void>[] {
  return flags.map((flag, i) => {
    let loggedIn = false;
    return {
      name: `m${i}`,
      flag,
      module: {
        login() {
          switch (outcomes[i]) {
            case 'SUCCEED':
            case 'SUCCEED_COMMITFAIL':
              loggedIn = true;
              return true;
            case 'IGNORE':
              return false;
            case 'FAIL':
              throw new FailedLogin(i);
            case 'ERROR':
              throw new TypeError(`runtime error in stub ${i}`); // a RuntimeException-like throw (§5)
            default:
              throw new Error('bad outcome');
          }
        },
        commit() {
          if (outcomes[i] === 'SUCCEED_COMMITFAIL' && loggedIn) throw new FailedLogin(i, 'commit');
          return loggedIn;
        },
        abort() {
          return loggedIn;
        },
      },
    };
  });
}

export function positions(trace: readonly { phase: string; index: number }[], phase: string): number[] {
  return trace.filter((t) => t.phase === phase).map((t) => t.index);
}

export function indexOf(name: string | undefined): number | null {
  return name === undefined ? null : Number(name.slice(1));
}

/** What the JDK recording says of a run: the result, the failing module, and which modules each phase called. */
export interface RecordedRun {
  result: 'success' | 'failure';
  thrownBy: number | null;
  loginCalled: number[];
  commitCalled: number[];
  abortCalled: number[];
}

/** One recorded case: a stack of stubs and what the JDK did with it. */
export interface TruthRow extends RecordedRun {
  flags: ControlFlag[];
  outcomes: Outcome[];
}

/** The recorded fields of a `runLoginStack` result over `stubStack` entries, to compare with a `TruthRow`. */
export function recordedRun(r: StackResult): RecordedRun {
  return {
    result: r.ok ? 'success' : 'failure',
    thrownBy: indexOf(r.failedModule),
    loginCalled: positions(r.trace, 'login'),
    commitCalled: positions(r.trace, 'commit'),
    abortCalled: positions(r.trace, 'abort'),
  };
}

/** Only the recorded fields of a row (in `recordedRun`'s key order, so that two can be compared as JSON). */
export function recordedFields(row: RecordedRun): RecordedRun {
  return { result: row.result, thrownBy: row.thrownBy, loginCalled: row.loginCalled, commitCalled: row.commitCalled, abortCalled: row.abortCalled };
}

/** The truth table recorded from OpenJDK 17 (`test/fixtures/jaas/truth.jsonl.gz`): its bytes and its rows. */
export function readTruthTable(): { raw: Buffer; rows: TruthRow[] } {
  const raw = gunzipSync(readFileSync(new URL('../fixtures/jaas/truth.jsonl.gz', import.meta.url)));
  const rows = raw
    .toString('utf8')
    .split('\n')
    .filter((line) => line.trim() !== '')
    .map((line) => JSON.parse(line) as TruthRow);
  return { raw, rows };
}
