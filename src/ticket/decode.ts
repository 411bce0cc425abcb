/**
 * `decodeTicket`: text form or bytes → structure, fields and parsed CMS, without any trust decision.
 *
 * @module
 */
import { parseCmsSignature, type CmsSignature } from './cms.js';
import { parseTicketStructure, type InfoUnit, type TicketStructure } from './codec.js';
import { TicketError } from './errors.js';
import { InfoUnitId } from './info-units.js';
import { checkMaxLength, decodeTicketText, DEFAULT_MAX_TICKET_TEXT_LENGTH } from './text-form.js';
import { parseCreateTime, validUntil } from './validity.js';

/** The InfoUnits with a meaning, decoded (§1.2). Text values are as in the ticket (ABAP space padding kept). */
export interface TicketFields {
  /** 0x01 ABAP user, ticket code page. */
  readonly user: string | undefined;
  /** 0x0A user in UTF-8 (AS Java). */
  readonly userUtf8: string | undefined;
  /** 0x02 issuing client. */
  readonly client: string | undefined;
  /** 0x03 issuing system ID. */
  readonly sid: string | undefined;
  /** 0x04 creation time as written (`YYYYMMDDHHMM`, UTC). */
  readonly createTime: string | undefined;
  /** 0x04 parsed. */
  readonly createdAt: Date | undefined;
  /** 0x05 validity hours (0 if absent). */
  readonly validHours: number;
  /** 0x07 validity minutes (0 if absent). */
  readonly validMinutes: number;
  /** End of validity without tolerance, if CREATE_TIME is present. */
  readonly validUntil: Date | undefined;
  /** 0x06 RFC flag ("X"). */
  readonly rfc: string | undefined;
  /** 0x08 flags (0 if absent); bit 0x01 = assertion / do not cache. */
  readonly flags: number;
  /** 0x09 logon language. */
  readonly language: string | undefined;
  /** 0x0F recipient client (assertion tickets). */
  readonly recipientClient: string | undefined;
  /** 0x10 recipient SID (assertion tickets). */
  readonly recipientSid: string | undefined;
  /** 0x20 portal user, with its `portal:` prefix. */
  readonly portalUser: string | undefined;
  /** 0x88 authscheme (absent means `default`). */
  readonly authScheme: string | undefined;
}

/** A decoded ticket: nothing here is verified. */
export interface DecodedTicket extends TicketStructure {
  /** The whole binary ticket. */
  readonly bytes: Uint8Array;
  readonly fields: TicketFields;
  readonly cms: CmsSignature;
}

export interface DecodeTicketOptions {
  /** Inputs longer than this (characters of text, or bytes) are refused with `ERR_TICKET_TOO_LARGE`. Default 8192. */
  maxLength?: number;
}

/** Extracts the meaningful fields of the InfoUnits. */
export function ticketFields(units: readonly InfoUnit[]): TicketFields {
  // One pass over the units (this runs on every verification); IDs are unique (the codec refuses repeats).
  const byId: (string | number | null | undefined)[] = [];
  for (const u of units) if (u.id <= InfoUnitId.AUTHSCHEME) byId[u.id] = u.value;
  const str = (id: number): string | undefined => {
    const v = byId[id];
    return typeof v === 'string' ? v : undefined;
  };
  const num = (id: number): number => {
    const v = byId[id];
    return typeof v === 'number' ? v : 0;
  };
  const createTime = str(InfoUnitId.CREATE_TIME);
  const createdAt = createTime === undefined ? undefined : parseCreateTime(createTime);
  const validHours = num(InfoUnitId.VALID_TIME_HOURS);
  const validMinutes = num(InfoUnitId.VALID_TIME_MINUTES);
  return {
    user: str(InfoUnitId.USER),
    userUtf8: str(InfoUnitId.USER_UTF8),
    client: str(InfoUnitId.CREATE_CLIENT),
    sid: str(InfoUnitId.CREATE_NAME),
    createTime,
    createdAt,
    validHours,
    validMinutes,
    validUntil: createdAt === undefined ? undefined : validUntil(createdAt, validHours, validMinutes),
    rfc: str(InfoUnitId.RFC),
    flags: num(InfoUnitId.FLAGS),
    language: str(InfoUnitId.LANGUAGE),
    recipientClient: str(InfoUnitId.RECIPIENT_CLIENT),
    recipientSid: str(InfoUnitId.RECIPIENT_SID),
    portalUser: str(InfoUnitId.PORTAL_USER),
    authScheme: str(InfoUnitId.AUTHSCHEME),
  };
}

/**
 * Decodes a ticket from its text form (cookie or header value, §1.5) or from its bytes. Checks structure only: no
 * signature, trust or validity check (use `verifyTicket`). Throws only `TicketError` for bad input.
 */
export function decodeTicket(input: string | Uint8Array, options: DecodeTicketOptions = {}): DecodedTicket {
  const maxLength = checkMaxLength(options.maxLength, DEFAULT_MAX_TICKET_TEXT_LENGTH);
  let bytes: Uint8Array;
  if (typeof input === 'string') {
    bytes = decodeTicketText(input, { maxLength });
  } else if (input instanceof Uint8Array) {
    if (input.length > maxLength) throw new TicketError('ERR_TICKET_TOO_LARGE', `ticket is ${input.length} bytes, more than maxLength ${maxLength}`);
    bytes = input;
  } else {
    throw new TypeError('a ticket must be a string or a Uint8Array');
  }
  const { version, codePage, infoUnits, signedBytes, signature } = parseTicketStructure(bytes);
  return { version, codePage, infoUnits, signedBytes, signature, bytes, fields: ticketFields(infoUnits), cms: parseCmsSignature(signature) };
}
