/**
 * SAP code pages of the ticket header (sap-logon-ticket.md §1.2).
 *
 * The code page applies only to the InfoUnits 0x01–0x04, 0x06 and 0x09; the others have a fixed encoding
 * (see `info-units.ts`). Decoding uses Node's built-in decoders; encoding is offered for the code pages a ticket
 * issuer needs (1100, 4102, 4103, 4110).
 *
 * @module
 */
import { TicketError } from './errors.js';

/** A 4-digit SAP code page (table TCP00). */
export type CodePage = string;

/** Code pages this package can issue tickets in. */
export type IssueCodePage = '1100' | '4102' | '4103' | '4110';

interface CodePageInfo {
  readonly label: string;
  readonly decode: (bytes: Uint8Array) => string;
  readonly encode?: (text: string) => Uint8Array;
}

const buf = (bytes: Uint8Array): Buffer => Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
// ignoreBOM: a leading U+FEFF is a character of the field (Java's UTF-8, UTF-16LE and UTF-16BE decoders keep it), so
// a name signed as "\uFEFFADMIN" is never read as "ADMIN".
const fatal = (encoding: string) => {
  const decoder = new TextDecoder(encoding, { fatal: true, ignoreBOM: true });
  return (bytes: Uint8Array): string => decoder.decode(bytes);
};

function encodeLatin1(text: string): Uint8Array {
  for (let i = 0; i < text.length; i++) {
    if (text.charCodeAt(i) > 0xff) throw new TypeError(`"${text}" cannot be written in code page 1100 (ISO-8859-1)`);
  }
  return new Uint8Array(Buffer.from(text, 'latin1'));
}

// Windows-1252 differs from ISO-8859-1 only in 0x80–0x9F. Node 20's TextDecoder('windows-1252') decodes these as
// Latin-1 control characters, so the table is spelled out here (undefined positions stay as-is).
const CP1252_HIGH = '\u20ac\x81\u201a\u0192\u201e\u2026\u2020\u2021\u02c6\u2030\u0160\u2039\u0152\x8d\u017d\x8f' +
  '\x90\u2018\u2019\u201c\u201d\u2022\u2013\u2014\u02dc\u2122\u0161\u203a\u0153\x9d\u017e\u0178';
function decodeCp1252(bytes: Uint8Array): string {
  let out = '';
  for (const b of bytes) out += b >= 0x80 && b <= 0x9f ? CP1252_HIGH[b - 0x80] : String.fromCharCode(b);
  return out;
}

function encodeUtf16be(text: string): Uint8Array {
  const le = Buffer.from(text, 'utf16le');
  return new Uint8Array(le.swap16());
}

// §1.2 code page table: 1100/4103/4110 are seen in real tickets [V]; the rest from SAP table TCP00 [3].
const CODE_PAGES: ReadonlyMap<string, CodePageInfo> = new Map<string, CodePageInfo>([
  ['1100', { label: 'SAP ISO-8859-1', decode: (b) => buf(b).toString('latin1'), encode: encodeLatin1 }],
  ['1160', { label: 'Windows-1252', decode: decodeCp1252 }],
  ['4102', { label: 'UTF-16BE', decode: fatal('utf-16be'), encode: encodeUtf16be }],
  ['4103', { label: 'UTF-16LE', decode: fatal('utf-16le'), encode: (t) => new Uint8Array(Buffer.from(t, 'utf16le')) }],
  ['4110', { label: 'UTF-8', decode: fatal('utf-8'), encode: (t) => new Uint8Array(Buffer.from(t, 'utf8')) }],
  ['8000', { label: 'Shift-JIS', decode: fatal('shift_jis') }],
]);

/** The code pages `decodeTicket` understands. */
export const SUPPORTED_CODE_PAGES: readonly string[] = [...CODE_PAGES.keys()];

/** The code pages `issueTicket` can write. */
export const ISSUE_CODE_PAGES: readonly IssueCodePage[] = ['1100', '4102', '4103', '4110'];

export function isSupportedCodePage(codePage: string): boolean {
  return CODE_PAGES.has(codePage);
}

/** Decodes a code-page field; invalid byte sequences (odd UTF-16 length, bad UTF-8) are `ERR_TICKET_MALFORMED`. */
export function decodeCodePage(codePage: CodePage, bytes: Uint8Array): string {
  const info = CODE_PAGES.get(codePage);
  if (info === undefined) throw new TicketError('ERR_TICKET_CODEPAGE_UNSUPPORTED', `code page ${codePage} is not supported`);
  if ((codePage === '4102' || codePage === '4103') && bytes.length % 2 !== 0) {
    throw new TicketError('ERR_TICKET_MALFORMED', `odd byte count ${bytes.length} in a UTF-16 field`);
  }
  try {
    return info.decode(bytes);
  } catch (cause) {
    throw new TicketError('ERR_TICKET_MALFORMED', `invalid byte sequence for code page ${codePage}`, { cause });
  }
}

/** Encodes text in an issuable code page. Throws `TypeError` if the text cannot be represented. */
export function encodeCodePage(codePage: CodePage, text: string): Uint8Array {
  const encode = CODE_PAGES.get(codePage)?.encode;
  if (encode === undefined) throw new TypeError(`code page ${codePage} cannot be issued (use one of ${ISSUE_CODE_PAGES.join(', ')})`);
  return encode(text);
}
