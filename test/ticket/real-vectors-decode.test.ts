import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { decodeTicket, TicketError } from '../../src/ticket/index.js';
import { formatDn, parseDn } from '../../src/keystore/index.js';
import { expectedFixtures, expectedReal, sharedVectorsExist, SKIP_MESSAGE, vectorText, type ExpectedTicket } from './vectors.js';

const hex = (b: Uint8Array) => Buffer.from(b).toString('hex');
/** OpenSSL prints DNs in encoding order; this package prints RFC 4514 order (reversed). */
const rfc4514 = (opensslOrder: string) => formatDn([...parseDn(opensslOrder)].reverse());
const serialOf = (s: string) => (s.startsWith('0x') ? BigInt(s) : BigInt(s)).toString(16);

function checkTicket(expected: ExpectedTicket): void {
  const ticket = decodeTicket(vectorText(expected.file));
  expect(ticket.bytes.length).toBe(expected.decoded_length);
  expect(ticket.version).toBe(expected.version);
  expect(ticket.codePage).toBe(expected.codepage);
  const units = expected.info_units.filter((u) => u.id !== '0xff');
  expect(ticket.infoUnits.map((u) => `0x${u.id.toString(16).padStart(2, '0')}`)).toEqual(units.map((u) => u.id));
  ticket.infoUnits.forEach((unit, i) => {
    const want = units[i] as (typeof units)[number];
    expect(unit.name).toBe(want.name);
    expect(unit.data.length).toBe(want.length);
    expect(hex(unit.data)).toBe(want.hex);
    if (want.name === 'FLAGS') expect(unit.value).toBe(Number(want.value));
    // expected.json's throwaway decoder read RFC (0x06) as single bytes; §1.2 says it is in the ticket code page,
    // so "X" in UTF-16LE is "X" here, not "X\0".
    else if (want.name === 'RFC') expect(unit.value).toBe(String(want.value).replace(/\0/g, ''));
    else expect(unit.value).toBe(want.value);
  });
  const sigUnit = expected.info_units.find((u) => u.id === '0xff');
  expect(ticket.signature.length).toBe(sigUnit?.length);
  expect(createHash('sha1').update(ticket.signedBytes).digest('hex')).toBe(expected.signed_bytes?.sha1);
  const cms = expected.cms!;
  expect(ticket.cms.digestAlgorithm).toBe(cms.digest_algorithm);
  expect(ticket.cms.signatureAlgorithmOid).toBe('1.2.840.10040.4.3');
  expect(ticket.cms.signerIssuer).toBe(rfc4514(cms.signer_issuer));
  expect(ticket.cms.signerSerial).toBe(serialOf(cms.signer_serial));
  expect(ticket.cms.certificates.length > 0).toBe(cms.certificates_included);
  expect(ticket.cms.encapsulatedContent).toBeUndefined();
  expect(ticket.cms.signedAttributes?.order).toEqual(['1.2.840.113549.1.9.3', '1.2.840.113549.1.9.5', '1.2.840.113549.1.9.4']);
  expect(hex(ticket.cms.signedAttributes!.messageDigest!)).toBe(cms.messageDigest_attr);
  expect(ticket.cms.signedAttributes!.signingTime!.getTime()).toBe(new Date(cms.signing_time[0]!.replace(/ +/g, ' ')).getTime());
  expect(ticket.fields.createdAt?.toISOString()).toBe(new Date(expected.validity_utc!.from).toISOString());
  expect(ticket.fields.validUntil?.toISOString()).toBe(new Date(expected.validity_utc!.until).toISOString());
}

describe('test-key tickets (test/fixtures/sap) decode to what expected.json says', () => {
  for (const expected of expectedFixtures()) {
    it(expected.file, () => checkTicket(expected));
  }
});

describe.skipIf(!sharedVectorsExist)(`real tickets in ../shared/vectors/sap decode to what expected.json says${sharedVectorsExist ? '' : ` (skipped: ${SKIP_MESSAGE})`}`, () => {
  const real = expectedReal();
  for (const expected of real.filter((t) => t.parse_error === undefined)) {
    it(expected.file, () => checkTicket(expected));
  }
  it('has all eight real tickets and the truncated one', () => {
    expect(real.length).toBe(9);
  });
  it('refuses the truncated ticket as ERR_TICKET_TRUNCATED', () => {
    const negative = real.find((t) => t.parse_error !== undefined)!;
    let error: unknown;
    try {
      decodeTicket(vectorText(negative.file));
    } catch (err) {
      error = err;
    }
    expect(error).toBeInstanceOf(TicketError);
    expect((error as TicketError).code).toBe('ERR_TICKET_TRUNCATED');
    expect((error as TicketError).message).toBe(negative.parse_error);
  });
});
