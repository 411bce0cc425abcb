/**
 * A small, strict DER reader for the one CMS shape a logon ticket carries (sap-logon-ticket.md §1.4).
 *
 * Written by hand on purpose: asn1js and pkijs parse and re-encode the 0xFF unit in about 1 ms (asn1js's
 * `fromBER` alone takes 170 µs for 276 bytes, measured on Node 20), twenty times the cost of the signature check
 * itself, and verification runs on every request. This reader walks the bytes in place and allocates one small
 * object per element. It is also stricter than a BER parser: it accepts DER only (definite, minimal lengths;
 * single-byte tags; primitive encodings of strings), so no byte outside the signed attributes can change unnoticed.
 * Issuing and the description of embedded certificates still use pkijs.
 *
 * Every refusal is a `DerError`; `cms.ts` turns it into `ERR_TICKET_MALFORMED`.
 *
 * @module
 */

/** A structural problem in the DER bytes. */
export class DerError extends Error {
  override readonly name = 'DerError';
}

/** One DER element: its tag byte, where its contents start and where it ends (offsets into the buffer). */
export interface DerElement {
  readonly tag: number;
  readonly start: number;
  readonly contentStart: number;
  readonly end: number;
}

export const TAG = {
  INTEGER: 0x02,
  BIT_STRING: 0x03,
  OCTET_STRING: 0x04,
  NULL: 0x05,
  OID: 0x06,
  UTC_TIME: 0x17,
  GENERALIZED_TIME: 0x18,
  SEQUENCE: 0x30,
  SET: 0x31,
  /** [0] constructed (EXPLICIT content, or IMPLICIT SET OF). */
  CONTEXT_0: 0xa0,
  /** [1] constructed. */
  CONTEXT_1: 0xa1,
  /** [0] primitive (a SubjectKeyIdentifier SignerIdentifier). */
  CONTEXT_0_PRIMITIVE: 0x80,
} as const;

const MAX_DEPTH = 32;
const UTF8 = new TextDecoder('utf-8', { fatal: true });

// The last header read by `readHeader` (kept in module variables so that the tree check allocates nothing).
let headerTag = 0;
let headerContentStart = 0;

/** Reads the header of the element at `offset` (which must end by `limit`); returns the element's end. */
function readHeader(bytes: Uint8Array, offset: number, limit: number): number {
  if (limit - offset < 2) throw new DerError(`element at offset ${offset} is cut off`);
  const tag = bytes[offset] as number;
  if ((tag & 0x1f) === 0x1f) throw new DerError(`multi-byte tag at offset ${offset}`);
  if (tag === 0x00) throw new DerError(`end-of-contents marker at offset ${offset} (BER, not DER)`);
  if (tag === 0x0f) throw new DerError(`reserved universal tag 15 at offset ${offset}`);
  if (tag === 0x10 || tag === 0x11) throw new DerError(`primitive SEQUENCE or SET at offset ${offset}`);
  // X.690 §10.2: strings and other primitive universal types are never in constructed form in DER.
  if ((tag & 0xe0) === 0x20 && tag !== TAG.SEQUENCE && tag !== TAG.SET) throw new DerError(`constructed encoding of universal tag ${tag & 0x1f} at offset ${offset}`);
  let length = bytes[offset + 1] as number;
  let p = offset + 2;
  if (length & 0x80) {
    const n = length & 0x7f;
    if (n === 0) throw new DerError(`indefinite length at offset ${offset} (BER, not DER)`);
    if (n > 3) throw new DerError(`length of ${n} bytes at offset ${offset}`);
    if (limit - p < n) throw new DerError(`length at offset ${offset} is cut off`);
    if (bytes[p] === 0) throw new DerError(`non-minimal length at offset ${offset}`);
    length = 0;
    for (let i = 0; i < n; i++) length = length * 256 + (bytes[p++] as number);
    if (length < 0x80) throw new DerError(`non-minimal length at offset ${offset}`);
  }
  if (length > limit - p) throw new DerError(`element at offset ${offset} declares ${length} bytes; only ${limit - p} remain`);
  headerTag = tag;
  headerContentStart = p;
  return p + length;
}

/** Reads the element starting at `offset`, which must end by `limit`. */
export function readElement(bytes: Uint8Array, offset: number, limit: number): DerElement {
  const end = readHeader(bytes, offset, limit);
  return { tag: headerTag, start: offset, contentStart: headerContentStart, end };
}

