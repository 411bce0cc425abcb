/**
 * commit() throwing: login-stack-semantics.md §6 item 8 and the probe table §8 rows 4–10.
 * The commit loop re-applies the flag rules; a failed commit phase aborts every module.
 */
import express from 'express';
import request from 'supertest';
import { describe, expect, it } from 'vitest';
import { loginStack, runLoginStack, type ControlFlag } from '../../src/index.js';
import { appWith, freshPassport, recordingHooks, scriptedStrategy } from './helpers.js';
import { FailedLogin, recordedFields, recordedRun, stubStack, type TruthRow } from './stub-modules.js';

interface Probe extends TruthRow {
  row: number;
}

// §8, rows 4–10, transcribed.
const PROBES: Probe[] = [
  { row: 4, flags: ['REQUIRED'], outcomes: ['SUCCEED_COMMITFAIL'], result: 'failure', thrownBy: 0, loginCalled: [0], commitCalled: [0], abortCalled: [0] },
  { row: 5, flags: ['REQUIRED', 'OPTIONAL'], outcomes: ['SUCCEED', 'SUCCEED_COMMITFAIL'], result: 'success', thrownBy: null, loginCalled: [0, 1], commitCalled: [0, 1], abortCalled: [] },
  { row: 6, flags: ['REQUIRED', 'REQUIRED'], outcomes: ['SUCCEED_COMMITFAIL', 'SUCCEED'], result: 'failure', thrownBy: 0, loginCalled: [0, 1], commitCalled: [0, 1], abortCalled: [0, 1] },
  { row: 7, flags: ['REQUIRED', 'SUFFICIENT'], outcomes: ['SUCCEED_COMMITFAIL', 'SUCCEED'], result: 'failure', thrownBy: 0, loginCalled: [0, 1], commitCalled: [0, 1], abortCalled: [0, 1] },
  { row: 8, flags: ['SUFFICIENT', 'REQUIRED'], outcomes: ['SUCCEED_COMMITFAIL', 'SUCCEED'], result: 'failure', thrownBy: 0, loginCalled: [0], commitCalled: [0, 1], abortCalled: [0, 1] },
  { row: 9, flags: ['OPTIONAL', 'SUFFICIENT', 'REQUIRED'], outcomes: ['SUCCEED', 'SUCCEED_COMMITFAIL', 'FAIL'], result: 'success', thrownBy: null, loginCalled: [0, 1], commitCalled: [0, 1, 2], abortCalled: [] },
  { row: 10, flags: ['REQUISITE', 'OPTIONAL'], outcomes: ['SUCCEED_COMMITFAIL', 'SUCCEED'], result: 'failure', thrownBy: 0, loginCalled: [0, 1], commitCalled: [0], abortCalled: [0, 1] },
];

describe('commit phase failures (spec §6 item 8, §8 rows 4–10)', () => {
  for (const p of PROBES) {
    it(`probe ${p.row}: [${p.flags.join(', ')}] / [${p.outcomes.join(', ')}] → ${p.result}`, async () => {
      const r = await runLoginStack(stubStack(p.flags, p.outcomes), undefined);
      expect(recordedRun(r)).toEqual(recordedFields(p));
      if (!r.ok) {
        // The module's own commit() exception, unchanged.
        expect(r.error).toBeInstanceOf(FailedLogin);
        expect((r.error as FailedLogin).phase).toBe('commit');
        expect(r.failedPhase).toBe('commit');
      }
    });
  }

  it('probe 8: commit() reaches a module whose login() never ran, and tells it so', async () => {
    const seen: string[] = [];
    const r = await runLoginStack(
      [
        { name: 'ticket', flag: 'SUFFICIENT', module: { login: () => true, commit: () => { throw new Error('commit failed'); } } },
        {
          name: 'password',
          flag: 'REQUIRED',
          module: {
            login: () => true,
            commit: (_c, call) => { seen.push(`${call.phase}:${call.loginOutcome}:${call.creditedModule}`); return false; },
            abort: (_c, call) => { seen.push(`${call.phase}:${call.loginOutcome}`); return false; },
          },
        },
      ],
      undefined,
    );
    expect(r.ok).toBe(false);
    expect(r.failedModule).toBe('ticket');
    expect(seen).toEqual(['commit:not-run:ticket', 'abort:not-run']);
  });

  it('a commit that returns a non-boolean fails closed under its flag', async () => {
    const r = await runLoginStack(
      [{ name: 'm', flag: 'REQUIRED', module: { login: () => true, commit: () => 'yes' as unknown as boolean } }],
      undefined,
    );
    expect(r.ok).toBe(false);
    expect((r.error as { code?: string }).code).toBe('ERR_MODULE_INVALID_RESULT');
  });

  describe('through loginStack', () => {
    function build(flag: ControlFlag) {
      const calls: string[] = [];
      const p = freshPassport();
      p.use('pw', scriptedStrategy('pw', calls));
      p.use('mark', scriptedStrategy('mark', calls));
      const hooks = recordingHooks(calls);
      const guard = loginStack(
        [
          { name: 'pw', flag: 'REQUIRED', module: 'pw', ...hooks },
          {
            name: 'mark',
            flag,
            module: 'mark',
            commit: (ctx) => {
              calls.push(`commit:mark(user=${(ctx.user as { id: string }).id})`);
              throw new Error('cannot issue ticket');
            },
            abort: hooks.abort!,
          },
        ],
        { passport: p, session: false },
      );
      const app = express();
      let userSeenAfter: unknown = 'unset';
      app.get('/private', guard, (req, res) => res.json({ user: req.user }));
      app.use(((_err, req, res, _next) => { userSeenAfter = req.user; res.status(500).end(); }) as express.ErrorRequestHandler);
      return { app, calls, userAfter: () => userSeenAfter };
    }

    it('REQUIRED commit hook throws: the stack fails, every module is aborted, the login is undone, 401', async () => {
      const { app, calls } = build('REQUIRED');
      const res = await request(app).get('/private').set('x-pw', 'succeed:alice').set('x-mark', 'succeed:alice');
      expect(res.status).toBe(401);
      expect(calls).toEqual(['login:pw', 'login:mark', 'commit:pw', 'commit:mark(user=alice)', 'abort:pw', 'abort:mark']);
    });

    it('OPTIONAL commit hook throws: tolerated, success (§8 probe 5)', async () => {
      const { app, calls } = build('OPTIONAL');
      const res = await request(app).get('/private').set('x-pw', 'succeed:alice').set('x-mark', 'succeed:alice');
      expect(res.status).toBe(200);
      expect(res.body.user.id).toBe('alice');
      expect(calls).toEqual(['login:pw', 'login:mark', 'commit:pw', 'commit:mark(user=alice)']);
    });
  });

  it('through loginStack: the user is set during commit and removed after a failed commit phase (session: false)', async () => {
    const p = freshPassport();
    p.use('pw', scriptedStrategy('pw'));
    let duringCommit: unknown;
    let atResponse: unknown = 'unset';
    const guard = loginStack(
      [{ name: 'pw', flag: 'REQUIRED', module: 'pw', commit: (ctx) => { duringCommit = ctx.req.user; throw new Error('no'); } }],
      { passport: p, session: false },
    );
    const app = appWith(guard, [(req, res, next) => { res.on('finish', () => { atResponse = req.user; }); next(); }]);
    const res = await request(app).get('/private').set('x-pw', 'succeed:alice');
    expect(res.status).toBe(401);
    expect(duringCommit).toEqual({ id: 'alice', via: 'pw' });
    expect(atResponse).toBeUndefined();
  });
});
