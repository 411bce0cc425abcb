/** Stub login modules that behave like the JDK recording's stubs (conformance/jaas/README.md, "Stub module behaviour"). */
import type { ControlFlag, StackEntry } from '../../src/stack/engine.js';

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
