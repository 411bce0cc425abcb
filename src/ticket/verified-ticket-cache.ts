/**
 * The verified-ticket cache (issue 8, item 2): a bounded LRU of tickets that passed every check, so that a ticket
 * seen again skips decoding and the signature check. SAP's login module has the same shortcut: a ticket already in
 * the security session skips signature verification, but validity is still checked (sap-logon-ticket.md §3.2).
 *
 * - Keyed by the SHA-256 of the whole ticket as received (text or bytes, told apart), never by the ticket itself, so
 *   a memory dump shows no credential and any changed byte is a different key (a forged or tampered variant of a
 *   cached ticket is never a hit).
 * - An entry lives no longer than the ticket: on every hit the clock must be inside [creation − tolerance,
 *   validity end + tolerance], else the entry is dropped and the ticket verified again (which then refuses it).
 * - Bounded by entries (least recently used goes first): a `Map` finds an entry, a list through the entries keeps
 *   their order, so a hit only relinks two entries (re-inserting into the `Map` on every hit would churn its hash
 *   table). This is the one small structure written here rather than taken from `lru-cache`, because the expiry
 *   rule (a clock that may be injected, a keystore generation) belongs to the verifier, not to a TTL.
 * - Assertion tickets (flags bit 0x01, "do not cache", §2) are never stored: each is accepted once.
 * - One ticket is kept under at most {@link MAX_TEXTS_PER_TICKET} inputs. Its holder can write it many ways without
 *   the key (§1.5's text form: URL-encoded once or again, `+` as `!` or a blank, `%2F` or `%2f`; and the unsigned
 *   parts of its CMS); without a bound, one valid ticket could fill the cache and push every other ticket out.
 *
 * The verifier (`createTicketVerifier`) also drops everything when the keystore's trust changes.
 *
 * @module
 */
import type { VerifiedTicket } from './verify.js';

/** Default bound: an entry takes about 1.9 KB (measured with DSA tickets), so some 19 MB at most. */
export const DEFAULT_CACHE_MAX_ENTRIES = 10_000;

/** How many inputs of the same ticket are cached at once; a further one is verified in full every time. */
export const MAX_TEXTS_PER_TICKET = 4;

export interface VerifiedTicketCacheOptions {
  /** At most this many tickets are kept (default 10 000); the least recently used one goes first. */
  maxEntries?: number;
}

/** Counters for monitoring (hits skip decoding and the signature check). */
export interface VerifiedTicketCacheStats {
  readonly size: number;
  readonly maxEntries: number;
  readonly hits: number;
  readonly misses: number;
  readonly evictions: number;
}

interface Entry {
  readonly key: string;
  /** The ticket's identity (signed content and signature): the same for every input of this ticket. */
  readonly sameTicket: string;
  readonly ticket: VerifiedTicket;
  /** Milliseconds: creation − tolerance. */
  readonly notBefore: number;
  /** Milliseconds: validity end + tolerance. */
  readonly notAfter: number;
  /** Neighbours in the order of use. */
  older: Entry | undefined;
  newer: Entry | undefined;
}

/** Checks the `cache` option: `false`, or `{ maxEntries? }`. Returns the bound, or `undefined` for off. */
export function checkCacheOption(where: string, value: unknown): number | undefined {
  if (value === false) return undefined;
  if (value === undefined) return DEFAULT_CACHE_MAX_ENTRIES;
  if (value === null || typeof value !== 'object' || Array.isArray(value)) throw new TypeError(`${where}: option 'cache' must be false or { maxEntries }`);
  for (const key of Object.keys(value)) if (key !== 'maxEntries') throw new TypeError(`${where}: unknown option 'cache.${key}'`);
  const { maxEntries = DEFAULT_CACHE_MAX_ENTRIES } = value as VerifiedTicketCacheOptions;
  if (!Number.isSafeInteger(maxEntries) || maxEntries < 1) throw new TypeError(`${where}: option 'cache.maxEntries' must be a positive integer`);
  return maxEntries;
}

