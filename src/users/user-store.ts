/**
 * User stores, behind one interface: an embedded default that needs no server and survives a restart,
 * and PostgreSQL (`pg`). Passwords are kept only as hashes (scrypt from node:crypto) and compared in
 * constant time.
 *
 * @module
 */

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
}
