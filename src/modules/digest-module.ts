/**
 * The **Digest** login module (SAP's `digest` template; HTTP Digest access authentication per RFC 7616), a
 * passport-custom strategy.
 *
 * - Challenge (§3.3): one `WWW-Authenticate: Digest` per configured algorithm, most preferred first (SHA-256 by
 *   default; MD5 only when listed, with a warning, for old clients), `qop="auth"` only, `charset=UTF-8`, and
 *   `userhash=true` when enabled. Nonces are self-contained HMACs (digest-nonce.ts) that expire; a correct response
 *   with an expired nonce gets a fresh challenge with `stale=true`, so the client retries without asking the user.
 * - Response (§3.4): parsed by a strict, bounded parser (digest-header.ts); realm, opaque, qop, algorithm and `uri`
 *   (the request-target, §3.4.6) must match; the expected response is computed from the HA1 the user store keeps
 *   for this realm and algorithm (src/users/digest-credentials.ts) and compared in constant time.
 * - Replay (§5.5): each (nonce, nc) pair is accepted once, across instances, through `StateStore.claimOnce`,
 *   claimed only after the response proved the password (so nobody can burn another user's counts).
 * - Sign-on guard: like BasicPassword, a wrong response counts toward REVOKE(n) (passticket.md §2.4) and a revoked
 *   user fails. Every refusal gives the client the same 401 and a fresh challenge; its code (`ERR_DIGEST_…`,
 *   `ERR_USER_REVOKED`) goes to the decision record and `onRefusal` only. A malformed header or a `uri` that is
 *   not this request's answers 400 (§3.4.6). Store or state outages halt the stack (503).
 * - On success the `commit` hook sends `Authentication-Info` with `rspauth` (§3.5), so the client can check the
 *   server too; it runs only when the whole stack succeeded.
 *
 * @module
 */
import type { Request } from 'express';
import { timingSafeEqual, randomBytes } from 'node:crypto';
import type { Strategy } from 'passport';
import { isTicketStackError } from '../errors.js';
import type { StackHook, StackHookContext } from '../stack/passport-adapter.js';
import type { StateStore } from '../state/state-store.js';
import { readClock, type Clock } from '../ticket/validity.js';
import { DIGEST_HEX_LENGTH, digestHash, isDigestRealm, type DigestHashAlgorithm } from '../users/digest-credentials.js';
import type { SignOnGuard } from '../users/sign-on-guard.js';
import type { UserStore } from '../users/user-store.js';
import { isValidUserId } from '../users/internal.js';
import { checkOptionKeys } from '../option-keys.js';
import { CustomStrategy } from './credentials.js';
import { decodeExtValue, isDigestAuthorization, latin1AsUtf8, parseDigestAuthorization, quote, type DigestDirectives } from './digest-header.js';
import { CLOCK_SKEW_MS, DigestNonces } from './digest-nonce.js';

/** The algorithms of RFC 7616 §3.3; a `-sess` variant uses the same stored HA1. */
export type DigestAlgorithmName = DigestHashAlgorithm | `${DigestHashAlgorithm}-sess`;

export const DIGEST_ALGORITHM_NAMES: readonly DigestAlgorithmName[] = Object.freeze(['SHA-256', 'SHA-256-sess', 'SHA-512-256', 'SHA-512-256-sess', 'MD5', 'MD5-sess']);

/** Why a Digest login was refused (decision record `error.reason`, `onRefusal`; never sent to the client). */
export type DigestRefusalCode =
  /** No `Authorization: Digest` header: the module sends its challenge. */
  | 'ERR_DIGEST_MISSING_CREDENTIALS'
  /** The header does not parse, a required directive is missing or invalid, or the realm or qop are not ours (400). */
  | 'ERR_DIGEST_MALFORMED'
  /** The `uri` directive is not this request's target (400, RFC 7616 §3.4.6). */
  | 'ERR_DIGEST_URI_MISMATCH'
  /** The response uses an algorithm this module does not offer (e.g. MD5 when only SHA-256 is enabled). */
  | 'ERR_DIGEST_ALGORITHM_NOT_ALLOWED'
  /** The nonce (or opaque) was not minted for this realm with this secret (forged, truncated, another deployment, a rotated secret). */
  | 'ERR_DIGEST_NONCE_INVALID'
  /** The nonce expired; the response was right, so the new challenge says `stale=true`. */
  | 'ERR_DIGEST_NONCE_STALE'
  /** This (nonce, nc) pair was already accepted (on this or another instance). */
  | 'ERR_DIGEST_REPLAYED'
  /** Wrong response (wrong password), unknown user, or no HA1 for the user in this realm and algorithm. */
  | 'ERR_DIGEST_REFUSED'
  /** The user is revoked (by an administrator or by REVOKE(n)). */
  | 'ERR_USER_REVOKED';

