import { describe, expect, it } from 'vitest';
import { PassTicketGenerator } from '../../src/passticket/generator.js';
import { PassTicketVerifier } from '../../src/passticket/verifier.js';
import { frozenClock, profiles, TestGuard, TestStateStore } from './helpers.js';

describe('failed PassTicket sign-ons count toward revocation (passticket.md §2.4)', () => {
  const setup = () => {
    const p = profiles();
    const state = new TestStateStore();
    const guard = new TestGuard(3);
    return {
      guard,
      gen: new PassTicketGenerator({ profiles: p, state, clock: frozenClock() }),
      ver: new PassTicketVerifier({ profiles: p, state, guard, clock: frozenClock() }),
    };
  };

  it('wrong tickets count, the threshold revokes, and a revoked user fails even with a valid ticket', async () => {
    const { gen, ver, guard } = setup();
    const good = await gen.generate({ user: 'ALICE', application: 'CICSAPP1' });
    expect(await ver.verifyPassTicket({ user: 'ALICE', application: 'CICSAPP1', ticket: 'AAAAAAAA' })).toMatchObject({ valid: false, revoked: false });
    await ver.verifyPassTicket({ user: 'ALICE', application: 'CICSAPP1', ticket: 'BBBBBBBB' });
    expect(await ver.verifyPassTicket({ user: 'ALICE', application: 'CICSAPP1', ticket: 'CCCCCCCC' })).toMatchObject({ valid: false, revoked: true });
    expect(await ver.verifyPassTicket({ user: 'ALICE', application: 'CICSAPP1', ticket: good.ticket })).toEqual({
      valid: false,
      reason: 'revoked',
      code: 'ERR_PASSTICKET_REFUSED',
      revoked: true,
    });
    // The refused valid ticket was not consumed: after RESUME it still works, once.
    await guard.restore('ALICE');
    expect((await ver.verifyPassTicket({ user: 'ALICE', application: 'CICSAPP1', ticket: good.ticket })).valid).toBe(true);
  });

  it('a revoked user can still be issued a ticket, but signing on with it fails', async () => {
    const { gen, ver, guard } = setup();
    guard.revoked.add('ALICE');
    const issued = await gen.generate({ user: 'ALICE', application: 'TSOSYS1' });
    expect(issued.ticket).toMatch(/^[0-9A-Z]{8}$/);
    expect(await ver.verifyPassTicket({ user: 'ALICE', application: 'TSOSYS1', ticket: issued.ticket })).toMatchObject({ reason: 'revoked' });
  });

  it('a replayed ticket counts as a failure; a success resets the count', async () => {
    const { gen, ver, guard } = setup();
    const t = await gen.generate({ user: 'BOB', application: 'CICSAPP1' });
    await ver.verifyPassTicket({ user: 'BOB', application: 'CICSAPP1', ticket: 'AAAAAAAA' });
    expect(guard.failures.get('BOB')).toBe(1);
    expect((await ver.verifyPassTicket({ user: 'BOB', application: 'CICSAPP1', ticket: t.ticket })).valid).toBe(true);
    expect(guard.failures.get('BOB')).toBeUndefined();
    expect(await ver.verifyPassTicket({ user: 'BOB', application: 'CICSAPP1', ticket: t.ticket })).toMatchObject({ reason: 'replayed' });
    expect(guard.failures.get('BOB')).toBe(1);
  });

  it('without a guard nothing is counted (R_GenSec evaluate semantics)', async () => {
    const p = profiles();
    const ver = new PassTicketVerifier({ profiles: p, state: new TestStateStore(), clock: frozenClock() });
    for (let i = 0; i < 5; i++) {
      expect(await ver.verifyPassTicket({ user: 'ALICE', application: 'CICSAPP1', ticket: 'AAAAAAAA' })).toEqual({
        valid: false,
        reason: 'invalid',
        code: 'ERR_PASSTICKET_REFUSED',
      });
    }
  });
});

describe('revocation with the real SignOnGuard and FileUserStore', () => {
  it('wrong PassTickets revoke the user in the store; a valid ticket then fails; RESUME lets it through', async () => {
    const { mkdtempSync, rmSync } = await import('node:fs');
    const os = await import('node:os');
    const path = await import('node:path');
    const { FileUserStore } = await import('../../src/users/file-user-store.js');
    const { SignOnGuard } = await import('../../src/users/sign-on-guard.js');
    const dir = mkdtempSync(path.join(os.tmpdir(), 'ticketstack-pt-users-'));
    try {
      const users = new FileUserStore({ path: path.join(dir, 'users.json'), hashParams: { ln: 4, r: 8, p: 1 } });
      await users.createUser({ id: 'Alice', password: 'correct horse', groups: ['PAYROLL'] });
      const state = new TestStateStore();
      const guard = new SignOnGuard({ users, state, maxFailures: 3 });
      const p = profiles();
      const gen = new PassTicketGenerator({ profiles: p, state, clock: frozenClock() });
      const ver = new PassTicketVerifier({ profiles: p, state, guard, users, clock: frozenClock() });
      const good = await gen.generate({ user: 'ALICE', application: 'TSOSYS1' });
      for (const t of ['AAAAAAAA', 'BBBBBBBB']) expect((await ver.verifyPassTicket({ user: 'alice', application: 'TSOSYS1', ticket: t })).valid).toBe(false);
      expect(await ver.verifyPassTicket({ user: 'alice', application: 'TSOSYS1', ticket: 'CCCCCCCC' })).toMatchObject({ revoked: true });
      expect((await users.findUser('alice'))?.revoked).toBe(true);
      expect(await ver.verifyPassTicket({ user: 'alice', application: 'TSOSYS1', ticket: good.ticket })).toMatchObject({ reason: 'revoked' });
      // A revoked user can still be issued a ticket.
      const issued = await gen.generate({ user: 'ALICE', application: 'TSOSYS1' });
      await guard.restore('alice');
      const ok = await ver.verifyPassTicket({ user: 'alice', application: 'TSOSYS1', ticket: issued.ticket });
      expect(ok).toMatchObject({ valid: true, user: 'Alice', record: { groups: ['PAYROLL'] } });
      expect(await guard.failures('alice')).toBe(0);
      await users.close();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
