/**
 * The legacy (DES) PassTicket generator, bit-exact with RACF (passticket.md §1.2–1.4).
 *
 * Hand-written from IBM's documented steps ("Incorporating the PassTicket generator algorithm into your program",
 * "How the Time-Coder Algorithm Works", "The Permutation Tables"): no npm library implements it. Anchored by the
 * published vector MIKEM / TSOSYS1 / E001193519561977 / 1111111 → AEPRRZ3S (§1.5) and the component checks in
 * test/fixtures/passticket/legacy.json.
 *
 * @module
 */
import { SingleDes } from './des.js';
import { toEbcdic, toEbcdic8 } from './ebcdic.js';

/** §1.4: letters first, then digits. */
export const LEGACY_ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789';

/** §1.3: for each round, the input bit (1 = MSB) that feeds output bits 1..16. */
export const LEGACY_PERMUTATIONS: readonly (readonly number[])[] = [
  [10, 2, 12, 4, 14, 6, 16, 8, 9, 1, 11, 3, 13, 5, 15, 7],
  [1, 10, 3, 12, 13, 16, 7, 15, 9, 2, 11, 4, 5, 14, 8, 6],
  [3, 10, 1, 12, 13, 16, 9, 15, 7, 2, 14, 4, 5, 11, 8, 6],
  [10, 4, 12, 2, 14, 8, 16, 6, 9, 1, 13, 3, 11, 5, 15, 7],
  [4, 10, 12, 1, 8, 16, 14, 5, 9, 2, 13, 3, 11, 7, 15, 6],
  [1, 16, 15, 14, 13, 12, 11, 10, 9, 8, 7, 6, 5, 4, 3, 2],
];

/** Permute_r of §1.3 on a 16-bit value (`round` is 1..6). */
export function permute(round: number, value: number): number {
  const table = LEGACY_PERMUTATIONS[round - 1]!;
  let out = 0;
  for (let i = 0; i < 16; i++) out |= ((value >>> (16 - table[i]!)) & 1) << (15 - i);
  return out;
}

/** The inverse of {@link permute}: used by the fast evaluator to run the time-coder backwards. */
export function unpermute(round: number, value: number): number {
  const table = LEGACY_PERMUTATIONS[round - 1]!;
  let out = 0;
  for (let i = 0; i < 16; i++) out |= ((value >>> (15 - i)) & 1) << (16 - table[i]!);
  return out;
}

/**
 * §1.3 setup: the 12-byte pad, the user ID *without* its trailing blanks, in EBCDIC, padded with 0x55
 * (blank-padding it is the classic bug of §1.6).
 */
export function timeCoderPad(user: string): Buffer {
  const pad = Buffer.alloc(12, 0x55);
  toEbcdic(user, 'user').copy(pad);
  return pad;
}

/** §1.4: Result-5 (uint32) → 8 characters. Character i uses the 2 low bits of nibble i-1 (wrapping) and nibble i. */
export function translateLegacy(result5: number): string {
  let out = '';
  for (let i = 0; i < 8; i++) {
    const nibble = (result5 >>> (28 - 4 * i)) & 0xf;
    const prev = (result5 >>> (28 - 4 * ((i + 7) % 8))) & 0x3;
    out += LEGACY_ALPHABET[((prev << 4) | nibble) % 36];
  }
  return out;
}

/** §1.1 / §1.6: the time field is the low 32 bits of the epoch seconds, unsigned. */
export function legacyTime32(time: number): number {
  if (!Number.isSafeInteger(time) || time < 0) throw new TypeError('time must be a non-negative integer (epoch seconds)');
  return time % 2 ** 32 >>> 0;
}

/** Intermediate values of §1.2 (hex), for tests and the CLI's `--verbose` style output. */
export interface LegacySteps {
  result1: string;
  result2: string;
  result3: string;
  result4: string;
  result5: string;
  passticket: string;
}

/**
 * The legacy algorithm bound to one secured signon key and one (user, application) pair.
 *
 * Result-3 does not depend on the time (§1.2 steps 1–3), so it is computed once here; each ticket then costs the
 * 6 DES of the time-coder. The key itself is not kept: only the DES cipher object derived from it.
 */