export interface DigestStrategyOptions {
  /** A user store that keeps HA1 values for `realm` (its `digestRealms`) and each algorithm's hash (`digestAlgorithms`). */
  users: UserStore;
  /** Where each (nonce, nc) pair is claimed once: shared by every instance. */
  state: StateStore;
  /** Wrong responses count toward REVOKE(n); a revoked user fails. */
  guard?: SignOnGuard;
  /** The HMAC key of the nonces: at least 32 bytes, the same on every instance. A secret: never log it. */
  nonceSecret: string | Uint8Array;
  /** The protection space (default `'ticketstack'`). Part of every HA1: changing it needs new HA1 values. */
  realm?: string;
  /** Offered algorithms, most preferred first (default `['SHA-256']`). MD5 only for old clients: it warns. */
  algorithms?: readonly DigestAlgorithmName[];
  /** Offer `userhash=true` (RFC 7616 §3.4.4): the client may send H(username:realm) instead of the user ID. Default false. */
  userhash?: boolean;
  /** How long a nonce is accepted (default 300 s); after that, a correct response gets `stale=true`. */
  nonceLifetimeSeconds?: number;
  /** Prefix of the once-only (nonce, nc) keys in the state store (default `'digest-nc:'`). */
  keyPrefix?: string;
  now?: Clock;
  /** Strategy name (default `sap-digest`). */
  name?: string;
  /** Every refusal's code (for logs; never sent to the client). `user` is the user ID as sent, if any. */
  onRefusal?: (event: { code: DigestRefusalCode; user?: string; failures?: number; revoked?: boolean }) => void;
}

/** The user given to `success()`. */
export interface DigestUser {
  id: string;
  authMethod: 'digest';
  groups: string[];
}

/** The info of a refusal: the code for the decision record, and the challenges for `WWW-Authenticate`. */
export interface DigestFailureInfo {
  code: DigestRefusalCode;
  message: string;
  wwwAuthenticate?: string[];
}

export type DigestStrategy = Strategy & {
  name: string;
  /** The stack entry's `commit` hook: sends `Authentication-Info` (rspauth) after a successful stack. */
  commit: StackHook;
};

const KEYS = ['users', 'state', 'guard', 'nonceSecret', 'realm', 'algorithms', 'userhash', 'nonceLifetimeSeconds', 'keyPrefix', 'now', 'name', 'onRefusal'];
const MIN_SECRET_BYTES = 32;
const MAX_CNONCE = 256;
let warnedMd5 = false;

interface Outcome {
  user: DigestUser | false;
  info?: DigestFailureInfo | { authenticationInfo: string };
  status?: number;
}

