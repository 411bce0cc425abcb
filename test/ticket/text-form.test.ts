import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { decodeTicketText, encodeTicketText } from '../../src/ticket/index.js';
import { expectTicketError } from './helpers.js';

const hex = (b: Uint8Array) => Buffer.from(b).toString('hex');
// Bytes whose base64 contains '+', '/' and '=' padding: fb ef ff → "++//", plus one byte → "xx==".
const BYTES = Uint8Array.of(0xfb, 0xef, 0xff, 0xfb, 0xef, 0xff, 0x41);
const B64 = Buffer.from(BYTES).toString('base64');

describe('text form (sap-logon-ticket.md §1.5)', () => {
  it('encodes as the SAP Java issuer: ! for +, %2F for /, %3D for =', () => {
    expect(B64).toBe('++//++//QQ==');
    expect(encodeTicketText(BYTES)).toBe('!!%2F%2F!!%2F%2FQQ%3D%3D');
  });

  it.each([
    ['raw base64', B64],
    ['SAP Java form', '!!%2F%2F!!%2F%2FQQ%3D%3D'],
    ['ABAP cookie, lower-case escapes with %21 for !', '%21%21%2f%2f%21%21%2f%2fQQ%3d%3d'],
    ['doubly URL-encoded by a proxy', '%2521%2521%252F%252F!!%252F%252FQQ%253D%253D'],
    ['+ turned into a space by a form decoder', '  //  //QQ=='],
    ['unpadded', '!!//!!//QQ'],
    ['with a trailing newline from a file', `${B64}\r\n`],
  ])('decodes %s', (_name, text) => {
    expect(hex(decodeTicketText(text))).toBe(hex(BYTES));
  });

  it('maps ! to +, never to / (pysapsso2 bug, §1.5)', () => {
    expect(hex(decodeTicketText('!!!!'))).toBe(hex(Buffer.from('++++', 'base64')));
  });

  it('round-trips any bytes, also after one or two rounds of URL encoding', () => {
    fc.assert(
      fc.property(fc.uint8Array({ minLength: 1, maxLength: 600 }), (bytes) => {
        const text = encodeTicketText(bytes);
        expect(text).not.toMatch(/[+/=]/);
        expect(hex(decodeTicketText(text))).toBe(hex(bytes));
        expect(hex(decodeTicketText(encodeURIComponent(text)))).toBe(hex(bytes));
        expect(hex(decodeTicketText(encodeURIComponent(encodeURIComponent(text))))).toBe(hex(bytes));
      }),
    );
  });

  it.each([
    ['a bad escape', 'AAAA%zz'],
    ['a lone %', 'AAAA%'],
    ['non-base64 characters', 'AA*A'],
    ['an impossible length', 'AAAAA'],
    ['the empty string', ''],
    ['URL-encoding nested too deeply', `%${'25'.repeat(20)}41AAA`],
  ])('refuses %s as ERR_TICKET_MALFORMED', (_name, text) => {
    expectTicketError(() => decodeTicketText(text), 'ERR_TICKET_MALFORMED');
  });

  it('refuses text above maxLength as ERR_TICKET_TOO_LARGE before decoding', () => {
    expectTicketError(() => decodeTicketText('A'.repeat(8193)), 'ERR_TICKET_TOO_LARGE');
    expect(decodeTicketText('A'.repeat(8192)).length).toBe(6144);
    expectTicketError(() => decodeTicketText('AAAAAAAA', { maxLength: 4 }), 'ERR_TICKET_TOO_LARGE');
    expect(() => decodeTicketText('AAAA', { maxLength: 0 })).toThrow(/maxLength/);
  });
});
