/**
 * `createPolicies()`: authentication templates as data, compiled to login stacks, with per-route protection
 * and hot reload (issue 4, item 2; templates per sap-logon-ticket.md §3.1).
 *
 * A template version is compiled once (its module instances and its `loginStack` middleware); `protect()`
 * looks up the current version at the start of each request, so a change takes effect at the next request
 * while requests already in flight finish on the version they started with. Every change is validated by
 * compiling it fully first; a refused change leaves the old policy in place.
 *
 * @module
 */
import type { NextFunction, Request, RequestHandler, Response } from 'express';
import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import type { Keystore } from '../keystore/keystore.js';
import { checkOptionKeys } from '../option-keys.js';
import { createBasicPasswordStrategy } from '../modules/basic-password-module.js';
import { createClientCertStrategy } from '../modules/client-cert-module.js';
import { createDigestStrategy } from '../modules/digest-module.js';
import { createCreateTicketStrategy } from '../modules/create-ticket-module.js';
import { createEvaluateAssertionTicketStrategy } from '../modules/evaluate-assertion-ticket-module.js';
import { createEvaluateTicketStrategy } from '../modules/evaluate-ticket-module.js';
import { createPassTicketStrategy } from '../modules/passticket-module.js';
import type { PassTicketVerifier } from '../passticket/verifier.js';
import { isControlFlag, CONTROL_FLAGS } from '../stack/flags.js';
import {
  loginStack,
  type LoginStackOptions,
  type PassportAuthenticatorLike,
  type PassportStackEntry,
  type PassportStrategyLike,
  type StackHook,
} from '../stack/passport-adapter.js';
import type { StateStore } from '../state/state-store.js';
import type { Clock } from '../ticket/validity.js';
import type { SignOnGuard } from '../users/sign-on-guard.js';
import { isValidUserId } from '../users/internal.js';
import type { UserStore } from '../users/user-store.js';
import { BUILTIN_TEMPLATES } from './builtin-templates.js';
import type { PolicyConfig, Template, TemplateModule, TemplateOptionValue } from './template.js';

/** What the policy injects into every module factory. */
export interface PolicyDependencies {
  readonly keystore: Keystore;
  readonly users: UserStore;
  readonly guard: SignOnGuard;
  readonly state: StateStore;
  /** The Authenticator given to `loginStack` (default: passport's singleton). */
  readonly passport?: PassportAuthenticatorLike;
  /** Needed only by templates using the `PassTicket` module. */
  readonly passTicketVerifier?: PassTicketVerifier;
  /**
   * Needed only by templates using the `Digest` module: the HMAC key of its nonces, at least 32 bytes, the same on
   * every instance. A dependency, not template data, so that it never sits in a policy file or in `describe()`.
   */
  readonly digestNonceSecret?: string | Uint8Array;
  /** A clock for the time-dependent modules (tests). */
  readonly now?: Clock;
}

/** A compiled module: a Passport strategy, optionally with commit / abort hooks (as CreateTicket's `commit`). */
export type PolicyModule = PassportStrategyLike & { commit?: StackHook; abort?: StackHook };

/** Builds a module instance from the template's option data and the injected dependencies. */
export type ModuleFactory = (options: Readonly<Record<string, TemplateOptionValue>>, dependencies: PolicyDependencies) => PolicyModule;

/** A user-registered module: a factory, or a factory with the option keys it accepts (checked by name). */
export type ModuleRegistration = ModuleFactory | { readonly create: ModuleFactory; readonly optionKeys?: readonly string[]; readonly secretOptions?: readonly string[] };

export interface CreatePoliciesOptions {
  readonly dependencies: PolicyDependencies;
  /** Templates added to (or overriding by name) the built-in ones. */
  readonly templates?: readonly Template[];
  readonly moduleFactories?: Readonly<Record<string, ModuleRegistration>>;
  /** Options for every compiled `loginStack` (`passport` comes from the dependencies, `name` is the template name). */
  readonly stackOptions?: Omit<LoginStackOptions, 'passport' | 'name' | 'sessionKey'>;
}

