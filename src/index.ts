/**
 * ticketstack: enterprise single sign-on for Express and Passport.
 *
 * The public API, as a flat list of named exports (no default export), grouped by area in the order a request
 * travels (architecture.md): errors; the one configuration; policies and templates; the web pages; the login
 * modules; the login stack; then the libraries below them (logon tickets, keystore, PassTickets, shared state,
 * users), which work without Express or Passport. Types sit next to the values they describe. An area with its own
 * `index.ts` (ticket, keystore, policy, web) is re-exported through it, and all of that area's exports appear here
 * (`test/public-api/area-exports.test.ts`).
 *
 * @module
 */

// Errors: a stable `code` on every refusal; the union of all codes (README "Errors").
export { TicketStackError, isTicketStackError } from './errors.js';
export type { TicketStackErrorOptions } from './errors.js';
export type { AnyTicketStackError, TicketStackErrorCode } from './error-codes.js';

// One configuration: createTicketStack, its options and events, the error handler.
export { createTicketStack } from './config/create-ticket-stack.js';
export type { TicketStack, TicketStackServices } from './config/create-ticket-stack.js';
export type { KeystoreConfig, SessionConfig, SessionCookieConfig, StateConfig, TicketStackConfig, UsersConfig } from './config/options.js';
export { DecisionLog } from './config/decision-log.js';
export type { DecisionEvent, HttpErrorEvent, KeystoreCreatedEvent, TicketStackEvent } from './config/events.js';
export { errorHandler } from './config/error-handler.js';
export type { ErrorHandlerOptions, HttpErrorCode } from './config/error-handler.js';

// Policies: templates as data, per-route protection, hot reload.
export {
  BASIC_TEMPLATE,
  BUILTIN_TEMPLATES,
  CLIENT_CERT_TEMPLATE,
  createPolicies,
  DIGEST_TEMPLATE,
  EVALUATE_ASSERTION_TICKET_TEMPLATE,
  FORM_TEMPLATE,
  POLICY_TEMPLATE,
  TICKET_TEMPLATE,
} from './policy/index.js';
export type {
  BuiltinModuleName,
  CreatePoliciesOptions,
  ModuleFactory,
  ModuleRegistration,
  Policies,
  PolicyConfig,
  PolicyDependencies,
  PolicyDescription,
  PolicyHandler,
  PolicyModule,
  Template,
  TemplateModule,
  TemplateOptionValue,
} from './policy/index.js';

// Web pages: the login form and the administrators' inspector.
export { inspector, listProtectedRoutes, loginPage, safeReturnPath, WebError } from './web/index.js';
export type { DecisionSource, InspectorOptions, LoginPageOptions, ProtectedRoute, WebErrorCode } from './web/index.js';

// Login modules (SAP NetWeaver's, as Passport strategies), logout, and their refusal codes.
export { createEvaluateTicketStrategy } from './modules/evaluate-ticket-module.js';
export type { EvaluateTicketStrategyOptions, TicketFailureInfo, TicketRefusalCode, TicketUser } from './modules/evaluate-ticket-module.js';
export { createEvaluateAssertionTicketStrategy } from './modules/evaluate-assertion-ticket-module.js';
export type { AssertionRefusalCode, EvaluateAssertionTicketStrategyOptions } from './modules/evaluate-assertion-ticket-module.js';
export { createBasicPasswordStrategy } from './modules/basic-password-module.js';
export type { BasicPasswordStrategyOptions, PasswordFailureInfo, PasswordRefusal, PasswordRefusalCode, PasswordUser } from './modules/basic-password-module.js';
export { clearTicketCookie, createCreateTicketStrategy } from './modules/create-ticket-module.js';
export type { CreateTicketOptions, CreateTicketStrategy } from './modules/create-ticket-module.js';
export { createPassTicketStrategy } from './modules/passticket-module.js';
export type { PassTicketFailureInfo, PassTicketRefusalCode, PassTicketStrategyOptions, PassTicketUser } from './modules/passticket-module.js';
export { createClientCertStrategy } from './modules/client-cert-module.js';
export type { ClientCertFailureInfo, ClientCertProxyOptions, ClientCertRefusalCode, ClientCertStrategyOptions, ClientCertUser } from './modules/client-cert-module.js';
export type { ClientCertRule, ClientCertTableEntry } from './modules/client-cert-mapping.js';
export { createDigestStrategy, DIGEST_ALGORITHM_NAMES } from './modules/digest-module.js';
export type { DigestAlgorithmName, DigestFailureInfo, DigestRefusalCode, DigestStrategy, DigestStrategyOptions, DigestUser } from './modules/digest-module.js';
export { logout, logoutHandler } from './modules/logout.js';
export type { LogoutOptions } from './modules/logout.js';
export type { LoginRefusalCode } from './modules/refusal-codes.js';

