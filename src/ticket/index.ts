/**
 * MYSAPSSO2 logon tickets and authentication assertion tickets (sap-logon-ticket.md).
 *
 * @module
 */
export { decodeTicket, ticketFields } from './decode.js';
export type { DecodedTicket, DecodeTicketOptions, TicketFields } from './decode.js';
export { decodeTicketText, encodeTicketText, DEFAULT_MAX_TICKET_TEXT_LENGTH } from './text-form.js';
export type { DecodeTicketTextOptions } from './text-form.js';
export { parseTicketStructure, buildSignedBytes, appendSignatureUnit, TICKET_VERSION } from './codec.js';
export type { InfoUnit, TicketStructure } from './codec.js';
export { InfoUnitId, infoUnitName } from './info-units.js';
export { SUPPORTED_CODE_PAGES, ISSUE_CODE_PAGES } from './code-pages.js';
export type { CodePage, IssueCodePage } from './code-pages.js';
export { parseCmsSignature, TICKET_ALGORITHMS } from './cms.js';
export type { CmsSignature, SignedAttributes, TicketAlgorithm, TicketHash, TicketKeyFamily } from './cms.js';
export { DEFAULT_TOLERANCE_MINUTES } from './validity.js';
export type { Clock as TicketClock } from './validity.js';
export { TicketError } from './errors.js';
export type { TicketErrorCode } from './errors.js';
export { verifyTicket, createTicketVerifier, DEFAULT_MIN_KEY_BITS } from './verify.js';
export type { MinKeyBits, TicketSigner, TicketVerifier, TicketVerifierOptions, VerifiedTicket, VerifyTicketOptions } from './verify.js';
export { DEFAULT_CACHE_MAX_ENTRIES } from './verified-ticket-cache.js';
export type { VerifiedTicketCache, VerifiedTicketCacheOptions, VerifiedTicketCacheStats } from './verified-ticket-cache.js';
export { issueTicket, issueAssertionTicket, DEFAULT_LOGON_TICKET_LIFETIME_MINUTES, DEFAULT_ASSERTION_TICKET_LIFETIME_MINUTES } from './issue.js';
export type { IssueTicketOptions, IssueAssertionTicketOptions, IssuedTicket } from './issue.js';