/** Creates the Digest login module (a passport-custom strategy with a `commit` hook). */
export function createDigestStrategy(options: DigestStrategyOptions): DigestStrategy {
  const where = 'createDigestStrategy';
  checkOptionKeys(where, options, KEYS);
  const realm = options.realm ?? 'ticketstack';
  if (!isDigestRealm(realm)) throw new TypeError(`${where}: option 'realm' must be 1-128 characters without control characters, '"' or '\\'`);
  const algorithms = options.algorithms ?? ['SHA-256'];
  if (!Array.isArray(algorithms) || algorithms.length === 0 || new Set(algorithms).size !== algorithms.length || !algorithms.every((a) => DIGEST_ALGORITHM_NAMES.includes(a))) {
    throw new TypeError(`${where}: option 'algorithms' must be a non-empty list without repeats of ${DIGEST_ALGORITHM_NAMES.join(', ')}`);
  }
  const { users, state, guard } = options;
  if (users === null || typeof users !== 'object' || typeof users.findUser !== 'function' || typeof users.findDigestCredential !== 'function') {
    throw new TypeError(`${where}: option 'users' must be a UserStore with HTTP Digest support (findDigestCredential)`);
  }
  if (!users.digestRealms?.includes(realm)) {
    throw new TypeError(`${where}: option 'users' keeps no HA1 for realm ${JSON.stringify(realm)}: create the store with digestRealms: [${JSON.stringify(realm)}]`);
  }
  for (const a of algorithms) {
    const base = baseAlgorithm(a);
    if (!users.digestAlgorithms?.includes(base)) throw new TypeError(`${where}: option 'users' keeps no ${base} HA1 (needed by algorithm ${a}): add it to the store's digestAlgorithms`);
  }
  if (state === null || typeof state !== 'object' || typeof state.claimOnce !== 'function') throw new TypeError(`${where}: option 'state' must be a StateStore`);
  if (guard !== undefined && (guard === null || typeof guard.recordFailure !== 'function')) throw new TypeError(`${where}: option 'guard' must be a SignOnGuard`);
  const secret = typeof options.nonceSecret === 'string' ? Buffer.from(options.nonceSecret, 'utf8') : options.nonceSecret instanceof Uint8Array ? Buffer.from(options.nonceSecret) : undefined;
  if (secret === undefined || secret.length < MIN_SECRET_BYTES) throw new TypeError(`${where}: option 'nonceSecret' must be a string or bytes of at least ${MIN_SECRET_BYTES} bytes`);
  const lifetime = options.nonceLifetimeSeconds ?? 300;
  if (!Number.isInteger(lifetime) || lifetime < 1 || lifetime > 86_400) throw new TypeError(`${where}: option 'nonceLifetimeSeconds' must be an integer from 1 to 86400`);
  if (options.userhash !== undefined && typeof options.userhash !== 'boolean') throw new TypeError(`${where}: option 'userhash' must be a boolean`);
  const prefix = options.keyPrefix ?? 'digest-nc:';
  if (typeof prefix !== 'string') throw new TypeError(`${where}: option 'keyPrefix' must be a string`);
  if (options.name !== undefined && (typeof options.name !== 'string' || options.name === '')) throw new TypeError(`${where}: option 'name' must be a non-empty string`);
  if (options.onRefusal !== undefined && typeof options.onRefusal !== 'function') throw new TypeError(`${where}: option 'onRefusal' must be a function`);
  readClock(options.now); // a bad clock is a TypeError now, not on the first request
  if (algorithms.some((a) => a.startsWith('MD5')) && !warnedMd5) {
    warnedMd5 = true;
    process.emitWarning('ticketstack: Digest with MD5 enabled for old clients; MD5 HA1 values are weak password hashes', 'TicketStackWarning');
  }

  const nonces = new DigestNonces(secret, realm, lifetime * 1000);
  const opaque = nonces.opaque();
  const offerUserhash = options.userhash === true;
  const now = (): number => readClock(options.now).getTime();
  // For an unknown user the response is still computed (with this HA1), so the work does not tell users apart.
  const dummyHa1 = randomBytes(32).toString('hex');

  const challenges = (stale: boolean): string[] => {
    const nonce = nonces.mint(now());
    return algorithms.map(
      (a) =>
        `Digest realm=${quote(realm)}, qop="auth", algorithm=${a}, nonce="${nonce}", opaque="${opaque}", charset=UTF-8` +
        `${offerUserhash ? ', userhash=true' : ''}${stale ? ', stale=true' : ''}`,
    );
  };
  const refuse = (code: DigestRefusalCode, extra: { user?: string; failures?: number; revoked?: boolean } = {}): Outcome => {
    options.onRefusal?.({ code, ...extra });
    const status = code === 'ERR_DIGEST_MALFORMED' || code === 'ERR_DIGEST_URI_MISMATCH' ? 400 : 401;
    const info: DigestFailureInfo = { code, message: 'Digest authentication failed' };
    // A 400 carries no challenge (the request itself is wrong); every 401 carries a fresh one.
    if (status === 401) info.wwwAuthenticate = challenges(code === 'ERR_DIGEST_NONCE_STALE');
    return { user: false, info, status };
  };

  async function verify(req: Request): Promise<Outcome> {
    const header = req.headers?.authorization;
    if (typeof header !== 'string' || !isDigestAuthorization(header)) return refuse('ERR_DIGEST_MISSING_CREDENTIALS');
    const parsed = parseDigestAuthorization(header);
    if (!parsed.ok) return refuse('ERR_DIGEST_MALFORMED');
    const r = readResponse(parsed.directives);
    if (r === undefined || latin1AsUtf8(r.realm) !== realm) return refuse('ERR_DIGEST_MALFORMED');
    // opaque is a MAC of the realm: another one means a challenge from another secret, like a foreign nonce.
    if (r.opaque !== opaque) return refuse('ERR_DIGEST_NONCE_INVALID');
    if (r.userhash && !offerUserhash) return refuse('ERR_DIGEST_MALFORMED');
    const algorithm = algorithms.find((a) => a.toLowerCase() === r.algorithm.toLowerCase());
    if (algorithm === undefined) return refuse('ERR_DIGEST_ALGORITHM_NOT_ALLOWED');
    const base = baseAlgorithm(algorithm);
    if (!new RegExp(`^[0-9a-fA-F]{${DIGEST_HEX_LENGTH[base]}}$`).test(r.response)) return refuse('ERR_DIGEST_MALFORMED');
    if (r.uri !== (req.originalUrl ?? req.url)) return refuse('ERR_DIGEST_URI_MISMATCH');
    const at = now();
    const nonce = nonces.check(r.nonce, at);
    // Not ours: refused without looking at the response, so a made-up nonce is no way to test passwords uncounted.
    if (!nonce.valid) return refuse('ERR_DIGEST_NONCE_INVALID');

    // The user: by user ID (as sent: Digest hashes it, so it must match the stored ID's case) or by userhash.
    let name: string | undefined;
    if (r.userhash) {
      if (!new RegExp(`^[0-9a-fA-F]{${DIGEST_HEX_LENGTH[base]}}$`).test(r.username)) return refuse('ERR_DIGEST_MALFORMED');
    } else {
      name = r.username;
      if (!isValidUserId(name)) return refuse('ERR_DIGEST_REFUSED'); // the store would throw a TypeError (a 500)
    }
    const credential = await users.findDigestCredential!(
      name === undefined ? { realm, algorithm: base, userhash: r.username } : { realm, algorithm: base, username: name },
    );
    const user = credential?.id ?? name;

    let ha1 = credential?.ha1 ?? dummyHa1;
    if (algorithm.endsWith('-sess')) ha1 = digestHash(base, Buffer.from(`${ha1}:${r.nonce}:${r.cnonce}`, 'latin1'));
    const ha2 = digestHash(base, Buffer.from(`${req.method}:${r.uri}`, 'latin1'));
    const expected = digestHash(base, Buffer.from(`${ha1}:${r.nonce}:${r.nc}:${r.cnonce}:${r.qop}:${ha2}`, 'latin1'));
    const matches = timingSafeEqual(Buffer.from(expected), Buffer.from(r.response.toLowerCase())) && credential !== null;

    if (!matches) {
      if (user === undefined) return refuse('ERR_DIGEST_REFUSED');
      if (guard) {
        // As BasicPassword: a revoked user is told apart in the record only, and its wrong guesses are not counted.
        try {
          await guard.assertNotRevoked(user);
        } catch (err) {
          if (isTicketStackError(err) && err.code === 'ERR_USER_REVOKED') return refuse('ERR_USER_REVOKED', { user });
          throw err;
        }
        const counted = await guard.recordFailure(user);
        return refuse('ERR_DIGEST_REFUSED', { user, ...counted });
      }
      return refuse('ERR_DIGEST_REFUSED', { user });
    }
    const id = credential!.id; // `matches` implies a credential
    if (nonce.stale) return refuse('ERR_DIGEST_NONCE_STALE', { user: id });
    // The revoked mark (by an administrator or by the guard's REVOKE(n)) lives in the user store.
    const record = await users.findUser(id);
    if (record === null) return refuse('ERR_DIGEST_REFUSED', { user: id });
    if (record.revoked) return refuse('ERR_USER_REVOKED', { user: record.id });
    // §5.5: each (nonce, nc) once, on every instance, for as long as the nonce could be accepted anywhere.
    const ttl = Math.max(1, nonce.expiresAt + CLOCK_SKEW_MS - at);
    if (!(await state.claimOnce(`${prefix}${r.nonce}:${parseInt(r.nc, 16)}`, ttl))) return refuse('ERR_DIGEST_REPLAYED', { user: record.id });
    if (guard) await guard.recordSuccess(record.id);

    // §3.5: rspauth proves the server knows HA1 too (A2 without the method).
    const rspHa2 = digestHash(base, Buffer.from(`:${r.uri}`, 'latin1'));
    const rspauth = digestHash(base, Buffer.from(`${ha1}:${r.nonce}:${r.nc}:${r.cnonce}:${r.qop}:${rspHa2}`, 'latin1'));
    const authenticationInfo = `qop=auth, rspauth="${rspauth}", cnonce=${quote(r.cnonce)}, nc=${r.nc}`;
    return { user: { id: record.id, authMethod: 'digest', groups: [...record.groups] }, info: { authenticationInfo } };
  }

  const commit = (ctx: StackHookContext): boolean => {
    const info = ctx.moduleInfo as { authenticationInfo?: unknown } | undefined;
    if (typeof info?.authenticationInfo !== 'string') return ctx.loginOutcome === 'succeeded';
    if (!ctx.res.headersSent) ctx.res.setHeader('Authentication-Info', info.authenticationInfo);
    return true;
  };

  const strategy = new CustomStrategy(function (this: { fail(challenge: unknown, status?: number): void }, req, done) {
    verify(req).then((o) => (o.user === false ? this.fail(o.info, o.status ?? 401) : done(null, o.user, o.info)), done);
  }) as DigestStrategy;
  strategy.name = options.name ?? 'sap-digest';
  strategy.commit = commit;
  return strategy;
}

