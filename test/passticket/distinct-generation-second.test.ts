import { describe, expect, it } from 'vitest';
import { PassTicketGenerator } from '../../src/passticket/generator.js';
import { PassTicketVerifier } from '../../src/passticket/verifier.js';
import { frozenClock, NOW, profiles, TestStateStore } from './helpers.js';

describe('distinct generation seconds (issue 5 item 4)', () => {
  it.each(['CICSAPP1', 'TSOSYS1'])(
    '%s: 100 concurrent requests in one frozen second yield 100 distinct tickets, each accepted once',
    async (application) => {
      const p = profiles();
      const state = new TestStateStore();
      const gen = new PassTicketGenerator({ profiles: p, state, clock: frozenClock() });
      const ver = new PassTicketVerifier({ profiles: p, state, clock: frozenClock() });
      const issued = await Promise.all(Array.from({ length: 100 }, () => gen.generate({ user: 'ALICE', application })));
      expect(new Set(issued.map((i) => i.ticket)).size).toBe(100);
      expect(new Set(issued.map((i) => i.time)).size).toBe(100);
      for (const i of issued) expect(Math.abs(i.time - NOW)).toBeLessThanOrEqual(50);
      const first = await Promise.all(issued.map((i) => ver.verifyPassTicket({ user: 'ALICE', application, ticket: i.ticket })));
      expect(first.every((r) => r.valid)).toBe(true);
      const again = await Promise.all(issued.map((i) => ver.verifyPassTicket({ user: 'ALICE', application, ticket: i.ticket })));
      expect(again.every((r) => !r.valid)).toBe(true);
    },
  );

  it('picks now, now-1, now+1, now-2, … and fails with ERR_PASSTICKET_BUSY beyond maxSpreadSeconds', async () => {
    const p = profiles();
    const gen = new PassTicketGenerator({ profiles: p, state: new TestStateStore(), clock: frozenClock(), maxSpreadSeconds: 2 });
    const times = [];
    for (let i = 0; i < 5; i++) times.push((await gen.generate({ user: 'ALICE', application: 'CICSAPP1' })).time - NOW);
    expect(times).toEqual([0, -1, 1, -2, 2]);
    await expect(gen.generate({ user: 'ALICE', application: 'CICSAPP1' })).rejects.toMatchObject({ code: 'ERR_PASSTICKET_BUSY' });
    // Another user is not affected.
    expect((await gen.generate({ user: 'BOB', application: 'CICSAPP1' })).time).toBe(NOW);
  });

  it('two generators sharing one StateStore (two instances) never hand out the same second', async () => {
    const p = profiles();
    const state = new TestStateStore();
    const a = new PassTicketGenerator({ profiles: p, state, clock: frozenClock() });
    const b = new PassTicketGenerator({ profiles: p, state, clock: frozenClock() });
    const out = await Promise.all(Array.from({ length: 20 }, (_, i) => (i % 2 ? a : b).generate({ user: 'ALICE', application: 'CICSAPP1' })));
    expect(new Set(out.map((o) => o.ticket)).size).toBe(20);
  });

  it('mayGenerate: false refuses generation', async () => {
    const gen = new PassTicketGenerator({ profiles: profiles({}, false), state: new TestStateStore(), clock: frozenClock() });
    await expect(gen.generate({ user: 'ALICE', application: 'CICSAPP1' })).rejects.toMatchObject({
      code: 'ERR_PASSTICKET_GENERATION_DISABLED',
    });
  });
});
