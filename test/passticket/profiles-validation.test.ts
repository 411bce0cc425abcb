import { describe, expect, it } from 'vitest';
import { isRacfName, toEbcdic8 } from '../../src/passticket/ebcdic.js';
import { defineApplication, PassTicketProfiles, type ApplicationDefinition } from '../../src/passticket/profiles.js';
import { ENHANCED_KEY, LEGACY_KEY } from './helpers.js';

const base: ApplicationDefinition = { name: 'CICSAPP1', key: LEGACY_KEY, algorithm: 'legacy' };
const SECRET_HEX = 'DEADBEEFCAFEF00D';

function messageOf(fn: () => unknown): string {
  try {
    fn();
  } catch (err) {
    expect(err).toBeInstanceOf(TypeError);
    return (err as Error).message;
  }
  throw new Error('expected a TypeError');
}

describe('application profiles (PTKTDATA) validation', () => {
  it('defaults: ±600 s, replay protection on, UPPER for enhanced, nobody may generate', () => {
    const legacy = defineApplication(base);
    expect(legacy).toMatchObject({ name: 'CICSAPP1', algorithm: 'legacy', validitySeconds: 600, replayProtection: true, type: undefined });
    expect(legacy.allowsGenerator('ALICE')).toBe(false);
    const enhanced = defineApplication({ name: 'tsosys1', key: ENHANCED_KEY, algorithm: 'enhanced' });
    expect(enhanced).toMatchObject({ name: 'TSOSYS1', type: 'UPPER' });
  });

  it.each<[string, Partial<ApplicationDefinition> & Record<string, unknown>, string]>([
    ['name too long', { name: 'TOOLONGNAME' }, "'name'"],
    ['name empty', { name: '' }, "'name'"],
    ['name with a dot', { name: 'APP.1' }, "'name'"],
    ['algorithm', { algorithm: 'des' as never }, "'algorithm'"],
    ['legacy key length', { key: SECRET_HEX + '00' }, "'key'"],
    ['legacy key not hex', { key: 'ZZ'.repeat(8) }, "'key'"],
    ['enhanced key too short', { algorithm: 'enhanced', key: SECRET_HEX }, "'key'"],
    ['type on legacy', { type: 'UPPER' }, "'type'"],
    ['bad type', { algorithm: 'enhanced', key: ENHANCED_KEY, type: 'LOWER' as never }, "'type'"],
    ['validity 0', { validitySeconds: 0 }, "'validitySeconds'"],
    ['validity fractional', { validitySeconds: 1.5 }, "'validitySeconds'"],
    ['replay not boolean', { replayProtection: 'no' as never }, "'replayProtection'"],
    ['generators shape', { generators: { users: 'ALICE' } as never }, "'generators'"],
    ['unknown option', { replay: false }, 'unknown option "replay"'],
  ])('%s → TypeError naming the option', (_label, patch, option) => {
    const message = messageOf(() => defineApplication({ ...base, ...patch } as ApplicationDefinition));
    expect(message).toContain(option);
    expect(message).not.toContain(SECRET_HEX);
    expect(message).not.toContain(SECRET_HEX.toLowerCase());
  });

  it('PassTicketProfiles: duplicate names, bad mayGenerate, lookups case-insensitive', () => {
    expect(messageOf(() => new PassTicketProfiles({ applications: [base, base] }))).toContain('twice');
    expect(messageOf(() => new PassTicketProfiles({ applications: [], mayGenerate: 'yes' as never }))).toContain("'mayGenerate'");
    const p = new PassTicketProfiles({ applications: [base] });
    expect(p.get('cicsapp1')?.name).toBe('CICSAPP1');
    expect(p.get('OTHER')).toBeUndefined();
    expect(p.mayGenerate).toBe(true);
  });

  it('generators: users, "*" and groups, case-insensitive (IRRPTAUTH.applid.userid)', () => {
    const app = defineApplication({ ...base, generators: { users: ['alice'], groups: ['Payroll'] } });
    expect(app.allowsGenerator('ALICE')).toBe(true);
    expect(app.allowsGenerator('bob')).toBe(false);
    expect(app.allowsGenerator('bob', ['PAYROLL'])).toBe(true);
    expect(defineApplication({ ...base, generators: { users: ['*'] } }).allowsGenerator('ANYONE')).toBe(true);
  });

  it('the RACF character set: A-Z 0-9 @ # $ only, 1 to 8 characters (§1.1)', () => {
    expect(toEbcdic8('ibm@#$1').toString('hex')).toBe('c9c2d47c7b5bf140');
    for (const bad of ['', 'ALICE!', 'ÄRGER', 'a b', '123456789']) {
      expect(isRacfName(bad)).toBe(false);
      expect(() => toEbcdic8(bad, 'user')).toThrow(TypeError);
    }
  });
});
