import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import { Keystore } from '../../src/keystore/index.js';
import { decodeTicket, issueTicket, TicketError, verifyTicket } from '../../src/ticket/index.js';
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

describe('oversized input is refused in bounded time', () => {
  const MiB = 1024 * 1024;
  it('1 MiB of text or bytes → ERR_TICKET_TOO_LARGE at once', () => {
    const started = performance.now();
    for (const input of ['A'.repeat(MiB), new Uint8Array(MiB), `%${'25'.repeat(MiB / 2)}`]) {
      expect(() => decodeTicket(input)).toThrow(expect.objectContaining({ code: 'ERR_TICKET_TOO_LARGE' }));
      expect(() => verifyTicket(input, { keystore })).toThrow(expect.objectContaining({ code: 'ERR_TICKET_TOO_LARGE' }));
    }
    expect(performance.now() - started).toBeLessThan(100);
  });

  it('with maxLength raised to 2 MiB, a 1 MiB input is still refused in well under a second', () => {
    const started = performance.now();
    for (const input of ['A'.repeat(MiB), `%${'25'.repeat(MiB / 2 - 1)}`, new Uint8Array(MiB).fill(1)]) {
      expect(() => verifyTicket(input, { keystore, maxLength: 2 * MiB })).toThrow(TicketError);
    }
    expect(performance.now() - started).toBeLessThan(1000);
  });
});
