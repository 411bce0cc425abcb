/**
 * Client certificate → user ID, by rules as data (SAP's ClientCertLoginModule `Rule<n>.getUserFrom` options and its
 * stored certificate mappings):
 *
 * | rule | user ID |
 * |---|---|
 * | `{ from: 'subject', attribute?: 'CN' }` | the leftmost `attribute` of the subject (RFC 4514 order): `CN`, `UID`, `emailAddress`, `OU`, any type or OID |
 * | `{ from: 'email' }` | the first rfc822Name of the subjectAltName extension |
 * | `{ from: 'table', entries: [{ user, sha256? , subject?, issuer? }] }` | an explicit entry: by the certificate's SHA-256 fingerprint, and/or by subject and issuer DN (compared RDN by RDN) |
 *
 * A `subject` or `email` rule may name an `issuer` (DN) and an `issuerSha256` (the SHA-256 fingerprint of the CA
 * certificate whose key signed the client's certificate): it then applies only to certificates of that issuer. The
 * DN alone cannot tell two CAs with the same name apart (a re-keyed CA, a test CA named like the real one); the
 * fingerprint can. Rules are
 * tried in order and **the first that applies decides**, as SAP's filters do: it maps the certificate, or the
 * certificate is refused (`ERR_CLIENT_CERT_NOT_MAPPED`); later rules are not tried. So a table without `issuer`
 * entries for everyone is final; put narrower rules first.
 *
 * @module
 */
import { canonicalAttributeType, dnEquals, parseDn, type ParsedDn } from '../keystore/distinguished-name.js';
import { assertUserId, isValidUserId } from '../users/internal.js';
import type { ClientCertificate } from './client-cert-verification.js';

export interface ClientCertTableEntry {
  readonly user: string;
  /** SHA-256 fingerprint of the certificate (hex; `:` separators and case do not matter). */
  readonly sha256?: string;
  /** Subject DN; with `issuer`, matches every certificate of that subject from that issuer (e.g. after renewal). */
  readonly subject?: string;
  readonly issuer?: string;
}

export type ClientCertRule =
  | { readonly from: 'subject'; readonly attribute?: string; readonly issuer?: string; readonly issuerSha256?: string }
  | { readonly from: 'email'; readonly issuer?: string; readonly issuerSha256?: string }
  | { readonly from: 'table'; readonly entries: readonly ClientCertTableEntry[] };

/** A rule checked and prepared once. */
type Compiled =
  | { readonly from: 'subject'; readonly attribute: string; readonly issuer: ParsedDn | undefined; readonly issuerSha256: string | undefined }
  | { readonly from: 'email'; readonly issuer: ParsedDn | undefined; readonly issuerSha256: string | undefined }
  | { readonly from: 'table'; readonly bySha256: ReadonlyMap<string, readonly TableRow[]>; readonly byDn: readonly TableRow[] };

interface TableRow {
  readonly user: string;
  readonly sha256: string | undefined;
  readonly subject: ParsedDn | undefined;
  readonly issuer: ParsedDn | undefined;
}

export const DEFAULT_CLIENT_CERT_RULES: readonly ClientCertRule[] = Object.freeze([Object.freeze({ from: 'subject', attribute: 'CN' })]);

const MAX_RULES = 32;
const MAX_ENTRIES = 100_000;

/**
 * Checks rules once (a TypeError names the rule and field) and prepares them. The mapping takes the certificate and
 * a way to learn the fingerprint of the CA certificate that signed it, asked only by a rule with `issuerSha256`
 * (`undefined` when it cannot be known: such a rule then does not apply).
 */
export function compileRules(where: string, rules: unknown): (cert: ClientCertificate, issuerSha256: () => string | undefined) => string | undefined {
  if (!Array.isArray(rules) || rules.length === 0 || rules.length > MAX_RULES) throw new TypeError(`${where}: option 'rules' must be a non-empty array of at most ${MAX_RULES} rules`);
  const compiled = rules.map((rule, i) => compileRule(`${where}: rules[${i}]`, rule));
  return (cert, issuerSha256) => {
    for (const rule of compiled) {
      const applies =
        rule.from === 'table' ||
        ((rule.issuer === undefined || dnEquals(cert.issuer, rule.issuer)) && (rule.issuerSha256 === undefined || rule.issuerSha256 === issuerSha256()));
      if (applies) return userId(apply(rule, cert));
    }
    return undefined;
  };
}