/** `describe()` output: templates with modules, flags and options, secrets masked (for an inspector page). */
export interface PolicyDescription {
  readonly templates: readonly {
    readonly name: string;
    readonly description?: string;
    readonly version: number;
    readonly builtin: boolean;
    readonly failureRedirect?: string;
    /** A built-in template these dependencies cannot run (e.g. `digest` without `digestNonceSecret`): why. */
    readonly unavailable?: string;
    readonly modules: readonly { readonly name: string; readonly module: string; readonly flag: string; readonly options: Readonly<Record<string, unknown>> }[];
  }[];
}

export interface Policies {
  /** Validates by compiling fully, then replaces (or adds) the template. Throws a TypeError and keeps the old version on any error. */
  defineTemplate(template: Template): void;
  /** All-or-nothing: compiles every template first, then swaps the whole set (built-ins stay unless overridden). */
  replaceTemplates(templates: readonly Template[]): void;
  /** `replaceTemplates(config.templates)` after checking the config shape. */
  load(config: PolicyConfig): void;
  /** Reads a JSON file `{ templates: [...] }` and loads it; an invalid file is refused whole (TypeError). */
  reloadFile(path: string): Promise<void>;
  /** Middleware running the current version of the named template (or a fixed inline template) on each request. */
  protect(template: string | Template): PolicyHandler;
  describe(): PolicyDescription;
  /** The names of the current templates. */
  templateNames(): string[];
}

/**
 * The property `protect()` puts on the handler it returns: the template's name (for an inline template, its
 * `name`). Lets an inspector list the routes of an Express app and the template protecting each, by walking the
 * app's router (a handler does not know its own path).
 */
export const POLICY_TEMPLATE: unique symbol = Symbol.for('ticketstack.policy.template');

/** A handler returned by `protect()`. */
export type PolicyHandler = RequestHandler & { readonly [POLICY_TEMPLATE]: { readonly name: string; readonly inline: boolean } };

interface Registered {
  readonly create: ModuleFactory;
  readonly optionKeys: readonly string[] | undefined;
  /** Declared secret options; `undefined`: none declared, the names decide (`looksSecret`). */
  readonly secretOptions: readonly string[] | undefined;
  /** For a module that needs an optional dependency: what is missing from these dependencies, if anything. */
  readonly missing?: (options: Readonly<Record<string, TemplateOptionValue>>, dependencies: PolicyDependencies) => string | undefined;
}

interface Compiled {
  readonly template: Template;
  /** Absent for a built-in template that cannot run with these dependencies (`unavailable` says why). */
  readonly handler: RequestHandler | undefined;
  readonly version: number;
  readonly builtin: boolean;
  readonly unavailable?: TypeError;
}

const TEMPLATE_KEYS = ['name', 'description', 'modules', 'failureRedirect'];
const MODULE_KEYS = ['module', 'flag', 'name', 'options'];
/**
 * For a module that does not declare its `secretOptions`: an option is masked when any word of its name (camelCase,
 * snake_case or kebab-case) is one of these. A declaration is taken as it is; the built-in modules declare none,
 * as their secrets come from `dependencies`, never from template data.
 */
const SECRET_WORDS = new Set(['secret', 'secrets', 'token', 'tokens', 'passphrase', 'password', 'passwd', 'pwd', 'pass', 'credential', 'credentials', 'private', 'key', 'keys', 'apikey', 'pin', 'salt', 'hmac', 'otp', 'seed', 'cookie']);
const NAME_WORDS = /[_\-.\s]+|(?<=[a-z0-9])(?=[A-Z])/;

function looksSecret(name: string): boolean {
  return name.split(NAME_WORDS).some((word) => SECRET_WORDS.has(word.toLowerCase()));
}

const str = (o: Record<string, TemplateOptionValue>, k: string): string | undefined => o[k] as string | undefined;

