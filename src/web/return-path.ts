/**
 * The return URL after login: a local path only, or nothing (the caller falls back to its default).
 *
 * Refused: anything not starting with exactly one `/` (`https://evil`, `evil`, `//evil`, `/\evil`), backslashes
 * anywhere (browsers read `\` as `/`), control characters and whitespace (URL parsers strip tabs and newlines, so
 * `/\t/evil` would become `//evil`), and any of these (but a space) after percent-decoding (up to three rounds, for `%2F%2Fevil`,
 * `%5Cevil` and double encodings). What remains is resolved against a placeholder origin, which must not change;
 * the normalised path, query and fragment are returned, and checked again: dot segments (`/..//evil`, also as
 * `%2e%2e`) normalise to a path that starts with `//`, which a browser reads as another host.
 *
 * @module
 */

const LOCAL = /^\/(?![/\\])/;
/** In the raw value: controls, whitespace, backslash. After decoding: controls and backslash (a decoded space is fine). */
const FORBIDDEN_RAW = /[\x00-\x20\x7f\\]/;
const FORBIDDEN_DECODED = /[\x00-\x1f\x7f\\]/;
const PLACEHOLDER = 'http://return-path.invalid';

/** `value` as a safe local path (`/x?y#z`), or `undefined`. */
export function safeReturnPath(value: unknown): string | undefined {
  if (typeof value !== 'string' || value.length === 0 || value.length > 2048) return undefined;
  let v = value;
  for (let round = 0; round < 4; round++) {
    if (!LOCAL.test(v) || (round === 0 ? FORBIDDEN_RAW : FORBIDDEN_DECODED).test(v)) return undefined;
    let decoded: string;
    try {
      decoded = decodeURIComponent(v);
    } catch {
      return undefined; // malformed percent-encoding
    }
    if (decoded === v) break;
    if (round === 3) return undefined; // still encoded after three rounds: refuse rather than guess
    v = decoded;
  }
  let url: URL;
  try {
    url = new URL(value, PLACEHOLDER);
  } catch {
    return undefined;
  }
  if (url.origin !== PLACEHOLDER) return undefined;
  const path = `${url.pathname}${url.search}${url.hash}`;
  return LOCAL.test(path) ? path : undefined;
}
