/**
 * The `Authorization: Digest …` credentials and the `WWW-Authenticate: Digest …` challenge (RFC 7616 §3.3, §3.4;
 * auth-param syntax of RFC 9110 §11.2 and §5.6.4).
 *
 * Written by hand because no well-kept library parses Digest credentials strictly: the common ones match each
 * directive with a regular expression over the whole header, which mixes up `nonce` and `cnonce`, accepts
 * duplicates, and cannot tell a quoted comma from a separator. This parser is one left-to-right pass over at most
 * {@link MAX_AUTHORIZATION_LENGTH} characters, never throws, and refuses what a careful server must refuse:
 * a duplicated directive, an unterminated quoted string, a bare byte outside the grammar, too many directives.
 *
 * @module
 */

/** Longest `Authorization` header this parser reads; a longer one is refused without being scanned. */
export const MAX_AUTHORIZATION_LENGTH = 4096;
/** Most directives in one header (RFC 7616 defines 13). */
const MAX_DIRECTIVES = 32;

/** The directives as received: lowercased names, values unquoted (escapes removed), in the header's own bytes (latin1). */
export type DigestDirectives = ReadonlyMap<string, string>;

export type ParseResult = { readonly ok: true; readonly directives: DigestDirectives } | { readonly ok: false; readonly reason: string };

// RFC 9110 §5.6.2 tchar.
const TCHAR = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]$/;
const isTchar = (c: string): boolean => TCHAR.test(c);
const isOws = (c: string | undefined): boolean => c === ' ' || c === '\t';

/** True if the header names the Digest scheme (case-insensitive), whatever follows. */
export function isDigestAuthorization(header: string): boolean {
  return /^digest(?:[ \t]|$)/i.test(header);
}

/**
 * Parses `Digest k=v, k="v", …`. Returns `{ ok: false, reason }` for anything malformed; never throws. Unknown
 * directives are kept (the caller ignores them, RFC 7616 §3.4); empty list elements (`a=1,,b=2`) are allowed as the
 * `#rule` of RFC 9110 §5.6.1 allows them.
 */
export function parseDigestAuthorization(header: unknown): ParseResult {
  if (typeof header !== 'string') return { ok: false, reason: 'not a string' };
  if (header.length > MAX_AUTHORIZATION_LENGTH) return { ok: false, reason: 'too long' };
  if (!isDigestAuthorization(header)) return { ok: false, reason: 'not the Digest scheme' };
  const s = header;
  const n = s.length;
  let i = 6; // after "Digest"
  const directives = new Map<string, string>();
  for (;;) {
    // OWS and empty list elements
    while (i < n && (isOws(s[i]) || s[i] === ',')) i++;
    if (i >= n) break;
    // name
    const nameStart = i;
    while (i < n && isTchar(s[i] as string)) i++;
    if (i === nameStart) return { ok: false, reason: `unexpected character at ${i}` };
    const name = s.slice(nameStart, i).toLowerCase();
    while (i < n && isOws(s[i])) i++;
    if (s[i] !== '=') return { ok: false, reason: `expected "=" after ${name}` };
    i++;
    while (i < n && isOws(s[i])) i++;
    // value: quoted-string or token
    let value = '';
    if (s[i] === '"') {
      i++;
      let closed = false;
      while (i < n) {
        const c = s[i] as string;
        const code = c.charCodeAt(0);
        if (c === '"') {
          closed = true;
          i++;
          break;
        }
        if (c === '\\') {
          // quoted-pair = "\" ( HTAB / SP / VCHAR / obs-text )
          const next = s[i + 1];
          if (next === undefined || !isQuotedPairChar(next.charCodeAt(0))) return { ok: false, reason: 'bad escape in a quoted string' };
          value += next;
          i += 2;
          continue;
        }
        // qdtext = HTAB / SP / %x21 / %x23-5B / %x5D-7E / obs-text
        if (!(code === 0x09 || (code >= 0x20 && code !== 0x7f && code <= 0xff))) return { ok: false, reason: 'control character in a quoted string' };
        value += c;
        i++;
      }
      if (!closed) return { ok: false, reason: 'unterminated quoted string' };
    } else {
      const start = i;
      while (i < n && isTchar(s[i] as string)) i++;
      if (i === start) return { ok: false, reason: `missing value of ${name}` };
      value = s.slice(start, i);
    }
    if (directives.has(name)) return { ok: false, reason: `duplicate directive ${name}` };
    if (directives.size >= MAX_DIRECTIVES) return { ok: false, reason: 'too many directives' };
    directives.set(name, value);
    // then OWS, and "," or the end
    while (i < n && isOws(s[i])) i++;
    if (i < n && s[i] !== ',') return { ok: false, reason: `expected "," after ${name}` };
  }
  if (directives.size === 0) return { ok: false, reason: 'no directives' };
  return { ok: true, directives };
}

function isQuotedPairChar(code: number): boolean {
  return code === 0x09 || (code >= 0x20 && code !== 0x7f && code <= 0xff);
}

/** A quoted-string (RFC 9110 §5.6.4) of a value this package produced: `"` and `\` are escaped. */
export function quote(value: string): string {
  return `"${value.replace(/["\\]/g, (c) => `\\${c}`)}"`;
}

/**
 * Decodes an RFC 8187 ext-value (`UTF-8''%E4%B8%AD`), as `username*` carries it (RFC 7616 §3.4.4). Only UTF-8 is
 * accepted; invalid percent-encoding or invalid UTF-8 gives `undefined`.
 */
export function decodeExtValue(value: string): string | undefined {
  const match = /^utf-8'[A-Za-z0-9-]{0,35}'((?:[!#$&+\-.^_`|~0-9A-Za-z]|%[0-9A-Fa-f]{2})*)$/i.exec(value);
  if (match === null) return undefined;
  const bytes = Buffer.from((match[1] as string).replace(/%([0-9A-Fa-f]{2})|([^%])/g, (_, hex: string | undefined, c: string | undefined) => (hex !== undefined ? String.fromCharCode(parseInt(hex, 16)) : (c as string))), 'latin1');
  return utf8(bytes);
}

/** The header's latin1 characters read back as the UTF-8 bytes they were; `undefined` if they are not valid UTF-8. */
export function latin1AsUtf8(value: string): string | undefined {
  return utf8(Buffer.from(value, 'latin1'));
}

const decoder = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true }); // a leading U+FEFF is a character
function utf8(bytes: Uint8Array): string | undefined {
  try {
    return decoder.decode(bytes);
  } catch {
    return undefined;
  }
}
