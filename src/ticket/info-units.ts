/**
 * InfoUnit IDs and how each one is encoded (sap-logon-ticket.md §1.2).
 *
 * @module
 */

/** The InfoUnit IDs this package gives a meaning to. Any other ID is kept as-is and covered by the signature (§1.1). */
export const InfoUnitId = {
  USER: 0x01,
  CREATE_CLIENT: 0x02,
  CREATE_NAME: 0x03,
  CREATE_TIME: 0x04,
  VALID_TIME_HOURS: 0x05,
  RFC: 0x06,
  VALID_TIME_MINUTES: 0x07,
  FLAGS: 0x08,
  LANGUAGE: 0x09,
  USER_UTF8: 0x0a,
  CREATE_CLIENT_UTF8: 0x0b,
  CREATE_NAME_UTF8: 0x0c,
  CREATE_TIME_UTF8: 0x0d,
  LANGUAGE_UTF8: 0x0e,
  RECIPIENT_CLIENT: 0x0f,
  RECIPIENT_SID: 0x10,
  PORTAL_USER: 0x20,
  AUTHSCHEME: 0x88,
  SIGNATURE: 0xff,
} as const;

/**
 * How a unit's bytes are read: `codepage` = the ticket's code page; `utf8`; `ascii` (0x0F/0x10 are single-byte ASCII
 * even in UTF-16 tickets); `uint32` = 4-byte big-endian binary; `byte` = one byte; `binary` = opaque.
 */
export type InfoUnitEncoding = 'codepage' | 'utf8' | 'ascii' | 'uint32' | 'byte' | 'binary';

interface InfoUnitDef {
  readonly name: string;
  readonly encoding: InfoUnitEncoding;
}

const DEFS: ReadonlyMap<number, InfoUnitDef> = new Map<number, InfoUnitDef>([
  [0x01, { name: 'USER', encoding: 'codepage' }],
  [0x02, { name: 'CREATE_CLIENT', encoding: 'codepage' }],
  [0x03, { name: 'CREATE_NAME', encoding: 'codepage' }],
  [0x04, { name: 'CREATE_TIME', encoding: 'codepage' }],
  [0x05, { name: 'VALID_TIME_HOURS', encoding: 'uint32' }],
  [0x06, { name: 'RFC', encoding: 'codepage' }],
  [0x07, { name: 'VALID_TIME_MINUTES', encoding: 'uint32' }],
  [0x08, { name: 'FLAGS', encoding: 'byte' }],
  [0x09, { name: 'LANGUAGE', encoding: 'codepage' }],
  [0x0a, { name: 'USER_UTF8', encoding: 'utf8' }],
  [0x0b, { name: 'CREATE_CLIENT_UTF8', encoding: 'utf8' }],
  [0x0c, { name: 'CREATE_NAME_UTF8', encoding: 'utf8' }],
  [0x0d, { name: 'CREATE_TIME_UTF8', encoding: 'utf8' }],
  [0x0e, { name: 'LANGUAGE_UTF8', encoding: 'utf8' }],
  [0x0f, { name: 'RECIPIENT_CLIENT', encoding: 'ascii' }],
  [0x10, { name: 'RECIPIENT_SID', encoding: 'ascii' }],
  [0x20, { name: 'PORTAL_USER', encoding: 'utf8' }],
  [0x88, { name: 'AUTHSCHEME', encoding: 'utf8' }],
  [0xfe, { name: 'FOUR_BYTE_ID', encoding: 'binary' }],
  [0xff, { name: 'SIGNATURE', encoding: 'binary' }],
]);

/** The SAP name of an InfoUnit ID, or `UNKNOWN_0xNN`. */
export function infoUnitName(id: number): string {
  return DEFS.get(id)?.name ?? `UNKNOWN_0x${id.toString(16).padStart(2, '0')}`;
}

/** How a unit's bytes are encoded; unknown IDs are `binary`. */
export function infoUnitEncoding(id: number): InfoUnitEncoding {
  return DEFS.get(id)?.encoding ?? 'binary';
}
