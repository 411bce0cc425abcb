/**
 * A CICS-style PassTicket service in the scope of one HTTP request (the request is the CICS task;
 * passticket.md §5): `requestPassTicket` (REQUEST PASSTICKET), `verifyToken` (VERIFY TOKEN … ENCRYPTKEY) and
 * `requestEncryptedPassTicket` (REQUEST ENCRYPTPTKT). Failures raise a {@link CicsCondition} with CICS's names and
 * numbers.
 *
 * **Tokens.** A token is checked by the configured `tokenVerifiers`, in order; the first that recognises it wins.
 * `jwtTokenVerifier` checks a JWT with jose against the issuer's keys and takes the client's public key from the
 * RFC 7800 `cnf.jwk` claim; `logonTicketTokenVerifier` adapts this project's logon tickets, which carry no client
 * key. Only a token with an ECDH-capable confirmation key (EC P-256/384/521 or X25519/X448) supports confidentiality.
 *
 * **ENCRYPTKEY** (§5.2, §5.3): 4 random bytes, returned as a `Buffer` (`requestEncryptedPassTicket` also accepts its
 * 8 hex digits). It is bound to the request (a `WeakMap` keyed by `req`: nothing is added to `req` except `req.user`
 * set by `verifyToken`), to the verified user and to the token's confirmation key. It can be used once (consumed
 * by the attempt, whatever its outcome) and any later `verifyToken` on the same request invalidates it. A token can
 * obtain an ENCRYPTKEY once (like R_GenSec accept-context, which runs once per token).
 *
 * **The encrypted PassTicket** is a compact JWE: ECDH-ES key agreement with the confirmation key, A256GCM
 * content encryption. This replaces CICS's Kerberos GSS_Wrap (§5.3) with a standard the client can undo with its
 * private key.
 *
 * @module
 */
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { CompactEncrypt, importJWK, jwtVerify, type JWK, type JWTVerifyGetKey, type KeyInput } from 'jose';
import { isTicketStackError, TicketStackError, type TicketStackErrorOptions } from '../errors.js';
import { checkOptionKeys } from '../option-keys.js';
import type { StateStore } from '../state/state-store.js';
import type { UserStore } from '../users/user-store.js';
import { isRacfName } from './ebcdic.js';
import { PassTicketGenerator } from './generator.js';
import type { PassTicketProfiles } from './profiles.js';
import type { PassTicketSignOnGuard } from './verifier.js';

// ---------------------------------------------------------------------------------------------------------------
// Conditions

/** RESP values of the two conditions (CICS EIBRESP). */
export const CICS_RESP = { INVREQ: 16, NOTAUTH: 70 } as const;

/**
 * RESP2 values. 247/250/251/252/254/256 are REQUEST PASSTICKET's (§5.1); 255, 257 and 260 model REQUEST
 * ENCRYPTPTKT's unconfirmed ones (§5.2); 2 and 19 are VERIFY TOKEN refusals modelled on VERIFY PASSWORD (§5.4).
 */
export const CICS_RESP2 = {
  INVREQ: {
    247: 'invalid ESMAPPNAME',
    251: 'security manager not active',
    252: 'security manager response not classified',
    254: 'no PassTicket support for this application',
    255: 'invalid ENCRYPTKEY',
    256: 'not valid under the default user ID',
    257: "the token's origin supports no confidentiality",
  },
  NOTAUTH: {
    2: 'token not valid',
    19: 'user ID revoked',
    250: 'user not authorized to obtain a PassTicket for this application',
    260: 'this service is not authorized to generate PassTickets',
  },
} as const;

export type CicsConditionName = keyof typeof CICS_RESP;
export type InvreqResp2 = keyof (typeof CICS_RESP2)['INVREQ'];
export type NotauthResp2 = keyof (typeof CICS_RESP2)['NOTAUTH'];
export type CicsConditionCode = `ERR_CICS_INVREQ_${InvreqResp2}` | `ERR_CICS_NOTAUTH_${NotauthResp2}`;

/** HTTP status of each RESP2 when a condition reaches a response. */
const STATUS: Record<number, number> = { 2: 401, 19: 401, 247: 400, 250: 403, 251: 503, 252: 503, 254: 400, 255: 400, 256: 401, 257: 400, 260: 403 };

