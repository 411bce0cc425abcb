/**
 * Authentication templates as data (sap-logon-ticket.md §3.1: login module stacks such as `ticket`, `basic`,
 * `form`, `client_cert`, `digest`, `evaluate_assertion_ticket` are JAAS stacks of named modules with flags).
 *
 * @module
 */
import type { ControlFlag } from '../stack/flags.js';

/** The built-in login module names a template may use (plus any user-registered name). */
export type BuiltinModuleName = 'EvaluateTicket' | 'EvaluateAssertionTicket' | 'BasicPassword' | 'CreateTicket' | 'PassTicket' | 'ClientCert' | 'Digest';

/** JSON-like option data: templates hold data only, never functions or dependencies. */
export type TemplateOptionValue = string | number | boolean | null | readonly TemplateOptionValue[] | { readonly [key: string]: TemplateOptionValue };

/** One module of a template. */
export interface TemplateModule {
  /** A built-in module name or a name registered through `moduleFactories`. */
  readonly module: BuiltinModuleName | (string & {});
  readonly flag: ControlFlag;
  /** The entry name in the stack and in decision records (default: the module name in lower camel case). */
  readonly name?: string;
  /** Module options as data; dependencies (keystore, users, guard, state) are injected by the policy. */
  readonly options?: { readonly [key: string]: TemplateOptionValue };
}

/** An authentication template: a named login module stack as data. */
export interface Template {
  readonly name: string;
  readonly description?: string;
  readonly modules: readonly TemplateModule[];
  /**
   * For form logins: where a failed login sends the browser (a local path, e.g. the login page with a generic
   * `?error=1`), instead of a 401 with the challenges. The reason stays in the decision record.
   */
  readonly failureRedirect?: string;
}

/** A policy file / `load()` argument. */
export interface PolicyConfig {
  readonly templates: readonly Template[];
}
