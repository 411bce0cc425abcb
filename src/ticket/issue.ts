/**
 * Issuing logon tickets and authentication assertion tickets in the shapes real SAP issuers produce
 * (sap-logon-ticket.md §1.1, §1.2, §1.4, §2, §7 item 5), signed with the keystore's own key.
 *
 * @module
 */
import { Keystore } from '../keystore/index.js';
import { buildCmsSignature, type TicketHash } from './cms.js';
import { appendSignatureUnit, buildSignedBytes, parseTicketStructure, type InfoUnit } from './codec.js';
import { encodeCodePage, ISSUE_CODE_PAGES, type IssueCodePage } from './code-pages.js';
import { InfoUnitId } from './info-units.js';
import { encodeTicketText } from './text-form.js';
import { formatCreateTime, readClock, validUntil, type Clock } from './validity.js';
import { checkOptionKeys } from '../option-keys.js';

/** AS Java and ABAP default lifetime: 8 hours (§1.3). */
export const DEFAULT_LOGON_TICKET_LIFETIME_MINUTES = 8 * 60;
/** `login.assertion_ticket_lifetime` default `0:2` (§1.3, §2). */
export const DEFAULT_ASSERTION_TICKET_LIFETIME_MINUTES = 2;

export interface IssueTicketOptions {
  /** The issuing system: its own SID, client, key and certificate sign the ticket. */
  keystore: Keystore;
  /**
   * The ABAP user (0x01, in the ticket's code page; also 0x0A in code page 1100, as AS Java writes). May be left out
   * when `portalUser` is given: a portal user with no ABAP user gets a ticket other portals and AS Java accept
   * (portal-ID mode, §3.2) and an ABAP system refuses, as it should.
   */
  user?: string;
  /** Validity in minutes (default 480 = 8 h); written as hours (0x05) plus minutes (0x07). */
  lifetimeMinutes?: number;
  /**
   * `1100` (default): AS Java / portal shape — 0x20 and 0x88 first, 0x0A UTF-8 user last.
   * `4103` (or `4102`): ABAP Unicode shape — UTF-16LE (BE), user padded to 12 and SID to 8 with spaces, language.
   * `4110`: SAPSSOEXT shape — UTF-8, 0x20 and 0x88 last.
   */
  codePage?: IssueCodePage;
  /** UME logon ID for 0x20 (written as `portal:<id>`). */
  portalUser?: string;
  /** 0x88 authscheme; AS Java shape writes `default` when not given. */
  authScheme?: string;
  /** 0x09 one-letter logon language; default `E` in the ABAP and SAPSSOEXT shapes, absent in the AS Java shape. */
  language?: string;
  /** 0x06 "X": the ticket may be used for RFC. */
  rfc?: boolean;
  /** Embed the own certificate in the CMS (ABAP `login/create_sso2_ticket=1`); default false (AS Java default). */
  includeCertificate?: boolean;
  /** Digest; default `sha1`, the shape every real SAP ticket has (§1.4). */
  hash?: TicketHash;
  now?: Clock;
}

export interface IssueAssertionTicketOptions extends Omit<IssueTicketOptions, 'lifetimeMinutes'> {
  /** The system the ticket is for (0x10, ASCII). */
  recipientSid: string;
  /** Its client (0x0F, ASCII). */
  recipientClient: string;
  /** Default 2 minutes. */
  lifetimeMinutes?: number;
}

export interface IssuedTicket {
  /** The SAP wire form (`!` for `+`, `%2F`, `%3D`): a cookie or header value. */
  readonly text: string;
  readonly bytes: Uint8Array;
  readonly createdAt: Date;
  readonly validUntil: Date;
  readonly codePage: IssueCodePage;
  readonly infoUnits: readonly InfoUnit[];
}

const textOption = (name: string, value: unknown, max: number): string => {
  if (typeof value !== 'string' || value.length === 0 || value.length > max || /[\x00-\x1f\x7f]/.test(value)) {
    throw new TypeError(`${name} must be a non-empty string of at most ${max} printable characters`);
  }
  return value;
};

const ISSUE_OPTION_KEYS = ['keystore', 'user', 'lifetimeMinutes', 'codePage', 'portalUser', 'authScheme', 'language', 'rfc', 'includeCertificate', 'hash', 'now'];

/** Issues a logon ticket (cookie `MYSAPSSO2`). */
export function issueTicket(options: IssueTicketOptions): IssuedTicket {
  checkOptionKeys('issueTicket', options, ISSUE_OPTION_KEYS);
  return issue(options, options.lifetimeMinutes ?? DEFAULT_LOGON_TICKET_LIFETIME_MINUTES, undefined);
}

/** Issues an authentication assertion ticket for one recipient system (header `MYSAPSSO2`, §2): flags 0x01, 2 minutes. */
export function issueAssertionTicket(options: IssueAssertionTicketOptions): IssuedTicket {
  checkOptionKeys('issueAssertionTicket', options, [...ISSUE_OPTION_KEYS, 'recipientSid', 'recipientClient']);
  const recipient = {
    sid: textOption('recipientSid', options.recipientSid, 8),
    client: textOption('recipientClient', options.recipientClient, 3),
  };
  if (!/^[\x20-\x7e]+$/.test(recipient.sid + recipient.client)) throw new TypeError('recipientSid and recipientClient must be ASCII');
  return issue(options, options.lifetimeMinutes ?? DEFAULT_ASSERTION_TICKET_LIFETIME_MINUTES, recipient);
}

