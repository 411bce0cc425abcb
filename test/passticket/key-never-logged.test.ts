import { inspect } from 'node:util';
import { describe, expect, it } from 'vitest';
import { defineApplication, PassTicketProfiles } from '../../src/passticket/profiles.js';
import { PassTicketGenerator } from '../../src/passticket/generator.js';
import { PassTicketVerifier } from '../../src/passticket/verifier.js';
import { SingleDes } from '../../src/passticket/des.js';
import { frozenClock, TestStateStore } from './helpers.js';

const LEGACY_HEX = '0123456789ABCDEF';
const ENHANCED_HEX = 'a1'.repeat(40);

function leaks(text: string): boolean {
  const t = text.toLowerCase();
  return t.includes(LEGACY_HEX.toLowerCase()) || t.includes('a1a1a1a1') || t.includes('0x01, 0x23') || t.includes('01 23 45 67');
}

describe('keys never appear in logs or errors', () => {
  const legacy = defineApplication({ name: 'CICSAPP1', key: LEGACY_HEX, algorithm: 'legacy', generators: { users: ['*'] } });
  const enhanced = defineApplication({ name: 'TSOSYS1', key: Buffer.from(ENHANCED_HEX, 'hex'), algorithm: 'enhanced' });
  const profiles = new PassTicketProfiles({ applications: [legacy, enhanced] });

  it('JSON.stringify, util.inspect, String() and console-style formatting mask the key', () => {
    for (const x of [legacy, enhanced, profiles]) {
      expect(leaks(JSON.stringify(x))).toBe(false);
      expect(leaks(inspect(x, { depth: 10, showHidden: true }))).toBe(false);
      expect(leaks(String(x))).toBe(false);
    }
    expect(JSON.stringify(legacy)).toContain('"key":"[redacted]"');
    expect(Object.keys(legacy)).not.toContain('key');
    expect(leaks(inspect(new SingleDes(Buffer.from(LEGACY_HEX, 'hex')), { showHidden: true }))).toBe(false);
  });

  it('the key given as a Buffer is not kept (the caller may wipe it)', () => {
    const buf = Buffer.from(LEGACY_HEX, 'hex');
    const app = defineApplication({ name: 'X', key: buf, algorithm: 'legacy' });
    const ticket = app.generateAt('ALICE', 1_700_000_000);
    buf.fill(0);
    expect(app.generateAt('ALICE', 1_700_000_000)).toBe(ticket);
  });

  it('errors from generation and verification carry no key', async () => {
    const state = new TestStateStore();
    const gen = new PassTicketGenerator({ profiles, state, clock: frozenClock() });
    const ver = new PassTicketVerifier({ profiles, state, clock: frozenClock() });
    const errors: unknown[] = [];
    await gen.generate({ user: 'ALICE', application: 'NOPE' }).catch((e: unknown) => errors.push(e));
    await gen.generate({ user: 'bad user', application: 'CICSAPP1' }).catch((e: unknown) => errors.push(e));
    await ver.verifyPassTicket({ user: 'ALICE', application: 'NOPE', ticket: 'X' }).catch((e: unknown) => errors.push(e));
    expect(errors).toHaveLength(3);
    for (const e of errors) expect(leaks(inspect(e, { depth: 10 }) + JSON.stringify(e))).toBe(false);
    const result = await ver.verifyPassTicket({ user: 'ALICE', application: 'CICSAPP1', ticket: 'AAAAAAAA' });
    expect(leaks(JSON.stringify(result))).toBe(false);
  });
});
