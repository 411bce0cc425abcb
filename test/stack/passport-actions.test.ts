/**
 * supertest drives loginStack with passport-custom strategies through success, pass, fail and error under every
 * flag, and checks that the strategies and hooks are called exactly as runLoginStack says for the same stack.
 */
import request from 'supertest';
import { describe, expect, it } from 'vitest';
import { CONTROL_FLAGS, loginStack, runLoginStack, type ControlFlag } from '../../src/index.js';
import { Strategy as CustomStrategy } from 'passport-custom';
import type { DecisionRecord } from '../../src/stack/decision-record.js';
import { appWith, freshPassport, recordingHooks, scriptedStrategy } from './helpers.js';
import { stubStack, type Outcome } from './stub-modules.js';

const ACTIONS = { succeed: 'SUCCEED', pass: 'IGNORE', fail: 'FAIL' } as const satisfies Record<string, Outcome>;
type Mapped = keyof typeof ACTIONS;

function buildApp(flags: readonly ControlFlag[]) {
  const calls: string[] = [];
  const p = freshPassport();
  flags.forEach((_, i) => p.use(`m${i}`, scriptedStrategy(`m${i}`, calls)));
  const guard = loginStack(
    flags.map((flag, i) => ({ name: `m${i}`, flag, module: `m${i}`, ...recordingHooks(calls) })),
    { passport: p, session: false },
  );
  return { app: appWith(guard), calls };
}

/** The expected call list from the engine, on JDK-like stubs. */
async function engineCalls(flags: readonly ControlFlag[], outcomes: readonly Outcome[]) {
  const r = await runLoginStack(stubStack(flags, outcomes), undefined);
  return { ok: r.ok, calls: r.trace.map((t) => `${t.phase}:${t.module}`), credited: r.creditedModule };
}

