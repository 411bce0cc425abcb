/**
 * The verified-ticket cache of `createTicketVerifier` (issue 8, item 2; sap-logon-ticket.md §3.2's shortcut): a hit
 * skips decoding and the signature check, entries expire with the ticket, the bound is an LRU by entries, a trust
 * change empties it at once, a changed byte is never a hit, assertion tickets are never stored, and `cache: false`
 * turns it off. The signature work is counted by wrapping the module that does it.
 */
import { beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { Keystore } from '../../src/keystore/index.js';
import * as cms from '../../src/ticket/cms.js';
import { createTicketVerifier, decodeTicket, issueAssertionTicket, issueTicket, TicketError, verifyTicket, type TicketVerifier } from '../../src/ticket/index.js';
import { withCertificate } from './cms-rewrite.js';
import { expectTicketError, minutes } from './helpers.js';

vi.mock('../../src/ticket/cms.js', async (importOriginal) => {
  const original = await importOriginal<typeof import('../../src/ticket/cms.js')>();
  return { ...original, verifyCmsSignature: vi.fn(original.verifyCmsSignature) };
});
const signatureChecks = () => vi.mocked(cms.verifyCmsSignature).mock.calls.length;

const CREATED = new Date('2026-03-04T10:00:00Z');
let clock = CREATED;
const now = () => clock;
let portal: Keystore;
let backend: Keystore;
const text = (user: string, lifetimeMinutes = 60) => issueTicket({ keystore: portal, user, lifetimeMinutes, now: CREATED }).text;

beforeAll(async () => {
  portal = await Keystore.generate({ sid: 'POR', client: '000' });
  backend = await Keystore.generate({ sid: 'BCK', client: '100' });
});
beforeEach(() => {
  clock = CREATED;
  vi.mocked(cms.verifyCmsSignature).mockClear();
});

function trustingBackend(): { verifier: TicketVerifier; entry: string } {
  const entry = backend.addTrusted(portal.own.certificate, { sid: 'POR', client: '000' }).name;
  return { verifier: createTicketVerifier({ keystore: backend, now }), entry };
}

describe('a cache hit', () => {
  it('returns the same verified ticket without decoding or checking the signature again', () => {
    const verifier = createTicketVerifier({ keystore: portal, now });
    const ticket = text('ALICE');
    const first = verifier.verify(ticket);
    for (let i = 0; i < 50; i++) expect(verifier.verify(ticket)).toBe(first);
    expect(signatureChecks()).toBe(1);
    expect(verifier.cache?.stats()).toMatchObject({ size: 1, hits: 50, misses: 1 });
  });

  it('gives every caller the same frozen ticket: fields, units and dates cannot be changed', () => {
    const verifier = createTicketVerifier({ keystore: portal, now });
    const ticket = verifier.verify(text('ALICE'));
    expect(Object.isFrozen(ticket) && Object.isFrozen(ticket.signer) && Object.isFrozen(ticket.infoUnits) && Object.isFrozen(ticket.infoUnits[0])).toBe(true);
    expect(() => ticket.validUntil.setFullYear(2100)).toThrow(TypeError);
    expect(ticket.validUntil.toISOString()).toBe('2026-03-04T11:00:00.000Z');
    expect(ticket.validUntil).toBeInstanceOf(Date);
  });

  it("gives every caller the InfoUnits' bytes as signed: what one caller writes into them, the next hit does not see", () => {
    const verifier = createTicketVerifier({ keystore: portal, now });
    const ticket = text('ALICE');
    const signed = verifier.verify(ticket).infoUnits.map((u) => Buffer.from(u.data).toString('hex'));
    for (const unit of verifier.verify(ticket).infoUnits) unit.data.fill(0x58); // a typed array cannot be frozen
    expect(verifier.verify(ticket).infoUnits.map((u) => Buffer.from(u.data).toString('hex'))).toEqual(signed);
    expect(signatureChecks()).toBe(1); // all three were the one cached ticket
  });
});

describe('entries expire with the ticket (frozen clock)', () => {
  it('is served up to validity end + tolerance, then refused as expired and dropped', () => {
    const verifier = createTicketVerifier({ keystore: portal, now, toleranceMinutes: 3 });
    const ticket = text('ALICE', 60);
    verifier.verify(ticket);
    clock = new Date(minutes(CREATED, 63).getTime() - 1);
    verifier.verify(ticket);
    expect(signatureChecks()).toBe(1);
    clock = new Date(minutes(CREATED, 63).getTime() + 1);
    expectTicketError(() => verifier.verify(ticket), 'ERR_TICKET_EXPIRED');
    expect(signatureChecks()).toBe(2); // the stale entry was dropped and the ticket checked in full
    expect(verifier.cache?.size).toBe(0);
  });

  it('a clock set back before creation − tolerance is refused as not yet valid, also after a hit', () => {
    const verifier = createTicketVerifier({ keystore: portal, now, toleranceMinutes: 3 });
    const ticket = text('ALICE');
    verifier.verify(ticket);
    clock = minutes(CREATED, -4);
    expectTicketError(() => verifier.verify(ticket), 'ERR_TICKET_NOT_YET_VALID');
  });
});

describe('the bound', () => {
  it('keeps at most maxEntries, dropping the least recently used', () => {
    const verifier = createTicketVerifier({ keystore: portal, now, cache: { maxEntries: 3 } });
    const [a, b, c, d] = ['A', 'B', 'C', 'D'].map((u) => text(u)) as [string, string, string, string];
    for (const t of [a, b, c]) verifier.verify(t);
    verifier.verify(a); // A is now the most recently used; B the least
    verifier.verify(d); // evicts B
    expect(verifier.cache?.stats()).toMatchObject({ size: 3, evictions: 1 });
    const before = signatureChecks();
    verifier.verify(a);
    verifier.verify(c);
    verifier.verify(d);
    expect(signatureChecks()).toBe(before); // still cached
    verifier.verify(b);
    expect(signatureChecks()).toBe(before + 1); // B was evicted: checked in full again
  });
});

describe('a trust change', () => {
  it('removing the trusted entry refuses a cached ticket at the next verification', () => {
    const { verifier, entry } = trustingBackend();
    const ticket = text('ALICE');
    expect(verifier.verify(ticket).signer.trust).toBe('trusted');
    expect(verifier.verify(ticket).user).toBe('ALICE');
    backend.removeTrusted(entry);
    expectTicketError(() => verifier.verify(ticket), 'ERR_TICKET_SIGNER_UNKNOWN');
    expect(verifier.cache?.size).toBe(0);
  });

  it('any change of the trusted entries empties the cache (nothing verified under the old trust is served)', () => {
    const { verifier, entry } = trustingBackend();
    const ticket = text('ALICE');
    verifier.verify(ticket);
    const other = backend.addTrusted(backend.own.certificate, { sid: 'OTH', client: '001' });
    verifier.verify(ticket);
    expect(signatureChecks()).toBe(2);
    backend.removeTrusted(other.name);
    backend.removeTrusted(entry);
  });
});

describe('forged and tampered variants of a cached ticket', () => {
  it('never hit: every changed character is checked in full and refused', () => {
    const verifier = createTicketVerifier({ keystore: portal, now });
    const ticket = text('ALICE');
    verifier.verify(ticket);
    let refused = 0;
    for (let i = 0; i < ticket.length; i += 7) {
      const c = ticket[i] === 'A' ? 'B' : 'A';
      const variant = ticket.slice(0, i) + c + ticket.slice(i + 1);
      const before = signatureChecks();
      try {
        verifier.verify(variant);
      } catch (err) {
        expect(err).toBeInstanceOf(TicketError);
        refused++;
        continue;
      }
      throw new Error(`variant ${i} was accepted (signature checks ${before} → ${signatureChecks()})`);
    }
    expect(refused).toBeGreaterThan(50);
    expect(verifier.cache?.size).toBe(1);
  });

  it('the same ticket as bytes, or encoded differently, is a different key: checked in full, then cached itself', () => {
    const verifier = createTicketVerifier({ keystore: portal, now });
    const issued = issueTicket({ keystore: portal, user: 'ALICE', now: CREATED });
    verifier.verify(issued.text);
    verifier.verify(issued.bytes);
    verifier.verify(encodeURIComponent(issued.text)); // URL-encoded once more: the same bytes (§1.5)
    expect(signatureChecks()).toBe(3);
    verifier.verify(encodeURIComponent(issued.text));
    expect(signatureChecks()).toBe(3);
  });

  it('an oversized input is refused before it is hashed or looked up', () => {
    const verifier = createTicketVerifier({ keystore: portal, now });
    expectTicketError(() => verifier.verify('A'.repeat(10_000)), 'ERR_TICKET_TOO_LARGE');
    expect(verifier.cache?.stats()).toMatchObject({ hits: 0, misses: 0 });
  });
});

describe('one ticket written many ways', () => {
  /** Texts of the same ticket bytes, as §1.5 allows them: `!` as `+` or a blank, %2F / %3D in either case, encoded again. */
  function spellings(canonical: string): string[] {
    const out = new Set<string>();
    for (const bang of ['!', '+', ' ']) {
      for (const hex of [(t: string) => t, (t: string) => t.replace(/%2F/g, '%2f').replace(/%3D/g, '%3d')]) {
        for (const again of [(t: string) => t, (t: string) => t.replace(/%/g, '%25'), (t: string) => `${t}\r\n`]) out.add(again(hex(canonical.replace(/!/g, bang))));
      }
    }
    return [...out];
  }

  it("is cached under a few of its inputs at most: one ticket's holder cannot push the other tickets out", () => {
    const entry = backend.addTrusted(portal.own.certificate, { sid: 'POR', client: '000' }).name;
    const verifier = createTicketVerifier({ keystore: backend, now, cache: { maxEntries: 10 } });
    const others = ['B', 'C', 'D', 'E', 'F'].map((u) => text(u));
    for (const t of others) verifier.verify(t);
    const canonical = text('mallory');
    const user = verifier.verify(canonical).user;
    // Spellings of its text, and of a CMS with the issuer's certificate embedded: other bytes, the same ticket.
    const variants = [...spellings(canonical), ...spellings(withCertificate(canonical, portal))];
    expect(new Set(variants.map((v) => Buffer.from(decodeTicket(v).bytes).toString('hex'))).size).toBe(2);
    for (const v of variants) expect(verifier.verify(v).user).toBe(user); // every spelling is still accepted
    expect(verifier.cache?.size).toBe(others.length + 4);
    const before = signatureChecks();
    for (const t of others) verifier.verify(t);
    expect(signatureChecks()).toBe(before); // the other tickets are all still cached
    backend.removeTrusted(entry);
  });
});

describe('assertion tickets', () => {
  it('are never stored, even by a logon-ticket verifier that accepts them', async () => {
    const verifier = createTicketVerifier({ keystore: portal, now });
    const assertion = issueAssertionTicket({ keystore: portal, user: 'ALICE', recipientSid: 'POR', recipientClient: '000', now: CREATED }).text;
    verifier.verify(assertion);
    verifier.verify(assertion);
    expect(signatureChecks()).toBe(2);
    expect(verifier.cache?.size).toBe(0);
  });

  it('an assertion verifier has no cache, and asking for one is a configuration error', () => {
    expect(createTicketVerifier({ keystore: portal, assertion: true }).cache).toBeUndefined();
    expect(() => createTicketVerifier({ keystore: portal, assertion: true, cache: { maxEntries: 10 } })).toThrow(/cache.*assertion/);
  });
});

describe('the off switch and the options', () => {
  it('cache: false checks every ticket in full', () => {
    const verifier = createTicketVerifier({ keystore: portal, now, cache: false });
    const ticket = text('ALICE');
    for (let i = 0; i < 5; i++) verifier.verify(ticket);
    expect(signatureChecks()).toBe(5);
    expect(verifier.cache).toBeUndefined();
  });

  it('refuses bad cache options with a TypeError naming them', () => {
    expect(() => createTicketVerifier({ keystore: portal, cache: { maxEntries: 0 } })).toThrow(/cache\.maxEntries/);
    expect(() => createTicketVerifier({ keystore: portal, cache: { maxEntries: 10, ttl: 5 } as never })).toThrow(/cache\.ttl/);
    expect(() => createTicketVerifier({ keystore: portal, cache: true as never })).toThrow(/'cache'/);
    expect(() => createTicketVerifier({ keystore: portal, toleranceMinutes: -1 })).toThrow(/toleranceMinutes/);
    expect(() => createTicketVerifier({ keystore: portal, chache: false } as never)).toThrow(/^createTicketVerifier: unknown option "chache"/);
    expect(() => verifyTicket('x', { keystore: portal, tolerance: 3 } as never)).toThrow(/^verifyTicket: unknown option "tolerance"/);
  });
});
