import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { SingleDes } from '../../src/passticket/des.js';
import {
  generateLegacyPassTicket,
  LegacyPassTicketContext,
  permute,
  timeCoderPad,
  translateLegacy,
  unpermute,
} from '../../src/passticket/legacy-algorithm.js';

interface LegacyVector {
  user: string;
  application: string;
  key: string;
  time: number;
  passticket: string;
}
const vectors = JSON.parse(readFileSync(new URL('../fixtures/passticket/legacy.json', import.meta.url), 'utf8')) as {
  published: Array<LegacyVector & { intermediate_self_derived: Record<string, string> }>;
  published_component_vectors: Array<Record<string, string>>;
  self_derived_unconfirmed_by_racf: LegacyVector[];
};

describe('legacy PassTicket vectors (passticket.md §1.5, legacy.json)', () => {
  it.each(vectors.published)('published: $user / $application / t=$time → $passticket', (v) => {
    expect(generateLegacyPassTicket(v)).toBe(v.passticket);
    const steps = new LegacyPassTicketContext(new SingleDes(Buffer.from(v.key, 'hex')), v.user, v.application).steps(v.time);
    expect(steps).toEqual({ ...v.intermediate_self_derived, passticket: v.passticket });
  });

  it.each(vectors.self_derived_unconfirmed_by_racf)('self-derived: $user / $application / t=$time → $passticket', (v) => {
    expect(generateLegacyPassTicket(v)).toBe(v.passticket);
  });

  const components = vectors.published_component_vectors;
  it('has the six component checks', () => expect(components).toHaveLength(6));

  it.each(components.filter((c) => c.what === 'translation step only'))('translation $result5_hex → $passticket', (c) => {
    expect(translateLegacy(parseInt(c.result5_hex!, 16))).toBe(c.passticket);
  });
  it.each(components.filter((c) => c.what?.startsWith('translation step, first')))('translation char 1 of $result5_hex', (c) => {
    expect(translateLegacy(parseInt(c.result5_hex!, 16))[0]).toBe(c.char1);
  });
  it.each(components.filter((c) => c.what === 'time-coder padding'))('padding of $user', (c) => {
    expect(timeCoderPad(c.user!).toString('hex').toUpperCase()).toBe(c.pad12_hex);
  });
  it.each(components.filter((c) => c.what?.startsWith('time-coder permutation')))('permutation round 1', (c) => {
    const out = permute(1, parseInt(c.input_bits!, 2));
    expect(out.toString(2).padStart(16, '0')).toBe(c.output_bits);
    expect(unpermute(1, out)).toBe(parseInt(c.input_bits!, 2));
  });
  it.each(components.filter((c) => c.what?.startsWith('raw single DES')))('single DES via des-ede3-ecb K‖K‖K', (c) => {
    const des = new SingleDes(Buffer.from(c.key!, 'hex'));
    expect(des.encrypt(Buffer.from(c.plaintext_ascii!, 'latin1')).toString('hex').toUpperCase()).toBe(c.ciphertext);
    // The cipher object is reused block after block (ECB, no padding): same answer on the second call.
    expect(des.encrypt(Buffer.from(c.plaintext_ascii!, 'latin1')).toString('hex').toUpperCase()).toBe(c.ciphertext);
  });

  it('every permutation round is inverted by unpermute', () => {
    for (let round = 1; round <= 6; round++) {
      for (const v of [0, 1, 0x8000, 0x1234, 0xffff, 0xa5c3]) expect(unpermute(round, permute(round, v))).toBe(v);
    }
  });

  it('uppercases the user and application, ignores key parity bits and wraps time at 2^32 (§1.1, §1.6)', () => {
    const v = vectors.published[0]!;
    expect(generateLegacyPassTicket({ ...v, user: 'mikem', application: 'tsosys1' })).toBe(v.passticket);
    const flipped = Buffer.from(v.key, 'hex').map((b) => b ^ 0x01);
    expect(generateLegacyPassTicket({ ...v, key: flipped })).toBe(v.passticket);
    expect(generateLegacyPassTicket({ ...v, time: v.time + 2 ** 32 })).toBe(v.passticket);
  });
});
