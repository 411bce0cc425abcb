/**
 * The text form of a ticket (sap-logon-ticket.md §1.5): base64 with SAP's character substitutions.
 *
 * @module
 */
import { TicketError } from './errors.js';

/** Default `maxLength` for the text form: real tickets are under 2 KiB. */
export const DEFAULT_MAX_TICKET_TEXT_LENGTH = 8192;

const BASE64 = /^[A-Za-z0-9+/]*={0,2}$/;
const MAX_URL_DECODE_PASSES = 8;

export interface DecodeTicketTextOptions {
  /** Refuse longer input with `ERR_TICKET_TOO_LARGE` before doing any work. Default 8192 characters. */
  maxLength?: number;
}

/**
 * Decodes the text form exactly as SAP's `undoReplaceChar` does (§1.5): URL-decode while a `%` remains, then map
 * `' '` and `!` to `+`, then decode standard base64 (strictly: any other character is `ERR_TICKET_MALFORMED`).
 * Leading and trailing CR, LF and tabs (a file's newline) are ignored.
 */
export function decodeTicketText(text: string, options: DecodeTicketTextOptions = {}): Uint8Array {
  const maxLength = checkMaxLength(options.maxLength, DEFAULT_MAX_TICKET_TEXT_LENGTH);
  if (typeof text !== 'string') throw new TypeError('ticket text must be a string');
  if (text.length > maxLength) {
    throw new TicketError('ERR_TICKET_TOO_LARGE', `ticket text is ${text.length} characters, more than maxLength ${maxLength}`);
  }
  let s = trimLineBreaks(text);
  // SAP loops while a '%' remains. Real tickets are URL-encoded at most two or three times (proxies, Tomcat); the
  // passes are capped so that "%252525…" cannot make decoding quadratic.
  for (let pass = 0; s.includes('%'); pass++) {
    if (pass === MAX_URL_DECODE_PASSES) throw new TicketError('ERR_TICKET_MALFORMED', `ticket text is URL-encoded more than ${MAX_URL_DECODE_PASSES} times`);
    s = percentDecode(s);
  }
  if (s.includes('!') || s.includes(' ')) s = s.replace(/[ !]/g, '+');
  if (s.length === 0) throw new TicketError('ERR_TICKET_MALFORMED', 'empty ticket');
  if (!BASE64.test(s) || s.length % 4 === 1) throw new TicketError('ERR_TICKET_MALFORMED', 'ticket text is not base64');
  const bytes = Buffer.from(s, 'base64');
  // A plain Uint8Array over Node's pooled bytes: no copy, and `slice()` keeps its copying meaning.
  return new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}

/**
 * Encodes ticket bytes the way SAP's Java issuer does (`replaceSpecialChar`, §1.5): standard base64 with `+` written
 * as `!`, `/` as `%2F` and `=` as `%3D`. The result is safe as a cookie value and as an HTTP header.
 */
export function encodeTicketText(bytes: Uint8Array): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength)
    .toString('base64')
    .replace(/\+/g, '!')
    .replace(/\//g, '%2F')
    .replace(/=/g, '%3D');
}

/**
 * Drops leading and trailing CR, LF and TAB in one linear pass. (The regex `/^[\r\n\t]+|[\r\n\t]+$/g` it replaces
 * backtracked quadratically on a run of tabs inside the text: about 150 ms for 8,000 tabs in one cookie.)
 */
function trimLineBreaks(s: string): string {
  const isBreak = (c: number) => c === 0x0d || c === 0x0a || c === 0x09;
  let start = 0;
  let end = s.length;
  while (start < end && isBreak(s.charCodeAt(start))) start++;
  while (end > start && isBreak(s.charCodeAt(end - 1))) end--;
  return s.slice(start, end);
}

function percentDecode(s: string): string {
  let out = '';
  let from = 0;
  for (let i = s.indexOf('%'); i !== -1; i = s.indexOf('%', from)) {
    const hi = hexDigit(s.charCodeAt(i + 1));
    const lo = hexDigit(s.charCodeAt(i + 2));
    if (hi < 0 || lo < 0) throw new TicketError('ERR_TICKET_MALFORMED', 'a "%" in the ticket text is not followed by two hex digits');
    out += s.slice(from, i) + String.fromCharCode(hi * 16 + lo);
    from = i + 3;
  }
  return out + s.slice(from);
}

/** The value of a hex digit's character code, or -1 (also for NaN, past the end of the string). */
function hexDigit(c: number): number {
  if (c >= 0x30 && c <= 0x39) return c - 0x30;
  if (c >= 0x41 && c <= 0x46) return c - 0x37;
  if (c >= 0x61 && c <= 0x66) return c - 0x57;
  return -1;
}

/** Validates a `maxLength` option (TypeError naming it). */
export function checkMaxLength(value: unknown, fallback: number): number {
  if (value === undefined) return fallback;
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 1) {
    throw new TypeError(`maxLength must be a positive integer, got ${String(value)}`);
  }
  return value;
}
