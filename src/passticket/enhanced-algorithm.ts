/**
 * The enhanced (HMAC-SHA-512) PassTicket algorithm, as IBM's sample generator `EnhancedPassTicketsGenerator V1.00`
 * computes it (passticket.md §3.1). **Not yet confirmed against RACF**: the vectors in enhanced.json are
 * self-derived from the same reading of the sample (§3.6).
 *
 * @module
 */
import { createHmac, createSecretKey, type KeyObject } from 'node:crypto';
import { toEbcdic8 } from './ebcdic.js';

/** §3.1 step 5: digits first, then uppercase, lowercase, `-` and `_` (UPPER uses the first 36). */
export const ENHANCED_ALPHABET = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz-_';

export type EnhancedType = 'UPPER' | 'MIXED';

/** §3.3: enhanced keys are ICSF HMAC keys of 32 to 256 bytes. */
export const ENHANCED_KEY_MIN = 32;
export const ENHANCED_KEY_MAX = 256;

const P24 = 0x1000000;
const UPPER_MASK = 0x1ffff; // §3.1 step 4: X[0] &= 0x01 keeps 17 of the 24 bits

/** Parses an enhanced key: 32 to 256 bytes, given as bytes or hex digits. */
export function parseEnhancedKey(key: string | Uint8Array, what = 'key'): Buffer {
  const bytes =
    typeof key === 'string' ? (/^(?:[0-9a-fA-F]{2})+$/.test(key) ? Buffer.from(key, 'hex') : null) : Buffer.from(key);
  if (bytes === null || bytes.length < ENHANCED_KEY_MIN || bytes.length > ENHANCED_KEY_MAX) {
    throw new TypeError(`${what} must be ${ENHANCED_KEY_MIN} to ${ENHANCED_KEY_MAX} bytes (hex digits) for the enhanced algorithm`);
  }
  return bytes;
}

/** §3.1 step 3: the time is 6 bytes big-endian. */
export function enhancedTime48(time: number): number {
  if (!Number.isSafeInteger(time) || time < 0 || time >= 2 ** 48) {
    throw new TypeError('time must be a non-negative integer below 2^48 (epoch seconds)');
  }
  return time;
}

/** §3.1 step 5: a 48-bit value → 8 base-36 (UPPER) or base-64 (MIXED) digits, most significant first. */
export function encodeEnhanced(value: number, type: EnhancedType): string {
  const base = type === 'UPPER' ? 36 : 64;
  let out = '';
  let v = value;
  for (let i = 0; i < 8; i++) {
    out = ENHANCED_ALPHABET[v % base]! + out;
    v = Math.floor(v / base);
  }
  return out;
}

/** The inverse of {@link encodeEnhanced}; `null` when the text cannot be an output of that type. */
export function decodeEnhanced(ticket: string, type: EnhancedType): number | null {
  if (typeof ticket !== 'string' || ticket.length !== 8) return null;
  const base = type === 'UPPER' ? 36 : 64;
  let v = 0;
  for (const ch of ticket) {
    const d = ENHANCED_ALPHABET.indexOf(ch);
    if (d < 0 || d >= base) return null;
    v = v * base + d;
  }
  // UPPER: the last round's left half is an odd-round output, so its top 7 bits are 0 (value < 2^41).
  return type === 'UPPER' && v >= 2 ** 41 ? null : v;
}

/**
 * The enhanced algorithm bound to one key, one (user, application) pair and one type. H0 = HMAC(key, UA) does not
 * depend on the time, so it is computed once here (§3.5); each ticket then costs the 6 round HMACs.
 */
export class EnhancedPassTicketContext {
  readonly user: string;
  readonly application: string;
  readonly type: EnhancedType;
  readonly #key: KeyObject;
  /** H0[0..5] as two 24-bit halves. */
  readonly #h0hi: number;
  readonly #h0lo: number;
  /** The 20-byte round buffer: bytes 0..2 = R3B, byte 3 = round, bytes 4..19 = UA (§3.1 step 4). */
  readonly #buf: Buffer;

