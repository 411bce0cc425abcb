/**
 * `createTicketStack(config)`: the one validated configuration of an application (modelled on
 * express-openid-connect's `auth(config)`, ecosystem-notes.md §3.3). It validates every option once
 * (`options.ts`), then builds the parts and wires them together:
 *
 * - state: `RedisStateStore` with a Redis URL (`redisUrl` or `REDIS_URL`), else `MemoryStateStore`;
 * - users: `PostgresUserStore` with a database URL (`databaseUrl` or `DATABASE_URL`), else `FileUserStore`;
 * - sessions: connect-redis with Redis, else express-session's MemoryStore (cookie defaults of §4.2);
 * - the keystore (loaded, or created on first start), the `SignOnGuard`, an optional `PassTicketVerifier`,
 *   the policies with their templates, a bounded decision log, and one `onEvent` hook for all of it;
 * - a router (cookie-parser, express-session, a private Passport) and an `errorHandler`.
 *
 * Connections are opened lazily (the Redis state client and the PostgreSQL pool at the first request), so an
 * instance starts while a service is down and fails closed (503) until it is back.
 *
 * @module
 */
import cookieParser from 'cookie-parser';
import express, { type ErrorRequestHandler, type RequestHandler, type Router } from 'express';
import type { Store } from 'express-session';
import { Passport } from 'passport';
import type { Keystore } from '../keystore/keystore.js';
import { PassTicketVerifier } from '../passticket/verifier.js';
import { createPolicies, type Policies } from '../policy/policies.js';
import type { Template } from '../policy/template.js';
import type { DecisionRecord } from '../stack/decision-record.js';
import type { PassportAuthenticatorLike } from '../stack/passport-adapter.js';
import { MemoryStateStore } from '../state/memory-state-store.js';
import { RedisStateStore } from '../state/redis-state-store.js';
import { createSessionStore } from '../state/session-store.js';
import type { StateStore } from '../state/state-store.js';
import { readClock } from '../ticket/validity.js';
import { FileUserStore } from '../users/file-user-store.js';
import { PostgresUserStore } from '../users/postgres-user-store.js';
import { SignOnGuard } from '../users/sign-on-guard.js';
import type { UserStore } from '../users/user-store.js';
import { DecisionLog } from './decision-log.js';
import { errorHandler } from './error-handler.js';
import { safeEmitter, type TicketStackEvent } from './events.js';
import { openKeystore } from './keystore-setup.js';
import { resolveConfig, type ResolvedConfig, type TicketStackConfig } from './options.js';
import { sessionMiddleware } from './session.js';

/** Which implementation each shared part uses (`custom` = an instance you passed). */
export interface TicketStackServices {
  readonly state: 'memory' | 'redis' | 'custom';
  readonly users: 'file' | 'postgres' | 'custom';
  readonly sessions: 'memory' | 'redis' | 'custom' | 'off';
}

export interface TicketStack {
  /** cookie-parser; express-session (unless `session: false`); `initialize()` and `session()` of a private Passport. */
  readonly router: Router;
  /** `policies.protect`: middleware running the named template's current version (or a fixed inline template). */
  protect(template: string | Template): RequestHandler;
  readonly policies: Policies;
  /** The last decision records (default 100), newest first. */
  readonly decisions: DecisionLog;
  /** Answers errors without stack traces: this package's with their status and code, client errors as 4xx, the rest 500. */
  readonly errorHandler: ErrorRequestHandler;
  readonly keystore: Keystore;
  readonly users: UserStore;
  readonly state: StateStore;
  readonly guard: SignOnGuard;
  /** This stack's own Passport (never the global singleton, so two stacks live in one process). */
  readonly passport: InstanceType<typeof Passport>;
  /** The express-session store; `undefined` for express-session's MemoryStore or with `session: false`. */
  readonly sessionStore: Store | undefined;
  /** With `passTickets`: verifies PassTicket sign-ons on the shared state (the `PassTicket` module uses it). */
  readonly passTicketVerifier: PassTicketVerifier | undefined;
  readonly services: TicketStackServices;
  /** Closes what this stack opened (Redis clients, the PostgreSQL pool, timers); idempotent. Parts you passed stay open. */
  close(): Promise<void>;
}

/**
 * Validates `config` (a `TypeError` naming the option), emits a `TicketStackWarning` for each risky setting,
 * and builds the stack. Rejects if the keystore cannot be loaded or created, or if `users.migrate` fails.
 */
