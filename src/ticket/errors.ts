/**
 * Why a ticket is refused: one stable code per reason, so a login module, a log line and the CLI can tell them
 * apart (issue 3, item 5). Verification never lets a raw pkijs/asn1js/crypto exception escape: everything is a
 * `TicketError` (the original error is kept as `cause`, for logs only).
 *
 * @module
 */
import { TicketStackError, type TicketStackErrorOptions } from '../errors.js';

export type TicketErrorCode =
  /** Not a ticket: bad text form, bad base64, wrong version byte, bad header, bad field value, bad CMS structure. */
  | 'ERR_TICKET_MALFORMED'
  /** An InfoUnit declares more bytes than remain, or the ticket ends before its signature unit (sap-logon-ticket.md §1.1). */
  | 'ERR_TICKET_TRUNCATED'
  /** The input is longer than `maxLength`; refused before any decoding work. */
  | 'ERR_TICKET_TOO_LARGE'
  /** The 4-digit code page is not one this package can decode (§1.2). */
  | 'ERR_TICKET_CODEPAGE_UNSUPPORTED'
  /** The CMS signature does not verify with the signer's certificate. */
  | 'ERR_TICKET_SIGNATURE_INVALID'
  /** The CMS messageDigest attribute is not the hash of the signed ticket bytes (§1.4). */
  | 'ERR_TICKET_DIGEST_MISMATCH'
  /** No certificate in the keystore matches the SignerInfo's issuer and serial number (§3.2). */
  | 'ERR_TICKET_SIGNER_UNKNOWN'
  /** The signer is in the keystore, but no ACL entry allows it to issue for the ticket's SID and client (§3.2). */
  | 'ERR_TICKET_ACL_MISMATCH'
  /** Past creation time + hours + minutes + tolerance (§1.3). */
  | 'ERR_TICKET_EXPIRED'
  /** Before creation time − tolerance (§1.3). */
  | 'ERR_TICKET_NOT_YET_VALID'
  /** The recipient SID/client of an assertion ticket is not this system (§2). */
  | 'ERR_TICKET_WRONG_RECIPIENT'
  /** The signature/digest algorithm pair is not in the configured allow-list, or is not supported at all (§1.4). */
  | 'ERR_TICKET_ALGORITHM_NOT_ALLOWED'
  /** The signer's key is smaller than the configured minimum (DSA < 1024, RSA < 2048, EC < 256 bits by default). */
  | 'ERR_TICKET_KEY_TOO_WEAK'
  /** An assertion ticket was required but the ticket does not have the one-time flag 0x01 (§2). */
  | 'ERR_TICKET_NOT_ASSERTION';

export class TicketError<C extends TicketErrorCode = TicketErrorCode> extends TicketStackError<C> {
  constructor(code: C, message: string, options: TicketStackErrorOptions = {}) {
    // Every ticket refusal is the client's problem (a bad or foreign credential): 401 by default.
    super(code, message, options);
  }
}
