/**
 * The options of `createTicketStack` and their validation, read once (express-session and jose style,
 * ecosystem-notes.md §3.1–§3.3): a wrong type or value is a `TypeError` naming the option, an unknown key is
 * refused (a typo must not fall back to a default silently), and a risky-but-legal setting produces a warning
 * (emitted by the factory as a `TicketStackWarning`). Nothing here opens a file or a connection.
 *
 * @module
 */
import type { Store } from 'express-session';
import type { KeyAlgorithm } from '../keystore/certificates.js';
import { Keystore } from '../keystore/keystore.js';
import { PassTicketProfiles, type PassTicketProfilesOptions } from '../passticket/profiles.js';
import type { ModuleRegistration } from '../policy/policies.js';
import type { Template } from '../policy/template.js';
import type { DecisionRecord } from '../stack/decision-record.js';
import type { LoginStackOptions } from '../stack/passport-adapter.js';
import type { StateStore } from '../state/state-store.js';
import type { Clock } from '../ticket/validity.js';
import { DEFAULT_USERS_FILE } from '../users/create-user-store.js';
import { assertScryptParams, type ScryptParams } from '../users/password-hash.js';
import { digestStoreConfig, type DigestHashAlgorithm, type DigestStoreOptions } from '../users/digest-credentials.js';
import type { UserStore } from '../users/user-store.js';
import type { TicketStackEvent } from './events.js';
import type { SessionSettings } from './session.js';

/** The keystore folder: loaded, or generated and saved on first start when `create` is given. */
export interface KeystoreConfig {
  dir: string;
  /** Generate a key pair and self-signed certificate when `dir` holds no keystore yet (development, first start). */
  create?: { sid: string; client: string; alg?: KeyAlgorithm; subjectDn?: string };
  /** Passphrase of the private key file (default `TICKETSTACK_KEYSTORE_PASSPHRASE`). Never logged. */
  passphrase?: string;
}

export interface SessionCookieConfig {
  /** Default `true`; `'auto'` follows `req.secure` (set Express's `trust proxy` behind TLS proxies); `false` warns. */
  secure?: boolean | 'auto';
  /** Default `'lax'`. `'none'` needs `secure: true`. */
  sameSite?: 'lax' | 'strict' | 'none';
  domain?: string;
  /** Default `'/'`. */
  path?: string;
  /** Makes the cookie persistent for this long; default: a browser-session cookie. */
  maxAgeMs?: number;
}

export interface SessionConfig {
  /** Signs the session cookie; an array rotates (the first signs, all verify). Default `SESSION_SECRET`. */
  secret?: string | readonly string[];
  /** Default `__Host-ticketstack.sid` when the cookie is Secure, host-only and on `/`, else `ticketstack.sid`. */
  name?: string;
  cookie?: SessionCookieConfig;
  /** Re-send the cookie on every response (default false). */
  rolling?: boolean;
  /** Your own express-session store; default: connect-redis with Redis, else express-session's MemoryStore. */
  store?: Store;
  /** Redis key prefix of sessions (default: the state prefix + `sess:`). */
  prefix?: string;
  /** Lifetime of a session in Redis without activity, in seconds (default 28800, 8 h like a logon ticket). */
  ttlSeconds?: number;
  /** Upper bound of every session read and write in Redis (default: `state.commandTimeoutMs`, 1000 ms). */
  commandTimeoutMs?: number;
}

export interface StateConfig {
  /** Redis key prefix of every key this stack writes (default `'ticketstack:'`; one per application). */
  prefix?: string;
  /** Upper bound of every Redis command, sessions included (default 1000 ms). */
  commandTimeoutMs?: number;
  /** Most keys of the embedded memory store (default 100000). */
  maxEntries?: number;
}

export interface UsersConfig {
  /** The embedded store's JSON file (default `./ticketstack-users.json`); not used with PostgreSQL. */
  path?: string;
  /** PostgreSQL schema (default `'ticketstack'`). */
  schema?: string;
  /** PostgreSQL connect and query timeout (default 2000 ms). */
  queryTimeoutMs?: number;
  /** Create or upgrade the PostgreSQL schema at start (default false: run `ticketstack users migrate`). */
  migrate?: boolean;
  /** scrypt parameters for new password hashes (default ln=15, r=8, p=1). */
  hashParams?: ScryptParams;
  /** HTTP Digest realms whose HA1 is kept when a password is set (default none; the `digest` template needs `['ticketstack']`). */
  digestRealms?: readonly string[];
  /** Hash algorithms of those HA1 values (default `['SHA-256']`). */
  digestAlgorithms?: readonly DigestHashAlgorithm[];
}

