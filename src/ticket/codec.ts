/**
 * The binary ticket: version byte, 4-digit code page, InfoUnits, signature unit last (sap-logon-ticket.md §1.1).
 *
 * The InfoUnit TLV (id:u8, len:u16 BE, data) is SAP's own format, not ASN.1: no library parses it, so it is
 * hand-written here with bounds checks. Everything inside the 0xFF unit is CMS and is left to pkijs (`cms.ts`).
 *
 * @module
 */
import { decodeCodePage, isSupportedCodePage } from './code-pages.js';
import { TicketError } from './errors.js';
import { InfoUnitId, infoUnitEncoding, infoUnitName } from './info-units.js';

/** The only version byte seen in real tickets (§1.1). */
export const TICKET_VERSION = 0x02;
const HEADER_LENGTH = 5;
const MAX_UNIT_LENGTH = 0xffff;
// ignoreBOM: a leading U+FEFF is a character of the signed text (as SAP's Java decoders read it), never dropped.
const UTF8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

/** One InfoUnit as it appears in the ticket. */
export interface InfoUnit {
  /** The ID byte. */
  readonly id: number;
  /** SAP's name for the ID (`USER`, `CREATE_CLIENT`, …) or `UNKNOWN_0xNN`. */
  readonly name: string;
  /** The raw bytes, exactly as signed. */
  readonly data: Uint8Array;
  /** The decoded value: a string for text units, a number for binary integers and flags, `null` for opaque units. */
  readonly value: string | number | null;
}

/** The structure of a ticket's bytes, before any CMS parsing. */
export interface TicketStructure {
  readonly version: number;
  readonly codePage: string;
  /** Every InfoUnit except the signature, in ticket order (unknown IDs included). */
  readonly infoUnits: readonly InfoUnit[];
  /** The signed range: from the version byte up to, not including, the 0xFF ID byte (§1.1). */
  readonly signedBytes: Uint8Array;
  /** The 0xFF unit's data: a DER CMS ContentInfo(SignedData). */
  readonly signature: Uint8Array;
}

function decodeUnitValue(codePage: string, id: number, data: Uint8Array): string | number | null {
  switch (infoUnitEncoding(id)) {
    case 'codepage':
      return decodeCodePage(codePage, data);
    case 'utf8':
      try {
        return UTF8.decode(data);
      } catch (cause) {
        throw new TicketError('ERR_TICKET_MALFORMED', `InfoUnit ${infoUnitName(id)} is not valid UTF-8`, { cause });
      }
    case 'ascii':
      // §1.2: 0x0F/0x10 are single-byte ASCII even in UTF-16 tickets; read bytes as Latin-1 so nothing is lost.
      return Buffer.from(data.buffer, data.byteOffset, data.byteLength).toString('latin1');
    case 'uint32':
      // §1.2: validity hours/minutes are 4-byte big-endian binary integers.
      if (data.length !== 4) {
        throw new TicketError('ERR_TICKET_MALFORMED', `InfoUnit ${infoUnitName(id)} must be 4 bytes, not ${data.length}`);
      }
      return new DataView(data.buffer, data.byteOffset, 4).getUint32(0);
    case 'byte':
      if (data.length !== 1) {
        throw new TicketError('ERR_TICKET_MALFORMED', `InfoUnit ${infoUnitName(id)} must be 1 byte, not ${data.length}`);
      }
      return data[0] as number;
    case 'binary':
      return null;
  }
}

// The InfoUnit IDs seen so far, without a Set per parse: ID n was seen in this parse iff seenIn[n] === its epoch.
const seenIn = new Uint32Array(256);
let lastEpoch = 0;
function nextEpoch(): number {
  if (++lastEpoch === 0xffffffff) {
    seenIn.fill(0);
    lastEpoch = 1;
  }
  return lastEpoch;
}

/**
 * Parses the binary ticket. Accepts InfoUnits in any order, keeps unknown ones, requires exactly one 0xFF unit
 * and requires it last (§1.1, §7 item 1). Refuses a repeated InfoUnit ID (two different users in one ticket would
 * be ambiguous).
 */
