import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import { Keystore } from '../../src/keystore/index.js';
import { decodeTicket, decodeTicketText, issueTicket, parseCmsSignature, parseTicketStructure, TicketError, verifyTicket } from '../../src/ticket/index.js';
import { expectTicketError } from './helpers.js';
import { vectorText } from './vectors.js';

let keystore: Keystore;
let sample: Uint8Array;
beforeAll(async () => {
  keystore = await Keystore.generate({ sid: 'J2E', client: '000' });
  sample = issueTicket({ keystore, user: 'FUZZ', codePage: '4103', includeCertificate: true }).bytes;
});

/** Decodes and verifies; anything thrown must be a TicketError. */
function onlyTicketErrors(input: string | Uint8Array): void {
  for (const run of [() => decodeTicket(input), () => verifyTicket(input, { keystore })]) {
    try {
      run();
    } catch (err) {
      if (!(err instanceof TicketError)) throw new Error(`non-TicketError thrown: ${String(err)}`, { cause: err });
    }
  }
}

describe('random input never crashes the decoder: it throws only TicketError', () => {
  it('random bytes', () => {
    fc.assert(fc.property(fc.uint8Array({ maxLength: 3000 }), (bytes) => onlyTicketErrors(bytes)), { numRuns: 1000 });
  });

  it('random bytes behind a valid header', () => {
    const header = (cp: string) => Uint8Array.from([2, ...Buffer.from(cp, 'latin1')]);
    fc.assert(
      fc.property(fc.constantFrom('1100', '4103', '4102', '4110', '1160', '8000', '9999', 'abcd'), fc.uint8Array({ maxLength: 1500 }), (cp, rest) =>
        onlyTicketErrors(Uint8Array.from([...header(cp), ...rest])),
      ),
      { numRuns: 1000 },
    );
  });

  it('random InfoUnits around a real signature unit', () => {
    const signature = decodeTicket(sample).signature;
    fc.assert(
      fc.property(fc.array(fc.record({ id: fc.integer({ min: 0, max: 0xfe }), data: fc.uint8Array({ maxLength: 40 }) }), { maxLength: 12 }), (units) => {
        const parts: Uint8Array[] = [Uint8Array.of(2, 0x34, 0x31, 0x30, 0x33)];
        for (const u of units) parts.push(Uint8Array.of(u.id, u.data.length >> 8, u.data.length & 0xff), u.data);
        parts.push(Uint8Array.of(0xff, signature.length >> 8, signature.length & 0xff), signature);
        onlyTicketErrors(new Uint8Array(Buffer.concat(parts)));
      }),
      { numRuns: 500 },
    );
  });

  it('mutated and truncated real tickets (bytes and text)', () => {
    const real = decodeTicket(vectorText('pysapsso2-sapssoext-assertion.b64')).bytes;
    fc.assert(
      fc.property(fc.constantFrom(real, sample), fc.nat(), fc.nat(), fc.uint8Array({ minLength: 1, maxLength: 8 }), (base, cut, at, noise) => {
        const bytes = base.slice(0, Math.max(0, base.length - (cut % 64)));
        bytes.set(noise.subarray(0, Math.max(0, bytes.length - (at % bytes.length))), at % Math.max(1, bytes.length));
        onlyTicketErrors(bytes);
        onlyTicketErrors(Buffer.from(bytes).toString('base64'));
      }),
      { numRuns: 1000 },
    );
  });

  it('random strings', () => {
    fc.assert(fc.property(fc.string({ maxLength: 600 }), (text) => onlyTicketErrors(text)), { numRuns: 1000 });
  });
});

/**
 * A byte array that counts how many of its elements are read: the decoder's work on it, without a clock (no timing
 * assertion can be flaky or slow on a busy machine).
 */
function countingBytes(length: number, fill = 0x41): { bytes: Uint8Array; reads: () => number } {
  let reads = 0;
  const target = new Uint8Array(length).fill(fill);
  const bytes = new Proxy(target, {
    get(t, key) {
      if (typeof key === 'string' && /^\d+$/.test(key)) reads++;
      const value = Reflect.get(t, key, t);
      return typeof value === 'function' ? value.bind(t) : value;
    },
  });
  return { bytes, reads: () => reads };
}

