/**
 * The refusal codes of every login module, as one closed union. A module that refuses says why with one of these in
 * its `fail({ code })` info: the stack keeps it in the decision record (`calls[].error.reason`) and gives it to the
 * module's `onRefusal`; the client never sees it (one generic 401, so a refusal reveals nothing).
 *
 * @module
 */
import type { PasswordRefusalCode } from './basic-password-module.js';
import type { ClientCertRefusalCode } from './client-cert-module.js';
import type { CredentialRefusalCode } from './credentials.js';
import type { DigestRefusalCode } from './digest-module.js';
import type { AssertionRefusalCode } from './evaluate-assertion-ticket-module.js';
import type { PassTicketRefusalCode } from './passticket-module.js';

export type LoginRefusalCode =
  | AssertionRefusalCode // EvaluateTicket's ticket codes and its own, plus the assertion module's
  | PasswordRefusalCode
  | PassTicketRefusalCode
  | DigestRefusalCode
  | ClientCertRefusalCode
  | CredentialRefusalCode;
