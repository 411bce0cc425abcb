/**
 * Key-size policy (issue 8): DSA under 1024 bits, RSA under 2048 and EC under 256 are weak. Weak keys are refused
 * by default everywhere a key enters (keystore import, own key pair, ticket verification) and accepted only by an
 * explicit option. Old ABAP systems signed with DSA-512 (sap-logon-ticket.md §1.4): a known, deliberate exception.
 *
 * @module
 */
import type { CertificateInfo, PublicKeyType } from './certificates.js';

/** Minimum key sizes in bits: DSA p, RSA modulus, EC curve. */
export interface MinKeyBits {
  dsa?: number;
  rsa?: number;
  ec?: number;
}

/** DSA 1024, RSA 2048, EC 256 bits. */
export const DEFAULT_MIN_KEY_BITS: Readonly<Required<MinKeyBits>> = Object.freeze({ dsa: 1024, rsa: 2048, ec: 256 });

/** True if the certificate's key is below the minimum for its type. */
export function isWeakKey(cert: Pick<CertificateInfo, 'keyType' | 'keyBits'>, min: Readonly<Required<MinKeyBits>> = DEFAULT_MIN_KEY_BITS): boolean {
  return cert.keyBits < min[cert.keyType as PublicKeyType];
}

/** `DSA-512` etc., for messages. */
export function describeKey(cert: Pick<CertificateInfo, 'keyType' | 'keyBits'>): string {
  return `${cert.keyType.toUpperCase()}-${cert.keyBits}`;
}