export interface TicketStackConfig {
  keystore: Keystore | KeystoreConfig;
  /** `false`: no express-session (stateless APIs; stacks then run with `session: false`). Default: sessions on. */
  session?: false | SessionConfig;
  /** Redis for state and sessions; default `REDIS_URL`; `false` forces the embedded stores. */
  redisUrl?: string | false;
  /** PostgreSQL for users; default `DATABASE_URL`; `false` forces the embedded file store. */
  databaseUrl?: string | false;
  /** A `StateStore` you made (left open by `close()`), or options for the one made here. */
  state?: StateStore | StateConfig;
  /** A `UserStore` you made (left open by `close()`), or options for the one made here. */
  users?: UserStore | UsersConfig;
  /** RACF `REVOKE(n)`: failed sign-ons within the window that revoke a user (defaults 5 and 15 minutes). */
  signOn?: { maxFailures?: number; windowMs?: number };
  templates?: readonly Template[];
  moduleFactories?: Readonly<Record<string, ModuleRegistration>>;
  /**
   * Options of every compiled `loginStack`. `reuseSession` is asked after the policies' own check, which never reuses
   * the session of a user revoked since.
   */
  stackOptions?: Omit<LoginStackOptions, 'passport' | 'name' | 'sessionKey'>;
  /** PassTicket sign-on: a verifier on the shared state and sign-on guard, for the `PassTicket` module. */
  passTickets?: { profiles: PassTicketProfiles | PassTicketProfilesOptions };
  /** The `Digest` module's nonce key: at least 32 bytes, the same on every instance (a secret; default `DIGEST_NONCE_SECRET`). */
  digestNonceSecret?: string;
  /** Decision records kept for `decisions.recent()` (default 100). */
  decisionLogSize?: number;
  /** `Retry-After` of the error handler's 503 answers (default 5 s). */
  retryAfterSeconds?: number;
  /** The one logging hook: decisions, state and user-store availability, sign-on events, handled errors. */
  onEvent?: (event: TicketStackEvent) => void;
  /** A clock for the ticket modules, PassTickets, Digest nonces and proxied client certificates (tests). */
  now?: Clock;
}

/** The configuration after validation and defaults (internal). */
export interface ResolvedConfig {
  readonly keystore: { readonly instance: Keystore } | { readonly dir: string; readonly create: KeystoreConfig['create'] | undefined; readonly passphrase: string | undefined };
  readonly redisUrl: string | undefined;
  readonly databaseUrl: string | undefined;
  readonly state: { readonly instance?: StateStore; readonly prefix: string; readonly commandTimeoutMs: number; readonly maxEntries: number | undefined };
  readonly users: {
    readonly instance?: UserStore;
    readonly path: string;
    readonly schema: string | undefined;
    readonly queryTimeoutMs: number | undefined;
    readonly migrate: boolean;
    readonly hashParams: ScryptParams | undefined;
    readonly digest: DigestStoreOptions;
  };
  readonly session: false | (SessionSettings & { readonly store: Store | undefined; readonly prefix: string; readonly ttlSeconds: number; readonly commandTimeoutMs: number });
  readonly signOn: { readonly maxFailures: number; readonly windowMs: number };
  readonly templates: readonly Template[] | undefined;
  readonly moduleFactories: Readonly<Record<string, ModuleRegistration>> | undefined;
  readonly stackOptions: Omit<LoginStackOptions, 'passport' | 'name' | 'sessionKey' | 'onDecision'>;
  readonly onDecision: ((record: DecisionRecord) => void) | undefined;
  readonly passTicketProfiles: PassTicketProfiles | undefined;
  readonly digestNonceSecret: string | undefined;
  readonly decisionLogSize: number;
  readonly retryAfterSeconds: number;
  readonly onEvent: ((event: TicketStackEvent) => void) | undefined;
  readonly now: Clock | undefined;
}

