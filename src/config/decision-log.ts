/**
 * The recent decision records of a `createTicketStack` (for the inspector page and for support): a bounded
 * ring buffer, so memory does not grow with traffic. The records are the frozen, log-safe
 * {@link DecisionRecord}s of the login stacks (no users, no challenges, no foreign messages).
 *
 * @module
 */
import type { DecisionRecord } from '../stack/decision-record.js';

export class DecisionLog {
  readonly #limit: number;
  readonly #ring: (DecisionRecord | undefined)[];
  /** Index of the next write. */
  #next = 0;
  #count = 0;

  /** Keeps the last `limit` records (default 100). */
  constructor(limit = 100) {
    if (!Number.isSafeInteger(limit) || limit < 1 || limit > 100_000) {
      throw new TypeError('DecisionLog: limit must be an integer from 1 to 100000');
    }
    this.#limit = limit;
    this.#ring = new Array<DecisionRecord | undefined>(limit);
  }

  /** The most records kept. */
  get limit(): number {
    return this.#limit;
  }

  record(record: DecisionRecord): void {
    this.#ring[this.#next] = record;
    this.#next = (this.#next + 1) % this.#limit;
    this.#count = Math.min(this.#count + 1, this.#limit);
  }

  /** The kept records, newest first (a new frozen array; the records themselves are frozen). */
  recent(): readonly DecisionRecord[] {
    const out: DecisionRecord[] = [];
    for (let i = 1; i <= this.#count; i++) out.push(this.#ring[(this.#next - i + this.#limit) % this.#limit]!);
    return Object.freeze(out);
  }

  /** Forgets every record. */
  clear(): void {
    this.#ring.fill(undefined);
    this.#next = 0;
    this.#count = 0;
  }
}