/** The elements inside a constructed element, in order. */
export function children(bytes: Uint8Array, parent: DerElement): DerElement[] {
  const out: DerElement[] = [];
  for (let p = parent.contentStart; p < parent.end; ) {
    const el = readElement(bytes, p, parent.end);
    out.push(el);
    p = el.end;
  }
  return out;
}

/**
 * Checks that every constructed element below `el` is made of whole DER elements (nesting depth bounded), and that
 * the primitive values DER constrains (BOOLEAN, INTEGER, BIT STRING, NULL, OID, ENUMERATED, UTCTime,
 * GeneralizedTime) have their one encoding.
 */
export function checkTree(bytes: Uint8Array, el: DerElement): void {
  checkRange(bytes, el.tag, el.start, el.contentStart, el.end, 0);
}

function checkRange(bytes: Uint8Array, tag: number, start: number, contentStart: number, end: number, depth: number): void {
  if ((tag & 0x20) === 0) return checkPrimitive(bytes, tag, start, contentStart, end);
  if (depth === MAX_DEPTH) throw new DerError('nested too deeply');
  for (let p = contentStart; p < end; ) {
    const childEnd = readHeader(bytes, p, end);
    checkRange(bytes, headerTag, p, headerContentStart, childEnd, depth + 1);
    p = childEnd;
  }
}

function checkPrimitive(bytes: Uint8Array, tag: number, start: number, contentStart: number, end: number): void {
  const length = end - contentStart;
  const first = bytes[contentStart] as number;
  switch (tag) {
    case 0x01: // BOOLEAN: one byte, 00 or FF (X.690 §11.1)
      if (length !== 1 || (first !== 0x00 && first !== 0xff)) throw new DerError(`BOOLEAN at offset ${start} is not DER`);
      return;
    case TAG.INTEGER:
    case 0x0a: // ENUMERATED
      if (length === 0 || (length > 1 && ((first === 0x00 && (bytes[contentStart + 1] as number) < 0x80) || (first === 0xff && (bytes[contentStart + 1] as number) >= 0x80)))) {
        throw new DerError(`INTEGER at offset ${start} is not minimal`);
      }
      return;
    case TAG.BIT_STRING: {
      // X.690 §11.2: the unused-bit count is 0–7, 0 for an empty string, and the unused bits are zero.
      const last = bytes[end - 1] as number;
      if (length === 0 || first > 7 || (length === 1 && first !== 0) || (last & ((1 << first) - 1)) !== 0) throw new DerError(`BIT STRING at offset ${start} is not DER`);
      return;
    }
    case TAG.NULL:
      if (length !== 0) throw new DerError(`NULL at offset ${start} has contents`);
      return;
    case TAG.OID:
      if (!isOidEncoding(bytes, contentStart, end)) throw new DerError(`OID at offset ${start} is not a valid OID`);
      return;
    case TAG.UTC_TIME:
    case TAG.GENERALIZED_TIME:
      if (parseTime(bytes, tag, contentStart, end) === undefined) throw new DerError(`time at offset ${start} is not a DER time`);
      return;
    case 0x0c: // UTF8String: well-formed UTF-8
      try {
        UTF8.decode(bytes.subarray(contentStart, end));
      } catch {
        throw new DerError(`UTF8String at offset ${start} is not UTF-8`);
      }
      return;
    case 0x1e: // BMPString: UTF-16 code units
      if (length % 2 !== 0) throw new DerError(`BMPString at offset ${start} has an odd length`);
      return;
    case 0x1c: // UniversalString: UTF-32 code points
      for (let p = contentStart; p < end; p += 4) {
        if (end - p < 4 || (((bytes[p] as number) << 24) | ((bytes[p + 1] as number) << 16) | ((bytes[p + 2] as number) << 8) | (bytes[p + 3] as number)) >>> 0 > 0x10ffff) {
          throw new DerError(`UniversalString at offset ${start} is not UTF-32`);
        }
      }
      return;
    default:
      return;
  }
}

/** `el` must have tag `tag`; `what` names it in the error. */
export function expectTag(el: DerElement | undefined, tag: number, what: string): DerElement {
  if (el === undefined) throw new DerError(`${what} is missing`);
  if (el.tag !== tag) throw new DerError(`${what} has tag 0x${el.tag.toString(16)}, expected 0x${tag.toString(16)}`);
  return el;
}

/** The contents of a primitive element (a view, not a copy). */
export function contents(bytes: Uint8Array, el: DerElement): Uint8Array {
  return bytes.subarray(el.contentStart, el.end);
}