/** The built-in modules: option keys are the data options of each factory; dependencies are injected. */
const BUILTIN_MODULES: Readonly<Record<string, Registered>> = Object.freeze({
  EvaluateTicket: {
    // `cache`: false or { maxEntries } (the verified-ticket cache, on by default). The user store is injected, so a
    // revoked user's ticket is refused at once.
    optionKeys: ['toleranceMinutes', 'allowedAlgorithms', 'authSchemeRanks', 'authScheme', 'maxTicketLength', 'minKeyBits', 'allowWeakKeys', 'cache', 'requireKnownUser', 'userOutageGraceSeconds'],
    secretOptions: [],
    create: (o, d) => createEvaluateTicketStrategy({ ...(o as object), keystore: d.keystore, users: d.users, ...(d.now ? { now: d.now } : {}) }),
  },
  EvaluateAssertionTicket: {
    optionKeys: ['toleranceMinutes', 'allowedAlgorithms', 'keyPrefix', 'maxTicketLength', 'minKeyBits', 'allowWeakKeys', 'requireKnownUser', 'userOutageGraceSeconds'],
    secretOptions: [],
    create: (o, d) =>
      createEvaluateAssertionTicketStrategy({ ...(o as object), keystore: d.keystore, state: d.state, users: d.users, ...(d.now ? { now: d.now } : {}) }),
  },
  BasicPassword: {
    optionKeys: ['usernameField', 'passwordField', 'realm', 'maxCredentialLength'],
    secretOptions: [],
    create: (o, d) => createBasicPasswordStrategy({ ...(o as object), users: d.users, guard: d.guard }),
  },
  CreateTicket: {
    optionKeys: ['lifetimeMinutes', 'secure', 'domain', 'persistent', 'portalId', 'authScheme', 'codePage'],
    secretOptions: [],
    create: (o, d) => createCreateTicketStrategy({ ...(o as object), keystore: d.keystore, ...(d.now ? { now: d.now } : {}) }),
  },
  ClientCert: {
    optionKeys: ['rules', 'caCertificates', 'proxy', 'requireUser'],
    secretOptions: [],
    create: (o, d) => createClientCertStrategy({ ...(o as object), users: d.users, ...(d.now ? { now: d.now } : {}) }),
  },
  Digest: {
    optionKeys: ['realm', 'algorithms', 'userhash', 'nonceLifetimeSeconds', 'keyPrefix'],
    secretOptions: [],
    missing: (o, d) => {
      const realm = typeof o.realm === 'string' ? o.realm : 'ticketstack';
      if (d.digestNonceSecret === undefined) return 'the Digest module needs dependencies.digestNonceSecret (at least 32 bytes, the same on every instance)';
      if (!d.users.digestRealms?.includes(realm)) return `the Digest module needs a user store with digestRealms: [${JSON.stringify(realm)}]`;
      return undefined;
    },
    create: (o, d) => {
      if (d.digestNonceSecret === undefined) throw new TypeError('the Digest module needs dependencies.digestNonceSecret (at least 32 bytes, the same on every instance)');
      return createDigestStrategy({ ...(o as object), users: d.users, state: d.state, guard: d.guard, nonceSecret: d.digestNonceSecret, ...(d.now ? { now: d.now } : {}) });
    },
  },
  PassTicket: {
    optionKeys: ['application', 'usernameField', 'passwordField', 'maxCredentialLength'],
    secretOptions: [],
    create: (o, d) => {
      if (d.passTicketVerifier === undefined) throw new TypeError("the PassTicket module needs dependencies.passTicketVerifier");
      return createPassTicketStrategy({ ...(o as object), application: str(o, 'application') as string, verifier: d.passTicketVerifier });
    },
  },
});