/**
 * ESMRESP / ESMREASON returned with a condition when the (emulated) security manager was consulted. These are this
 * package's own values, modelled on R_GenSec's SAF return code 8 "not authorized" (zowe/api-layer #4273:
 * safRc=8, racfRsn=16); they are not RACF's. 0/0 on success.
 */
export const ESM_CODES = {
  250: { esmResp: 8, esmReason: 16 },
  254: { esmResp: 8, esmReason: 8 },
  260: { esmResp: 8, esmReason: 20 },
  busy: { esmResp: 12, esmReason: 4 },
  other: { esmResp: 12, esmReason: 0 },
} as const;

export class CicsCondition extends TicketStackError<CicsConditionCode> {
  readonly condition: CicsConditionName;
  readonly resp: 16 | 70;
  readonly resp2: number;
  readonly esmResp: number | undefined;
  readonly esmReason: number | undefined;

  constructor(
    condition: CicsConditionName,
    resp2: number,
    message: string,
    options: TicketStackErrorOptions & { esmResp?: number; esmReason?: number } = {},
  ) {
    super(`ERR_CICS_${condition}_${resp2}` as CicsConditionCode, message, { status: STATUS[resp2] ?? 400, ...options });
    this.condition = condition;
    this.resp = CICS_RESP[condition];
    this.resp2 = resp2;
    this.esmResp = options.esmResp;
    this.esmReason = options.esmReason;
  }

  override toJSON(): { name: string; code: CicsConditionCode; message: string } & Record<string, unknown> {
    return {
      ...super.toJSON(),
      condition: this.condition,
      resp: this.resp,
      resp2: this.resp2,
      ...(this.esmResp === undefined ? {} : { esmResp: this.esmResp, esmReason: this.esmReason }),
    };
  }
}

const invreq = (resp2: InvreqResp2, detail: string, o?: ConstructorParameters<typeof CicsCondition>[3]) =>
  new CicsCondition('INVREQ', resp2, `INVREQ (RESP2 ${resp2}): ${CICS_RESP2.INVREQ[resp2]}: ${detail}`, o);
const notauth = (resp2: NotauthResp2, detail: string, o?: ConstructorParameters<typeof CicsCondition>[3]) =>
  new CicsCondition('NOTAUTH', resp2, `NOTAUTH (RESP2 ${resp2}): ${CICS_RESP2.NOTAUTH[resp2]}: ${detail}`, o);

// ---------------------------------------------------------------------------------------------------------------
// Token verifiers

/** What a token verifier reports for a token it accepts. */
export interface VerifiedToken {
  /** The user ID the token asserts. */
  userId: string;
  /** What `verifyToken` puts on `req.user` (default `{ id: userId }`). */
  user?: unknown;
  /** The client's public key (RFC 7800 `cnf.jwk`) when the token carries one. */
  confirmationKey?: JWK;
  /** Epoch seconds after which the token is no longer valid, if known. */
  expiresAt?: number;
  /** A label for logs, e.g. `jwt` or `logon-ticket`. */
  tokenType: string;
}

/**
 * Resolves `null` for a token it does not recognise; throws (or rejects) for one it recognises but refuses. The two
 * built-in verifiers reject with a `CicsCondition` NOTAUTH 2 whose `cause` is the underlying error (a jose error,
 * a `TicketError`); `verifyToken` passes a `CicsCondition` through and turns any other throw into NOTAUTH 2.
 */
export type TokenVerifier = (token: string) => Promise<VerifiedToken | null> | VerifiedToken | null;

export interface JwtTokenVerifierOptions {
  /** The issuer's key(s): a key, a JWK, or a key resolver such as `createLocalJWKSet` / `createRemoteJWKSet`. */
  key: KeyInput | JWTVerifyGetKey;
  issuer?: string | string[];
  audience?: string | string[];
  /** Allowed JWS algorithms (recommended). */
  algorithms?: string[];
  /** The claim holding the user ID (default `sub`). */
  userClaim?: string;
  /** Milliseconds since the epoch (default `Date.now`). */
  clock?: () => number;
}

const JWS_COMPACT = /^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]*$/;
/** The longest token `verifyToken` and the built-in verifiers look at (16 KiB); longer is NOTAUTH 2 before any parsing. */
export const MAX_TOKEN_LENGTH = 16_384;
const ECDH_CURVES = new Set(['P-256', 'P-384', 'P-521', 'X25519', 'X448']);