export function parseTicketStructure(bytes: Uint8Array): TicketStructure {
  if (bytes.length < HEADER_LENGTH) {
    throw new TicketError('ERR_TICKET_TRUNCATED', `ticket is ${bytes.length} bytes, shorter than its 5-byte header`);
  }
  const version = bytes[0] as number;
  if (version !== TICKET_VERSION) {
    throw new TicketError('ERR_TICKET_MALFORMED', `unsupported ticket version ${version} (expected 2)`);
  }
  const codePage = Buffer.from(bytes.buffer, bytes.byteOffset + 1, HEADER_LENGTH - 1).toString('latin1');
  if (!/^[0-9]{4}$/.test(codePage)) {
    throw new TicketError('ERR_TICKET_MALFORMED', 'the code page is not 4 ASCII digits');
  }
  if (!isSupportedCodePage(codePage)) {
    throw new TicketError('ERR_TICKET_CODEPAGE_UNSUPPORTED', `code page ${codePage} is not supported`);
  }

  const raw: { id: number; data: Uint8Array }[] = [];
  const epoch = nextEpoch();
  let offset = HEADER_LENGTH;
  while (offset < bytes.length) {
    if (bytes.length - offset < 3) {
      throw new TicketError('ERR_TICKET_TRUNCATED', `InfoUnit header at offset ${offset} is cut off`);
    }
    const id = bytes[offset] as number;
    const length = ((bytes[offset + 1] as number) << 8) | (bytes[offset + 2] as number);
    const start = offset + 3;
    const remaining = bytes.length - start;
    if (length > remaining) {
      throw new TicketError(
        'ERR_TICKET_TRUNCATED',
        `InfoUnit 0x${id.toString(16).padStart(2, '0')} declares ${length} bytes but only ${remaining} remain`,
      );
    }
    if (seenIn[id] === epoch) {
      throw new TicketError('ERR_TICKET_MALFORMED', `InfoUnit ${infoUnitName(id)} appears twice`);
    }
    seenIn[id] = epoch;
    const data = bytes.subarray(start, start + length);
    if (id === InfoUnitId.SIGNATURE) {
      if (start + length !== bytes.length) {
        throw new TicketError('ERR_TICKET_MALFORMED', 'bytes follow the signature unit (0xFF must be last)');
      }
      return {
        version,
        codePage,
        infoUnits: raw.map((u) => ({ id: u.id, name: infoUnitName(u.id), data: u.data, value: decodeUnitValue(codePage, u.id, u.data) })),
        signedBytes: bytes.subarray(0, offset),
        signature: data,
      };
    }
    raw.push({ id, data });
    offset = start + length;
  }
  throw new TicketError('ERR_TICKET_TRUNCATED', 'the ticket ends without a signature unit (0xFF)');
}

/** Builds the signed part of a ticket: header plus InfoUnits in the given order (§1.1). */
export function buildSignedBytes(codePage: string, units: readonly { id: number; data: Uint8Array }[]): Uint8Array {
  if (!/^[0-9]{4}$/.test(codePage)) throw new TypeError('codePage must be 4 digits');
  const parts: Uint8Array[] = [Uint8Array.of(TICKET_VERSION), new Uint8Array(Buffer.from(codePage, 'latin1'))];
  for (const unit of units) {
    if (!Number.isInteger(unit.id) || unit.id < 0 || unit.id >= InfoUnitId.SIGNATURE) {
      throw new TypeError(`InfoUnit id must be an integer 0x00..0xFE, got ${unit.id}`);
    }
    parts.push(unitHeader(unit.id, unit.data.length), unit.data);
  }
  return concat(parts);
}

/** Appends the signature unit (0xFF + DER CMS) to the signed bytes. */
export function appendSignatureUnit(signedBytes: Uint8Array, cmsDer: Uint8Array): Uint8Array {
  return concat([signedBytes, unitHeader(InfoUnitId.SIGNATURE, cmsDer.length), cmsDer]);
}

function unitHeader(id: number, length: number): Uint8Array {
  if (length > MAX_UNIT_LENGTH) throw new TypeError(`InfoUnit 0x${id.toString(16)} is ${length} bytes; at most 65535 fit`);
  return Uint8Array.of(id, length >> 8, length & 0xff);
}

function concat(parts: readonly Uint8Array[]): Uint8Array {
  return new Uint8Array(Buffer.concat(parts));
}