/** True for a non-empty, minimal base-128 encoding (no sub-identifier starts with 0x80, the last byte ends one). */
function isOidEncoding(bytes: Uint8Array, contentStart: number, end: number): boolean {
  if (end === contentStart || ((bytes[end - 1] as number) & 0x80) !== 0) return false;
  let startOfArc = true;
  for (let p = contentStart; p < end; p++) {
    const b = bytes[p] as number;
    if (startOfArc && b === 0x80) return false;
    startOfArc = (b & 0x80) === 0;
  }
  return true;
}

/** Known OIDs with their encodings, so that reading one returns its constant string (see `oidTable`). */
export type OidTable = ReadonlyMap<number, readonly { readonly bytes: Uint8Array; readonly text: string }[]>;

/** Encodes each dotted OID once, grouped by encoded length. */
export function oidTable(oids: readonly string[]): OidTable {
  const table = new Map<number, { bytes: Uint8Array; text: string }[]>();
  for (const text of new Set(oids)) {
    const arcs = text.split('.').map(Number);
    const out: number[] = [];
    for (const arc of [(arcs[0] as number) * 40 + (arcs[1] as number), ...arcs.slice(2)]) {
      const groups = [arc & 0x7f];
      for (let v = Math.floor(arc / 128); v > 0; v = Math.floor(v / 128)) groups.unshift((v & 0x7f) | 0x80);
      out.push(...groups);
    }
    const list = table.get(out.length) ?? [];
    list.push({ bytes: Uint8Array.from(out), text });
    table.set(out.length, list);
  }
  return table;
}

/** An OBJECT IDENTIFIER as a dotted string (the table's own string when it is a known one). */
export function readOid(bytes: Uint8Array, el: DerElement, what: string, known?: OidTable): string {
  expectTag(el, TAG.OID, what);
  if (!isOidEncoding(bytes, el.contentStart, el.end)) throw new DerError(`${what} is not a valid OID`);
  const length = el.end - el.contentStart;
  candidates: for (const candidate of known?.get(length) ?? []) {
    for (let i = 0; i < length; i++) if (candidate.bytes[i] !== bytes[el.contentStart + i]) continue candidates;
    return candidate.text;
  }
  let out = '';
  let value = 0;
  for (let p = el.contentStart; p < el.end; p++) {
    const b = bytes[p] as number;
    if (value >= 2 ** 45) return readLongOid(bytes, el);
    value = value * 128 + (b & 0x7f);
    if ((b & 0x80) !== 0) continue;
    out = out === '' ? (value < 40 ? `0.${value}` : value < 80 ? `1.${value - 40}` : `2.${value - 80}`) : `${out}.${value}`;
    value = 0;
  }
  return out;
}

/** The same with BigInt arcs, for OIDs whose arcs pass 2^52 (never seen in a ticket, but never rounded either). */
function readLongOid(bytes: Uint8Array, el: DerElement): string {
  const arcs: bigint[] = [];
  let value = 0n;
  for (let p = el.contentStart; p < el.end; p++) {
    const b = bytes[p] as number;
    value = value * 128n + BigInt(b & 0x7f);
    if ((b & 0x80) !== 0) continue;
    if (arcs.length === 0) arcs.push(value < 40n ? 0n : value < 80n ? 1n : 2n, value < 80n ? value % 40n : value - 80n);
    else arcs.push(value);
    value = 0n;
  }
  return arcs.join('.');
}

/** The content bytes of a minimally encoded INTEGER. */
export function readInteger(bytes: Uint8Array, el: DerElement, what: string): Uint8Array {
  expectTag(el, TAG.INTEGER, what);
  const length = el.end - el.contentStart;
  if (length === 0) throw new DerError(`${what} is an empty INTEGER`);
  if (length > 1) {
    const b0 = bytes[el.contentStart] as number;
    const b1 = bytes[el.contentStart + 1] as number;
    if ((b0 === 0x00 && b1 < 0x80) || (b0 === 0xff && b1 >= 0x80)) throw new DerError(`${what} is not a minimal INTEGER`);
  }
  return contents(bytes, el);
}

/** True for a small INTEGER with exactly this value. */
export function isSmallInteger(bytes: Uint8Array, el: DerElement, value: number): boolean {
  return el.tag === TAG.INTEGER && el.end - el.contentStart === 1 && bytes[el.contentStart] === value;
}

/** A UTCTime (`YYMMDDHHMMSSZ`, years 1950–2049) or GeneralizedTime (`YYYYMMDDHHMMSS[.f]Z`) in its DER form. */
export function readTime(bytes: Uint8Array, el: DerElement, what: string): Date {
  const time = el.tag === TAG.UTC_TIME || el.tag === TAG.GENERALIZED_TIME ? parseTime(bytes, el.tag, el.contentStart, el.end) : undefined;
  if (time === undefined) throw new DerError(`${what} is not a DER time`);
  return new Date(time);
}

