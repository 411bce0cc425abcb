/**
 * User stores, behind one interface: an embedded default that needs no server and survives a restart,
 * and PostgreSQL (`pg`). Passwords are kept only as hashes (scrypt from node:crypto) and compared in
 * constant time; HTTP Digest HA1 values are kept only for the realms a store is configured with.
 *
 * @module
 */
import type { DigestCredential, DigestCredentialQuery, DigestHashAlgorithm } from './digest-credentials.js';

export interface UserRecord {
  /** The logon ID, as stored (case preserved). Lookups are case-insensitive. */
  id: string;
  displayName?: string;
  groups: string[];
  /** RACF REVOKE: set by an administrator or by too many failed sign-ons. A revoked user cannot sign on. */
  revoked: boolean;
}

export interface NewUser {
  id: string;
  password: string;
  displayName?: string;
  groups?: string[];
}

export interface UserStore {
  /** The user, or `null` when unknown. */
  findUser(id: string): Promise<UserRecord | null>;
  /**
   * True only if the user exists and the password matches. Costs the same for an unknown user as for a
   * wrong password (a dummy hash is checked), so timing does not reveal whether the user exists.
   * Does not look at `revoked`: callers decide.
   */
  verifyPassword(id: string, password: string): Promise<boolean>;
  createUser(user: NewUser): Promise<UserRecord>;
  changePassword(id: string, newPassword: string): Promise<void>;
  /** Marks the user revoked. */
  revoke(id: string): Promise<void>;
  /** Clears the revoked mark (an administrator's RESUME). */
  restore(id: string): Promise<void>;
  listUsers(): Promise<UserRecord[]>;
  close(): Promise<void>;
  /**
   * HTTP Digest (RFC 7616; src/users/digest-credentials.ts): the realms whose HA1 values this store computes when a
   * password is set (opt-in by the store option `digestRealms`; empty when none), and for which hash algorithms.
   */
  readonly digestRealms?: readonly string[];
  readonly digestAlgorithms?: readonly DigestHashAlgorithm[];
  /**
   * The HA1 of a user for a realm and algorithm, looked up by user ID (case-insensitively, like every lookup) or by
   * userhash; `null` when the user is unknown or has no HA1 for them (its password was set before the realm was
   * configured). The HA1 is password-equivalent for its realm: never log it.
   */
  findDigestCredential?(query: DigestCredentialQuery): Promise<DigestCredential | null>;
}
