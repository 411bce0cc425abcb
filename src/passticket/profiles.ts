/**
 * Application profiles, modelled on RACF's PTKTDATA class (passticket.md §2.3, §3.3, §3.4, §5.1).
 *
 * A profile maps an application name (the PTKTDATA profile name, e.g. a CICS APPLID) to its secured signon key,
 * algorithm, validity window, replay protection and the users or groups allowed to generate PassTickets for it
 * (RACF's UPDATE on `IRRPTAUTH.applid.userid`). Keys are held in private fields as a DES cipher (legacy) or a secret
 * `KeyObject` (enhanced): they never appear in `JSON.stringify`, `util.inspect`, logs or error messages.
 *
 * @module
 */
import { inspect } from 'node:util';
import { checkOptionKeys } from '../option-keys.js';
import { SingleDes } from './des.js';
import { isRacfName, normalizeRacfName } from './ebcdic.js';
import { EnhancedPassTicketContext, enhancedKeyObject, type EnhancedType } from './enhanced-algorithm.js';
import { evaluateEnhanced, evaluateLegacy, type EvaluationResult } from './evaluate.js';
import { LegacyPassTicketContext, parseLegacyKey } from './legacy-algorithm.js';
import type { KeyObject } from 'node:crypto';

export type PassTicketAlgorithm = 'legacy' | 'enhanced';

export interface ApplicationDefinition {
  /** The application name: 1 to 8 characters A–Z 0–9 @ # $ (uppercased). */
  name: string;
  /** Legacy: 8 bytes (16 hex digits). Enhanced: 32 to 256 bytes (hex digits or bytes). */
  key: string | Uint8Array;
  algorithm: PassTicketAlgorithm;
  /** Enhanced only: `UPPER` (default) or `MIXED` (§3.2). */
  type?: EnhancedType;
  /** A ticket is accepted if generated within ± this many seconds of the evaluator's clock. Default 600 (§2.1). */
  validitySeconds?: number;
  /** One-time tickets (default `true`); `false` is RACF's `APPLDATA('NO REPLAY PROTECTION')` (§2.3). */
  replayProtection?: boolean;
  /**
   * Who may generate PassTickets for this application (RACF: UPDATE on `IRRPTAUTH.applid.userid`, §5.1).
   * `users: ['*']` allows every signed-on user. Omitted: nobody (fails closed with NOTAUTH 250).
   */
  generators?: { users?: string[]; groups?: string[] };
}

const DEFINITION_KEYS = ['name', 'key', 'algorithm', 'type', 'validitySeconds', 'replayProtection', 'generators'];
const MAX_VALIDITY = 86_400;
const CONTEXT_CACHE = 1024;

type Context = LegacyPassTicketContext | EnhancedPassTicketContext;

/** One application profile. Create with {@link defineApplication}. */
export class PassTicketApplication {
  readonly name: string;
  readonly algorithm: PassTicketAlgorithm;
  /** `UPPER` or `MIXED` for enhanced; `undefined` for legacy. */
  readonly type: EnhancedType | undefined;
  readonly validitySeconds: number;
  readonly replayProtection: boolean;
  readonly generators: { readonly users: readonly string[]; readonly groups: readonly string[] } | undefined;
  readonly #des: SingleDes | undefined;
  readonly #hmacKey: KeyObject | undefined;
  /** Per-user contexts (Result-3 or H0 computed once), least recently created evicted first. */
  readonly #contexts = new Map<string, Context>();

  /** @internal use {@link defineApplication}. */
  constructor(def: ApplicationDefinition) {
    const where = 'defineApplication';
    checkOptionKeys(where, def, DEFINITION_KEYS);
    if (!isRacfName(def.name)) {
      throw new TypeError(`${where}: option 'name' must be 1 to 8 characters from A-Z 0-9 @ # $ (passticket.md §1.1)`);
    }
    this.name = def.name.toUpperCase();
    if (def.algorithm !== 'legacy' && def.algorithm !== 'enhanced') {
      throw new TypeError(`${where}: option 'algorithm' must be 'legacy' or 'enhanced' (application ${this.name})`);
    }
    this.algorithm = def.algorithm;
    if (def.algorithm === 'legacy') {
      if (def.type !== undefined) throw new TypeError(`${where}: option 'type' applies to the enhanced algorithm only (application ${this.name})`);
      this.type = undefined;
    } else {
      if (def.type !== undefined && def.type !== 'UPPER' && def.type !== 'MIXED') {
        throw new TypeError(`${where}: option 'type' must be 'UPPER' or 'MIXED' (application ${this.name})`);
      }
      this.type = def.type ?? 'UPPER';
    }
    const validity = def.validitySeconds ?? 600;
    if (!Number.isSafeInteger(validity) || validity < 1 || validity > MAX_VALIDITY) {
      throw new TypeError(`${where}: option 'validitySeconds' must be an integer from 1 to ${MAX_VALIDITY} (application ${this.name})`);
    }
    this.validitySeconds = validity;
    if (def.replayProtection !== undefined && typeof def.replayProtection !== 'boolean') {
      throw new TypeError(`${where}: option 'replayProtection' must be a boolean (application ${this.name})`);
    }
    this.replayProtection = def.replayProtection ?? true;
    this.generators = def.generators === undefined ? undefined : checkGenerators(def.generators, this.name);
    if (typeof def.key !== 'string' && !(def.key instanceof Uint8Array)) {
      throw new TypeError(`${where}: option 'key' must be a hex string or bytes (application ${this.name})`);
    }
    // The parsers' messages name the option and the expected length, never the value.
    if (def.algorithm === 'legacy') {
      const bytes = parseLegacyKey(def.key, `${where}: option 'key' (application ${this.name})`);
      this.#des = new SingleDes(bytes);
      bytes.fill(0);
    } else {
      this.#hmacKey = enhancedKeyObject(def.key, `${where}: option 'key' (application ${this.name})`);
    }
  }