function baseAlgorithm(a: DigestAlgorithmName): DigestHashAlgorithm {
  return a.replace(/-sess$/i, '') as DigestHashAlgorithm;
}

interface DigestResponse {
  username: string;
  userhash: boolean;
  realm: string;
  nonce: string;
  uri: string;
  response: string;
  algorithm: string;
  qop: string;
  nc: string;
  cnonce: string;
  opaque: string;
}

/** The directives of §3.4, checked for presence and shape; `undefined` when one is missing or malformed. */
function readResponse(d: DigestDirectives): DigestResponse | undefined {
  const get = (k: string): string | undefined => d.get(k);
  const userhashValue = (get('userhash') ?? 'false').toLowerCase();
  if (userhashValue !== 'true' && userhashValue !== 'false') return undefined;
  const userhash = userhashValue === 'true';
  // `username*` (RFC 8187 ext-value) for IDs that are not ASCII; never together with `username`, nor with userhash.
  const plain = get('username');
  const extended = get('username*');
  if ((plain === undefined) === (extended === undefined)) return undefined;
  if (extended !== undefined && userhash) return undefined;
  const username = extended !== undefined ? decodeExtValue(extended) : latin1AsUtf8(plain as string);
  const [realm, nonce, uri, response, qop, nc, cnonce, opaque] = ['realm', 'nonce', 'uri', 'response', 'qop', 'nc', 'cnonce', 'opaque'].map(get);
  if (username === undefined || username === '' || realm === undefined || nonce === undefined || uri === undefined || response === undefined) return undefined;
  // qop=auth only (no RFC 2069 responses without qop; no auth-int); so nc and cnonce are required (§3.4).
  if (qop?.toLowerCase() !== 'auth' || nc === undefined || !/^[0-9a-fA-F]{8}$/.test(nc) || parseInt(nc, 16) < 1) return undefined;
  if (cnonce === undefined || cnonce === '' || cnonce.length > MAX_CNONCE || opaque === undefined || uri === '') return undefined;
  // §3.4: without an algorithm directive the algorithm is MD5.
  return { username, userhash, realm, nonce, uri, response, algorithm: get('algorithm') ?? 'MD5', qop, nc, cnonce, opaque };
}
