/**
 * The **PassTicket** login module: a Passport strategy that accepts a RACF PassTicket in place of the password, for
 * one configured application name, so that an Express service can be the target of a PassTicket sign-on
 * (passticket.md §2, §5.4: "a PassTicket can be supplied as the password"). It stacks with the other modules in
 * `loginStack`.
 *
 * Credentials: HTTP Basic (`Authorization: Basic base64(user:passticket)`) first, else a form POST
 * (`req.body[usernameField]`, `req.body[passwordField]`, default `username` / `password`).
 *
 * Checks are those of {@link PassTicketVerifier}: evaluation in the window, replay protection, and, with the
 * verifier's `guard`, revocation (a failure counts as a wrong password; a revoked user fails even with a valid
 * ticket). Every refusal of a ticket gives the same info, `ERR_PASSTICKET_REFUSED`, so it never reveals whether the
 * user exists or is revoked; the verifier's `reason` goes to `onRefusal` for logs only. Input over
 * `maxCredentialLength` is refused before it is read (`ERR_CREDENTIALS_TOO_LARGE`), which says nothing about users.
 *
 * @module
 */
import type { Request } from 'express';
import type { Strategy } from 'passport';
import { checkOptionKeys } from '../option-keys.js';
import { isRacfName } from '../passticket/ebcdic.js';
import type { PassTicketRefusal, PassTicketVerifier } from '../passticket/verifier.js';
import { checkLimitOption, CustomStrategy, DEFAULT_MAX_CREDENTIAL_LENGTH, readBasicOrForm, type CredentialRefusalCode, type ReadCredentials } from './credentials.js';

export interface PassTicketStrategyOptions {
  /** The application name the PassTickets must be for (this service's APPLID); must have a profile. */
  application: string;
  verifier: PassTicketVerifier;
  /** Strategy name (default `passticket`). */
  name?: string;
  usernameField?: string;
  passwordField?: string;
  /**
   * The longest user ID and PassTicket read, in characters (default 1024; real ones have 8). Longer input is refused
   * before decoding with `ERR_CREDENTIALS_TOO_LARGE` (not evaluated, not counted).
   */
  maxCredentialLength?: number;
  /** Called on every refusal with the internal reason (for logs; never sent to the client). */
  onRefusal?: (event: { user: string; application: string; reason: PassTicketRefusal | 'missing-credentials' | 'too-large' | 'cross-site' }) => void;
}

/** The PassTicket module's refusal codes (every refusal reads `ERR_PASSTICKET_REFUSED`, whatever the reason). */
export type PassTicketRefusalCode = 'ERR_PASSTICKET_REFUSED' | 'ERR_PASSTICKET_MISSING_CREDENTIALS' | CredentialRefusalCode;

/** The `info` given to `fail()`. */
export interface PassTicketFailureInfo {
  code: PassTicketRefusalCode;
  message: string;
}

/** The user given to `success()`. */
export interface PassTicketUser {
  id: string;
  authMethod: 'passticket';
  application: string;
  groups?: string[];
}

const KEYS = ['application', 'verifier', 'name', 'usernameField', 'passwordField', 'maxCredentialLength', 'onRefusal'];

/** Creates the PassTicket login module (a passport-custom strategy). */
export function createPassTicketStrategy(options: PassTicketStrategyOptions): Strategy & { name: string } {
  checkOptionKeys('createPassTicketStrategy', options, KEYS);
  const { verifier } = options;
  if (verifier === undefined || typeof verifier.verifyPassTicket !== 'function') {
    throw new TypeError("createPassTicketStrategy: option 'verifier' must be a PassTicketVerifier");
  }
  if (typeof options.application !== 'string' || !isRacfName(options.application) || verifier.profiles.get(options.application) === undefined) {
    throw new TypeError("createPassTicketStrategy: option 'application' must name a defined PassTicket profile");
  }
  const application = options.application.toUpperCase();
  const userField = options.usernameField ?? 'username';
  const passField = options.passwordField ?? 'password';
  const maxLength = checkLimitOption('createPassTicketStrategy', 'maxCredentialLength', options.maxCredentialLength, DEFAULT_MAX_CREDENTIAL_LENGTH);

  const refused: PassTicketFailureInfo = { code: 'ERR_PASSTICKET_REFUSED', message: 'Invalid user ID or PassTicket' };
  const missing: PassTicketFailureInfo = { code: 'ERR_PASSTICKET_MISSING_CREDENTIALS', message: 'A user ID and PassTicket are required' };
  const tooLarge: PassTicketFailureInfo = { code: 'ERR_CREDENTIALS_TOO_LARGE', message: 'Invalid user ID or PassTicket' };
  const crossSite: PassTicketFailureInfo = { code: 'ERR_CREDENTIALS_CROSS_SITE', message: 'Invalid user ID or PassTicket' };

  async function verify(req: Request): Promise<{ user: PassTicketUser | false; info: PassTicketFailureInfo | undefined }> {
    const creds: ReadCredentials = readBasicOrForm(req, userField, passField, maxLength);
    if (creds === undefined) {
      options.onRefusal?.({ user: '', application, reason: 'missing-credentials' });
      return { user: false, info: missing };
    }
    if ('tooLarge' in creds) {
      options.onRefusal?.({ user: '', application, reason: 'too-large' });
      return { user: false, info: tooLarge };
    }
    if ('crossSite' in creds) {
      options.onRefusal?.({ user: '', application, reason: 'cross-site' });
      return { user: false, info: crossSite };
    }
    const result = await verifier.verifyPassTicket({ user: creds.user, application, ticket: creds.password });
    if (!result.valid) {
      options.onRefusal?.({ user: creds.user, application, reason: result.reason });
      return { user: false, info: refused };
    }
    return {
      user: {
        id: result.user,
        authMethod: 'passticket',
        application,
        ...(result.record === undefined ? {} : { groups: [...result.record.groups] }),
      },
      info: undefined,
    };
  }

  const strategy = new CustomStrategy((req, done) => {
    verify(req).then(({ user, info }) => done(null, user, info), done);
  });
  strategy.name = options.name ?? 'passticket';
  return strategy;
}