const WHERE = 'createTicketStack';
const TOP_KEYS = [
  'keystore', 'session', 'redisUrl', 'databaseUrl', 'state', 'users', 'signOn', 'templates', 'moduleFactories',
  'stackOptions', 'passTickets', 'decisionLogSize', 'retryAfterSeconds', 'onEvent', 'now', 'digestNonceSecret',
];
const STACK_OPTION_KEYS = ['session', 'keepSessionInfo', 'failureRedirect', 'onDecision', 'requestProperty', 'timeoutMs', 'reuseSession'];
/** A cookie name is an RFC 6265 token. */
const COOKIE_NAME = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]{1,128}$/;
const MIN_SECRET_LENGTH = 32;

const invalid = (option: string, must: string): TypeError => new TypeError(`${WHERE}: option "${option}" ${must}`);

/** A plain options object with only `allowed` keys. */
function section(option: string, value: unknown, allowed: readonly string[]): Record<string, unknown> {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    throw option === '' ? new TypeError(`${WHERE}: the configuration must be an object`) : invalid(option, 'must be an object');
  }
  for (const key of Object.keys(value)) {
    if (!allowed.includes(key)) throw new TypeError(`${WHERE}: unknown option "${option ? `${option}.` : ''}${key}" (allowed: ${allowed.join(', ')})`);
  }
  return value as Record<string, unknown>;
}

function optionalString(option: string, value: unknown, test?: (v: string) => boolean, must = 'must be a non-empty string'): string | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== 'string' || value.trim() === '' || (test !== undefined && !test(value))) throw invalid(option, must);
  return value;
}

function optionalInteger(option: string, value: unknown, min: number, max: number): number | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < min || value > max) throw invalid(option, `must be an integer from ${min} to ${max}`);
  return value;
}

function optionalBoolean(option: string, value: unknown): boolean | undefined {
  if (value !== undefined && typeof value !== 'boolean') throw invalid(option, 'must be a boolean');
  return value;
}

/** The URL option: a string of the right scheme, `false`, or (undefined) the environment variable. Never echoes the URL. */
function serviceUrl(option: string, value: unknown, envValue: string | undefined, scheme: RegExp, schemeText: string): string | undefined {
  if (value === false) return undefined;
  const url = value === undefined ? (envValue?.trim() ? envValue.trim() : undefined) : value;
  if (url === undefined) return undefined;
  if (typeof url !== 'string' || !scheme.test(url)) {
    throw invalid(option, `must be a ${schemeText} URL or false${value === undefined ? ` (it comes from the environment variable ${option === 'redisUrl' ? 'REDIS_URL' : 'DATABASE_URL'})` : ''}`);
  }
  return url;
}

const isStore = (value: unknown, method: string): boolean =>
  value !== null && typeof value === 'object' && typeof (value as Record<string, unknown>)[method] === 'function';

