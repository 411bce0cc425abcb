/**
 * Reference (brute-force) evaluators, kept only to cross-check the fast ones (passticket.md §2.2, §3.5):
 * regenerate the ticket for every second of the window and compare in constant time.
 */
import { timingSafeEqual } from 'node:crypto';
import type { EnhancedPassTicketContext } from '../../src/passticket/enhanced-algorithm.js';
import type { LegacyPassTicketContext } from '../../src/passticket/legacy-algorithm.js';

export function bruteForceEvaluate(
  ctx: LegacyPassTicketContext | EnhancedPassTicketContext,
  ticket: string,
  now: number,
  windowSeconds: number,
): boolean {
  const want = Buffer.from(ticket);
  let found = false;
  for (let t = Math.max(0, now - windowSeconds); t <= now + windowSeconds; t++) {
    const got = Buffer.from(ctx.generate(t));
    if (got.length === want.length && timingSafeEqual(got, want)) found = true;
  }
  return found;
}
