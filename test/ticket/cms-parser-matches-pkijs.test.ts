/**
 * The signature unit is read by a hand-written strict DER reader (src/ticket/der.ts) instead of asn1js/pkijs, for
 * speed. This test holds it to the pkijs parser it replaced (test/ticket/reference-cms.ts): on every real and issued
 * ticket both read the same fields, and on mutated signature units the DER reader never accepts what pkijs refused,
 * except bytes inside an embedded certificate (never trusted; its fields are parsed only when read).
 */
import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import { Keystore } from '../../src/keystore/index.js';
import { decodeTicket, issueAssertionTicket, issueTicket, parseCmsSignature } from '../../src/ticket/index.js';
import { referenceParseCms, type ReferenceCms } from './reference-cms.js';
import { expectedFixtures, expectedReal, vectorText } from './vectors.js';

const hex = (b: Uint8Array): string => Buffer.from(b).toString('hex');

function fastParse(der: Uint8Array): ReferenceCms {
  const c = parseCmsSignature(der);
  const a = c.signedAttributes;
  return {
    digestAlgorithm: c.digestAlgorithm,
    signatureAlgorithmOid: c.signatureAlgorithmOid,
    signerIssuer: c.signerIssuer,
    signerIssuerDer: hex(c.signerIssuerDer),
    signerSerial: c.signerSerial,
    signedAttributes: a && { der: hex(a.der), order: [...a.order], contentType: a.contentType, signingTime: a.signingTime?.getTime(), messageDigest: a.messageDigest && hex(a.messageDigest) },
    signature: hex(c.signature),
    encapsulatedContent: c.encapsulatedContent && hex(c.encapsulatedContent),
    certificates: c.certificates.length,
  };
}

const attempt = (parse: (der: Uint8Array) => ReferenceCms, der: Uint8Array): ReferenceCms | undefined => {
  try {
    return parse(der);
  } catch {
    return undefined;
  }
};

let issued: Record<'dsa' | 'rsa' | 'ecdsa' | 'withCert' | 'assertion', { bytes: Uint8Array }>;
/** Where the embedded certificate set ([0] of the SignedData) lies in the `withCert` signature unit. */
let certificateRange: { unit: Uint8Array; from: number; to: number };

beforeAll(async () => {
  const [dsa, rsa, ecdsa] = await Promise.all([
    Keystore.generate({ sid: 'J2E', client: '000' }),
    Keystore.generate({ sid: 'J2E', client: '000', alg: 'rsa' }),
    Keystore.generate({ sid: 'J2E', client: '000', alg: 'ecdsa' }),
  ]);
  issued = {
    dsa: issueTicket({ keystore: dsa, user: 'ALICE', portalUser: 'alice' }),
    rsa: issueTicket({ keystore: rsa, user: 'ALICE', hash: 'sha256', codePage: '4103' }),
    ecdsa: issueTicket({ keystore: ecdsa, user: 'ALICE', hash: 'sha256' }),
    withCert: issueTicket({ keystore: dsa, user: 'ALICE', includeCertificate: true }),
    assertion: issueAssertionTicket({ keystore: dsa, user: 'ALICE', recipientSid: 'ERP', recipientClient: '100' }),
  };
  const unit = decodeTicket(issued.withCert.bytes).signature;
  const at = Buffer.from(unit).indexOf(Buffer.from(dsa.own.certificate.der));
  expect(at).toBeGreaterThan(4);
  certificateRange = { unit, from: at - 4, to: at + dsa.own.certificate.der.length }; // with the [0] set header
});

describe('the DER reader reads what pkijs read', () => {
  it('on every test-key and real ticket', () => {
    const files = [...expectedFixtures(), ...expectedReal()].filter((t) => t.parse_error === undefined).map((t) => t.file);
    expect(files.length).toBeGreaterThanOrEqual(3);
    for (const file of files) {
      const der = decodeTicket(vectorText(file)).signature;
      expect(fastParse(der), file).toEqual(referenceParseCms(der));
    }
  });

  it('on tickets issued here (DSA, RSA, ECDSA, an embedded certificate, an assertion ticket)', () => {
    for (const [name, { bytes }] of Object.entries(issued)) {
      const der = decodeTicket(bytes).signature;
      expect(fastParse(der), name).toEqual(referenceParseCms(der));
    }
  });
});

describe('on mutated signature units the DER reader accepts nothing pkijs refused', () => {
  it('one or two bytes changed anywhere (property)', () => {
    const units = [...Object.values(issued).filter((t) => t !== issued.withCert).map(({ bytes }) => decodeTicket(bytes).signature), certificateRange.unit];
    fc.assert(
      fc.property(fc.constantFrom(...units), fc.array(fc.record({ at: fc.nat(), value: fc.nat(255) }), { minLength: 1, maxLength: 2 }), (base, changes) => {
        const der = base.slice();
        for (const c of changes) der[c.at % der.length] = c.value;
        const fast = attempt(fastParse, der);
        if (fast === undefined) return true;
        const { unit, from, to } = certificateRange;
        const insideCertificate = base === unit && changes.some((c) => c.at % der.length >= from && c.at % der.length < to);
        if (insideCertificate) return true; // an embedded certificate is only shape-checked until it is read
        const reference = attempt(referenceParseCms, der);
        const where = changes.map((c) => `${c.at % der.length}=${c.value} in ${Buffer.from(base.subarray(Math.max(0, (c.at % der.length) - 8), (c.at % der.length) + 4)).toString('hex')}`);
        let why = '';
        try { referenceParseCms(der); } catch (e) { why = (e as Error).message; }
        expect(reference, `accepted by the DER reader only: ${where.join(', ')} (length ${der.length}): ${why}`).toBeDefined();
        expect(fast, `read differently: ${where.join(', ')}`).toEqual(reference);
        return true;
      }),
      { numRuns: 3000 },
    );
  });

  it('BER forms that asn1js would round-trip are refused: indefinite and non-minimal lengths', () => {
    const der = decodeTicket(issued.dsa.bytes).signature;
    // 30 82 01 10 ... → 30 83 00 01 10 (non-minimal long form) and 30 80 ... 00 00 (indefinite).
    const nonMinimal = Uint8Array.from([0x30, 0x83, 0x00, ...der.subarray(2)]);
    const indefinite = Uint8Array.from([0x30, 0x80, ...der.subarray(4), 0x00, 0x00]);
    for (const bad of [nonMinimal, indefinite]) expect(() => parseCmsSignature(bad)).toThrow(expect.objectContaining({ code: 'ERR_TICKET_MALFORMED' }));
  });
});
