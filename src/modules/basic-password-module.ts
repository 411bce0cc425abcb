/**
 * The **BasicPassword** login module (SAP `BasicPasswordLoginModule`): a user ID and password over HTTP Basic
 * or a form POST (field names configurable), checked against a `UserStore`, with an optional `SignOnGuard`
 * (passticket.md §2.4 REVOKE(n)): a revoked user fails, a wrong password counts toward revocation, a success
 * resets the count. Every refusal gives the client the same info, `ERR_PASSWORD_REFUSED`; the real reason
 * (`revoked`, `wrong-password`, ...) goes to `onRefusal` only. Store/state outages halt the stack (503).
 *
 * @module
 */
import type { Request } from 'express';
import type { Strategy } from 'passport';
import { isTicketStackError } from '../errors.js';
import type { SignOnGuard } from '../users/sign-on-guard.js';
import type { UserStore } from '../users/user-store.js';
import { isValidUserId } from '../users/internal.js';
import { checkOptionKeys } from '../option-keys.js';
import { checkLimitOption, CustomStrategy, DEFAULT_MAX_CREDENTIAL_LENGTH, readBasicOrForm, type CredentialRefusalCode } from './credentials.js';

export type PasswordRefusal = 'missing-credentials' | 'too-large' | 'cross-site' | 'invalid-user-id' | 'revoked' | 'wrong-password';

export interface BasicPasswordStrategyOptions {
  users: UserStore;
  guard?: SignOnGuard;
  usernameField?: string;
  passwordField?: string;
  /** Realm of the `WWW-Authenticate: Basic` challenge (default `ticketstack`). */
  realm?: string;
  /**
   * The longest user ID and password read, in characters (default 1024). Longer input, or a Basic header too long to
   * hold two such fields, is refused before decoding with `ERR_CREDENTIALS_TOO_LARGE`: no hash, not counted.
   */
  maxCredentialLength?: number;
  /** Strategy name (default `sap-basic-password`). */
  name?: string;
  /** Internal reason of each refusal (for logs; never sent to the client). `code` is e.g. ERR_USER_REVOKED. */
  onRefusal?: (event: { user: string; reason: PasswordRefusal; code: PasswordRefusalCode; failures?: number; revoked?: boolean }) => void;
}

export interface PasswordUser {
  id: string;
  authMethod: 'password';
  groups: string[];
}

/** BasicPassword's refusal codes (decision record `error.reason`, `onRefusal`; the client sees one generic 401). */
export type PasswordRefusalCode = 'ERR_PASSWORD_REFUSED' | 'ERR_PASSWORD_MISSING_CREDENTIALS' | 'ERR_USER_REVOKED' | CredentialRefusalCode;

export interface PasswordFailureInfo {
  /** `ERR_PASSWORD_REFUSED`, `ERR_USER_REVOKED` (revoked user) or `ERR_CREDENTIALS_TOO_LARGE` (for the decision record; never sent). */
  code: PasswordRefusalCode;
  message: string;
}

const KEYS = ['users', 'guard', 'usernameField', 'passwordField', 'realm', 'maxCredentialLength', 'name', 'onRefusal'];

/** Creates the BasicPassword login module (a passport-custom strategy). */
export function createBasicPasswordStrategy(options: BasicPasswordStrategyOptions): Strategy & { name: string } {
  const where = 'createBasicPasswordStrategy';
  checkOptionKeys(where, options, KEYS);
  const { users, guard } = options;
  if (users === null || typeof users !== 'object' || typeof users.verifyPassword !== 'function' || typeof users.findUser !== 'function') {
    throw new TypeError(`${where}: option 'users' must be a UserStore`);
  }
  if (guard !== undefined && (guard === null || typeof guard.recordFailure !== 'function')) {
    throw new TypeError(`${where}: option 'guard' must be a SignOnGuard`);
  }
  for (const k of ['usernameField', 'passwordField', 'realm', 'name'] as const) {
    const v = options[k];
    if (v !== undefined && (typeof v !== 'string' || v === '')) throw new TypeError(`${where}: option '${k}' must be a non-empty string`);
  }
  if (options.onRefusal !== undefined && typeof options.onRefusal !== 'function') throw new TypeError(`${where}: option 'onRefusal' must be a function`);
  const maxLength = checkLimitOption(where, 'maxCredentialLength', options.maxCredentialLength, DEFAULT_MAX_CREDENTIAL_LENGTH);
  const userField = options.usernameField ?? 'username';
  const passField = options.passwordField ?? 'password';
  const challenge = `Basic realm="${(options.realm ?? 'ticketstack').replace(/["\\]/g, '')}", charset="UTF-8"`;
  const refused: PasswordFailureInfo = { code: 'ERR_PASSWORD_REFUSED', message: 'Invalid user ID or password' };

  type Outcome = { user: PasswordUser } | { user: false; challenge: string | PasswordFailureInfo };
  const refuse = (user: string, reason: PasswordRefusal, code: PasswordRefusalCode, extra: { failures?: number; revoked?: boolean } = {}): Outcome => {
    options.onRefusal?.({ user, reason, code, ...extra });
    // No credentials: ask for them (a string challenge becomes WWW-Authenticate). Otherwise an object challenge,
    // which the stack keeps for the decision record (`error.reason`) and never sends: the client sees one 401 for
    // a wrong password, an unknown user and a revoked one alike.
    return { user: false, challenge: reason === 'missing-credentials' ? challenge : { ...refused, code } };
  };

  async function verify(req: Request): Promise<Outcome> {
    const creds = readBasicOrForm(req, userField, passField, maxLength);
    if (creds === undefined) return refuse('', 'missing-credentials', 'ERR_PASSWORD_MISSING_CREDENTIALS');
    if ('tooLarge' in creds) return refuse('', 'too-large', 'ERR_CREDENTIALS_TOO_LARGE');
    if ('crossSite' in creds) return refuse('', 'cross-site', 'ERR_CREDENTIALS_CROSS_SITE');
    const { user, password } = creds;
    // What no user store accepts (blanks around it, control characters, over 256) cannot be a user: refused here,
    // so that the store is never asked (it would throw a TypeError).
    if (!isValidUserId(user)) return refuse('', 'invalid-user-id', 'ERR_PASSWORD_REFUSED');
    // The password is checked first, whatever the user's state, so that every refusal costs one hash and timing
    // does not tell a revoked (hence existing) user from an unknown one.
    const passwordMatches = await users.verifyPassword(user, password);
    if (guard) {
      try {
        await guard.assertNotRevoked(user);
      } catch (err) {
        if (isTicketStackError(err) && err.code === 'ERR_USER_REVOKED') return refuse(user, 'revoked', err.code);
        throw err;
      }
    }
    if (!passwordMatches) {
      const counted = guard ? await guard.recordFailure(user) : undefined;
      return refuse(user, 'wrong-password', 'ERR_PASSWORD_REFUSED', counted ?? {});
    }
    const record = await users.findUser(user);
    if (record === null) return refuse(user, 'wrong-password', 'ERR_PASSWORD_REFUSED');
    if (record.revoked) return refuse(user, 'revoked', 'ERR_USER_REVOKED');
    if (guard) await guard.recordSuccess(user);
    return { user: { id: record.id, authMethod: 'password', groups: [...(record.groups ?? [])] } };
  }

  const strategy = new CustomStrategy(function (this: { fail(challenge: unknown, status?: number): void }, req, done) {
    verify(req).then((o) => ('challenge' in o ? this.fail(o.challenge, 401) : done(null, o.user)), done);
  });
  strategy.name = options.name ?? 'sap-basic-password';
  return strategy;
}