// Login stacks: the JAAS engine, its Passport adapter, the decision record.
export { assertStackEntries, runLoginStack, StackHalt } from './stack/engine.js';
export type {
  LoginModule,
  LoginOutcome,
  ModuleCall,
  ModuleResult,
  RunLoginStackOptions,
  StackEntry,
  StackPhase,
  StackResult,
  TraceEntry,
} from './stack/engine.js';
export { CONTROL_FLAGS } from './stack/flags.js';
export type { ControlFlag } from './stack/flags.js';
export { StackError } from './stack/errors.js';
export type { StackErrorCode, StackErrorOptions } from './stack/errors.js';
export { loginStack } from './stack/passport-adapter.js';
export type {
  LoginStackOptions,
  PassportAuthenticatorLike,
  PassportStackEntry,
  PassportStrategyLike,
  StackHook,
  StackHookContext,
  TicketStackRequestState,
} from './stack/passport-adapter.js';
export { buildDecisionRecord, summarizeError } from './stack/decision-record.js';
export type { DecisionCall, DecisionError, DecisionRecord, DecisionRecordInput } from './stack/decision-record.js';

// SAP logon tickets and authentication assertion tickets (MYSAPSSO2).
export {
  appendSignatureUnit,
  buildSignedBytes,
  createTicketVerifier,
  decodeTicket,
  decodeTicketText,
  DEFAULT_ASSERTION_TICKET_LIFETIME_MINUTES,
  DEFAULT_CACHE_MAX_ENTRIES,
  DEFAULT_LOGON_TICKET_LIFETIME_MINUTES,
  DEFAULT_MAX_TICKET_TEXT_LENGTH,
  DEFAULT_MIN_KEY_BITS,
  DEFAULT_TOLERANCE_MINUTES,
  encodeTicketText,
  InfoUnitId,
  infoUnitName,
  ISSUE_CODE_PAGES,
  issueAssertionTicket,
  issueTicket,
  parseCmsSignature,
  parseTicketStructure,
  SUPPORTED_CODE_PAGES,
  TICKET_ALGORITHMS,
  TICKET_VERSION,
  TicketError,
  ticketFields,
  verifyTicket,
} from './ticket/index.js';
export type {
  CmsSignature,
  CodePage,
  DecodedTicket,
  DecodeTicketOptions,
  DecodeTicketTextOptions,
  InfoUnit,
  IssueAssertionTicketOptions,
  IssueCodePage,
  IssuedTicket,
  IssueTicketOptions,
  MinKeyBits,
  SignedAttributes,
  TicketAlgorithm,
  TicketClock,
  TicketErrorCode,
  TicketFields,
  TicketHash,
  TicketKeyFamily,
  TicketSigner,
  TicketStructure,
  TicketVerifier,
  TicketVerifierOptions,
  VerifiedTicket,
  VerifiedTicketCache,
  VerifiedTicketCacheOptions,
  VerifiedTicketCacheStats,
  VerifyTicketOptions,
} from './ticket/index.js';

// Keystore: own key pair and certificate, trusted certificates with their ACL entries, files on disk.
export {
  certificateToPem,
  DEFAULT_ALIAS,
  dnEquals,
  formatDn,
  generateSelfSignedCertificate,
  isWeakKey,
  KEYSTORE_FILE,
  Keystore,
  KeystoreError,
  LATEST_NOT_AFTER,
  parseCertificate,
  parseDn,
  sameSystemId,
} from './keystore/index.js';
export type {
  AclEntry,
  AddTrustedOptions,
  Authorization,
  CertificateInfo,
  DnAttribute,
  GenerateKeystoreOptions,
  GenerateOptions,
  KeyAlgorithm,
  KeystoreErrorCode,
  KeystoreFileOptions,
  OwnIdentity,
  ParsedDn,
  PublicKeyType,
  TrustedEntry,
} from './keystore/index.js';