  constructor(key: KeyObject, user: string, application: string, type: EnhancedType) {
    this.user = user.toUpperCase();
    this.application = application.toUpperCase();
    this.type = type;
    this.#key = key;
    const ua = Buffer.concat([toEbcdic8(user, 'user'), toEbcdic8(application, 'application')]); // step 1
    const h0 = createHmac('sha512', key).update(ua).digest(); // step 2
    this.#h0hi = h0.readUIntBE(0, 3);
    this.#h0lo = h0.readUIntBE(3, 3);
    this.#buf = Buffer.alloc(20);
    ua.copy(this.#buf, 4);
  }

  /** Hr[0..2] of round `round` for the right half `r24` (§3.1 step 4). */
  roundHash(round: number, r24: number): number {
    this.#buf.writeUIntBE(r24, 0, 3);
    this.#buf[3] = round;
    return createHmac('sha512', this.#key).update(this.#buf).digest().readUIntBE(0, 3);
  }

  /** §3.1 steps 3–4: the 48-bit time-coder output for `time`. */
  timeCode(time: number): number {
    const t = enhancedTime48(time);
    let l = Math.floor(t / P24) ^ this.#h0hi; // T[0..2] ^ H0[0..2]
    let r = t % P24 ^ this.#h0lo; // T[3..5] ^ H0[3..5]
    for (let round = 1; round <= 6; round++) {
      let x = l ^ this.roundHash(round, r);
      if (this.type === 'UPPER' && round % 2 === 1) x &= UPPER_MASK;
      l = r;
      r = x;
    }
    return l * P24 + r;
  }

  /** The PassTicket for `time` (epoch seconds). */
  generate(time: number): string {
    return encodeEnhanced(this.timeCode(time), this.type);
  }

  /**
   * Runs the time-coder backwards from a ticket (6 HMACs) and returns the generation time modulo `modulus`
   * (2^41 for UPPER, 2^48 for MIXED), or `null` when the text cannot be an enhanced ticket of this type.
   *
   * UPPER loses 7 bits in each odd round, but the lost bits are known: the output of an odd round has its top 7
   * bits cleared, and it is the left half two rounds later (L4 = X3, L2 = X1). Only L0 = T[0..2] keeps its top
   * 7 bits unknown, so bits 0..40 of the time are recovered exactly.
   */
  recoverTime(ticket: string): { time: number; modulus: number } | null {
    const value = decodeEnhanced(ticket, this.type);
    if (value === null) return null;
    let l = Math.floor(value / P24);
    let r = value % P24;
    for (let round = 6; round >= 1; round--) {
      const prevR = l;
      let prevL = r ^ this.roundHash(round, prevR);
      if (this.type === 'UPPER' && round % 2 === 1) prevL &= UPPER_MASK; // top 7 bits: 0 (rounds 5, 3) or unknown (1)
      l = prevL;
      r = prevR;
    }
    const hi = l ^ this.#h0hi;
    const lo = r ^ this.#h0lo;
    if (this.type === 'UPPER') return { time: (hi & UPPER_MASK) * P24 + lo, modulus: 2 ** 41 };
    return { time: hi * P24 + lo, modulus: 2 ** 48 };
  }
}

/** Imports enhanced key bytes as a secret `KeyObject` (kept out of plain buffers and logs). */
export function enhancedKeyObject(key: string | Uint8Array, what = 'key'): KeyObject {
  const bytes = parseEnhancedKey(key, what);
  try {
    return createSecretKey(bytes);
  } finally {
    bytes.fill(0);
  }
}

/** One-shot convenience: the enhanced PassTicket for `user`, `application`, `key`, `time` and `type` (default UPPER). */
export function generateEnhancedPassTicket(input: {
  user: string;
  application: string;
  key: string | Uint8Array;
  time: number;
  type?: EnhancedType;
}): string {
  return new EnhancedPassTicketContext(
    enhancedKeyObject(input.key),
    input.user,
    input.application,
    input.type ?? 'UPPER',
  ).generate(input.time);
}