function issue(options: IssueTicketOptions, lifetimeMinutes: number, recipient: { sid: string; client: string } | undefined): IssuedTicket {
  if (options === null || typeof options !== 'object') throw new TypeError('options must be an object');
  const { keystore, codePage = '1100', includeCertificate = false, hash = 'sha1' } = options;
  if (!(keystore instanceof Keystore)) throw new TypeError('keystore must be a Keystore');
  const user = options.user === undefined && options.portalUser !== undefined ? undefined : textOption('user', options.user, 255);
  if (!ISSUE_CODE_PAGES.includes(codePage)) throw new TypeError(`codePage must be one of ${ISSUE_CODE_PAGES.join(', ')}`);
  if (!Number.isInteger(lifetimeMinutes) || lifetimeMinutes < 1 || lifetimeMinutes > 366 * 24 * 60) {
    throw new TypeError('lifetimeMinutes must be an integer from 1 to 527040 (366 days)');
  }
  if (hash !== 'sha1' && hash !== 'sha256') throw new TypeError('hash must be sha1 or sha256');
  if (typeof includeCertificate !== 'boolean') throw new TypeError('includeCertificate must be a boolean');
  const portalUser = options.portalUser === undefined ? undefined : textOption('portalUser', options.portalUser, 255);
  const authScheme = options.authScheme === undefined ? undefined : textOption('authScheme', options.authScheme, 255);
  const abapLike = codePage !== '1100';
  const language = options.language === undefined ? (abapLike ? 'E' : undefined) : textOption('language', options.language, 1);
  const now = readClock(options.now);
  const createdAt = new Date(Math.floor(now.getTime() / 60_000) * 60_000);
  const hours = Math.floor(lifetimeMinutes / 60);
  const minutes = lifetimeMinutes % 60;
  const own = keystore.own;

  const cp = (text: string): Uint8Array => encodeCodePage(codePage, text);
  const utf8 = (text: string): Uint8Array => new Uint8Array(Buffer.from(text, 'utf8'));
  const ascii = (text: string): Uint8Array => new Uint8Array(Buffer.from(text, 'latin1'));
  const uint32 = (n: number): Uint8Array => {
    const b = new Uint8Array(4);
    new DataView(b.buffer).setUint32(0, n);
    return b;
  };
  // ABAP pads the user to 12 and the SID to 8 characters (§1.2).
  const pad = (text: string, width: number): string => (codePage === '4103' || codePage === '4102' ? text.padEnd(width, ' ') : text);

  const core: { id: number; data: Uint8Array }[] = [
    ...(user === undefined ? [] : [{ id: InfoUnitId.USER, data: cp(pad(user, 12)) }]),
    { id: InfoUnitId.CREATE_CLIENT, data: cp(own.client) },
    { id: InfoUnitId.CREATE_NAME, data: cp(pad(own.sid, 8)) },
    { id: InfoUnitId.CREATE_TIME, data: cp(formatCreateTime(createdAt)) },
  ];
  // §1.2: validity hours and minutes are 4-byte big-endian binary; a missing unit counts as 0.
  if (hours > 0) core.push({ id: InfoUnitId.VALID_TIME_HOURS, data: uint32(hours) });
  if (minutes > 0) core.push({ id: InfoUnitId.VALID_TIME_MINUTES, data: uint32(minutes) });
  if (options.rfc === true) core.push({ id: InfoUnitId.RFC, data: cp('X') });
  if (recipient !== undefined) core.push({ id: InfoUnitId.FLAGS, data: Uint8Array.of(0x01) });
  if (language !== undefined) core.push({ id: InfoUnitId.LANGUAGE, data: cp(language) });
  if (recipient !== undefined) {
    // §1.2: recipient units are single-byte ASCII in every code page; ABAP pads the SID to 8.
    core.push({ id: InfoUnitId.RECIPIENT_CLIENT, data: ascii(recipient.client) }, { id: InfoUnitId.RECIPIENT_SID, data: ascii(pad(recipient.sid, 8)) });
  }
  const portal = portalUser === undefined ? [] : [{ id: InfoUnitId.PORTAL_USER, data: utf8(`portal:${portalUser}`) }];
  let units: { id: number; data: Uint8Array }[];
  if (codePage === '1100') {
    // AS Java: 0x20 and 0x88 first, then the core units, then 0x0A (the user in UTF-8) — §1.1.
    const userUtf8 = user === undefined ? [] : [{ id: InfoUnitId.USER_UTF8, data: utf8(user) }];
    units = [...portal, { id: InfoUnitId.AUTHSCHEME, data: utf8(authScheme ?? 'default') }, ...core, ...userUtf8];
  } else {
    // ABAP and SAPSSOEXT: 0x20 and 0x88 last.
    units = [...core, ...portal, ...(authScheme === undefined ? [] : [{ id: InfoUnitId.AUTHSCHEME, data: utf8(authScheme) }])];
  }

  const signedBytes = buildSignedBytes(codePage, units);
  const cms = buildCmsSignature({ signedBytes, privateKey: own.privateKey, certificate: own.certificate, hash, signingTime: now, includeCertificate });
  const bytes = appendSignatureUnit(signedBytes, cms);
  return {
    text: encodeTicketText(bytes),
    bytes,
    createdAt,
    validUntil: validUntil(createdAt, hours, minutes),
    codePage,
    infoUnits: parseTicketStructure(bytes).infoUnits,
  };
}
