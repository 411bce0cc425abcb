/**
 * Distinguished names: parse, print and compare the way SAP's login modules do (sap-logon-ticket.md §3.2): as
 * compound names, RDN by RDN from the right, blanks around components trimmed, `\` escapes honoured, so
 * "CN=X, O=Y" matches "CN=X,O=Y".
 *
 * Attribute types are compared case-insensitively, with their usual aliases (`E`/`EMAILADDRESS`, `S`/`ST`,
 * `OID.2.5.4.3`/`2.5.4.3`/`CN`). Values are compared case-insensitively with inner runs of blanks collapsed, like
 * X.500 caseIgnoreMatch and Java's `X500Principal.equals`.
 *
 * Strings are RFC 4514 order (most specific RDN first: `CN=EP4, OU=J2EE`), as Java and STRUSTSSO2 show them.
 *
 * @module
 */
import type * as pkijs from 'pkijs';

/** One attribute of an RDN. `type` is the canonical short name (`CN`) or a dotted OID. */
export interface DnAttribute {
  readonly type: string;
  readonly value: string;
}

/** A parsed DN: RDNs in string order (most specific first); each RDN is a set of attributes (usually one). */
export type ParsedDn = readonly (readonly DnAttribute[])[];

const OID_TO_NAME: ReadonlyMap<string, string> = new Map([
  ['2.5.4.3', 'CN'],
  ['2.5.4.4', 'SURNAME'],
  ['2.5.4.5', 'SERIALNUMBER'],
  ['2.5.4.6', 'C'],
  ['2.5.4.7', 'L'],
  ['2.5.4.8', 'ST'],
  ['2.5.4.9', 'STREET'],
  ['2.5.4.10', 'O'],
  ['2.5.4.11', 'OU'],
  ['2.5.4.12', 'T'],
  ['2.5.4.42', 'GIVENNAME'],
  ['0.9.2342.19200300.100.1.1', 'UID'],
  ['0.9.2342.19200300.100.1.25', 'DC'],
  ['1.2.840.113549.1.9.1', 'EMAILADDRESS'],
]);
const NAME_TO_OID: ReadonlyMap<string, string> = new Map([
  ...[...OID_TO_NAME].map(([oid, name]) => [name, oid] as [string, string]),
  ['E', '1.2.840.113549.1.9.1'],
  ['EMAIL', '1.2.840.113549.1.9.1'],
  ['S', '2.5.4.8'],
  ['SN', '2.5.4.4'],
  ['TITLE', '2.5.4.12'],
  ['G', '2.5.4.42'],
]);

/** Canonical attribute type: the short name if known, else the dotted OID. */
export function canonicalAttributeType(type: string): string {
  let t = type.trim().toUpperCase();
  if (t.startsWith('OID.')) t = t.slice(4);
  if (/^[0-9]+(\.[0-9]+)+$/.test(t)) return OID_TO_NAME.get(t) ?? t;
  const oid = NAME_TO_OID.get(t);
  return oid === undefined ? t : (OID_TO_NAME.get(oid) ?? t);
}

/** The OID of an attribute type name or dotted OID; `undefined` if unknown. */
export function attributeTypeOid(type: string): string | undefined {
  const t = canonicalAttributeType(type);
  return /^[0-9]+(\.[0-9]+)+$/.test(t) ? t : NAME_TO_OID.get(t);
}

/**
 * Parses an RFC 4514 / RFC 1779 DN string (`,` or `;` between RDNs, `+` inside a multi-valued RDN, `\` escapes
 * including `\XX` hex, quoted values). Throws `TypeError` on a malformed DN.
 */
