/**
 * Checks and shapes shared by the user stores.
 *
 * @internal
 * @module
 */
import type { NewUser, UserRecord } from './user-store.js';
import { assertPassword } from './password-hash.js';
import { checkDigestQuery, pickDigestCredential, type DigestCredential, type DigestCredentialQuery, type StoredDigestCredential } from './digest-credentials.js';

/** What a store keeps per user (the hash, never the password). */
export interface StoredUser {
  id: string;
  displayName?: string;
  groups: string[];
  revoked: boolean;
  passwordHash: string;
  /** HTTP Digest HA1 values (password-equivalent per realm), only for the store's `digestRealms`. */
  digest?: StoredDigestCredential[];
  createdAt: string;
  updatedAt: string;
}

/** Logon IDs are case-insensitive: the lowercased ID is the key (locale-independent `toLowerCase`). */
export function idKey(where: string, id: unknown): string {
  assertUserId(where, id);
  return id.toLowerCase();
}

// Printable, no surrounding blanks, no control characters; long enough for e-mail-style IDs.
// eslint-disable-next-line no-control-regex
const CONTROL = /[\u0000-\u001f\u007f]/;

/** True for a user ID every store accepts: 1–256 characters, no control characters, no surrounding blanks. */
export function isValidUserId(id: unknown): id is string {
  return typeof id === 'string' && id.length > 0 && id.length <= 256 && !CONTROL.test(id) && id.trim() === id;
}

export function assertUserId(where: string, id: unknown): asserts id is string {
  if (!isValidUserId(id)) {
    throw new TypeError(`${where}: user id must be a non-empty string of at most 256 characters, without control characters or surrounding blanks`);
  }
}

/** Validates a `NewUser`; returns its normalized parts. */
export function checkNewUser(where: string, user: unknown): { id: string; key: string; password: string; displayName?: string; groups: string[] } {
  if (user === null || typeof user !== 'object') throw new TypeError(`${where}: user must be an object`);
  const { id, password, displayName, groups, ...rest } = user as NewUser & Record<string, unknown>;
  const unknown = Object.keys(rest);
  if (unknown.length > 0) throw new TypeError(`${where}: unknown user field "${unknown[0]}" (allowed: id, password, displayName, groups)`);
  const key = idKey(where, id);
  assertPassword(where, password);
  if (displayName !== undefined && (typeof displayName !== 'string' || displayName.length > 256)) {
    throw new TypeError(`${where}: displayName must be a string of at most 256 characters`);
  }
  const list = groups ?? [];
  if (!Array.isArray(list) || list.some((g) => typeof g !== 'string' || g.length === 0 || g.length > 256) || list.length > 1000) {
    throw new TypeError(`${where}: groups must be an array of non-empty strings`);
  }
  return { id, key, password, ...(displayName !== undefined && { displayName }), groups: [...new Set(list)] };
}

export function toRecord(user: StoredUser): UserRecord {
  // Built by assignment, not a conditional spread: this runs on every ticket request (the revocation check).
  const record: UserRecord = { id: user.id, groups: user.groups.slice(), revoked: user.revoked };
  if (user.displayName !== undefined) record.displayName = user.displayName;
  return record;
}

/**
 * `findDigestCredential` of the embedded stores: by user ID (one lookup) or by userhash (a scan of the users, fine
 * for the modest user counts of one process).
 */
export function findStoredDigestCredential(where: string, query: DigestCredentialQuery, users: ReadonlyMap<string, StoredUser>): DigestCredential | null {
  const { userhash } = checkDigestQuery(where, query);
  const candidates = 'username' in query ? [users.get(idKey(where, query.username))] : users.values();
  for (const user of candidates) {
    const found = pickDigestCredential(user?.digest, query.realm, query.algorithm, userhash);
    if (user !== undefined && found !== undefined) return { id: user.id, ha1: found.ha1 };
  }
  return null;
}