/** Validates `config` against `env` (default `process.env`). Throws a TypeError naming the first bad option. */
export function resolveConfig(config: TicketStackConfig, env: NodeJS.ProcessEnv = process.env): { config: ResolvedConfig; warnings: string[] } {
  const top = section('', config, TOP_KEYS) as Partial<TicketStackConfig>;
  const {
    keystore, session, redisUrl: redisOption, databaseUrl: databaseOption, state, users, signOn, templates, moduleFactories,
    stackOptions, passTickets, decisionLogSize, retryAfterSeconds, onEvent, now, digestNonceSecret,
  } = top;
  const warnings: string[] = [];
  const production = env.NODE_ENV === 'production';

  const redisUrl = serviceUrl('redisUrl', redisOption, env.REDIS_URL, /^rediss?:\/\/./, 'redis:// or rediss://');
  const databaseUrl = serviceUrl('databaseUrl', databaseOption, env.DATABASE_URL, /^postgres(ql)?:\/\/./, 'postgres:// or postgresql://');

  // keystore
  if (keystore === undefined) throw invalid('keystore', 'is required: a Keystore, or { dir, create?, passphrase? }');
  let resolvedKeystore: ResolvedConfig['keystore'];
  if (keystore instanceof Keystore) {
    resolvedKeystore = { instance: keystore };
  } else {
    const k = section('keystore', keystore, ['dir', 'create', 'passphrase']);
    const dir = optionalString('keystore.dir', k.dir);
    if (dir === undefined) throw invalid('keystore.dir', 'is required (the keystore folder), or give a Keystore');
    const passphrase = k.passphrase === undefined ? (env.TICKETSTACK_KEYSTORE_PASSPHRASE || undefined) : optionalString('keystore.passphrase', k.passphrase);
    let create: KeystoreConfig['create'];
    if (k.create !== undefined) {
      const c = section('keystore.create', k.create, ['sid', 'client', 'alg', 'subjectDn']);
      const sid = optionalString('keystore.create.sid', c.sid);
      const client = optionalString('keystore.create.client', c.client);
      if (sid === undefined || client === undefined) throw invalid('keystore.create', 'needs sid and client (this system\'s SID and client, e.g. { sid: "J2E", client: "000" })');
      const alg = c.alg as KeyAlgorithm | undefined;
      if (alg !== undefined && !['dsa', 'rsa', 'ecdsa'].includes(alg)) throw invalid('keystore.create.alg', 'must be "dsa", "rsa" or "ecdsa"');
      create = { sid, client, ...(alg === undefined ? {} : { alg }), ...(c.subjectDn === undefined ? {} : { subjectDn: optionalString('keystore.create.subjectDn', c.subjectDn)! }) };
      if (production && passphrase === undefined) {
        warnings.push('keystore.create without a passphrase stores the private key unencrypted (mode 0600); set TICKETSTACK_KEYSTORE_PASSPHRASE');
      }
    }
    resolvedKeystore = { dir, create, passphrase };
  }

  // state
  let resolvedState: ResolvedConfig['state'];
  if (isStore(state, 'claimOnce')) {
    resolvedState = { instance: state as StateStore, prefix: 'ticketstack:', commandTimeoutMs: 1000, maxEntries: undefined };
  } else {
    const s = state === undefined ? {} : section('state', state, ['prefix', 'commandTimeoutMs', 'maxEntries']);
    resolvedState = {
      prefix: optionalString('state.prefix', s.prefix, (v) => v.length <= 256, 'must be a non-empty string of at most 256 characters') ?? 'ticketstack:',
      commandTimeoutMs: optionalInteger('state.commandTimeoutMs', s.commandTimeoutMs, 1, 60_000) ?? 1000,
      maxEntries: optionalInteger('state.maxEntries', s.maxEntries, 1, 100_000_000),
    };
    if (production && redisUrl === undefined) {
      warnings.push('the state store is in memory (no REDIS_URL): one-time tickets and sign-on failures are counted per process; several instances need Redis');
    }
  }

  // users
  let resolvedUsers: ResolvedConfig['users'];
  if (isStore(users, 'verifyPassword')) {
    resolvedUsers = { instance: users as UserStore, path: DEFAULT_USERS_FILE, schema: undefined, queryTimeoutMs: undefined, migrate: false, hashParams: undefined, digest: {} };
  } else {
    const u = users === undefined ? {} : section('users', users, ['path', 'schema', 'queryTimeoutMs', 'migrate', 'hashParams', 'digestRealms', 'digestAlgorithms']);
    if (u.hashParams !== undefined) assertScryptParams(`${WHERE}: option "users"`, u.hashParams);
    digestStoreConfig(`${WHERE}: option "users"`, u.digestRealms, u.digestAlgorithms); // a TypeError now, not at the first request
    resolvedUsers = {
      path: optionalString('users.path', u.path) ?? DEFAULT_USERS_FILE,
      schema: optionalString('users.schema', u.schema, (v) => /^[a-z_][a-z0-9_]{0,62}$/.test(v), 'must be 1-63 lowercase letters, digits or "_", not starting with a digit'),
      queryTimeoutMs: optionalInteger('users.queryTimeoutMs', u.queryTimeoutMs, 1, 60_000),
      migrate: optionalBoolean('users.migrate', u.migrate) ?? false,
      hashParams: u.hashParams as ScryptParams | undefined,
      digest: {
        ...(u.digestRealms === undefined ? {} : { digestRealms: u.digestRealms as string[] }),
        ...(u.digestAlgorithms === undefined ? {} : { digestAlgorithms: u.digestAlgorithms as DigestHashAlgorithm[] }),
      },
    };
  }

  // session
  let resolvedSession: ResolvedConfig['session'] = false;
  if (session !== false) {
    const s = session === undefined ? {} : section('session', session, ['secret', 'name', 'cookie', 'rolling', 'store', 'prefix', 'ttlSeconds', 'commandTimeoutMs']);
    const rawSecret = s.secret === undefined ? (env.SESSION_SECRET || undefined) : s.secret;
    if (rawSecret === undefined) {
      throw invalid('session.secret', 'is required when sessions are on (or set SESSION_SECRET); use session: false for stateless APIs');
    }
    const secret = typeof rawSecret === 'string' ? [rawSecret] : rawSecret;
    if (!Array.isArray(secret) || secret.length === 0 || !secret.every((x) => typeof x === 'string' && x !== '')) {
      throw invalid('session.secret', 'must be a non-empty string or a non-empty array of them (the first signs, all verify)');
    }
    if (secret.some((x: string) => x.length < MIN_SECRET_LENGTH)) {
      warnings.push(`session.secret is shorter than ${MIN_SECRET_LENGTH} characters: use a long random value (e.g. openssl rand -base64 48)`);
    }
    const c = s.cookie === undefined ? {} : section('session.cookie', s.cookie, ['secure', 'sameSite', 'domain', 'path', 'maxAgeMs', 'httpOnly']);
    if (c.httpOnly !== undefined) throw invalid('session.cookie.httpOnly', 'cannot be set: the session cookie is always HttpOnly');
    const secure = c.secure ?? true;
    if (secure !== true && secure !== false && secure !== 'auto') throw invalid('session.cookie.secure', 'must be true, false or "auto"');
    if (secure === false) warnings.push('session.cookie.secure is false: the session cookie is also sent over plain HTTP (for development only)');
    const sameSite = c.sameSite ?? 'lax';
    if (sameSite !== 'lax' && sameSite !== 'strict' && sameSite !== 'none') throw invalid('session.cookie.sameSite', 'must be "lax", "strict" or "none"');
    if (sameSite === 'none') {
      if (secure !== true) throw invalid('session.cookie.sameSite', '"none" needs session.cookie.secure: true (browsers drop SameSite=None cookies without Secure)');
      warnings.push('session.cookie.sameSite is "none": the session cookie is sent on cross-site requests; protect every state-changing route against CSRF');
    }
    const domain = optionalString('session.cookie.domain', c.domain, (v) => /^[A-Za-z0-9.-]+$/.test(v), 'must be a domain name');
    const path = optionalString('session.cookie.path', c.path, (v) => v.startsWith('/') && !/[;\s]/.test(v), 'must be a path starting with "/"') ?? '/';
    const maxAgeMs = optionalInteger('session.cookie.maxAgeMs', c.maxAgeMs, 1, 400 * 86_400_000);
    const hostOnly = secure === true && domain === undefined && path === '/';
    const name = optionalString('session.name', s.name, (v) => COOKIE_NAME.test(v), 'must be a cookie name (letters, digits and !#$%&\'*+-.^_`|~)') ?? (hostOnly ? '__Host-ticketstack.sid' : 'ticketstack.sid');
    if (name.startsWith('__Host-') && !hostOnly) throw invalid('session.name', 'with the __Host- prefix needs cookie.secure: true, no cookie.domain and cookie.path "/"');
    if (name.startsWith('__Secure-') && secure !== true) throw invalid('session.name', 'with the __Secure- prefix needs cookie.secure: true');
    if (s.store !== undefined && !(isStore(s.store, 'get') && isStore(s.store, 'set') && isStore(s.store, 'destroy'))) {
      throw invalid('session.store', 'must be an express-session store (get, set, destroy)');
    }
    const store = s.store as Store | undefined;
    if (production && store === undefined && redisUrl === undefined) {
      warnings.push("sessions use express-session's MemoryStore (no REDIS_URL): it leaks memory and is per process; use Redis in production");
    }
    resolvedSession = {
      secret: Object.freeze([...secret]) as readonly string[],
      name,
      secure,
      sameSite,
      domain,
      path,
      maxAgeMs,
      rolling: optionalBoolean('session.rolling', s.rolling) ?? false,
      store,
      prefix: optionalString('session.prefix', s.prefix) ?? `${resolvedState.prefix}sess:`,
      ttlSeconds: optionalInteger('session.ttlSeconds', s.ttlSeconds, 1, 400 * 86_400) ?? 28_800,
      commandTimeoutMs: optionalInteger('session.commandTimeoutMs', s.commandTimeoutMs, 1, 60_000) ?? resolvedState.commandTimeoutMs,
    };
  }

  // sign-on guard
  const g = signOn === undefined ? {} : section('signOn', signOn, ['maxFailures', 'windowMs']);
  const resolvedSignOn = {
    maxFailures: optionalInteger('signOn.maxFailures', g.maxFailures, 1, 1000) ?? 5,
    windowMs: optionalInteger('signOn.windowMs', g.windowMs, 1, 366 * 86_400_000) ?? 15 * 60_000,
  };

  // policies
  if (templates !== undefined && !Array.isArray(templates)) throw invalid('templates', 'must be an array of templates');
  // Their entries are checked by createPolicies, which names the module.
  if (moduleFactories !== undefined && (moduleFactories === null || typeof moduleFactories !== 'object' || Array.isArray(moduleFactories))) {
    throw invalid('moduleFactories', 'must be an object of module name to factory');
  }
  const st = stackOptions === undefined ? {} : section('stackOptions', stackOptions, STACK_OPTION_KEYS);
  const { onDecision, ...restStackOptions } = st as Omit<LoginStackOptions, 'passport' | 'name' | 'sessionKey'>;
  if (onDecision !== undefined && typeof onDecision !== 'function') throw invalid('stackOptions.onDecision', 'must be a function');
  if (resolvedSession === false && restStackOptions.session === true) {
    throw invalid('stackOptions.session', 'cannot be true with session: false (there is no express-session to log in to)');
  }
  const resolvedStackOptions = { ...restStackOptions, session: restStackOptions.session ?? resolvedSession !== false };

  // PassTickets
  let passTicketProfiles: PassTicketProfiles | undefined;
  if (passTickets !== undefined) {
    const p = section('passTickets', passTickets, ['profiles']);
    if (p.profiles === undefined) throw invalid('passTickets.profiles', 'is required (PassTicketProfiles or its options)');
    try {
      passTicketProfiles = p.profiles instanceof PassTicketProfiles ? p.profiles : new PassTicketProfiles(p.profiles as PassTicketProfilesOptions);
    } catch (err) {
      throw new TypeError(`${WHERE}: option "passTickets.profiles": ${(err as Error).message}`, { cause: err });
    }
  }

  // Digest nonces: the option, else DIGEST_NONCE_SECRET; checked for length by the Digest module when a template uses it.
  const digestSecret = digestNonceSecret === undefined ? (env.DIGEST_NONCE_SECRET || undefined) : digestNonceSecret;
  if (digestSecret !== undefined && (typeof digestSecret !== 'string' || Buffer.byteLength(digestSecret) < MIN_SECRET_LENGTH)) {
    throw invalid('digestNonceSecret', `must be a string of at least ${MIN_SECRET_LENGTH} bytes, the same on every instance${digestNonceSecret === undefined ? ' (it comes from DIGEST_NONCE_SECRET)' : ''}`);
  }

  if (onEvent !== undefined && typeof onEvent !== 'function') throw invalid('onEvent', 'must be a function');
  if (now !== undefined && !(now instanceof Date) && typeof now !== 'function') throw invalid('now', 'must be a Date or a function returning one');

  return {
    config: {
      keystore: resolvedKeystore,
      redisUrl,
      databaseUrl,
      state: resolvedState,
      users: resolvedUsers,
      session: resolvedSession,
      signOn: resolvedSignOn,
      templates,
      moduleFactories,
      stackOptions: resolvedStackOptions,
      onDecision,
      passTicketProfiles,
      digestNonceSecret: digestSecret,
      decisionLogSize: optionalInteger('decisionLogSize', decisionLogSize, 1, 100_000) ?? 100,
      retryAfterSeconds: optionalInteger('retryAfterSeconds', retryAfterSeconds, 0, 86_400) ?? 5,
      onEvent,
      now,
    },
    warnings,
  };
}
