/**
 * The verified-ticket cache's order of use (verified-ticket-cache.ts): any sequence of lookups, stores, expiries and
 * clears keeps exactly what a plain LRU keeps — the reference below re-inserts into a `Map` on every hit, the
 * simplest correct LRU, and counts a ticket's texts by looking at every entry — with the same hits, misses and
 * evictions, and never more than MAX_TEXTS_PER_TICKET texts of one ticket.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { VerifiedTicket } from '../../src/ticket/verify.js';
import { MAX_TEXTS_PER_TICKET, VerifiedTicketLru } from '../../src/ticket/verified-ticket-cache.js';

const MAX = 6;

/** The reference: a Map in order of use, oldest first. */
class ReferenceLru {
  readonly entries = new Map<string, { notBefore: number; notAfter: number; same: string }>();
  hits = 0;
  misses = 0;
  evictions = 0;

  lookup(key: string, now: number): boolean {
    const entry = this.entries.get(key);
    if (entry === undefined) return (this.misses++, false);
    this.entries.delete(key);
    if (now < entry.notBefore || now > entry.notAfter) return (this.misses++, false);
    this.entries.set(key, entry);
    this.hits++;
    return true;
  }

  store(key: string, notBefore: number, notAfter: number, same: string): void {
    this.entries.delete(key);
    if ([...this.entries.values()].filter((e) => e.same === same).length >= MAX_TEXTS_PER_TICKET) return;
    this.entries.set(key, { notBefore, notAfter, same });
    if (this.entries.size > MAX) {
      this.entries.delete(this.entries.keys().next().value as string);
      this.evictions++;
    }
  }
}

const ticketFor = (key: string) => Object.freeze({ user: key, assertion: false }) as unknown as VerifiedTicket;

type Op = { kind: 'lookup'; key: string; now: number } | { kind: 'store'; key: string; notAfter: number; same: string } | { kind: 'clear' };

const key = fc.constantFrom('a', 'b', 'c', 'd', 'e', 'f', 'g', 'h', 'i');
/** Which ticket a text spells: two tickets, so that one of them often reaches its bound. */
const same = fc.constantFrom('x', 'y');
const op: fc.Arbitrary<Op> = fc.oneof(
  { weight: 5, arbitrary: fc.record({ kind: fc.constant('lookup' as const), key, now: fc.integer({ min: 0, max: 20 }) }) },
  { weight: 4, arbitrary: fc.record({ kind: fc.constant('store' as const), key, notAfter: fc.integer({ min: 5, max: 20 }), same }) },
  { weight: 1, arbitrary: fc.constant({ kind: 'clear' as const }) },
);

describe('verified-ticket cache order of use', () => {
  it('keeps, serves and evicts exactly as a plain LRU that keeps a few texts per ticket', () => {
    fc.assert(
      fc.property(fc.array(op, { maxLength: 80 }), (ops) => {
        const lru = new VerifiedTicketLru(MAX);
        let ref = new ReferenceLru();
        for (const o of ops) {
          if (o.kind === 'lookup') {
            const served = lru.lookup(o.key, o.now);
            expect(served !== undefined).toBe(ref.lookup(o.key, o.now));
            if (served !== undefined) expect(served.user).toBe(o.key);
          } else if (o.kind === 'store') {
            lru.store(o.key, ticketFor(o.key), 2, o.notAfter, o.same);
            ref.store(o.key, 2, o.notAfter, o.same);
          } else {
            lru.clear();
            const { hits, misses, evictions } = ref;
            ref = Object.assign(new ReferenceLru(), { hits, misses, evictions });
          }
          expect(lru.stats()).toEqual({ size: ref.entries.size, maxEntries: MAX, hits: ref.hits, misses: ref.misses, evictions: ref.evictions });
        }
      }),
      { numRuns: 500 },
    );
  });
});
