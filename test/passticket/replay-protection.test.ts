import { describe, expect, it } from 'vitest';
import { PassTicketGenerator } from '../../src/passticket/generator.js';
import { PassTicketVerifier } from '../../src/passticket/verifier.js';
import { frozenClock, NOW, profiles, TestStateStore } from './helpers.js';

describe('replay protection (passticket.md §2.3)', () => {
  const setup = () => {
    const p = profiles();
    const state = new TestStateStore();
    return {
      gen: new PassTicketGenerator({ profiles: p, state, clock: frozenClock() }),
      ver: new PassTicketVerifier({ profiles: p, state, clock: frozenClock() }),
      state,
    };
  };

  it.each(['CICSAPP1', 'TSOSYS1'])('a ticket for %s is accepted once, then refused as a replay', async (application) => {
    const { gen, ver } = setup();
    const { ticket, time } = await gen.generate({ user: 'alice', application });
    expect(await ver.verifyPassTicket({ user: 'ALICE', application, ticket })).toMatchObject({
      valid: true,
      user: 'ALICE',
      generatedAt: time,
    });
    expect(await ver.verifyPassTicket({ user: 'ALICE', application, ticket, now: NOW + 5 })).toEqual({
      valid: false,
      reason: 'replayed',
      code: 'ERR_PASSTICKET_REFUSED',
    });
  });

  it('the replay marker is per user and application: another user or application is not affected', async () => {
    const { gen, ver } = setup();
    const a = await gen.generate({ user: 'ALICE', application: 'CICSAPP1' });
    const b = await gen.generate({ user: 'BOB', application: 'CICSAPP1' });
    expect((await ver.verifyPassTicket({ user: 'ALICE', application: 'CICSAPP1', ticket: a.ticket })).valid).toBe(true);
    expect((await ver.verifyPassTicket({ user: 'BOB', application: 'CICSAPP1', ticket: b.ticket })).valid).toBe(true);
    // Alice's ticket is not Bob's.
    expect((await ver.verifyPassTicket({ user: 'BOB', application: 'CICSAPP1', ticket: a.ticket })).valid).toBe(false);
  });

  it("'no replay protection' (APPLDATA) accepts the same ticket repeatedly, and generation repeats within a second", async () => {
    const { gen, ver } = setup();
    const first = await gen.generate({ user: 'ALICE', application: 'NOREPLAY' });
    const second = await gen.generate({ user: 'ALICE', application: 'NOREPLAY' });
    expect(second.ticket).toBe(first.ticket); // RACF: the same second gives the same ticket
    for (let i = 0; i < 3; i++) {
      expect((await ver.verifyPassTicket({ user: 'ALICE', application: 'NOREPLAY', ticket: first.ticket })).valid).toBe(true);
    }
  });

  it('no ticket text is stored: the replay marker names the recovered generation second', async () => {
    const { gen, ver, state } = setup();
    const { ticket, time } = await gen.generate({ user: 'ALICE', application: 'CICSAPP1' });
    await ver.verifyPassTicket({ user: 'ALICE', application: 'CICSAPP1', ticket });
    const keys = state.claimed;
    expect(keys).toContain(`ticketstack:passticket:used:CICSAPP1:ALICE:${time}`);
    expect(keys.join('\n')).not.toContain(ticket);
  });

  it('a ticket outside the validity window is refused (±600 s by default; per profile)', async () => {
    const { gen, ver } = setup();
    const { ticket } = await gen.generate({ user: 'ALICE', application: 'CICSAPP1', now: NOW - 700 });
    expect(await ver.verifyPassTicket({ user: 'ALICE', application: 'CICSAPP1', ticket })).toMatchObject({ valid: false, reason: 'invalid' });
    const short = profiles({ validitySeconds: 30 });
    const state = new TestStateStore();
    const g = new PassTicketGenerator({ profiles: short, state, clock: frozenClock(NOW - 31) });
    const v = new PassTicketVerifier({ profiles: short, state, clock: frozenClock() });
    const old = await g.generate({ user: 'ALICE', application: 'TSOSYS1' });
    expect((await v.verifyPassTicket({ user: 'ALICE', application: 'TSOSYS1', ticket: old.ticket })).valid).toBe(false);
  });
});