/** What an application sees of a verifier's cache: its counters, and a way to empty it. */
export interface VerifiedTicketCache {
  readonly size: number;
  stats(): VerifiedTicketCacheStats;
  /** Drops every entry (the verifier also does this by itself when the keystore's trust changes). */
  clear(): void;
}

/** The LRU itself (internal: only the ticket verifier looks up and stores). */
export class VerifiedTicketLru implements VerifiedTicketCache {
  readonly #entries = new Map<string, Entry>();
  /** How many entries each ticket (by `sameTicket`) has. */
  readonly #texts = new Map<string, number>();
  readonly #maxEntries: number;
  #oldest: Entry | undefined;
  #newest: Entry | undefined;
  #hits = 0;
  #misses = 0;
  #evictions = 0;

  constructor(maxEntries: number) {
    this.#maxEntries = maxEntries;
  }

  /** The ticket cached under `key` if the clock (`now`, ms) is inside its window; a stale entry is dropped. */
  lookup(key: string, now: number): VerifiedTicket | undefined {
    const entry = this.#entries.get(key);
    if (entry === undefined) {
      this.#misses++;
      return undefined;
    }
    if (now < entry.notBefore || now > entry.notAfter) {
      this.#drop(entry);
      this.#misses++;
      return undefined;
    }
    if (entry !== this.#newest) {
      this.#unlink(entry);
      this.#link(entry); // most recently used
    }
    this.#hits++;
    return entry.ticket;
  }

  /**
   * Stores a verified ticket under its input's `key` until `notAfter` (ms), evicting the least recently used beyond
   * the bound. `sameTicket` is the ticket's identity: a ticket already cached under {@link MAX_TEXTS_PER_TICKET}
   * other inputs is not stored again.
   */
  store(key: string, ticket: VerifiedTicket, notBefore: number, notAfter: number, sameTicket: string): void {
    if (ticket.assertion) return; // §2: one-time tickets are never served again
    const old = this.#entries.get(key);
    if (old !== undefined) this.#drop(old);
    const texts = this.#texts.get(sameTicket) ?? 0;
    if (texts >= MAX_TEXTS_PER_TICKET) return;
    this.#texts.set(sameTicket, texts + 1);
    const entry: Entry = { key, sameTicket, ticket, notBefore, notAfter, older: undefined, newer: undefined };
    this.#entries.set(key, entry);
    this.#link(entry);
    if (this.#entries.size > this.#maxEntries) {
      this.#drop(this.#oldest!);
      this.#evictions++;
    }
  }

  /** Drops every entry (the verifier does this when the keystore's trust changes). */
  clear(): void {
    this.#entries.clear();
    this.#texts.clear();
    this.#oldest = this.#newest = undefined;
  }

  get size(): number {
    return this.#entries.size;
  }

  stats(): VerifiedTicketCacheStats {
    return { size: this.#entries.size, maxEntries: this.#maxEntries, hits: this.#hits, misses: this.#misses, evictions: this.#evictions };
  }

  #drop(entry: Entry): void {
    this.#entries.delete(entry.key);
    this.#unlink(entry);
    const texts = this.#texts.get(entry.sameTicket)!;
    if (texts > 1) this.#texts.set(entry.sameTicket, texts - 1);
    else this.#texts.delete(entry.sameTicket);
  }

  /** Makes `entry` the most recently used. */
  #link(entry: Entry): void {
    entry.older = this.#newest;
    entry.newer = undefined;
    if (this.#newest === undefined) this.#oldest = entry;
    else this.#newest.newer = entry;
    this.#newest = entry;
  }

  #unlink(entry: Entry): void {
    const { older, newer } = entry;
    if (older === undefined) this.#oldest = newer;
    else older.newer = newer;
    if (newer === undefined) this.#newest = older;
    else newer.older = older;
    entry.older = entry.newer = undefined;
  }
}
