/**
 * Policies: authentication templates as data, per-route protection, hot reload (sap-logon-ticket.md §3.1).
 *
 * @module
 */
export { createPolicies, POLICY_TEMPLATE } from './policies.js';
export type {
  CreatePoliciesOptions,
  ModuleFactory,
  ModuleRegistration,
  Policies,
  PolicyDependencies,
  PolicyDescription,
  PolicyHandler,
  PolicyModule,
} from './policies.js';
export {
  BASIC_TEMPLATE,
  BUILTIN_TEMPLATES,
  CLIENT_CERT_TEMPLATE,
  DIGEST_TEMPLATE,
  EVALUATE_ASSERTION_TICKET_TEMPLATE,
  FORM_TEMPLATE,
  TICKET_TEMPLATE,
} from './builtin-templates.js';
export type { BuiltinModuleName, PolicyConfig, Template, TemplateModule, TemplateOptionValue } from './template.js';