describe('loginStack maps passport actions onto the engine', () => {
  const mapped = Object.keys(ACTIONS) as Mapped[];
  for (const f0 of CONTROL_FLAGS) {
    for (const f1 of CONTROL_FLAGS) {
      it(`[${f0}, ${f1}] × success/pass/fail for both modules behaves as runLoginStack`, async () => {
        for (const a0 of mapped) {
          for (const a1 of mapped) {
            const { app, calls } = buildApp([f0, f1]);
            const res = await request(app)
              .get('/private')
              .set('x-m0', a0 === 'succeed' ? 'succeed:alice' : a0)
              .set('x-m1', a1 === 'succeed' ? 'succeed:bob' : a1);
            const want = await engineCalls([f0, f1], [ACTIONS[a0], ACTIONS[a1]]);
            const label = `${f0}:${a0}, ${f1}:${a1}`;
            expect(res.status, label).toBe(want.ok ? 200 : 401);
            expect(calls, label).toEqual(want.calls);
            if (want.ok) {
              expect(res.body.user.id, label).toBe(want.credited === 'm0' ? 'alice' : 'bob');
              expect(res.body.decision.creditedModule, label).toBe(want.credited);
            } else {
              expect(JSON.stringify(res.body)).not.toContain('secret');
            }
          }
        }
      });
    }
  }

  for (const flag of CONTROL_FLAGS) {
    it(`error() under ${flag} halts the stack: no later login, no commit, abort on every module, next(err)`, async () => {
      const { app, calls } = buildApp([flag, 'REQUIRED']);
      const res = await request(app).get('/private').set('x-m0', 'error').set('x-m1', 'succeed:bob');
      expect(res.status).toBe(500);
      expect(res.body).toEqual({ handled: true, name: 'Error', code: 'E_DIRECTORY_DOWN' });
      expect(calls).toEqual(['login:m0', 'abort:m0', 'abort:m1']);
    });

    it(`redirect() under ${flag} halts the stack, aborts every module and sends the redirect`, async () => {
      const { app, calls } = buildApp(['OPTIONAL', flag, 'REQUIRED']);
      const res = await request(app)
        .get('/private')
        .set('x-m0', 'succeed:alice')
        .set('x-m1', 'redirect')
        .set('x-m2', 'succeed:alice');
      expect(res.status).toBe(302);
      expect(res.headers.location).toBe('https://idp.example/m1');
      expect(calls).toEqual(['login:m0', 'login:m1', 'abort:m0', 'abort:m1', 'abort:m2']);
    });
  }

  it('the failure response: first non-empty status, else 401 with every string challenge; generic body', async () => {
    const p = freshPassport();
    for (const n of ['a', 'b', 'c']) p.use(n, scriptedStrategy(n));
    const entries = ['a', 'b', 'c'].map((n) => ({ name: n, flag: 'OPTIONAL' as const, module: n }));
    const app = appWith(loginStack(entries, { passport: p, session: false }));

    const challenged = await request(app).get('/private').set('x-a', 'fail-challenge').set('x-b', 'fail').set('x-c', 'fail-challenge');
    expect(challenged.status).toBe(401);
    expect(challenged.headers['www-authenticate']).toBe('Basic realm="a", Basic realm="c"');
    expect(challenged.text).toBe('Unauthorized');
    expect(challenged.headers['cache-control']).toBe('no-store');

    const json = await request(app).get('/private').set('accept', 'application/json').set('x-a', 'fail');
    expect(json.status).toBe(401);
    expect(json.body).toEqual({ error: 'unauthorized', code: 'ERR_LOGIN_FAILED' });

    const ignored = await request(app).get('/private').set('accept', 'application/json');
    expect(ignored.status).toBe(401);
    expect(ignored.body).toEqual({ error: 'unauthorized', code: 'ERR_STACK_ALL_IGNORED' });

    const status = await request(app).get('/private').set('x-a', 'fail').set('x-b', 'fail:403').set('x-c', 'fail:429');
    expect(status.status).toBe(403);
    expect(status.headers['www-authenticate']).toBeUndefined();
  });

  it('a challenge object { code, wwwAuthenticate } sends its challenges and records its code (as Digest does)', async () => {
    const p = freshPassport();
    const strategy = Object.assign(Object.create(null), {
      authenticate(this: { fail(c: unknown, s?: number): void }) {
        this.fail({ code: 'ERR_DIGEST_REFUSED', message: 'no', wwwAuthenticate: ['Digest realm="x", algorithm=SHA-256', 'Digest realm="x", algorithm=MD5'] }, 401);
      },
    });
    const records: DecisionRecord[] = [];
    const app = appWith(
      loginStack(
        [
          { name: 'digest', flag: 'OPTIONAL', module: strategy },
          { name: 'basic', flag: 'OPTIONAL', module: new CustomStrategy((_req, done) => done(null, false, 'Basic realm="b"')) },
        ],
        { passport: p, session: false, onDecision: (r) => records.push(r) },
      ),
    );
    const res = await request(app).get('/private');
    expect(res.status).toBe(401);
    expect(res.headers['www-authenticate']).toBe('Digest realm="x", algorithm=SHA-256, Digest realm="x", algorithm=MD5, Basic realm="b"');
    expect(records[0]?.calls[0]?.error?.reason).toBe('ERR_DIGEST_REFUSED');
    expect(res.text).toBe('Unauthorized');
  });

  it('failureRedirect redirects after running the abort hooks', async () => {
    const calls: string[] = [];
    const p = freshPassport();
    p.use('a', scriptedStrategy('a', calls));
    const app = appWith(loginStack([{ name: 'a', flag: 'REQUIRED', module: 'a', ...recordingHooks(calls) }], { passport: p, session: false, failureRedirect: '/login' }));
    const res = await request(app).get('/private').set('x-a', 'fail');
    expect(res.status).toBe(302);
    expect(res.headers.location).toBe('/login');
    expect(calls).toEqual(['login:a', 'abort:a']);
  });

  it('a strategy that never calls an action times out: 503-coded error to next(err), modules aborted', async () => {
    const calls: string[] = [];
    const p = freshPassport();
    p.use('slow', scriptedStrategy('slow', calls));
    const app = appWith(loginStack([{ name: 'slow', flag: 'OPTIONAL', module: 'slow', ...recordingHooks(calls) }], { passport: p, session: false, timeoutMs: 50 }));
    const res = await request(app).get('/private').set('x-slow', 'hang');
    expect(res.status).toBe(500);
    expect(res.body.code).toBe('ERR_STRATEGY_TIMEOUT');
    expect(calls).toEqual(['login:slow', 'abort:slow']);
  });

  it('success() without a user fails closed, and only a strategy\'s first action counts', async () => {
    const p = freshPassport();
    const weird = {
      authenticate(this: { success(u: unknown): void; fail(): void; pass(): void }) {
        this.success(undefined);
      },
    };
    const twice = {
      authenticate(this: { success(u: unknown): void; fail(): void }) {
        this.fail();
        this.success({ id: 'mallory' });
      },
    };
    const app1 = appWith(loginStack([{ name: 'weird', flag: 'OPTIONAL', module: weird }], { passport: p, session: false }));
    const r1 = await request(app1).get('/private').set('accept', 'application/json');
    expect(r1.status).toBe(401);
    expect(r1.body.code).toBe('ERR_MODULE_INVALID_RESULT');
    const app2 = appWith(loginStack([{ name: 'twice', flag: 'REQUIRED', module: twice }], { passport: p, session: false }));
    const r2 = await request(app2).get('/private');
    expect(r2.status).toBe(401);
  });
});