describe('oversized input is refused before any work', () => {
  const MiB = 1024 * 1024;
  it('1 MiB of bytes → ERR_TICKET_TOO_LARGE without reading a single byte', () => {
    const { bytes, reads } = countingBytes(MiB);
    expect(bytes).toBeInstanceOf(Uint8Array);
    expectTicketError(() => decodeTicket(bytes), 'ERR_TICKET_TOO_LARGE');
    expectTicketError(() => verifyTicket(bytes, { keystore }), 'ERR_TICKET_TOO_LARGE');
    expect(reads()).toBe(0);
    // Control: under the limit, the same kind of input is read (and refused for what it is).
    const small = countingBytes(100);
    expectTicketError(() => decodeTicket(small.bytes), 'ERR_TICKET_MALFORMED');
    expect(small.reads()).toBeGreaterThan(0);
  });

  it('oversized text is refused as too large even where its first character would already be malformed', () => {
    // Size first: text that is both too long and not a ticket is ERR_TICKET_TOO_LARGE, not ERR_TICKET_MALFORMED.
    for (const input of ['%zz'.repeat(3000), `!${'A'.repeat(MiB)}`, `%${'25'.repeat(MiB / 2)}`, '\u0000'.repeat(8193)]) {
      expectTicketError(() => decodeTicketText(input), 'ERR_TICKET_TOO_LARGE');
      expectTicketError(() => decodeTicket(input), 'ERR_TICKET_TOO_LARGE');
      expectTicketError(() => verifyTicket(input, { keystore }), 'ERR_TICKET_TOO_LARGE');
    }
    expectTicketError(() => decodeTicketText('%zz'), 'ERR_TICKET_MALFORMED');
    expectTicketError(() => decodeTicket('A'.repeat(8193), { maxLength: 8192 }), 'ERR_TICKET_TOO_LARGE');
    expectTicketError(() => decodeTicket('A'.repeat(8192), { maxLength: 8192 }), 'ERR_TICKET_MALFORMED');
  });

  it('URL-decoding is capped at 8 passes, so nested %25 costs at most 8 linear passes whatever maxLength allows', () => {
    // "A" URL-encoded n times: %41, %2541, %252541, …
    const encoded = (n: number) => `%${'25'.repeat(n - 1)}41jExMDA`;
    expect(Buffer.from(decodeTicketText(encoded(8)))).toEqual(Buffer.from('AjExMDA', 'base64'));
    expect(() => decodeTicketText(encoded(9))).toThrow(/more than 8 times/);
    expect(() => decodeTicketText(encoded(50_000), { maxLength: 2 * MiB })).toThrow(/more than 8 times/);
  });
});

describe('the other parsers of ticket parts: only TicketError', () => {
  it('parseCmsSignature: random bytes, and deeply nested DER', () => {
    const only = (bytes: Uint8Array) => {
      try {
        parseCmsSignature(bytes);
      } catch (err) {
        if (!(err instanceof TicketError)) throw new Error(`non-TicketError thrown: ${String(err)}`, { cause: err });
      }
    };
    fc.assert(fc.property(fc.uint8Array({ maxLength: 2000 }), only), { numRuns: 500 });
    // 2000 nested SEQUENCEs (each "30 82 len"): a recursion-depth probe for the ASN.1 parser.
    const depth = 2000;
    const nested = Buffer.alloc(depth * 4);
    for (let i = 0; i < depth; i++) nested.writeUInt8(0x30, i * 4), nested.writeUInt8(0x82, i * 4 + 1), nested.writeUInt16BE(nested.length - i * 4 - 4, i * 4 + 2);
    only(new Uint8Array(nested));
  });

  it('parseTicketStructure: random bytes after a valid header', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 1000 }), (rest) => {
        try {
          parseTicketStructure(Uint8Array.from([2, 0x31, 0x31, 0x30, 0x30, ...rest]));
        } catch (err) {
          if (!(err instanceof TicketError)) throw new Error(`non-TicketError thrown: ${String(err)}`, { cause: err });
        }
      }),
      { numRuns: 500 },
    );
  });

  it('decodeTicketText: random strings over the text-form alphabet (base64, %, !, space, hex digits)', () => {
    fc.assert(
      fc.property(fc.string({ unit: fc.constantFrom(...'ABCDEFabcdef0123456789+/=%! \r\n\t'), maxLength: 400 }), (text) => {
        try {
          decodeTicketText(text);
        } catch (err) {
          if (!(err instanceof TicketError)) throw new Error(`non-TicketError thrown: ${String(err)}`, { cause: err });
        }
      }),
      { numRuns: 1000 },
    );
  });

  it('CR, LF and TAB around the text are dropped; inside it they make it malformed (the trim is one linear pass)', () => {
    const text = issueTicket({ keystore, user: 'WS' }).text;
    const breaks = fc.string({ unit: fc.constantFrom('\r', '\n', '\t'), maxLength: 50 });
    fc.assert(
      fc.property(breaks, breaks, (before, after) => {
        expect(Buffer.from(decodeTicketText(before + text + after))).toEqual(Buffer.from(decodeTicketText(text)));
      }),
      { numRuns: 200 },
    );
    // A long run of tabs inside, at the size limit: the regex this replaced backtracked quadratically on it.
    const tabs = `A${'\t'.repeat(8190)}A`;
    expectTicketError(() => decodeTicketText(tabs), 'ERR_TICKET_MALFORMED');
    expectTicketError(() => decodeTicketText(`\t${text.slice(0, 10)}\t${text.slice(10)}`), 'ERR_TICKET_MALFORMED');
  });

  it('a non-string, non-bytes input is a TypeError (as documented), never anything else', () => {
    for (const input of [undefined, null, 42, {}, [1, 2], new ArrayBuffer(4)]) {
      expect(() => decodeTicket(input as unknown as string)).toThrow(TypeError);
      expect(() => decodeTicketText(input as unknown as string)).toThrow(TypeError);
    }
  });
});