function compileRule(where: string, rule: unknown): Compiled {
  if (rule === null || typeof rule !== 'object' || Array.isArray(rule)) throw new TypeError(`${where} must be an object`);
  const r = rule as Record<string, unknown>;
  const keys = (allowed: string[]) => {
    for (const k of Object.keys(r)) if (!allowed.includes(k)) throw new TypeError(`${where}: unknown key '${k}'`);
  };
  const issuer = r.issuer === undefined ? undefined : dn(`${where}.issuer`, r.issuer);
  const issuerSha256 = r.issuerSha256 === undefined ? undefined : fingerprint(`${where}.issuerSha256`, r.issuerSha256);
  switch (r.from) {
    case 'subject': {
      keys(['from', 'attribute', 'issuer', 'issuerSha256']);
      const attribute = r.attribute ?? 'CN';
      if (typeof attribute !== 'string' || !/^[A-Za-z][A-Za-z0-9-]*$|^[0-9]+(\.[0-9]+)+$/.test(attribute)) throw new TypeError(`${where}.attribute must be an attribute type such as CN, UID, emailAddress or an OID`);
      return { from: 'subject', attribute: canonicalAttributeType(attribute), issuer, issuerSha256 };
    }
    case 'email':
      keys(['from', 'issuer', 'issuerSha256']);
      return { from: 'email', issuer, issuerSha256 };
    case 'table': {
      keys(['from', 'entries']);
      if (!Array.isArray(r.entries) || r.entries.length === 0 || r.entries.length > MAX_ENTRIES) throw new TypeError(`${where}.entries must be a non-empty array`);
      const bySha256 = new Map<string, TableRow[]>();
      const byDn: TableRow[] = [];
      r.entries.forEach((entry: unknown, j: number) => {
        const row = tableRow(`${where}.entries[${j}]`, entry);
        if (row.sha256 !== undefined) bySha256.set(row.sha256, [...(bySha256.get(row.sha256) ?? []), row]);
        else byDn.push(row);
      });
      return { from: 'table', bySha256, byDn };
    }
    default:
      throw new TypeError(`${where}.from must be 'subject', 'email' or 'table'`);
  }
}

function tableRow(where: string, entry: unknown): TableRow {
  if (entry === null || typeof entry !== 'object' || Array.isArray(entry)) throw new TypeError(`${where} must be an object`);
  const e = entry as Record<string, unknown>;
  for (const k of Object.keys(e)) if (!['user', 'sha256', 'subject', 'issuer'].includes(k)) throw new TypeError(`${where}: unknown key '${k}'`);
  try {
    assertUserId(where, e.user);
  } catch {
    throw new TypeError(`${where}.user must be a user ID (1-256 characters, no control characters or surrounding blanks)`);
  }
  const sha256 = e.sha256 === undefined ? undefined : fingerprint(`${where}.sha256`, e.sha256);
  if ((e.subject === undefined) !== (e.issuer === undefined)) throw new TypeError(`${where}: give 'subject' and 'issuer' together`);
  if (sha256 === undefined && e.subject === undefined) throw new TypeError(`${where}: give 'sha256', or 'subject' and 'issuer'`);
  return {
    user: e.user as string,
    sha256,
    subject: e.subject === undefined ? undefined : dn(`${where}.subject`, e.subject),
    issuer: e.issuer === undefined ? undefined : dn(`${where}.issuer`, e.issuer),
  };
}

/** A SHA-256 fingerprint as lowercase hex (`:` separators and case do not matter); a TypeError names the field. */
function fingerprint(where: string, value: unknown): string {
  const hex = typeof value === 'string' ? value.replace(/:/g, '').toLowerCase() : '';
  if (!/^[0-9a-f]{64}$/.test(hex)) throw new TypeError(`${where} must be a SHA-256 fingerprint (64 hex digits)`);
  return hex;
}

function dn(where: string, value: unknown): ParsedDn {
  try {
    const parsed = parseDn(value as string);
    if (parsed.length === 0) throw new TypeError('empty');
    return parsed;
  } catch {
    throw new TypeError(`${where} must be a distinguished name such as "CN=Issuing CA, O=Example"`);
  }
}

function apply(rule: Compiled, cert: ClientCertificate): string | undefined {
  switch (rule.from) {
    case 'subject': {
      let parsed: ParsedDn;
      try {
        parsed = parseDn(cert.subject);
      } catch {
        return undefined;
      }
      // RFC 4514 order, leftmost (most specific) first, as SAP takes "the first matching attribute".
      for (const rdn of parsed) for (const a of rdn) if (a.type === rule.attribute) return a.value.startsWith('#') ? undefined : a.value;
      return undefined;
    }
    case 'email':
      return cert.emails[0];
    case 'table': {
      const matches = (row: TableRow) =>
        (row.sha256 === undefined || row.sha256 === cert.sha256) &&
        (row.subject === undefined || (dnEquals(cert.subject, row.subject) && dnEquals(cert.issuer, row.issuer!)));
      return (rule.bySha256.get(cert.sha256) ?? []).find(matches)?.user ?? rule.byDn.find(matches)?.user;
    }
  }
}

/** A mapped value that is a valid user ID, else `undefined`. */
function userId(value: string | undefined): string | undefined {
  return isValidUserId(value) ? value : undefined;
}