/** Only the public members of an ECDH-capable JWK, or `undefined`. */
function confirmationJwk(cnf: unknown): JWK | undefined {
  const jwk = (cnf as { jwk?: unknown } | undefined)?.jwk as Record<string, unknown> | undefined;
  if (jwk === null || typeof jwk !== 'object' || typeof jwk.crv !== 'string' || !ECDH_CURVES.has(jwk.crv)) return undefined;
  if (jwk.kty === 'EC' && typeof jwk.x === 'string' && typeof jwk.y === 'string') {
    return { kty: 'EC', crv: jwk.crv, x: jwk.x, y: jwk.y, ...(typeof jwk.kid === 'string' ? { kid: jwk.kid } : {}) };
  }
  if (jwk.kty === 'OKP' && typeof jwk.x === 'string' && jwk.crv.startsWith('X')) {
    return { kty: 'OKP', crv: jwk.crv, x: jwk.x, ...(typeof jwk.kid === 'string' ? { kid: jwk.kid } : {}) };
  }
  return undefined;
}

/** A {@link TokenVerifier} for JWTs (jose), with the client's key from the RFC 7800 `cnf.jwk` claim. */
export function jwtTokenVerifier(options: JwtTokenVerifierOptions): TokenVerifier {
  checkOptionKeys('jwtTokenVerifier', options, ['key', 'issuer', 'audience', 'algorithms', 'userClaim', 'clock']);
  if (options.key === undefined) throw new TypeError("jwtTokenVerifier: option 'key' is required");
  const clock = options.clock ?? Date.now;
  const userClaim = options.userClaim ?? 'sub';
  return async (token) => {
    if (typeof token !== 'string' || token.length > MAX_TOKEN_LENGTH || !JWS_COMPACT.test(token)) return null;
    let payload: Awaited<ReturnType<typeof jwtVerify>>['payload'];
    try {
      ({ payload } = await jwtVerify(token, options.key as KeyInput, {
        ...(options.issuer === undefined ? {} : { issuer: options.issuer }),
        ...(options.audience === undefined ? {} : { audience: options.audience }),
        ...(options.algorithms === undefined ? {} : { algorithms: options.algorithms }),
        currentDate: new Date(clock()),
      }));
    } catch (err) {
      throw notauth(2, 'the JWT is not valid', { cause: err }); // jose's own error (its code) stays the cause
    }
    const userId = payload[userClaim];
    if (typeof userId !== 'string' || userId === '') throw notauth(2, `the JWT has no '${userClaim}' claim`);
    const confirmationKey = confirmationJwk(payload.cnf);
    return {
      userId,
      tokenType: 'jwt',
      ...(confirmationKey === undefined ? {} : { confirmationKey }),
      ...(payload.exp === undefined ? {} : { expiresAt: payload.exp }),
    };
  };
}

/**
 * A {@link TokenVerifier} for this project's logon tickets: `verify` is e.g.
 * `(text) => verifyTicket(text, { keystore, … })` from the ticket module. A logon ticket carries no client key, so it
 * gives no confidentiality (an ENCRYPTKEY request with it raises INVREQ 257).
 */
/** What `logonTicketTokenVerifier` needs of a verified logon ticket (a `VerifiedTicket` fits as it is). */
export interface LogonTicketIdentity {
  user?: string;
  /** The 0x20 portal user, without its `portal:` prefix; it wins over `user` (sap-logon-ticket.md §3.2). */
  portalUser?: string;
  validUntil?: Date;
}

export function logonTicketTokenVerifier(
  verify: (text: string) => LogonTicketIdentity | Promise<LogonTicketIdentity>,
  options: { recognise?: (token: string) => boolean } = {},
): TokenVerifier {
  const recognise = options.recognise ?? ((t: string) => !JWS_COMPACT.test(t));
  return async (token) => {
    if (typeof token !== 'string' || token.length > MAX_TOKEN_LENGTH || !recognise(token)) return null;
    let t: LogonTicketIdentity;
    try {
      t = await verify(token);
    } catch (err) {
      throw notauth(2, 'the logon ticket is not valid', { cause: err }); // e.g. a TicketError with its code
    }
    const userId = t.portalUser || t.user;
    if (!userId) throw notauth(2, 'the logon ticket names no user');
    return {
      userId,
      tokenType: 'logon-ticket',
      ...(t.validUntil instanceof Date ? { expiresAt: Math.floor(t.validUntil.getTime() / 1000) } : {}),
    };
  };
}

