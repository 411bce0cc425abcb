/** The decision record: req.ticketstack.decision and the onDecision event, in a log-safe shape. */
import request from 'supertest';
import { describe, expect, it } from 'vitest';
import { loginStack, StackError, summarizeError, type DecisionRecord } from '../../src/index.js';
import { appWith, freshPassport, scriptedStrategy } from './helpers.js';

function build(extra: { onDecision?: (r: DecisionRecord) => void } = {}) {
  const p = freshPassport();
  for (const n of ['EvaluateTicket', 'BasicPassword', 'CreateTicket']) p.use(n, scriptedStrategy(n));
  const events: DecisionRecord[] = [];
  const guard = loginStack(
    [
      { name: 'EvaluateTicket', flag: 'SUFFICIENT', module: 'EvaluateTicket' },
      { name: 'BasicPassword', flag: 'REQUISITE', module: 'BasicPassword' },
      { name: 'CreateTicket', flag: 'OPTIONAL', module: 'CreateTicket' },
    ],
    { passport: p, session: false, name: 'portal', onDecision: extra.onDecision ?? ((r) => events.push(r)) },
  );
  return { app: appWith(guard), events };
}

describe('decision record', () => {
  it('on success: credited module, every call in order, on req.ticketstack.decision and as one event', async () => {
    const { app, events } = build();
    const res = await request(app)
      .get('/private?token=SECRET-IN-QUERY')
      .set('x-EvaluateTicket', 'pass')
      .set('x-BasicPassword', 'succeed:alice')
      .set('x-CreateTicket', 'succeed:alice');
    expect(res.status).toBe(200);
    expect(events).toHaveLength(1);
    const record = events[0]!;
    expect(res.body.decision).toEqual(JSON.parse(JSON.stringify(record)));
    expect(record).toMatchObject({ stack: 'portal', route: 'GET /private', outcome: 'success', ok: true, creditedModule: 'BasicPassword' });
    expect(record.calls.map((c) => `${c.phase}:${c.module}:${c.flag}:${c.outcome}`)).toEqual([
      'login:EvaluateTicket:SUFFICIENT:ignored',
      'login:BasicPassword:REQUISITE:succeeded',
      'login:CreateTicket:OPTIONAL:succeeded',
      'commit:EvaluateTicket:SUFFICIENT:ignored',
      'commit:BasicPassword:REQUISITE:succeeded',
      'commit:CreateTicket:OPTIONAL:succeeded',
    ]);
    expect(record.calls.every((c) => typeof c.durationMs === 'number' && c.durationMs >= 0)).toBe(true);
    expect(Object.isFrozen(record) && Object.isFrozen(record.calls) && Object.isFrozen(record.calls[0])).toBe(true);
    expect(JSON.stringify(record)).not.toContain('SECRET');
    expect(new Date(record.startedAt).toISOString()).toBe(record.startedAt);
  });

  it('on failure: failed module and our own error code/message; no user, no challenge', async () => {
    const { app, events } = build();
    const res = await request(app).get('/private').set('x-EvaluateTicket', 'fail').set('x-BasicPassword', 'fail-challenge');
    expect(res.status).toBe(401);
    const record = events[0]!;
    expect(record).toMatchObject({ outcome: 'failure', ok: false, failedModule: 'BasicPassword', failedPhase: 'login', status: 401 });
    expect(record.error).toEqual({ name: 'StackError', code: 'ERR_LOGIN_FAILED', message: 'login module "BasicPassword" failed' });
    expect(record.calls.map((c) => `${c.phase}:${c.module}`)).toEqual([
      'login:EvaluateTicket', 'login:BasicPassword', 'abort:EvaluateTicket', 'abort:BasicPassword', 'abort:CreateTicket',
    ]);
    expect(JSON.stringify(record)).not.toContain('realm');
  });

  it('on error(): outcome error, the error reduced to name and code — the message (may hold secrets) is dropped', async () => {
    const { app, events } = build();
    const res = await request(app).get('/private').set('x-EvaluateTicket', 'error');
    expect(res.status).toBe(500);
    const record = events[0]!;
    expect(record).toMatchObject({ outcome: 'error', failedModule: 'EvaluateTicket', error: { name: 'Error', code: 'E_DIRECTORY_DOWN' } });
    expect(JSON.stringify(record)).not.toContain('secret detail');
    expect(record.calls[0]!.error).toEqual({ name: 'Error', code: 'E_DIRECTORY_DOWN' });
  });

  it('all modules ignored is recorded with ERR_STACK_ALL_IGNORED and no failed module', async () => {
    const { app, events } = build();
    await request(app).get('/private');
    expect(events[0]).toMatchObject({ outcome: 'failure', error: { code: 'ERR_STACK_ALL_IGNORED' } });
    expect(events[0]!.failedModule).toBeUndefined();
  });

  it('an onDecision that throws does not break the response', async () => {
    const { app } = build({ onDecision: () => { throw new Error('logger down'); } });
    const res = await request(app).get('/private').set('x-BasicPassword', 'succeed:alice');
    expect(res.status).toBe(200);
  });

  it('summarizeError keeps only name and string code for foreign errors, and never reads the stack', () => {
    expect(summarizeError(Object.assign(new Error('password=hunter2'), { code: 'EAUTH' }))).toEqual({ name: 'Error', code: 'EAUTH' });
    expect(summarizeError(new StackError('ERR_LOGIN_FAILED', 'login module "x" failed'))).toEqual({ name: 'StackError', code: 'ERR_LOGIN_FAILED', message: 'login module "x" failed' });
    expect(summarizeError('password=hunter2')).toEqual({ name: 'string' });
    expect(summarizeError({ code: 7 })).toEqual({ name: 'Object' });
  });
});