export class LegacyPassTicketContext {
  readonly user: string;
  readonly application: string;
  /** §1.2 step 3, as an unsigned 32-bit integer. */
  readonly result3: number;
  readonly #des: SingleDes;
  readonly #pad1: Buffer;
  readonly #pad2: Buffer;
  readonly #r1: Buffer;
  readonly #r2: Buffer;

  constructor(des: SingleDes, user: string, application: string) {
    const user8 = toEbcdic8(user, 'user');
    const appl8 = toEbcdic8(application, 'application');
    this.user = user.toUpperCase();
    this.application = application.toUpperCase();
    this.#des = des;
    this.#r1 = des.encrypt(user8); // §1.2 step 1
    const x = Buffer.alloc(8);
    for (let i = 0; i < 8; i++) x[i] = this.#r1[i]! ^ appl8[i]!;
    this.#r2 = des.encrypt(x); // step 2
    this.result3 = this.#r2.readUInt32BE(0); // step 3
    const pad = timeCoderPad(user);
    this.#pad1 = pad.subarray(0, 6);
    this.#pad2 = pad.subarray(6, 12);
  }

  /** The pad half used in `round` (odd rounds PAD1, even rounds PAD2; §1.3). */
  padFor(round: number): Buffer {
    return round % 2 === 1 ? this.#pad1 : this.#pad2;
  }

  /** The DES cipher of this key (shared with the evaluator). */
  get des(): SingleDes {
    return this.#des;
  }

  /** §1.3: the 6-round Feistel time-coder on Result-4. */
  timeCode(result4: number): number {
    let l = result4 >>> 16;
    let r = result4 & 0xffff;
    const block = Buffer.alloc(8);
    for (let round = 1; round <= 6; round++) {
      block.writeUInt16BE(r, 0);
      this.padFor(round).copy(block, 2);
      const c = this.#des.encrypt(block);
      const e = ((c[0]! << 8) | c[1]!) ^ l;
      l = r;
      r = permute(round, e);
    }
    return ((l << 16) | r) >>> 0;
  }

  /** §1.2 steps 4–6 for one generation time (epoch seconds). */
  generate(time: number): string {
    return translateLegacy(this.timeCode((this.result3 ^ legacyTime32(time)) >>> 0));
  }

  /** Every intermediate value of §1.2, for the component tests. */
  steps(time: number): LegacySteps {
    const result4 = (this.result3 ^ legacyTime32(time)) >>> 0;
    const result5 = this.timeCode(result4);
    const hex32 = (v: number) => v.toString(16).toUpperCase().padStart(8, '0');
    return {
      result1: this.#r1.toString('hex').toUpperCase(),
      result2: this.#r2.toString('hex').toUpperCase(),
      result3: hex32(this.result3),
      result4: hex32(result4),
      result5: hex32(result5),
      passticket: translateLegacy(result5),
    };
  }
}

/** Parses a legacy key: 8 bytes, or 16 hex digits. The parity bits are ignored by DES (§1.1). */
export function parseLegacyKey(key: string | Uint8Array, what = 'key'): Buffer {
  const bytes = typeof key === 'string' ? (/^[0-9a-fA-F]{16}$/.test(key) ? Buffer.from(key, 'hex') : null) : Buffer.from(key);
  if (bytes === null || bytes.length !== 8) throw new TypeError(`${what} must be 8 bytes (16 hex digits) for the legacy algorithm`);
  return bytes;
}

/** One-shot convenience: the legacy PassTicket for `user`, `application`, `key` and `time` (epoch seconds). */
export function generateLegacyPassTicket(input: {
  user: string;
  application: string;
  key: string | Uint8Array;
  time: number;
}): string {
  const key = parseLegacyKey(input.key);
  try {
    return new LegacyPassTicketContext(new SingleDes(key), input.user, input.application).generate(input.time);
  } finally {
    key.fill(0);
  }
}
