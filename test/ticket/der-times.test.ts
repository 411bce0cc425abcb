/**
 * The DER reader's times (src/ticket/der.ts; X.690 §11.7, §11.8): UTCTime `YYMMDDHHMMSSZ` (1950–2049) and
 * GeneralizedTime `YYYYMMDDHHMMSS[.f]Z`, every calendar date read as written — including the years 0000–0099 of a
 * GeneralizedTime, which `Date.UTC` would move to 1900–1999.
 */
import { describe, expect, it } from 'vitest';
import { checkTree, readElement, readTime, TAG } from '../../src/ticket/der.js';

/** Reads one time element the way the CMS parser does: the tree check first, then the value. */
function time(tag: number, text: string): string {
  const bytes = Uint8Array.from([tag, text.length, ...Buffer.from(text, 'latin1')]);
  const el = readElement(bytes, 0, bytes.length);
  checkTree(bytes, el);
  return readTime(bytes, el, 'time').toISOString();
}
const generalized = (text: string) => time(TAG.GENERALIZED_TIME, text);
const utc = (text: string) => time(TAG.UTC_TIME, text);

describe('GeneralizedTime', () => {
  it('reads the years 0000–0099 as written (not as 1900–1999)', () => {
    expect(generalized('00500101000000Z')).toBe('0050-01-01T00:00:00.000Z');
    expect(generalized('00000101000000Z')).toBe('0000-01-01T00:00:00.000Z');
    expect(generalized('00991231235959Z')).toBe('0099-12-31T23:59:59.000Z');
  });

  it('knows the leap years: 29 February of 0000, 2000 and 2024, not of 1900 or 2023', () => {
    expect(generalized('00000229000000Z')).toBe('0000-02-29T00:00:00.000Z');
    expect(generalized('20000229000000Z')).toBe('2000-02-29T00:00:00.000Z');
    expect(generalized('20240229120000Z')).toBe('2024-02-29T12:00:00.000Z');
    for (const bad of ['19000229000000Z', '20230229000000Z', '20230431000000Z']) expect(() => generalized(bad), bad).toThrow(/not a DER time/);
  });

  it('takes fractions without a trailing zero (X.690 §11.7.3) and refuses every other form', () => {
    expect(generalized('20230101000000.5Z')).toBe('2023-01-01T00:00:00.500Z');
    expect(generalized('20230101000000.123456Z')).toBe('2023-01-01T00:00:00.123Z');
    for (const bad of ['20230101000000.50Z', '20230101000000.Z', '20230101000000,5Z', '202301010000Z', '20230101000000+0000', '20230101000000', '20231231235960Z']) {
      expect(() => generalized(bad), bad).toThrow(/not a DER time/);
    }
  });
});

describe('UTCTime', () => {
  it('maps YY 50–99 to 1950–1999 and 00–49 to 2000–2049 (RFC 5280 §4.1.2.5.1)', () => {
    expect(utc('500101000000Z')).toBe('1950-01-01T00:00:00.000Z');
    expect(utc('491231235959Z')).toBe('2049-12-31T23:59:59.000Z');
    expect(utc('000229000000Z')).toBe('2000-02-29T00:00:00.000Z');
  });

  it('refuses what DER does not allow: no seconds, an offset, a fraction, an impossible date', () => {
    for (const bad of ['0001010000Z', '000101000000+0100', '000101000000.5Z', '010229000000Z']) expect(() => utc(bad), bad).toThrow(/not a DER time/);
  });
});