  /** The algorithm context for `user` (validated and uppercased), cached. */
  #context(user: string): Context {
    const id = normalizeRacfName(user, 'user');
    let ctx = this.#contexts.get(id);
    if (ctx === undefined) {
      ctx =
        this.#des !== undefined
          ? new LegacyPassTicketContext(this.#des, id, this.name)
          : new EnhancedPassTicketContext(this.#hmacKey!, id, this.name, this.type!);
      if (this.#contexts.size >= CONTEXT_CACHE) this.#contexts.delete(this.#contexts.keys().next().value!);
      this.#contexts.set(id, ctx);
    }
    return ctx;
  }

  /** The PassTicket of `user` for generation time `time` (epoch seconds). No authorization or replay logic. */
  generateAt(user: string, time: number): string {
    return this.#context(user).generate(time);
  }

  /** Computational evaluation only (no replay check, no revocation): R_GenSec "evaluate" semantics (§2.4). */
  evaluate(user: string, ticket: string, now: number): EvaluationResult {
    if (!isRacfName(user) || typeof ticket !== 'string') return { valid: false };
    const ctx = this.#context(user);
    return ctx instanceof LegacyPassTicketContext
      ? evaluateLegacy(ctx, ticket, now, this.validitySeconds)
      : evaluateEnhanced(ctx, ticket, now, this.validitySeconds);
  }

  /** True if `userId` (or one of `groups`) may generate for this application (§5.1 IRRPTAUTH). Case-insensitive. */
  allowsGenerator(userId: string, groups: readonly string[] = []): boolean {
    if (this.generators === undefined) return false;
    const id = userId.toUpperCase();
    if (this.generators.users.some((u) => u === '*' || u === id)) return true;
    const mine = new Set(groups.map((g) => g.toUpperCase()));
    return this.generators.groups.some((g) => mine.has(g));
  }

  /** A log-safe description: everything but the key. */
  toJSON(): Record<string, unknown> {
    return {
      name: this.name,
      algorithm: this.algorithm,
      ...(this.type === undefined ? {} : { type: this.type }),
      validitySeconds: this.validitySeconds,
      replayProtection: this.replayProtection,
      generators: this.generators,
      key: '[redacted]',
    };
  }

  [inspect.custom](): string {
    return `PassTicketApplication ${inspect(this.toJSON())}`;
  }
}

function checkGenerators(g: unknown, app: string): { users: string[]; groups: string[] } {
  const bad = () =>
    new TypeError(`defineApplication: option 'generators' must be { users?: string[], groups?: string[] } (application ${app})`);
  if (g === null || typeof g !== 'object') throw bad();
  const { users = [], groups = [], ...rest } = g as { users?: unknown; groups?: unknown };
  if (Object.keys(rest).length > 0 || !Array.isArray(users) || !Array.isArray(groups)) throw bad();
  if (![...users, ...groups].every((x) => typeof x === 'string' && x.length > 0)) throw bad();
  return {
    users: Object.freeze((users as string[]).map((u) => u.toUpperCase())) as string[],
    groups: Object.freeze((groups as string[]).map((u) => u.toUpperCase())) as string[],
  };
}

/** Defines one application profile, validating every option (a `TypeError` naming the option, never the key). */
export function defineApplication(def: ApplicationDefinition): PassTicketApplication {
  return new PassTicketApplication(def);
}

export interface PassTicketProfilesOptions {
  applications: ReadonlyArray<ApplicationDefinition | PassTicketApplication>;
  /** Whether this service may generate PassTickets at all (default `true`); `false` gives NOTAUTH 260 in `cics.ts`. */
  mayGenerate?: boolean;
}

/** The set of application profiles a service knows (its PTKTDATA class). */
export class PassTicketProfiles {
  readonly mayGenerate: boolean;
  readonly #apps = new Map<string, PassTicketApplication>();

  constructor(options: PassTicketProfilesOptions) {
    if (options === null || typeof options !== 'object' || !Array.isArray(options.applications)) {
      throw new TypeError("PassTicketProfiles: option 'applications' must be an array");
    }
    checkOptionKeys('PassTicketProfiles', options, ['applications', 'mayGenerate']);
    if (options.mayGenerate !== undefined && typeof options.mayGenerate !== 'boolean') {
      throw new TypeError("PassTicketProfiles: option 'mayGenerate' must be a boolean");
    }
    this.mayGenerate = options.mayGenerate ?? true;
    for (const a of options.applications) {
      const app = a instanceof PassTicketApplication ? a : defineApplication(a);
      if (this.#apps.has(app.name)) throw new TypeError(`PassTicketProfiles: option 'applications' defines ${app.name} twice`);
      this.#apps.set(app.name, app);
    }
  }

  /** The profile for `name` (case-insensitive), or `undefined`. */
  get(name: string): PassTicketApplication | undefined {
    return typeof name === 'string' ? this.#apps.get(name.toUpperCase()) : undefined;
  }

  names(): string[] {
    return [...this.#apps.keys()];
  }

  toJSON(): Record<string, unknown> {
    return { mayGenerate: this.mayGenerate, applications: [...this.#apps.values()].map((a) => a.toJSON()) };
  }

  [inspect.custom](): string {
    return `PassTicketProfiles ${inspect(this.toJSON(), { depth: 4 })}`;
  }
}
