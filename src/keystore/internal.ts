/**
 * Helpers the ticket code shares with the keystore (not part of the public API).
 *
 * @module
 */
export { describeCertificate, nameDer, serialHex } from './certificates.js';
export type { CertificateInfo } from './certificates.js';
export { nameToString } from './distinguished-name.js';
