/**
 * The strategy timeout (`timeoutMs`): every call gets its own `timeoutMs` from its own start, whatever the other
 * requests do; the stack keeps one timer for all of them (passport-adapter.ts, StrategyDeadlines).
 */
import type { Request } from 'express';
import { Passport } from 'passport';
import request from 'supertest';
import { describe, expect, it } from 'vitest';
import { loginStack } from '../../src/index.js';
import { appWith } from './helpers.js';

const TIMEOUT_MS = 150;

/** A strategy that never answers (`x-answer: never`) or succeeds after `x-answer` milliseconds. */
const strategy = {
  authenticate(this: { success(user: unknown): void }, req: Request) {
    const answer = req.get('x-answer');
    if (answer !== 'never') setTimeout(() => this.success({ id: 'alice' }), Number(answer));
  },
};

function app() {
  return appWith(loginStack([{ name: 'slow', flag: 'REQUIRED', module: strategy }], { passport: new Passport(), session: false, timeoutMs: TIMEOUT_MS }));
}

/** Sends one request and reports its status, error code and how long it took. */
async function timed(server: ReturnType<typeof app>, answer: string): Promise<{ status: number; code: string | undefined; ms: number }> {
  const started = performance.now();
  const res = await request(server).get('/private').set('x-answer', answer);
  return { status: res.status, code: (res.body as { code?: string }).code, ms: performance.now() - started };
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('strategy timeout', () => {
  it('times out each hanging call timeoutMs after its own start, not at the first deadline', async () => {
    const server = app();
    const first = timed(server, 'never');
    await sleep(60);
    const second = timed(server, 'never');
    const [a, b] = await Promise.all([first, second]);
    for (const r of [a, b]) {
      expect(r.code).toBe('ERR_STRATEGY_TIMEOUT');
      expect(r.ms).toBeGreaterThanOrEqual(TIMEOUT_MS - 5); // timers may round a millisecond down
    }
  });

  it('a call that answers in time succeeds between hanging ones, which still time out', async () => {
    const server = app();
    const hanging = timed(server, 'never');
    await sleep(20);
    const answered = timed(server, '60'); // answers while it waits between the two others
    await sleep(20);
    const later = timed(server, 'never');
    expect((await answered).status).toBe(200);
    for (const r of [await hanging, await later]) {
      expect(r.code).toBe('ERR_STRATEGY_TIMEOUT');
      expect(r.ms).toBeGreaterThanOrEqual(TIMEOUT_MS - 5);
    }
  });

  it('still times out calls after every earlier call has answered (the timer is armed again)', async () => {
    const server = app();
    expect((await timed(server, '0')).status).toBe(200);
    await sleep(TIMEOUT_MS + 20); // the stack's timer fired with nothing waiting
    const late = await timed(server, 'never');
    expect(late.code).toBe('ERR_STRATEGY_TIMEOUT');
    expect(late.ms).toBeGreaterThanOrEqual(TIMEOUT_MS - 5);
  });
});