// ---------------------------------------------------------------------------------------------------------------
// The service

export interface PassTicketServiceOptions {
  profiles: PassTicketProfiles;
  state: StateStore;
  /** Revocation check at `verifyToken` (NOTAUTH 19). */
  guard?: PassTicketSignOnGuard;
  /** Where a user's groups come from for `generators.groups` (default: `req.user.groups`). */
  users?: UserStore;
  tokenVerifiers?: TokenVerifier[];
  /** Milliseconds since the epoch (default `Date.now`). */
  clock?: () => number;
  /** `false` (or a function answering `false`) emulates an inactive CICS–ESM interface: INVREQ 251. */
  esmActive?: boolean | (() => boolean | Promise<boolean>);
  /** The default (anonymous) user ID, CICS's DFLTUSER (default `CICSUSER`); it never gets a PassTicket (256). */
  defaultUser?: string;
  /** The user ID of `req.user` (default: the string itself, or its `id`, `username` or `userId`). */
  userIdOf?: (user: unknown) => string | undefined;
  /** Passed to the generator (distinct-second rule). */
  maxSpreadSeconds?: number;
  keyPrefix?: string;
}

export interface PassTicketResult {
  passticket: string;
  esmResp: 0;
  esmReason: 0;
}

export interface EncryptedPassTicketResult {
  /** The PassTicket as a compact JWE (ECDH-ES, A256GCM) for the token's confirmation key. */
  encryptedPassTicket: string;
  /** FLENGTH: its length in bytes. */
  flength: number;
  esmResp: 0;
  esmReason: 0;
}

export interface VerifyTokenResult {
  userId: string;
  tokenType: string;
  /** With `{ encryptKey: true }`: the 4-byte ENCRYPTKEY. */
  encryptKey?: Buffer;
}

interface TaskState {
  encryptKey?: { value: Buffer; userId: string; confirmationKey: JWK; used: boolean };
}

const SERVICE_KEYS = [
  'profiles', 'state', 'guard', 'users', 'tokenVerifiers', 'clock', 'esmActive', 'defaultUser', 'userIdOf', 'maxSpreadSeconds', 'keyPrefix',
];

function defaultUserIdOf(user: unknown): string | undefined {
  if (typeof user === 'string') return user;
  if (user === null || typeof user !== 'object') return undefined;
  const u = user as Record<string, unknown>;
  const id = u.id ?? u.username ?? u.userId;
  return typeof id === 'string' && id !== '' ? id : undefined;
}

export class PassTicketService {
  readonly #o: PassTicketServiceOptions & { clock: () => number; keyPrefix: string; defaultUser: string };
  readonly #generator: PassTicketGenerator;
  readonly #tasks = new WeakMap<object, TaskState>();

