/**
 * The keystore: own key pair and certificate, trusted certificates with ACL entries, files on disk.
 *
 * @module
 */
export { Keystore, sameSystemId, DEFAULT_ALIAS, KEYSTORE_FILE } from './keystore.js';
export type { AclEntry, Authorization, AddTrustedOptions, GenerateKeystoreOptions, KeystoreFileOptions, OwnIdentity, TrustedEntry } from './keystore.js';
export { parseCertificate, certificateToPem, generateSelfSignedCertificate, LATEST_NOT_AFTER } from './certificates.js';
export type { CertificateInfo, KeyAlgorithm, PublicKeyType, GenerateOptions } from './certificates.js';
export { dnEquals, parseDn, formatDn } from './distinguished-name.js';
export type { DnAttribute, ParsedDn } from './distinguished-name.js';
export { isWeakKey } from './key-strength.js';
export { KeystoreError } from './errors.js';
export type { KeystoreErrorCode } from './errors.js';
