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
import { checkOptionKeys } from '../option-keys.js';

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
  // One pass over the units into locals (this runs on every verification); IDs are unique (the codec refuses repeats).
  let user, userUtf8, client, sid, createTime, rfc, language, recipientClient, recipientSid, portalUser, authScheme: string | undefined;
  let validHours = 0;
  let validMinutes = 0;
  let flags = 0;
  for (const { id, value } of units) {
    if (typeof value === 'number') {
      if (id === InfoUnitId.VALID_TIME_HOURS) validHours = value;
      else if (id === InfoUnitId.VALID_TIME_MINUTES) validMinutes = value;
      else if (id === InfoUnitId.FLAGS) flags = value;
      continue;
    }
    if (typeof value !== 'string') continue;
    switch (id) {
      case InfoUnitId.USER: user = value; break;
      case InfoUnitId.USER_UTF8: userUtf8 = value; break;
      case InfoUnitId.CREATE_CLIENT: client = value; break;
      case InfoUnitId.CREATE_NAME: sid = value; break;
      case InfoUnitId.CREATE_TIME: createTime = value; break;
      case InfoUnitId.RFC: rfc = value; break;
      case InfoUnitId.LANGUAGE: language = value; break;
      case InfoUnitId.RECIPIENT_CLIENT: recipientClient = value; break;
      case InfoUnitId.RECIPIENT_SID: recipientSid = value; break;
      case InfoUnitId.PORTAL_USER: portalUser = value; break;
      case InfoUnitId.AUTHSCHEME: authScheme = value; break;
    }
  }
  const createdAt = createTime === undefined ? undefined : parseCreateTime(createTime);
  return {
    user,
    userUtf8,
    client,
    sid,
    createTime,
    createdAt,
    validHours,
    validMinutes,
    validUntil: createdAt === undefined ? undefined : validUntil(createdAt, validHours, validMinutes),
    rfc,
    flags,
    language,
    recipientClient,
    recipientSid,
    portalUser,
    authScheme,
  };
}

/**
 * Decodes a ticket from its text form (cookie or header value, §1.5) or from its bytes. Checks structure only: no
 * signature, trust or validity check (use `verifyTicket`). Throws only `TicketError` for bad input.
 */
export function decodeTicket(input: string | Uint8Array, options: DecodeTicketOptions = {}): DecodedTicket {
  checkOptionKeys('decodeTicket', options, ['maxLength']);
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