/** Creates the policy set. Throws a TypeError if a configured template does not compile. */
export function createPolicies(options: CreatePoliciesOptions): Policies {
  checkOptionKeys('createPolicies', options, ['dependencies', 'templates', 'moduleFactories', 'stackOptions']);
  const deps = options.dependencies;
  if (deps === null || typeof deps !== 'object') throw new TypeError("createPolicies: option 'dependencies' is required");
  for (const k of ['keystore', 'users', 'guard', 'state'] as const) {
    if (deps[k] === null || typeof deps[k] !== 'object') throw new TypeError(`createPolicies: dependencies.${k} is required`);
  }
  const modules = new Map<string, Registered>(Object.entries(BUILTIN_MODULES));
  for (const [name, reg] of Object.entries(options.moduleFactories ?? {})) {
    if (modules.has(name)) throw new TypeError(`createPolicies: module '${name}' is built in and cannot be registered again`);
    if (typeof reg === 'function') modules.set(name, { create: reg, optionKeys: undefined, secretOptions: undefined });
    else if (reg !== null && typeof reg === 'object' && typeof reg.create === 'function') {
      for (const k of ['optionKeys', 'secretOptions'] as const) {
        const v = reg[k];
        if (v !== undefined && (!Array.isArray(v) || v.some((x) => typeof x !== 'string'))) {
          throw new TypeError(`createPolicies: moduleFactories['${name}'].${k} must be an array of option names`);
        }
      }
      modules.set(name, { create: reg.create, optionKeys: reg.optionKeys, secretOptions: reg.secretOptions });
    } else throw new TypeError(`createPolicies: moduleFactories['${name}'] must be a function or { create }`);
  }
  const stackOptions: LoginStackOptions = {
    ...options.stackOptions,
    // Never a session of a user revoked since, whatever `reuseSession` the application adds (`false`: no reuse).
    reuseSession: withRevocationCheck(sessionUserNotRevoked(deps.users), options.stackOptions?.reuseSession),
    ...(deps.passport ? { passport: deps.passport } : {}),
  };
  const builtinNames = new Set(BUILTIN_TEMPLATES.map((t) => t.name));
  const protectedNames = new Set<string>();
  let version = 0;

  /** Validates the template's shape and compiles it (module instances + loginStack), or throws a TypeError naming it. */
  function compile(template: Template): Compiled {
    const tname = checkTemplateShape(template);
    const entries: PassportStackEntry[] = template.modules.map((m, i) => {
      const where = `policy template '${tname}', module '${m.name ?? m.module}' (#${i})`;
      const reg = modules.get(m.module);
      if (reg === undefined) throw new TypeError(`${where}: unknown module '${m.module}'; expected one of ${[...modules.keys()].join(', ')}`);
      const data = m.options ?? {};
      if (reg.optionKeys) for (const k of Object.keys(data)) if (!reg.optionKeys.includes(k)) {
        throw new TypeError(`${where}: unknown option '${k}' for module ${m.module}; expected one of ${reg.optionKeys.join(', ') || '(none)'}`);
      }
      let instance: PolicyModule;
      try {
        instance = reg.create(deepFreeze(structuredClone(data)) as Record<string, TemplateOptionValue>, deps);
      } catch (err) {
        throw new TypeError(`${where}: ${(err as Error)?.message ?? String(err)}`, { cause: err });
      }
      if (instance === null || typeof instance !== 'object' || typeof instance.authenticate !== 'function') {
        throw new TypeError(`${where}: the module factory did not return a strategy with authenticate()`);
      }
      return {
        name: m.name ?? m.module.charAt(0).toLowerCase() + m.module.slice(1),
        flag: m.flag,
        module: instance,
        ...(typeof instance.commit === 'function' ? { commit: instance.commit } : {}),
        ...(typeof instance.abort === 'function' ? { abort: instance.abort } : {}),
      };
    });
    let handler: RequestHandler;
    try {
      handler = loginStack(entries, {
        ...stackOptions,
        name: tname,
        sessionKey: sessionKeyOf(deps.keystore, template),
        ...(template.failureRedirect === undefined ? {} : { failureRedirect: template.failureRedirect }),
      });
    } catch (err) {
      throw new TypeError(`policy template '${tname}': ${(err as Error)?.message ?? String(err)}`, { cause: err });
    }
    return { template: deepFreeze(structuredClone(template)), handler, version: ++version, builtin: false };
  }

  /**
   * A built-in template with a module that lacks an optional dependency (`digest` without `digestNonceSecret` or a
   * store with its realm) does not stop the others: it is kept as unavailable, and `protect()` throws a TypeError
   * that says what is missing. Any other error is a configuration mistake and throws, as for every template.
   */
  function compileBuiltin(t: Template): Compiled {
    for (const [i, m] of t.modules.entries()) {
      const missing = modules.get(m.module)?.missing?.(m.options ?? {}, deps);
      if (missing !== undefined) {
        const unavailable = new TypeError(`policy template '${t.name}', module '${m.name ?? m.module}' (#${i}): ${missing}`);
        return { template: t, handler: undefined, version: ++version, builtin: true, unavailable };
      }
    }
    return { ...compile(t), builtin: true };
  }

  // The current policy: replaced as a whole (never mutated), so a lookup sees one consistent version.
  let current: ReadonlyMap<string, Compiled> = new Map();
  const initial = new Map<string, Compiled>();
  for (const t of BUILTIN_TEMPLATES) initial.set(t.name, compileBuiltin(t));
  for (const t of options.templates ?? []) {
    const c = compile(t);
    if (initial.has(c.template.name) && !builtinNames.has(c.template.name)) throw new TypeError(`createPolicies: duplicate template '${c.template.name}'`);
    initial.set(c.template.name, c);
  }
  current = initial;

  function replaceTemplates(templates: readonly Template[]): void {
    if (!Array.isArray(templates)) throw new TypeError('replaceTemplates: expected an array of templates');
    const next = new Map<string, Compiled>();
    for (const t of BUILTIN_TEMPLATES) next.set(t.name, current.get(t.name)?.builtin ? current.get(t.name)! : compileBuiltin(t));
    const seen = new Set<string>();
    for (const t of templates) {
      const c = compile(t);
      if (seen.has(c.template.name)) throw new TypeError(`replaceTemplates: duplicate template '${c.template.name}'`);
      seen.add(c.template.name);
      next.set(c.template.name, c);
    }
    for (const n of protectedNames) if (!next.has(n)) throw new TypeError(`replaceTemplates: template '${n}' is used by protect() and missing from the new set`);
    for (const n of protectedNames) {
      const unavailable = next.get(n)?.unavailable;
      if (unavailable !== undefined) throw new TypeError(`replaceTemplates: template '${n}' is used by protect(), and the built-in it falls back to is unavailable: ${unavailable.message}`);
    }
    current = next; // the atomic swap
  }

  function load(config: PolicyConfig): void {
    if (config === null || typeof config !== 'object' || Array.isArray(config)) throw new TypeError('policy config: expected an object { templates: [...] }');
    for (const k of Object.keys(config)) if (k !== 'templates') throw new TypeError(`policy config: unknown key '${k}'`);
    if (!Array.isArray(config.templates)) throw new TypeError("policy config: 'templates' must be an array");
    replaceTemplates(config.templates);
  }

  return {
    defineTemplate(template: Template): void {
      const c = compile(template);
      const next = new Map(current);
      next.set(c.template.name, c);
      current = next;
    },
    replaceTemplates,
    load,
    async reloadFile(path: string): Promise<void> {
      let config: unknown;
      try {
        config = JSON.parse(await readFile(path, 'utf8'));
      } catch (err) {
        throw new TypeError(`policy file ${JSON.stringify(path)}: ${(err as Error)?.message ?? String(err)}`, { cause: err });
      }
      try {
        load(config as PolicyConfig);
      } catch (err) {
        throw new TypeError(`policy file ${JSON.stringify(path)}: ${(err as Error)?.message ?? String(err)}`, { cause: err });
      }
    },
    protect(template: string | Template): PolicyHandler {
      if (typeof template !== 'string') {
        const compiled = compile(template);
        const fixed = compiled.handler!;
        return tagged((req, res, next) => fixed(req, res, next), compiled.template.name, true);
      }
      if (!current.has(template)) throw new TypeError(`protect: unknown template '${template}'; defined: ${[...current.keys()].join(', ')}`);
      const unavailable = current.get(template)?.unavailable;
      if (unavailable !== undefined) throw new TypeError(`protect: built-in ${unavailable.message}`, { cause: unavailable });
      protectedNames.add(template);
      return tagged(function ticketstackPolicy(req: Request, res: Response, next: NextFunction): void {
        // The version current at the start of the request serves the whole request.
        const c = current.get(template);
        if (c?.handler === undefined) return next(c?.unavailable ?? new TypeError(`policy template '${template}' is not defined`));
        c.handler(req, res, next);
      }, template, false);
    },
    describe(): PolicyDescription {
      return {
        templates: [...current.values()].map((c) => ({
          name: c.template.name,
          ...(c.template.description !== undefined ? { description: c.template.description } : {}),
          version: c.version,
          builtin: c.builtin,
          ...(c.template.failureRedirect !== undefined ? { failureRedirect: c.template.failureRedirect } : {}),
          ...(c.unavailable !== undefined ? { unavailable: c.unavailable.message } : {}),
          modules: c.template.modules.map((m) => {
            const declared = modules.get(m.module)?.secretOptions;
            const isSecret = (k: string): boolean => (declared === undefined ? looksSecret(k) : declared.includes(k));
            return {
              name: m.name ?? m.module.charAt(0).toLowerCase() + m.module.slice(1),
              module: m.module,
              flag: m.flag,
              options: Object.fromEntries(
                Object.entries(m.options ?? {}).map(([k, v]) => [k, isSecret(k) ? '***' : v]),
              ),
            };
          }),
        })),
      };
    },
    templateNames: () => [...current.keys()],
  };
}