export function parseDn(dn: string): ParsedDn {
  if (typeof dn !== 'string') throw new TypeError('a DN must be a string');
  const rdns: DnAttribute[][] = [];
  if (dn.trim() === '') return rdns;
  let rdn: DnAttribute[] = [];
  let i = 0;
  const n = dn.length;
  while (i <= n) {
    // type
    let type = '';
    while (i < n && dn[i] !== '=') {
      if (dn[i] === ',' || dn[i] === ';' || dn[i] === '+') throw new TypeError(`malformed DN "${dn}": attribute without "="`);
      type += dn[i++];
    }
    if (i >= n || type.trim() === '') throw new TypeError(`malformed DN "${dn}": expected TYPE=value`);
    i++; // '='
    while (i < n && dn[i] === ' ') i++;
    // value
    let value = '';
    let trailingBlanks = 0; // unescaped blanks at the end, trimmed
    if (dn[i] === '"') {
      i++;
      while (i < n && dn[i] !== '"') {
        if (dn[i] === '\\' && i + 1 < n) i++;
        value += dn[i++];
      }
      if (i >= n) throw new TypeError(`malformed DN "${dn}": unterminated quote`);
      i++;
      while (i < n && dn[i] === ' ') i++;
    } else {
      const bytes: number[] = [];
      const flush = (): void => {
        if (bytes.length > 0) value += Buffer.from(bytes).toString('utf8');
        bytes.length = 0;
      };
      while (i < n && dn[i] !== ',' && dn[i] !== ';' && dn[i] !== '+') {
        const c = dn[i] as string;
        if (c === '\\') {
          const hex = dn.slice(i + 1, i + 3);
          if (/^[0-9A-Fa-f]{2}$/.test(hex)) {
            bytes.push(parseInt(hex, 16));
            i += 3;
          } else if (i + 1 < n) {
            flush();
            value += dn[i + 1];
            i += 2;
          } else {
            throw new TypeError(`malformed DN "${dn}": trailing backslash`);
          }
          trailingBlanks = 0;
          continue;
        }
        flush();
        value += c;
        trailingBlanks = c === ' ' ? trailingBlanks + 1 : 0;
        i++;
      }
      flush();
      if (trailingBlanks > 0) value = value.slice(0, value.length - trailingBlanks);
    }
    rdn.push({ type: canonicalAttributeType(type), value });
    if (i >= n) break;
    const sep = dn[i];
    i++;
    if (sep !== '+') {
      rdns.push(rdn);
      rdn = [];
    }
    while (i < n && dn[i] === ' ') i++;
    if (i >= n) throw new TypeError(`malformed DN "${dn}": ends with a separator`);
  }
  rdns.push(rdn);
  return rdns;
}

function escapeValue(value: string): string {
  let out = value.replace(/[\\,+"<>;=]/g, (c) => `\\${c}`);
  if (out.startsWith('#') || out.startsWith(' ')) out = `\\${out}`;
  if (out.endsWith(' ')) out = `${out.slice(0, -1)}\\ `;
  return out;
}

/** Prints a parsed DN as an RFC 4514 string with `, ` between RDNs. */
export function formatDn(dn: ParsedDn): string {
  return dn.map((rdn) => rdn.map((a) => `${a.type}=${escapeValue(a.value)}`).join('+')).join(', ');
}

function normaliseValue(value: string): string {
  return value.trim().replace(/\s+/g, ' ').toLowerCase();
}

function rdnKey(rdn: readonly DnAttribute[]): string {
  return rdn
    .map((a) => `${canonicalAttributeType(a.type)}=${normaliseValue(a.value)}`)
    .sort()
    .join('+');
}

/**
 * True if two DNs name the same entity (§3.2): same number of RDNs, equal RDN by RDN from the right. Accepts strings
 * or parsed DNs; a string that does not parse never matches.
 */
export function dnEquals(a: string | ParsedDn, b: string | ParsedDn): boolean {
  let pa: ParsedDn;
  let pb: ParsedDn;
  try {
    pa = typeof a === 'string' ? parseDn(a) : a;
    pb = typeof b === 'string' ? parseDn(b) : b;
  } catch {
    return false;
  }
  if (pa.length !== pb.length) return false;
  for (let i = pa.length - 1; i >= 0; i--) {
    if (rdnKey(pa[i] as readonly DnAttribute[]) !== rdnKey(pb[i] as readonly DnAttribute[])) return false;
  }
  return true;
}

/** Converts a pkijs Name (RDNs in encoding order, most general first) to an RFC 4514 string. */
export function nameToString(name: pkijs.RelativeDistinguishedNames): string {
  const rdns: DnAttribute[][] = name.typesAndValues.map((tv) => [{ type: canonicalAttributeType(tv.type), value: attributeValueToString(tv.value) }]);
  return formatDn(rdns.reverse());
}

function attributeValueToString(value: unknown): string {
  const block = (value as { valueBlock?: { value?: unknown } } | undefined)?.valueBlock;
  if (typeof block?.value === 'string') return block.value;
  const ber = (value as { toBER?: () => ArrayBuffer } | undefined)?.toBER?.();
  return ber === undefined ? '' : `#${Buffer.from(ber).toString('hex')}`;
}
