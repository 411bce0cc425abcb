/**
 * Malformed code pages (issue 8, item 4): every code page decoder, fed random bytes and the classic invalid
 * sequences (odd UTF-16 lengths, lone surrogates, overlong and truncated UTF-8, bad Shift-JIS), either decodes or
 * refuses with ERR_TICKET_MALFORMED; nothing else escapes. The same inside a whole ticket, where a bad field is
 * refused before the signature is even looked at.
 */
import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import { Keystore } from '../../src/keystore/index.js';
import { decodeCodePage } from '../../src/ticket/code-pages.js';
import { decodeTicket, issueTicket, SUPPORTED_CODE_PAGES, TicketError, verifyTicket } from '../../src/ticket/index.js';
import { expectTicketError } from './helpers.js';

/** Decodes or throws ERR_TICKET_MALFORMED; returns the text or undefined. */
function decodeOrRefuse(codePage: string, bytes: Uint8Array): string | undefined {
  try {
    return decodeCodePage(codePage, bytes);
  } catch (err) {
    if (!(err instanceof TicketError) || err.code !== 'ERR_TICKET_MALFORMED') throw new Error(`code page ${codePage}: unexpected ${String(err)}`, { cause: err });
    return undefined;
  }
}

const INVALID: Record<string, Uint8Array[]> = {
  '4102': [Uint8Array.of(0x00), Uint8Array.of(0x00, 0x41, 0x00), Uint8Array.of(0xd8, 0x00), Uint8Array.of(0xdc, 0x00, 0x00, 0x41), Uint8Array.of(0xd8, 0x00, 0xd8, 0x00)],
  '4103': [Uint8Array.of(0x41), Uint8Array.of(0x41, 0x00, 0x42), Uint8Array.of(0x00, 0xd8), Uint8Array.of(0x00, 0xdc, 0x41, 0x00), Uint8Array.of(0x00, 0xd8, 0x41, 0x00)],
  '4110': [Uint8Array.of(0xc0, 0x80), Uint8Array.of(0xe0, 0x80, 0x80), Uint8Array.of(0xed, 0xa0, 0x80), Uint8Array.of(0xf5, 0x80, 0x80, 0x80), Uint8Array.of(0xe2, 0x82), Uint8Array.of(0x80), Uint8Array.of(0xff)],
  '8000': [Uint8Array.of(0x81), Uint8Array.of(0x81, 0x20), Uint8Array.of(0x9f, 0x7f), Uint8Array.of(0xef, 0xfd), Uint8Array.of(0x41, 0x82)],
};

describe('every code page decoder refuses invalid bytes with ERR_TICKET_MALFORMED and nothing else', () => {
  it('covers every code page the decoder supports', () => {
    expect([...SUPPORTED_CODE_PAGES].sort()).toEqual(['1100', '1160', '4102', '4103', '4110', '8000']);
  });

  it.each(Object.entries(INVALID))('code page %s: the classic invalid sequences are refused', (codePage, samples) => {
    for (const bytes of samples) expectTicketError(() => decodeCodePage(codePage, bytes), 'ERR_TICKET_MALFORMED');
  });

  it('single-byte code pages 1100 and 1160 decode every byte to one character', () => {
    const all = Uint8Array.from({ length: 256 }, (_, i) => i);
    for (const codePage of ['1100', '1160']) expect(decodeCodePage(codePage, all)).toHaveLength(256);
  });

  it.each([...SUPPORTED_CODE_PAGES])('code page %s: random bytes decode or are refused as malformed', (codePage) => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 200 }), (bytes) => {
        const text = decodeOrRefuse(codePage, bytes);
        if ((codePage === '4102' || codePage === '4103') && bytes.length % 2 === 1) expect(text).toBeUndefined();
      }),
      { numRuns: 500 },
    );
  });

  it('an unsupported code page is ERR_TICKET_CODEPAGE_UNSUPPORTED', () => {
    expectTicketError(() => decodeCodePage('9999', Uint8Array.of(0x41)), 'ERR_TICKET_CODEPAGE_UNSUPPORTED');
  });
});

describe('a ticket with a field that is invalid in its code page', () => {
  let keystore: Keystore;
  beforeAll(async () => {
    keystore = await Keystore.generate({ sid: 'J2E', client: '000' });
  });

  /** A genuine ticket whose USER unit (0x01) is replaced by `data`, with the header's code page set to `codePage`. */
  function withUser(codePage: string, data: Uint8Array): Uint8Array {
    const issued = decodeTicket(issueTicket({ keystore, user: 'ALICE', codePage: '4103' }).bytes);
    const parts: Buffer[] = [Buffer.from([2]), Buffer.from(codePage, 'latin1')];
    for (const u of issued.infoUnits) {
      const d = u.id === 0x01 ? data : u.data;
      parts.push(Buffer.from([u.id, d.length >> 8, d.length & 0xff]), Buffer.from(d));
    }
    parts.push(Buffer.from([0xff, issued.signature.length >> 8, issued.signature.length & 0xff]), Buffer.from(issued.signature));
    return new Uint8Array(Buffer.concat(parts));
  }

  it.each(Object.entries(INVALID))('code page %s: decode and verify refuse it as malformed (before any signature check)', (codePage, samples) => {
    for (const bytes of samples) {
      const ticket = withUser(codePage, bytes);
      expectTicketError(() => decodeTicket(ticket), 'ERR_TICKET_MALFORMED');
      expectTicketError(() => verifyTicket(ticket, { keystore }), 'ERR_TICKET_MALFORMED');
    }
  });

  it('random USER bytes in every code page: only TicketErrors, and never a signature that verifies', () => {
    fc.assert(
      fc.property(fc.constantFrom(...SUPPORTED_CODE_PAGES), fc.uint8Array({ maxLength: 64 }), (codePage, bytes) => {
        const ticket = withUser(codePage, bytes);
        try {
          verifyTicket(ticket, { keystore });
          return false; // the signature covers the changed bytes: it can never verify
        } catch (err) {
          return err instanceof TicketError;
        }
      }),
      { numRuns: 300 },
    );
  });
});