function tagged(handler: RequestHandler, name: string, inline: boolean): PolicyHandler {
  Object.defineProperty(handler, POLICY_TEMPLATE, { value: Object.freeze({ name, inline }) });
  return handler as PolicyHandler;
}

/**
 * The policies' session reuse check: a session's user who has been revoked since (RACF REVOKE, an administrator's
 * `users revoke`) is not served from the session; the stack runs and its modules refuse. A user the store does not
 * hold (a portal user known only from its logon ticket) stays acceptable. A store outage rejects (503), and so
 * does any other error of the store.
 */
function sessionUserNotRevoked(users: UserStore): (user: Express.User) => Promise<boolean> {
  return async (user) => {
    const id = (user as { id?: unknown }).id;
    // Not a user ID any store can hold (so never revoked in one). Anything the store throws for a valid ID, even a
    // TypeError (a missing driver, a bug), is an error: the session is not served on an unanswered question.
    if (!isValidUserId(id)) return true;
    return (await users.findUser(id))?.revoked !== true;
  };
}

type ReuseSession = NonNullable<LoginStackOptions['reuseSession']>;

/** The policies' `reuseSession`: the revocation check, then the application's own (`true` or absent: none). */
function withRevocationCheck(notRevoked: (user: Express.User) => Promise<boolean>, own: LoginStackOptions['reuseSession']): ReuseSession {
  if (own === false) return false;
  if (own === undefined || own === true) return notRevoked;
  if (typeof own !== 'function') return own; // loginStack names the bad value
  return async (user, req) => (await notRevoked(user)) && (await own(user, req));
}

