/**
 * Fast PassTicket evaluation: the cost does not grow with the validity window (passticket.md §2.2, §3.5).
 *
 * **Legacy.** Result-3 = left 4 bytes of DES(DES(user) ^ appl) does not depend on the time, so it is computed once
 * per (key, user, application) context. The time-coder is a Feistel network, so instead of regenerating a ticket
 * for each second of the window (6 DES per second: 7,206 DES for ±600 s), we run it *backwards* from the ticket:
 * 1. Each character has one or two 6-bit preimages (values 0–27 and 36–63 share a letter; 28–35 have one), and
 *    neighbouring characters share 2 bits (§1.4). Enumerating the consistent choices gives every Result-5 that
 *    translates to the ticket: at most 2^8 = 256 combinations, typically a handful after the overlap check.
 * 2. Each candidate goes through the 6 rounds backwards (1 DES per round, all candidates batched in one DES call
 *    per round), which yields Result-4; Result-4 ^ Result-3 is the generation time.
 * 3. The ticket is valid iff one recovered time lies in the window. This is exactly the brute-force answer: gen(t)
 *    equals the ticket iff TimeCoder(Result-3 ^ t) is one of the enumerated preimages.
 *
 * **Enhanced.** The time-coder is run backwards from the ticket too (6 HMACs; see
 * `EnhancedPassTicketContext.recoverTime`), which gives the time modulo 2^41 (UPPER) or 2^48 (MIXED): at most one
 * second of the window qualifies, and the ticket is regenerated for it (6 more HMACs) and compared in constant time.
 *
 * @module
 */
import { timingSafeEqual } from 'node:crypto';
import { EnhancedPassTicketContext } from './enhanced-algorithm.js';
import { LEGACY_ALPHABET, LegacyPassTicketContext, unpermute } from './legacy-algorithm.js';

/** The outcome of a computational evaluation (no replay check, no revocation). */
export interface EvaluationResult {
  valid: boolean;
  /** The recovered generation time (epoch seconds) when valid. */
  time?: number;
}

const LEGACY_TICKET = /^[A-Z0-9]{8}$/;

/** The Result-5 values (uint32) that translate to `ticket` under §1.4. Empty when the text is not a legacy ticket. */
export function legacyPreimages(ticket: string): number[] {
  if (typeof ticket !== 'string' || !LEGACY_TICKET.test(ticket)) return [];
  const choices = [...ticket].map((ch) => {
    const k = LEGACY_ALPHABET.indexOf(ch);
    return k + 36 < 64 ? [k, k + 36] : [k];
  });
  const out: number[] = [];
  // Depth-first over characters; character i+1's top 2 bits must equal character i's low 2 bits, wrapping round.
  const walk = (i: number, first: number, prev: number, acc: number): void => {
    if (i === 8) {
      if ((prev & 3) === first >>> 4) out.push(acc >>> 0);
      return;
    }
    for (const v of choices[i]!) {
      if (i > 0 && v >>> 4 !== (prev & 3)) continue;
      walk(i + 1, i === 0 ? v : first, v, acc | ((v & 0xf) << (28 - 4 * i)));
    }
  };
  walk(0, 0, 0, 0);
  return out;
}

/** The signed distance a − b between two 32-bit times, in (−2^31, 2^31]. */
function diff32(a: number, b: number): number {
  const d = (a - b) % 2 ** 32;
  const m = d < 0 ? d + 2 ** 32 : d;
  return m > 2 ** 31 ? m - 2 ** 32 : m;
}

/**
 * Evaluates a legacy PassTicket against `now` ± `windowSeconds` (§2.1). Cost: 6 DES per preimage of the ticket
 * (see the module comment), plus 6 DES to re-derive an accepted ticket; independent of the window size.
 */
export function evaluateLegacy(
  ctx: LegacyPassTicketContext,
  ticket: string,
  now: number,
  windowSeconds: number,
): EvaluationResult {
  const candidates = legacyPreimages(ticket);
  const n = candidates.length;
  if (n === 0) return { valid: false };
  const l = new Uint16Array(n);
  const r = new Uint16Array(n);
  candidates.forEach((c, i) => {
    l[i] = c >>> 16;
    r[i] = c & 0xffff;
  });
  const blocks = Buffer.alloc(8 * n);
  for (let round = 6; round >= 1; round--) {
    // Backwards: R_prev = L; E = Permute_r^-1(R); L_prev = E ^ DES(R_prev ‖ PAD)[0..1]   (§1.3 inverted)
    const pad = ctx.padFor(round);
    for (let i = 0; i < n; i++) {
      blocks.writeUInt16BE(l[i]!, 8 * i);
      pad.copy(blocks, 8 * i + 2);
    }
    const c = ctx.des.encrypt(blocks);
    for (let i = 0; i < n; i++) {
      const e = unpermute(round, r[i]!);
      r[i] = l[i]!;
      l[i] = e ^ c.readUInt16BE(8 * i);
    }
  }
  const now32 = now % 2 ** 32;
  let best: number | undefined;
  for (let i = 0; i < n; i++) {
    const time32 = (((l[i]! << 16) | r[i]!) ^ ctx.result3) >>> 0; // Result-4 ^ Result-3
    const d = diff32(time32, now32);
    if (Math.abs(d) <= windowSeconds && (best === undefined || Math.abs(d) < Math.abs(best - now))) best = now + d;
  }
  if (best === undefined || best < 0) return { valid: false };
  // Defence in depth: re-derive the ticket forwards for the recovered second and compare in constant time.
  return timingSafeEqual(Buffer.from(ctx.generate(best)), Buffer.from(ticket)) ? { valid: true, time: best } : { valid: false };
}

/**
 * Evaluates an enhanced PassTicket against `now` ± `windowSeconds`. Cost: 12 HMAC-SHA-512 (H0 cached in the
 * context), independent of the window size.
 */
export function evaluateEnhanced(
  ctx: EnhancedPassTicketContext,
  ticket: string,
  now: number,
  windowSeconds: number,
): EvaluationResult {
  const recovered = ctx.recoverTime(ticket);
  if (recovered === null) return { valid: false };
  const { time, modulus } = recovered;
  // The one second congruent to `time` (mod modulus) nearest to `now`.
  let d = (time - (now % modulus)) % modulus;
  if (d < 0) d += modulus;
  if (d > modulus / 2) d -= modulus;
  const t = now + d;
  if (Math.abs(d) > windowSeconds || t < 0 || t >= 2 ** 48) return { valid: false };
  return timingSafeEqual(Buffer.from(ctx.generate(t)), Buffer.from(ticket)) ? { valid: true, time: t } : { valid: false };
}
