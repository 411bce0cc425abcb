/**
 * HTTP Digest credentials (RFC 7616 §3.4.2): a Digest server cannot check a response against a scrypt hash,
 * it needs `HA1 = H(username ":" realm ":" password)` for each realm and hash algorithm it serves. The user
 * stores compute these values when a password is set, only for the realms and algorithms they are configured
 * with (`digestRealms`, `digestAlgorithms`: opt-in), and keep them next to the scrypt hash.
 *
 * **An HA1 is password-equivalent for its realm**: whoever reads it can answer any Digest challenge of that realm
 * without knowing the password, and it is a fast hash, so a leaked store also allows much faster offline guessing
 * than scrypt does. Stores keep it only when asked to, never log it, and never return it in a `UserRecord`.
 *
 * No Express or Passport here: this is the user-store side of Digest (architecture.md).
 *
 * @module
 */
import { createHash } from 'node:crypto';

/** The hash functions RFC 7616 §3.3 registers for Digest (`-sess` variants use the same HA1). */
export type DigestHashAlgorithm = 'SHA-256' | 'SHA-512-256' | 'MD5';

export const DIGEST_HASH_ALGORITHMS: readonly DigestHashAlgorithm[] = Object.freeze(['SHA-256', 'SHA-512-256', 'MD5']);

const NODE_HASH: Readonly<Record<DigestHashAlgorithm, string>> = { 'SHA-256': 'sha256', 'SHA-512-256': 'sha512-256', MD5: 'md5' };

/** Hex length of each algorithm's output. */
export const DIGEST_HEX_LENGTH: Readonly<Record<DigestHashAlgorithm, number>> = { 'SHA-256': 64, 'SHA-512-256': 64, MD5: 32 };

/** `H(data)` in lowercase hex; strings are hashed as UTF-8 (RFC 7616 §4, charset=UTF-8), buffers as they are. */
export function digestHash(algorithm: DigestHashAlgorithm, data: string | Uint8Array): string {
  return createHash(NODE_HASH[algorithm]).update(data).digest('hex');
}

/**
 * `HA1 = H(username ":" realm ":" password)` (RFC 7616 §3.4.2). Username and password are NFC-normalized first,
 * as the UsernameCasePreserved and OpaqueString profiles of RFC 7613 (cited by RFC 7616 §4) require; the
 * username's case is kept: Digest hashes it, so clients must send the user ID exactly as stored.
 */
export function computeDigestHa1(algorithm: DigestHashAlgorithm, username: string, realm: string, password: string): string {
  return digestHash(algorithm, `${username.normalize('NFC')}:${realm}:${password.normalize('NFC')}`);
}

/** `userhash = H(username ":" realm)` (RFC 7616 §3.4.4), the value a client sends when the server offers `userhash=true`. */
export function computeDigestUserhash(algorithm: DigestHashAlgorithm, username: string, realm: string): string {
  return digestHash(algorithm, `${username.normalize('NFC')}:${realm}`);
}

/** What a store keeps per user, realm and algorithm. */
export interface StoredDigestCredential {
  realm: string;
  algorithm: DigestHashAlgorithm;
  /** Password-equivalent for `realm`: never log it. */
  ha1: string;
  userhash: string;
}

/** A lookup: by the user ID as the client sent it, or by its userhash. */
export type DigestCredentialQuery =
  | { readonly realm: string; readonly algorithm: DigestHashAlgorithm; readonly username: string }
  | { readonly realm: string; readonly algorithm: DigestHashAlgorithm; readonly userhash: string };

/** The answer to a lookup: the stored user ID (its exact case, which the HA1 covers) and the HA1. */
export interface DigestCredential {
  readonly id: string;
  readonly ha1: string;
}

/** The store options that opt in to HA1 values (every store takes them). */
export interface DigestStoreOptions {
  /** HTTP Digest realms whose HA1 is computed when a password is set (default none). */
  digestRealms?: readonly string[];
  /** Hash algorithms of those HA1 values (default `['SHA-256']`). */
  digestAlgorithms?: readonly DigestHashAlgorithm[];
}

/** The Digest configuration of a store, checked once (a `TypeError` names the option). */
export interface DigestStoreConfig {
  readonly realms: readonly string[];
  readonly algorithms: readonly DigestHashAlgorithm[];
}

// eslint-disable-next-line no-control-regex
const REALM = /^[^\u0000-\u001f\u007f"\\]{1,128}$/;

/** A realm a challenge can carry as a quoted string without escapes: 1–128 characters, no controls, `"` or `\`. */
export function isDigestRealm(value: unknown): value is string {
  return typeof value === 'string' && REALM.test(value);
}

/** Checks `digestRealms` / `digestAlgorithms` store options (default: no realms, `['SHA-256']`). */
export function digestStoreConfig(where: string, realms: unknown, algorithms: unknown): DigestStoreConfig {
  const r = realms ?? [];
  if (!Array.isArray(r) || r.length > 16 || !r.every(isDigestRealm)) {
    throw new TypeError(`${where}: digestRealms must be an array of at most 16 realms (1-128 characters, no control characters, '"' or '\\')`);
  }
  const a = algorithms ?? ['SHA-256'];
  if (!Array.isArray(a) || a.length === 0 || !a.every((x) => DIGEST_HASH_ALGORITHMS.includes(x as DigestHashAlgorithm))) {
    throw new TypeError(`${where}: digestAlgorithms must be a non-empty array of ${DIGEST_HASH_ALGORITHMS.join(', ')}`);
  }
  return Object.freeze({ realms: Object.freeze([...new Set(r as string[])]), algorithms: Object.freeze([...new Set(a as DigestHashAlgorithm[])]) });
}

/** The credentials to store for a user when its password is set (none when no realm is configured). */
export function digestCredentialsFor(config: DigestStoreConfig, id: string, password: string): StoredDigestCredential[] {
  return config.realms.flatMap((realm) =>
    config.algorithms.map((algorithm) => ({
      realm,
      algorithm,
      ha1: computeDigestHa1(algorithm, id, realm, password),
      userhash: computeDigestUserhash(algorithm, id, realm),
    })),
  );
}

/** `undefined` for an empty list (so a store without Digest realms keeps no empty field). */
export function nonEmpty<T>(list: T[]): T[] | undefined {
  return list.length > 0 ? list : undefined;
}

/** Checks a lookup (a `TypeError` for a malformed one); returns the lowercased userhash, if it is one. */
export function checkDigestQuery(where: string, query: DigestCredentialQuery): { userhash?: string } {
  if (query === null || typeof query !== 'object' || typeof query.realm !== 'string' || !DIGEST_HASH_ALGORITHMS.includes(query.algorithm)) {
    throw new TypeError(`${where}: expected { realm, algorithm, username | userhash }`);
  }
  if ('userhash' in query) {
    if (typeof query.userhash !== 'string' || !/^[0-9a-fA-F]{32,128}$/.test(query.userhash)) throw new TypeError(`${where}: userhash must be hex`);
    return { userhash: query.userhash.toLowerCase() };
  }
  return {};
}

/** The matching credential among a user's stored ones. */
export function pickDigestCredential(
  stored: readonly StoredDigestCredential[] | undefined,
  realm: string,
  algorithm: DigestHashAlgorithm,
  userhash?: string,
): StoredDigestCredential | undefined {
  return stored?.find((c) => c.realm === realm && c.algorithm === algorithm && (userhash === undefined || c.userhash === userhash));
}
