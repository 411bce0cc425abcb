import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import {
  decodeEnhanced,
  encodeEnhanced,
  generateEnhancedPassTicket,
  type EnhancedType,
} from '../../src/passticket/enhanced-algorithm.js';

const vectors = JSON.parse(readFileSync(new URL('../fixtures/passticket/enhanced.json', import.meta.url), 'utf8')) as {
  key_hex: string;
  self_derived: Array<{ type: EnhancedType; user: string; application: string; time: number; passticket: string }>;
};

describe('enhanced PassTicket vectors (passticket.md §3, enhanced.json; self-derived, not confirmed by RACF)', () => {
  it('has the six self-derived vectors', () => expect(vectors.self_derived).toHaveLength(6));

  it.each(vectors.self_derived)('$type: $user / $application / t=$time → $passticket', (v) => {
    expect(generateEnhancedPassTicket({ ...v, key: vectors.key_hex })).toBe(v.passticket);
    expect(generateEnhancedPassTicket({ ...v, key: Buffer.from(vectors.key_hex, 'hex') })).toBe(v.passticket);
  });

  it('UPPER tickets use 0-9 A-Z only; MIXED ones round-trip through base 64 (§3.2)', () => {
    for (const v of vectors.self_derived) {
      if (v.type === 'UPPER') expect(v.passticket).toMatch(/^[0-9A-Z]{8}$/);
      const value = decodeEnhanced(v.passticket, v.type);
      expect(value).not.toBeNull();
      expect(encodeEnhanced(value!, v.type)).toBe(v.passticket);
    }
    expect(decodeEnhanced('ZZZZZZZZ', 'UPPER')).toBeNull(); // ≥ 2^41: cannot be an UPPER output
    expect(decodeEnhanced('abcdefgh', 'UPPER')).toBeNull();
  });

  it('rejects keys outside 32..256 bytes (§3.3)', () => {
    const v = vectors.self_derived[0]!;
    expect(() => generateEnhancedPassTicket({ ...v, key: Buffer.alloc(31) })).toThrow(TypeError);
    expect(() => generateEnhancedPassTicket({ ...v, key: Buffer.alloc(257) })).toThrow(TypeError);
  });
});