/**
 * What a session remembers a template's stack by: this system (SID and client, so that two applications sharing a
 * session store and secret never honour each other's logins), the template's name, and a digest of its modules,
 * flags and options (so that a session logged in under a template that has been changed since, or under another
 * template of the same name, is not taken for this one). Description and failure redirect are left out: changing
 * them changes no one's proof.
 */
function sessionKeyOf(keystore: Keystore, template: Template): string {
  const digest = createHash('sha256').update(canonicalJson(template.modules)).digest('base64url').slice(0, 22);
  return `${keystore.own.sid}/${keystore.own.client}:${template.name}#${digest}`;
}

/** JSON with object keys sorted, so that equal data gives equal text whatever order its keys were written in. */
function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const entries = Object.keys(value).sort().map((k) => `${JSON.stringify(k)}:${canonicalJson((value as Record<string, unknown>)[k])}`);
    return `{${entries.join(',')}}`;
  }
  return JSON.stringify(value) ?? 'null';
}

/** Checks a template's shape (keys, name, flags, data-only options); returns its name. */
function checkTemplateShape(template: Template): string {
  if (template === null || typeof template !== 'object' || Array.isArray(template)) throw new TypeError('policy template: expected an object');
  const name = (template as { name?: unknown }).name;
  if (typeof name !== 'string' || !/^[A-Za-z0-9_.-]+$/.test(name)) throw new TypeError(`policy template ${JSON.stringify(name)}: 'name' must be a non-empty string of letters, digits, _ . -`);
  const where = `policy template '${name}'`;
  for (const k of Object.keys(template)) if (!TEMPLATE_KEYS.includes(k)) throw new TypeError(`${where}: unknown key '${k}'`);
  if (template.description !== undefined && typeof template.description !== 'string') throw new TypeError(`${where}: 'description' must be a string`);
  // A local path only: a template must never turn a failed login into an open redirect.
  if (template.failureRedirect !== undefined && (typeof template.failureRedirect !== 'string' || !/^\/(?![/\\])/.test(template.failureRedirect))) {
    throw new TypeError(`${where}: 'failureRedirect' must be a local path such as "/login?error=1"`);
  }
  if (!Array.isArray(template.modules) || template.modules.length === 0) throw new TypeError(`${where}: 'modules' must be a non-empty array`);
  template.modules.forEach((m: TemplateModule, i: number) => {
    if (m === null || typeof m !== 'object') throw new TypeError(`${where}, module #${i}: expected an object`);
    const mw = `${where}, module '${String(m.name ?? m.module)}' (#${i})`;
    for (const k of Object.keys(m)) if (!MODULE_KEYS.includes(k)) throw new TypeError(`${mw}: unknown key '${k}'`);
    if (typeof m.module !== 'string' || m.module === '') throw new TypeError(`${mw}: 'module' must be a module name`);
    if (!isControlFlag(m.flag)) throw new TypeError(`${mw}: unknown flag ${JSON.stringify(m.flag)}; expected one of ${CONTROL_FLAGS.join(', ')}`);
    if (m.name !== undefined && (typeof m.name !== 'string' || m.name === '')) throw new TypeError(`${mw}: 'name' must be a non-empty string`);
    if (m.options !== undefined) {
      if (m.options === null || typeof m.options !== 'object' || Array.isArray(m.options)) throw new TypeError(`${mw}: 'options' must be an object`);
      for (const [k, v] of Object.entries(m.options)) if (!isData(v)) throw new TypeError(`${mw}: option '${k}' must be data (JSON), not ${typeof v}`);
    }
  });
  return name;
}

function isData(v: unknown): boolean {
  if (v === null || typeof v === 'string' || typeof v === 'boolean') return true;
  if (typeof v === 'number') return Number.isFinite(v);
  if (Array.isArray(v)) return v.every(isData);
  if (typeof v === 'object') {
    const proto = Object.getPrototypeOf(v);
    return (proto === Object.prototype || proto === null) && Object.values(v as object).every(isData);
  }
  return false;
}

function deepFreeze<T>(v: T): T {
  if (v !== null && typeof v === 'object' && !Object.isFrozen(v)) {
    Object.freeze(v);
    for (const x of Object.values(v as object)) deepFreeze(x);
  }
  return v;
}