// RACF PassTickets: both algorithms, application profiles, generation, verification, the CICS-style requests.
export { PassTicketError } from './passticket/errors.js';
export type { PassTicketErrorCode } from './passticket/errors.js';
export { isRacfName } from './passticket/ebcdic.js';
export { generateLegacyPassTicket } from './passticket/legacy-algorithm.js';
export { generateEnhancedPassTicket } from './passticket/enhanced-algorithm.js';
export type { EnhancedType } from './passticket/enhanced-algorithm.js';
export type { EvaluationResult } from './passticket/evaluate.js';
export { defineApplication, PassTicketApplication, PassTicketProfiles } from './passticket/profiles.js';
export type { ApplicationDefinition, PassTicketAlgorithm, PassTicketProfilesOptions } from './passticket/profiles.js';
export { PassTicketGenerator } from './passticket/generator.js';
export type { GeneratedPassTicket, GeneratePassTicketInput, PassTicketGeneratorOptions } from './passticket/generator.js';
export { PassTicketVerifier } from './passticket/verifier.js';
export type {
  PassTicketRefusal,
  PassTicketSignOnGuard,
  PassTicketVerifierOptions,
  VerifyPassTicketInput,
  VerifyPassTicketResult,
} from './passticket/verifier.js';
export {
  CICS_RESP,
  CICS_RESP2,
  CicsCondition,
  createPassTicketService,
  ESM_CODES,
  jwtTokenVerifier,
  logonTicketTokenVerifier,
  MAX_TOKEN_LENGTH,
  PassTicketService,
} from './passticket/cics.js';
export type {
  CicsConditionCode,
  CicsConditionName,
  EncryptedPassTicketResult,
  InvreqResp2,
  JwtTokenVerifierOptions,
  LogonTicketIdentity,
  NotauthResp2,
  PassTicketResult,
  PassTicketServiceOptions,
  TokenVerifier,
  VerifiedToken,
  VerifyTokenResult,
} from './passticket/cics.js';

// Shared state: one-time markers and counters (memory or Redis), and express-session on Redis.
export type { StateStore } from './state/state-store.js';
export { StateError } from './state/errors.js';
export type { StateErrorCode } from './state/errors.js';
export { MemoryStateStore } from './state/memory-state-store.js';
export type { MemoryStateStoreOptions } from './state/memory-state-store.js';
export { RedisStateStore } from './state/redis-state-store.js';
export type { RedisClientLike, RedisStateStoreOptions, StateEvent } from './state/redis-state-store.js';
export { createStateStore } from './state/create-state-store.js';
export type { CreateStateStoreOptions } from './state/create-state-store.js';
export { createSessionStore } from './state/session-store.js';
export type { CreateSessionStoreOptions, RedisSessionStore } from './state/session-store.js';

// Users: the stores (memory, file, PostgreSQL), password hashing, HTTP Digest HA1 values, RACF REVOKE(n).
export type { NewUser, UserRecord, UserStore } from './users/user-store.js';
export { SignOnError, UserStoreError } from './users/errors.js';
export type { SignOnErrorCode, UserStoreErrorCode } from './users/errors.js';
export { DEFAULT_SCRYPT_PARAMS, hashPassword, needsRehash, verifyPasswordHash } from './users/password-hash.js';
export type { ScryptParams } from './users/password-hash.js';
export { MemoryUserStore } from './users/memory-user-store.js';
export type { MemoryUserStoreOptions } from './users/memory-user-store.js';
export { FileUserStore } from './users/file-user-store.js';
export type { FileUserStoreOptions } from './users/file-user-store.js';
export { POSTGRES_SCHEMA_VERSION, PostgresUserStore } from './users/postgres-user-store.js';
export type { PgPoolLike, PostgresUserStoreOptions, UserStoreEvent } from './users/postgres-user-store.js';
export { createUserStore, DEFAULT_USERS_FILE } from './users/create-user-store.js';
export type { CreateUserStoreOptions } from './users/create-user-store.js';
export { computeDigestHa1, computeDigestUserhash, DIGEST_HASH_ALGORITHMS } from './users/digest-credentials.js';
export type { DigestCredential, DigestCredentialQuery, DigestHashAlgorithm } from './users/digest-credentials.js';
export { SignOnGuard } from './users/sign-on-guard.js';
export type { SignOnEvent, SignOnGuardOptions } from './users/sign-on-guard.js';
