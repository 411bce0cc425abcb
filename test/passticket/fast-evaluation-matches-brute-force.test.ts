import { createSecretKey } from 'node:crypto';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { SingleDes } from '../../src/passticket/des.js';
import { EnhancedPassTicketContext, ENHANCED_ALPHABET } from '../../src/passticket/enhanced-algorithm.js';
import { evaluateEnhanced, evaluateLegacy, legacyPreimages } from '../../src/passticket/evaluate.js';
import { LEGACY_ALPHABET, LegacyPassTicketContext, translateLegacy } from '../../src/passticket/legacy-algorithm.js';
import { bruteForceEvaluate } from './reference.js';

const name = fc.stringMatching(/^[A-Z0-9@#$]{1,8}$/);
const now = fc.integer({ min: 700, max: 2 ** 32 - 700 });
const window = fc.integer({ min: 0, max: 120 }); // small windows keep the brute-force reference quick
const offset = fc.integer({ min: -150, max: 150 });

describe('fast evaluation answers exactly as brute force (passticket.md §2.2, §3.5)', () => {
  it('legacy preimages: every Result-5 translates back to the ticket, and the true one is among them', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 2 ** 32 - 1 }), (r5) => {
        const ticket = translateLegacy(r5);
        const pre = legacyPreimages(ticket);
        expect(pre).toContain(r5);
        for (const p of pre) expect(translateLegacy(p)).toBe(ticket);
      }),
      { numRuns: 500 },
    );
  });

  it('legacy: tickets generated near now', () => {
    fc.assert(
      fc.property(fc.uint8Array({ minLength: 8, maxLength: 8 }), name, name, now, window, offset, (key, user, appl, t, w, off) => {
        const ctx = new LegacyPassTicketContext(new SingleDes(key), user, appl);
        const ticket = ctx.generate(t + off);
        const fast = evaluateLegacy(ctx, ticket, t, w);
        expect(fast.valid).toBe(bruteForceEvaluate(ctx, ticket, t, w));
        if (Math.abs(off) <= w) expect(fast).toEqual({ valid: true, time: t + off });
      }),
      { numRuns: 150 },
    );
  });

  it('legacy: random text and wrong users or applications', () => {
    const ticketText = fc.string({ unit: fc.constantFrom(...LEGACY_ALPHABET), minLength: 8, maxLength: 8 });
    fc.assert(
      fc.property(fc.uint8Array({ minLength: 8, maxLength: 8 }), name, name, now, ticketText, (key, user, appl, t, text) => {
        const ctx = new LegacyPassTicketContext(new SingleDes(key), user, appl);
        expect(evaluateLegacy(ctx, text, t, 60).valid).toBe(bruteForceEvaluate(ctx, text, t, 60));
        const other = new LegacyPassTicketContext(new SingleDes(key), user === 'X' ? 'Y' : 'X', appl);
        const ticket = other.generate(t);
        expect(evaluateLegacy(ctx, ticket, t, 60).valid).toBe(bruteForceEvaluate(ctx, ticket, t, 60));
      }),
      { numRuns: 100 },
    );
  });

  for (const type of ['UPPER', 'MIXED'] as const) {
    it(`enhanced ${type}: generated tickets and random text`, () => {
      const alphabet = ENHANCED_ALPHABET.slice(0, type === 'UPPER' ? 36 : 64);
      const ticketText = fc.string({ unit: fc.constantFrom(...alphabet), minLength: 8, maxLength: 8 });
      fc.assert(
        fc.property(
          fc.uint8Array({ minLength: 32, maxLength: 80 }),
          name,
          name,
          now,
          fc.integer({ min: 0, max: 40 }),
          fc.integer({ min: -50, max: 50 }),
          ticketText,
          (key, user, appl, t, w, off, text) => {
            const ctx = new EnhancedPassTicketContext(createSecretKey(key), user, appl, type);
            const ticket = ctx.generate(t + off);
            const fast = evaluateEnhanced(ctx, ticket, t, w);
            expect(fast.valid).toBe(bruteForceEvaluate(ctx, ticket, t, w));
            if (Math.abs(off) <= w) expect(fast).toEqual({ valid: true, time: t + off });
            expect(evaluateEnhanced(ctx, text, t, w).valid).toBe(bruteForceEvaluate(ctx, text, t, w));
          },
        ),
        { numRuns: 60 },
      );
    });
  }

  it('window boundaries are inclusive (±W) and times far from now are refused', () => {
    const ctx = new LegacyPassTicketContext(new SingleDes(Buffer.from('E001193519561977', 'hex')), 'MIKEM', 'TSOSYS1');
    const now = 1_700_000_000;
    expect(evaluateLegacy(ctx, ctx.generate(now - 600), now, 600)).toEqual({ valid: true, time: now - 600 });
    expect(evaluateLegacy(ctx, ctx.generate(now + 600), now, 600)).toEqual({ valid: true, time: now + 600 });
    expect(evaluateLegacy(ctx, ctx.generate(now - 601), now, 600).valid).toBe(false);
    expect(evaluateLegacy(ctx, ctx.generate(now + 10_000), now, 600).valid).toBe(false);
    expect(evaluateLegacy(ctx, 'aeprrz3s', 1111111, 600).valid).toBe(false); // legacy tickets are uppercase
    const enh = new EnhancedPassTicketContext(createSecretKey(Buffer.alloc(64, 7)), 'MIKEM', 'TSOSYS1', 'UPPER');
    expect(evaluateEnhanced(enh, enh.generate(now + 600), now, 600)).toEqual({ valid: true, time: now + 600 });
    expect(evaluateEnhanced(enh, enh.generate(now - 601), now, 600).valid).toBe(false);
    // UPPER drops time bits 41..47 in round 1 (the mask clears them), so a ticket is the same 2^41 s later.
    expect(enh.generate(now + 2 ** 41)).toBe(enh.generate(now));
    const mixed = new EnhancedPassTicketContext(createSecretKey(Buffer.alloc(64, 7)), 'MIKEM', 'TSOSYS1', 'MIXED');
    expect(evaluateEnhanced(mixed, mixed.generate(now), now + 2 ** 41, 600).valid).toBe(false);
  });
});
