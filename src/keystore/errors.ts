/**
 * Keystore errors: configuration and file problems on the server side (HTTP status 500 when they reach a response).
 *
 * @module
 */
import { TicketStackError, type TicketStackErrorOptions } from '../errors.js';

export type KeystoreErrorCode =
  /** The folder has no `keystore.json`. */
  | 'ERR_KEYSTORE_NOT_FOUND'
  /** `init` on a folder that already holds a keystore. */
  | 'ERR_KEYSTORE_EXISTS'
  /** `keystore.json` or one of the PEM files it names is unreadable or inconsistent. */
  | 'ERR_KEYSTORE_INVALID'
  /** The private key is encrypted and no passphrase was given. */
  | 'ERR_KEYSTORE_PASSPHRASE_REQUIRED'
  /** The passphrase does not decrypt the private key. */
  | 'ERR_KEYSTORE_BAD_PASSPHRASE'
  /** The own private key does not belong to the own certificate. */
  | 'ERR_KEYSTORE_KEY_MISMATCH'
  /** A certificate (PEM or DER) could not be parsed. */
  | 'ERR_KEYSTORE_CERTIFICATE_INVALID'
  /** The same certificate is already trusted for the same SID and client, or the entry name is taken. */
  | 'ERR_KEYSTORE_DUPLICATE_ENTRY'
  /** No trusted entry has that name. */
  | 'ERR_KEYSTORE_ENTRY_NOT_FOUND'
  /** A certificate's key is weak (DSA < 1024, RSA < 2048, EC < 256 bits) and `allowWeakKey` was not given. */
  | 'ERR_KEYSTORE_WEAK_KEY';

export class KeystoreError<C extends KeystoreErrorCode = KeystoreErrorCode> extends TicketStackError<C> {
  constructor(code: C, message: string, options: TicketStackErrorOptions = {}) {
    super(code, message, { status: 500, ...options });
  }
}