/** Milliseconds since the epoch of a DER time, or `undefined` if it is not one (X.690 §11.7, §11.8). */
function parseTime(bytes: Uint8Array, tag: number, contentStart: number, end: number): number | undefined {
  const yearDigits = tag === TAG.UTC_TIME ? 2 : 4;
  const fixed = yearDigits + 10; // YY(YY) MM DD HH MM SS
  if (end - contentStart < fixed + 1 || bytes[end - 1] !== 0x5a) return undefined; // ...Z
  const digits = (from: number, count: number): number => digitBytes(bytes, contentStart + from, count);
  let ms = 0;
  if (end - contentStart > fixed + 1) {
    // Only GeneralizedTime has fractions: ".d*[1-9]" (no trailing zero, X.690 §11.7.3).
    const fraction = end - contentStart - fixed - 2;
    if (tag !== TAG.GENERALIZED_TIME || bytes[contentStart + fixed] !== 0x2e || fraction < 1 || bytes[end - 2] === 0x30) return undefined;
    const f = digits(fixed + 1, Math.min(fraction, 3));
    if (f < 0 || (fraction > 3 && digits(fixed + 4, fraction - 3) < 0)) return undefined;
    ms = fraction >= 3 ? f : f * 10 ** (3 - fraction);
  }
  let year = digits(0, yearDigits);
  const month = digits(yearDigits, 2);
  const day = digits(yearDigits + 2, 2);
  const hour = digits(yearDigits + 4, 2);
  const minute = digits(yearDigits + 6, 2);
  const second = digits(yearDigits + 8, 2);
  if (year < 0 || month < 1 || month > 12 || day < 1 || hour < 0 || hour > 23 || minute < 0 || minute > 59 || second < 0 || second > 59) return undefined;
  if (tag === TAG.UTC_TIME) year += year < 50 ? 2000 : 1900;
  // setUTCFullYear, not Date.UTC, which reads the years 0–99 as 1900–1999 (a GeneralizedTime may say 0050).
  const date = new Date(Date.UTC(2000, 0, 1, hour, minute, second, ms));
  date.setUTCFullYear(year, month - 1, day);
  return date.getUTCDate() === day ? date.getTime() : undefined; // 31 April, 29 February of a common year
}

/** The decimal number of `count` ASCII digits at `at`, or -1 if any is not a digit. */
function digitBytes(bytes: Uint8Array, at: number, count: number): number {
  let n = 0;
  for (let i = at; i < at + count; i++) {
    const d = (bytes[i] as number) - 0x30;
    if (!(d >= 0 && d <= 9)) return -1;
    n = n * 10 + d;
  }
  return n;
}

const UTF8_STRING_TAGS = new Set([0x0c, 0x0e]); // UTF8String, TIME
const LATIN1_STRING_TAGS = new Set([0x12, 0x13, 0x14, 0x15, 0x16, 0x17, 0x18, 0x19, 0x1a, 0x1b, 0x1d]);

/**
 * The text of a directory string as asn1js reads it (UTF8String and TIME as UTF-8, BMPString, UniversalString; the
 * single-byte string and time types byte by byte), or `#` and the hex of the whole element for anything else
 * (RFC 4514 §2.4).
 */
export function readDirectoryString(bytes: Uint8Array, el: DerElement): string {
  const value = Buffer.from(bytes.buffer, bytes.byteOffset + el.contentStart, el.end - el.contentStart);
  if (UTF8_STRING_TAGS.has(el.tag)) return value.toString('utf8');
  if (LATIN1_STRING_TAGS.has(el.tag)) return value.toString('latin1');
  if (el.tag === 0x1e && value.length % 2 === 0) return Buffer.from(value).swap16().toString('utf16le');
  if (el.tag === 0x1c && value.length % 4 === 0) {
    let out = '';
    for (let i = 0; i < value.length; i += 4) {
      const cp = value.readUInt32BE(i);
      if (cp > 0x10ffff) return hexForm(bytes, el);
      out += String.fromCodePoint(cp);
    }
    return out;
  }
  return hexForm(bytes, el);
}

function hexForm(bytes: Uint8Array, el: DerElement): string {
  return `#${Buffer.from(bytes.buffer, bytes.byteOffset + el.start, el.end - el.start).toString('hex')}`;
}
