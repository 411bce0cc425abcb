/**
 * The built-in authentication templates, as data (sap-logon-ticket.md §3.1).
 *
 * `form` uses the same BasicPassword module as `basic`: that module reads `Authorization: Basic` first and
 * otherwise the form body (`req.body`, so the app must mount a body parser such as `express.urlencoded()`).
 * The `form` template names the fields `j_username` / `j_password` (the Servlet form-login field names).
 *
 * @module
 */
import type { Template } from './template.js';

/** `basic`: BasicPassword REQUIRED (HTTP Basic, or a form body with `username` / `password`). */
export const BASIC_TEMPLATE: Template = Object.freeze({
  name: 'basic',
  description: 'User ID and password (HTTP Basic)',
  modules: Object.freeze([Object.freeze({ module: 'BasicPassword', flag: 'REQUIRED', name: 'password' })]),
}) as Template;

/** `form`: BasicPassword REQUIRED reading `j_username` / `j_password` from the form body (Basic still accepted). */
export const FORM_TEMPLATE: Template = Object.freeze({
  name: 'form',
  description: 'User ID and password from a login form (j_username / j_password)',
  modules: Object.freeze([
    Object.freeze({
      module: 'BasicPassword',
      flag: 'REQUIRED',
      name: 'password',
      options: Object.freeze({ usernameField: 'j_username', passwordField: 'j_password' }),
    }),
  ]),
  // A failed form login goes back to the login page with a generic message, never the reason (issue 4, item 4).
  failureRedirect: '/login?error=1',
}) as Template;

/** `ticket`: SAP's shipped template, EvaluateTicket SUFFICIENT → BasicPassword REQUISITE → CreateTicket OPTIONAL (§3.1). */
export const TICKET_TEMPLATE: Template = Object.freeze({
  name: 'ticket',
  description: 'Logon ticket (MYSAPSSO2), else password; issues a logon ticket after a password login',
  modules: Object.freeze([
    Object.freeze({ module: 'EvaluateTicket', flag: 'SUFFICIENT', name: 'ticket' }),
    Object.freeze({ module: 'BasicPassword', flag: 'REQUISITE', name: 'password' }),
    Object.freeze({ module: 'CreateTicket', flag: 'OPTIONAL', name: 'createTicket' }),
  ]),
}) as Template;

/** `evaluate_assertion_ticket`: EvaluateAssertionTicket REQUIRED (§3.1 leaves the flag open; REQUIRED here). */
export const EVALUATE_ASSERTION_TICKET_TEMPLATE: Template = Object.freeze({
  name: 'evaluate_assertion_ticket',
  description: 'Authentication assertion ticket (single use)',
  modules: Object.freeze([Object.freeze({ module: 'EvaluateAssertionTicket', flag: 'REQUIRED', name: 'assertionTicket' })]),
}) as Template;

/**
 * `client_cert`: ClientCert REQUIRED → CreateTicket OPTIONAL. A verified client certificate logs the user in and a
 * logon ticket is issued, as SAP's sample stacks put CreateTicket after each primary module (§3.1). No certificate:
 * ClientCert is ignored and the stack fails (ERR_STACK_ALL_IGNORED).
 */
export const CLIENT_CERT_TEMPLATE: Template = Object.freeze({
  name: 'client_cert',
  description: 'X.509 client certificate (TLS); issues a logon ticket',
  modules: Object.freeze([
    Object.freeze({ module: 'ClientCert', flag: 'REQUIRED', name: 'clientCert' }),
    Object.freeze({ module: 'CreateTicket', flag: 'OPTIONAL', name: 'createTicket' }),
  ]),
}) as Template;

/**
 * `digest`: Digest REQUIRED → CreateTicket OPTIONAL (HTTP Digest, RFC 7616); issues a logon ticket after the login.
 * Needs `dependencies.digestNonceSecret` and a user store with `digestRealms: ['ticketstack']` (the default realm):
 * without them this built-in is unavailable and `protect('digest')` says what is missing.
 */
export const DIGEST_TEMPLATE: Template = Object.freeze({
  name: 'digest',
  description: 'HTTP Digest (RFC 7616, SHA-256); issues a logon ticket',
  modules: Object.freeze([
    Object.freeze({ module: 'Digest', flag: 'REQUIRED', name: 'digest' }),
    Object.freeze({ module: 'CreateTicket', flag: 'OPTIONAL', name: 'createTicket' }),
  ]),
}) as Template;

/** All built-in templates (SAP's six). */
export const BUILTIN_TEMPLATES: readonly Template[] = Object.freeze([
  BASIC_TEMPLATE,
  FORM_TEMPLATE,
  TICKET_TEMPLATE,
  EVALUATE_ASSERTION_TICKET_TEMPLATE,
  CLIENT_CERT_TEMPLATE,
  DIGEST_TEMPLATE,
]);