  constructor(options: PassTicketServiceOptions) {
    checkOptionKeys('createPassTicketService', options, SERVICE_KEYS);
    if (options.profiles === undefined) throw new TypeError("createPassTicketService: option 'profiles' is required");
    if (options.state === undefined) throw new TypeError("createPassTicketService: option 'state' is required");
    if (options.tokenVerifiers !== undefined && (!Array.isArray(options.tokenVerifiers) || !options.tokenVerifiers.every((v) => typeof v === 'function'))) {
      throw new TypeError("createPassTicketService: option 'tokenVerifiers' must be an array of functions");
    }
    const esm = options.esmActive;
    if (esm !== undefined && typeof esm !== 'boolean' && typeof esm !== 'function') {
      throw new TypeError("createPassTicketService: option 'esmActive' must be a boolean or a function");
    }
    this.#o = {
      ...options,
      clock: options.clock ?? Date.now,
      keyPrefix: options.keyPrefix ?? 'ticketstack:passticket:',
      defaultUser: (options.defaultUser ?? 'CICSUSER').toUpperCase(),
    };
    this.#generator = new PassTicketGenerator({
      profiles: options.profiles,
      state: options.state,
      clock: this.#o.clock,
      keyPrefix: this.#o.keyPrefix,
      ...(options.maxSpreadSeconds === undefined ? {} : { maxSpreadSeconds: options.maxSpreadSeconds }),
    });
  }

  /** REQUEST PASSTICKET ESMAPPNAME(esmAppName) for the request's user (§5.1). */
  async requestPassTicket(req: object, options: { esmAppName: string }): Promise<PassTicketResult> {
    await this.#assertEsmActive();
    return { passticket: await this.#generate(req, options?.esmAppName), esmResp: 0, esmReason: 0 };
  }

  /**
   * VERIFY TOKEN: verifies `token`, makes its user the request's user (`req.user`) and, with `{ encryptKey: true }`,
   * returns a new ENCRYPTKEY (§5.3). Any call invalidates the request's earlier ENCRYPTKEY.
   */
  async verifyToken(req: object, token: string, options: { encryptKey?: boolean } = {}): Promise<VerifyTokenResult> {
    const task = this.#task(req);
    delete task.encryptKey; // §5.2: only the latest ENCRYPTKEY of the task is valid
    await this.#assertEsmActive();
    if (typeof token !== 'string' || token === '') throw notauth(2, 'no token was supplied');
    if (token.length > MAX_TOKEN_LENGTH) throw notauth(2, `the token is longer than ${MAX_TOKEN_LENGTH} characters`);
    let verified: VerifiedToken | null = null;
    try {
      for (const verify of this.#o.tokenVerifiers ?? []) {
        verified = await verify(token);
        if (verified !== null) break;
      }
    } catch (err) {
      if (err instanceof CicsCondition) throw err;
      throw notauth(2, 'the token was refused', { cause: err });
    }
    if (verified === null) throw notauth(2, 'no token verifier recognised the token');
    const userId = verified.userId;
    if (options.encryptKey === true && verified.confirmationKey === undefined) {
      throw invreq(257, `the ${verified.tokenType} token carries no ECDH-capable confirmation key (RFC 7800 cnf.jwk)`);
    }
    if (options.encryptKey === true) {
      try {
        await importJWK(verified.confirmationKey!, 'ECDH-ES');
      } catch (err) {
        throw invreq(257, 'the confirmation key cannot be used for ECDH-ES', { cause: err });
      }
    }
    if (this.#o.guard !== undefined) {
      try {
        await this.#o.guard.assertNotRevoked(userId);
      } catch (err) {
        if (isTicketStackError(err) && err.code === 'ERR_USER_REVOKED') throw notauth(19, `user ${userId} is revoked`);
        throw err;
      }
    }
    if (options.encryptKey === true) {
      // §5.3: accept-context runs once per token, so a token obtains one ENCRYPTKEY.
      const now = Math.floor(this.#o.clock() / 1000);
      const ttl = Math.max(1, Math.min((verified.expiresAt ?? now + 3600) - now, 86_400)) * 1000;
      const digest = createHash('sha256').update(token).digest('base64url');
      if (!(await this.#o.state.claimOnce(`${this.#o.keyPrefix}token:${digest}`, ttl))) {
        throw notauth(2, 'this token has already been used to obtain an ENCRYPTKEY');
      }
    }
    (req as { user?: unknown }).user = verified.user ?? { id: userId };
    if (options.encryptKey !== true) return { userId, tokenType: verified.tokenType };
    const value = randomBytes(4);
    task.encryptKey = { value, userId, confirmationKey: verified.confirmationKey!, used: false };
    return { userId, tokenType: verified.tokenType, encryptKey: Buffer.from(value) };
  }

  /**
   * REQUEST ENCRYPTPTKT: a PassTicket for the request's user, encrypted to the key of the token supplier named by
   * `encryptKey` (a `Buffer` or 8 hex digits from this request's latest `verifyToken`; usable once) (§5.2).
   */
  async requestEncryptedPassTicket(
    req: object,
    options: { encryptKey: Uint8Array | string; esmAppName: string },
  ): Promise<EncryptedPassTicketResult> {
    await this.#assertEsmActive();
    const task = this.#task(req);
    const entry = task.encryptKey;
    const given = parseEncryptKey(options?.encryptKey);
    const matches = entry !== undefined && given !== undefined && timingSafeEqual(entry.value, given);
    if (!matches || entry.used) {
      throw invreq(255, entry === undefined ? 'no ENCRYPTKEY is current for this request' : 'the ENCRYPTKEY is not the current one or was already used');
    }
    entry.used = true; // consumed by this attempt, whatever its outcome
    const current = this.#userIdOf(req);
    if (current === undefined || current.toUpperCase() !== entry.userId.toUpperCase()) {
      throw invreq(255, "the ENCRYPTKEY belongs to another user than the request's");
    }
    const passticket = await this.#generate(req, options.esmAppName);
    const encryptedPassTicket = await new CompactEncrypt(new TextEncoder().encode(passticket))
      .setProtectedHeader({
        alg: 'ECDH-ES',
        enc: 'A256GCM',
        ...(entry.confirmationKey.kid === undefined ? {} : { kid: entry.confirmationKey.kid }),
      })
      .encrypt(entry.confirmationKey);
    return { encryptedPassTicket, flength: Buffer.byteLength(encryptedPassTicket), esmResp: 0, esmReason: 0 };
  }

  #task(req: object): TaskState {
    if (req === null || typeof req !== 'object') throw new TypeError('expected the request object');
    let task = this.#tasks.get(req);
    if (task === undefined) this.#tasks.set(req, (task = {}));
    return task;
  }

  #userIdOf(req: object): string | undefined {
    return (this.#o.userIdOf ?? defaultUserIdOf)((req as { user?: unknown }).user);
  }

  async #assertEsmActive(): Promise<void> {
    const esm = this.#o.esmActive;
    let active: boolean;
    try {
      active = esm === undefined ? true : typeof esm === 'boolean' ? esm : await esm();
    } catch (err) {
      throw invreq(251, 'the security manager check failed', { cause: err });
    }
    if (!active) throw invreq(251, 'PassTicket services are switched off');
  }

  /** The common part of REQUEST PASSTICKET and REQUEST ENCRYPTPTKT: checks in CICS order, then generation. */
  async #generate(req: object, esmAppName: unknown): Promise<string> {
    const userId = this.#userIdOf(req);
    if (userId === undefined || userId.toUpperCase() === this.#o.defaultUser) {
      throw invreq(256, 'the request has no signed-on user (default user ID)');
    }
    if (typeof esmAppName !== 'string' || !isRacfName(esmAppName)) {
      throw invreq(247, 'ESMAPPNAME must be 1 to 8 characters from A-Z 0-9 @ # $');
    }
    const appl = esmAppName.toUpperCase();
    const profiles = this.#o.profiles;
    if (!profiles.mayGenerate) throw notauth(260, 'mayGenerate is false for this service', ESM_CODES[260]);
    const app = profiles.get(appl);
    if (app === undefined) throw invreq(254, `no PassTicket profile for application ${appl}`, ESM_CODES[254]);
    if (!isRacfName(userId)) throw notauth(250, `user ID is not a RACF user ID (application ${appl})`, ESM_CODES[250]);
    const groups = await this.#groupsOf(req, userId);
    if (!app.allowsGenerator(userId, groups)) {
      throw notauth(250, `user ${userId.toUpperCase()} may not obtain PassTickets for application ${appl}`, ESM_CODES[250]);
    }
    try {
      return (await this.#generator.generate({ user: userId, application: appl })).ticket;
    } catch (err) {
      if (isTicketStackError(err) && err.code === 'ERR_STATE_UNAVAILABLE') {
        throw invreq(251, 'the shared state store is unavailable', { cause: err });
      }
      const busy = isTicketStackError(err) && err.code === 'ERR_PASSTICKET_BUSY';
      throw invreq(252, busy ? 'no free generation second; retry later' : 'PassTicket generation failed', {
        cause: err,
        ...(busy ? ESM_CODES.busy : ESM_CODES.other),
      });
    }
  }

  async #groupsOf(req: object, userId: string): Promise<string[]> {
    if (this.#o.users !== undefined) return (await this.#o.users.findUser(userId))?.groups ?? [];
    const groups = ((req as { user?: unknown }).user as { groups?: unknown } | undefined)?.groups;
    return Array.isArray(groups) ? groups.filter((g): g is string => typeof g === 'string') : [];
  }
}

function parseEncryptKey(key: unknown): Buffer | undefined {
  if (typeof key === 'string') return /^[0-9a-fA-F]{8}$/.test(key) ? Buffer.from(key, 'hex') : undefined;
  if (key instanceof Uint8Array && key.length === 4) return Buffer.from(key);
  return undefined;
}

/** Creates the CICS-style PassTicket service (see the module comment). */
export function createPassTicketService(options: PassTicketServiceOptions): PassTicketService {
  return new PassTicketService(options);
}
