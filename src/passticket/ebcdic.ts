/**
 * The RACF user-ID character set and its EBCDIC (CP1047) bytes (passticket.md §1.1).
 *
 * Only A–Z, 0–9, `@`, `#` and `$` are accepted; CP037, CP500 and CP1047 agree on all of them, so the choice of code
 * page does not matter here. Lowercase letters are uppercased first, as RACF, IBM's sample and PassGen do.
 *
 * @module
 */

const CP1047: Readonly<Record<string, number>> = (() => {
  const map: Record<string, number> = { '@': 0x7c, '#': 0x7b, $: 0x5b };
  const ranges: Array<[string, number]> = [
    ['ABCDEFGHI', 0xc1],
    ['JKLMNOPQR', 0xd1],
    ['STUVWXYZ', 0xe2],
    ['0123456789', 0xf0],
  ];
  for (const [chars, first] of ranges) [...chars].forEach((c, i) => (map[c] = first + i));
  return Object.freeze(map);
})();

/** The EBCDIC blank that pads user IDs and application names to 8 bytes (§1.1). */
export const EBCDIC_BLANK = 0x40;

const RACF_NAME = /^[A-Z0-9@#$]{1,8}$/;

/**
 * True if `name` (after uppercasing) is a valid RACF user ID or PTKTDATA application name: 1 to 8 characters from
 * A–Z 0–9 @ # $ (the set §1.1 names; no rule on the first character is imposed).
 */
export function isRacfName(name: string): boolean {
  return typeof name === 'string' && RACF_NAME.test(name.toUpperCase());
}

/**
 * Uppercases `name` and checks it is a RACF name (see {@link isRacfName}). Throws a `TypeError` naming `what`
 * otherwise; the offending value is quoted only when it is short and printable (user IDs are not secrets).
 */
export function normalizeRacfName(name: string, what = 'name'): string {
  if (typeof name !== 'string') throw new TypeError(`${what} must be a string`);
  const upper = name.toUpperCase();
  if (!RACF_NAME.test(upper)) {
    throw new TypeError(
      `${what} must be 1 to 8 characters from A-Z 0-9 @ # $ (passticket.md §1.1)`,
    );
  }
  return upper;
}

/** EBCDIC bytes of `name` (uppercased, validated), without padding. */
export function toEbcdic(name: string, what = 'name'): Buffer {
  const upper = normalizeRacfName(name, what);
  return Buffer.from([...upper].map((c) => CP1047[c]!));
}

/** EBCDIC bytes of `name`, left-justified and blank (0x40) padded to 8 bytes (§1.1). */
export function toEbcdic8(name: string, what = 'name'): Buffer {
  const out = Buffer.alloc(8, EBCDIC_BLANK);
  toEbcdic(name, what).copy(out);
  return out;
}