export async function createTicketStack(config: TicketStackConfig): Promise<TicketStack> {
  const { config: c, warnings } = resolveConfig(config);
  for (const warning of warnings) process.emitWarning(`ticketstack: ${warning}`, 'TicketStackWarning');
  const emit = safeEmitter(c.onEvent);
  const storeEvents: { onEvent?: (event: TicketStackEvent) => void } = c.onEvent === undefined ? {} : { onEvent: emit };

  const closers: (() => Promise<void>)[] = [];
  const closeAll = async (): Promise<void> => {
    for (const close of closers.splice(0).reverse()) await close().catch(() => undefined);
  };
  try {
    const keystore = await openKeystore(c.keystore, emit);
    const state = openState(c, storeEvents);
    if (c.state.instance === undefined) closers.push(() => state.close());
    const users = openUsers(c, storeEvents);
    if (c.users.instance === undefined) closers.push(() => users.close());
    const guard = new SignOnGuard({ users, state, maxFailures: c.signOn.maxFailures, windowMs: c.signOn.windowMs, onEvent: emit });
    const now = c.now;
    const passTicketVerifier =
      c.passTicketProfiles === undefined
        ? undefined
        : new PassTicketVerifier({
            profiles: c.passTicketProfiles,
            state,
            guard,
            users,
            keyPrefix: 'passticket:',
            ...(now === undefined ? {} : { clock: () => readClock(now).getTime() }),
          });

    const passport = new Passport();
    // The user objects of the login modules are small and JSON-safe: the session keeps them as they are.
    passport.serializeUser((user, done) => done(null, user));
    passport.deserializeUser((user: Express.User, done) => done(null, user));

    const decisions = new DecisionLog(c.decisionLogSize);
    const userOnDecision = c.onDecision;
    const onDecision = (record: DecisionRecord): void => {
      decisions.record(record);
      emit({ type: 'decision', record });
      userOnDecision?.(record);
    };
    const policies = createPolicies({
      dependencies: {
        keystore,
        users,
        guard,
        state,
        passport: passport as unknown as PassportAuthenticatorLike,
        ...(passTicketVerifier === undefined ? {} : { passTicketVerifier }),
        ...(c.digestNonceSecret === undefined ? {} : { digestNonceSecret: c.digestNonceSecret }),
        ...(now === undefined ? {} : { now }),
      },
      ...(c.templates === undefined ? {} : { templates: c.templates }),
      ...(c.moduleFactories === undefined ? {} : { moduleFactories: c.moduleFactories }),
      stackOptions: { ...c.stackOptions, onDecision },
    });

    let sessionStore: Store | undefined;
    const router = express.Router();
    router.use(cookieParser());
    if (c.session !== false) {
      sessionStore = c.session.store;
      if (sessionStore === undefined && c.redisUrl !== undefined) {
        const redisSessions = await createSessionStore({
          redisUrl: c.redisUrl,
          prefix: c.session.prefix,
          ttlSeconds: c.session.ttlSeconds,
          commandTimeoutMs: c.session.commandTimeoutMs,
          ...storeEvents,
        });
        closers.push(() => redisSessions!.close());
        sessionStore = redisSessions;
      }
      router.use(...sessionMiddleware(c.session, sessionStore));
    }
    router.use(passport.initialize());
    if (c.session !== false) {
      // Passport's SessionStrategy errors without req.session; a request the guard let through while the store
      // is down (no session cookie) is anonymous, so it goes on without one.
      const restore = passport.session();
      router.use((req, res, next) => (req.session === undefined ? next() : restore(req, res, next)));
    }

    if (c.users.migrate && users instanceof PostgresUserStore) await users.migrate();

    let closing: Promise<void> | undefined;
    return Object.freeze({
      router,
      protect: (template: string | Template) => policies.protect(template),
      policies,
      decisions,
      errorHandler: errorHandler({ onEvent: emit, retryAfterSeconds: c.retryAfterSeconds }),
      keystore,
      users,
      state,
      guard,
      passport,
      sessionStore,
      passTicketVerifier,
      services: Object.freeze({
        state: c.state.instance !== undefined ? 'custom' : c.redisUrl !== undefined ? 'redis' : 'memory',
        users: c.users.instance !== undefined ? 'custom' : c.databaseUrl !== undefined ? 'postgres' : 'file',
        sessions: c.session === false ? 'off' : c.session.store !== undefined ? 'custom' : c.redisUrl !== undefined ? 'redis' : 'memory',
      } as const),
      close: () => (closing ??= closeAll()),
    });
  } catch (err) {
    await closeAll();
    throw err;
  }
}

function openState(c: ResolvedConfig, events: { onEvent?: (event: TicketStackEvent) => void }): StateStore {
  if (c.state.instance !== undefined) return c.state.instance;
  if (c.redisUrl === undefined) return new MemoryStateStore(c.state.maxEntries === undefined ? {} : { maxEntries: c.state.maxEntries });
  return new RedisStateStore({ url: c.redisUrl, prefix: c.state.prefix, commandTimeoutMs: c.state.commandTimeoutMs, ...events });
}

function openUsers(c: ResolvedConfig, events: { onEvent?: (event: TicketStackEvent) => void }): UserStore {
  const { instance, path, schema, queryTimeoutMs, hashParams, digest } = c.users;
  if (instance !== undefined) return instance;
  if (c.databaseUrl === undefined) return new FileUserStore({ path, ...(hashParams === undefined ? {} : { hashParams }), ...digest });
  return new PostgresUserStore({
    connectionString: c.databaseUrl,
    ...(schema === undefined ? {} : { schema }),
    ...(queryTimeoutMs === undefined ? {} : { queryTimeoutMs }),
    ...(hashParams === undefined ? {} : { hashParams }),
    ...digest,
    ...events,
  });
}
