/**
 * ticketstack: enterprise single sign-on for Express and Passport.
 *
 * A flat list of named exports (no default export). Each area of the package adds its exports below.
 *
 * @module
 */
export { TicketStackError, isTicketStackError } from './errors.js';
export type { TicketStackErrorOptions } from './errors.js';
export type { StateStore } from './state/state-store.js';
export type { UserStore, UserRecord, NewUser } from './users/user-store.js';
export { runLoginStack, assertStackEntries, StackHalt } from './stack/engine.js';
export type {
  ControlFlag,
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
export * from './ticket/index.js';
export * from './keystore/index.js';
export { StateError } from './state/errors.js';
export type { StateErrorCode } from './state/errors.js';
export { MemoryStateStore } from './state/memory-state-store.js';
export type { MemoryStateStoreOptions } from './state/memory-state-store.js';
export { RedisStateStore } from './state/redis-state-store.js';
export type { RedisClientLike, RedisStateStoreOptions, StateEvent } from './state/redis-state-store.js';
export { createStateStore } from './state/create-state-store.js';
export type { CreateStateStoreOptions } from './state/create-state-store.js';
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
  NotauthResp2,
  PassTicketResult,
  PassTicketServiceOptions,
  TokenVerifier,
  VerifiedToken,
  VerifyTokenResult,
  LogonTicketIdentity,
} from './passticket/cics.js';
export { createPassTicketStrategy } from './modules/passticket-module.js';
export type { PassTicketFailureInfo, PassTicketStrategyOptions, PassTicketUser } from './modules/passticket-module.js';
export { UserStoreError, SignOnError } from './users/errors.js';
export type { UserStoreErrorCode, SignOnErrorCode } from './users/errors.js';
export { SignOnGuard } from './users/sign-on-guard.js';
export type { SignOnGuardOptions, SignOnEvent } from './users/sign-on-guard.js';
export { hashPassword, verifyPasswordHash, needsRehash, DEFAULT_SCRYPT_PARAMS } from './users/password-hash.js';
export type { ScryptParams } from './users/password-hash.js';
export { MemoryUserStore } from './users/memory-user-store.js';
export type { MemoryUserStoreOptions } from './users/memory-user-store.js';
export { FileUserStore } from './users/file-user-store.js';
export type { FileUserStoreOptions } from './users/file-user-store.js';
export { PostgresUserStore, POSTGRES_SCHEMA_VERSION } from './users/postgres-user-store.js';
export type { PgPoolLike, PostgresUserStoreOptions } from './users/postgres-user-store.js';
export { createUserStore, DEFAULT_USERS_FILE } from './users/create-user-store.js';
export type { CreateUserStoreOptions } from './users/create-user-store.js';
export { createSessionStore } from './state/session-store.js';
export type { CreateSessionStoreOptions, RedisSessionStore } from './state/session-store.js';
export type { AnyTicketStackError, TicketStackErrorCode } from './error-codes.js';
export { createEvaluateTicketStrategy } from './modules/evaluate-ticket-module.js';
export type { EvaluateTicketStrategyOptions, TicketFailureInfo, TicketRefusalCode, TicketUser } from './modules/evaluate-ticket-module.js';
export { createEvaluateAssertionTicketStrategy } from './modules/evaluate-assertion-ticket-module.js';
export type { AssertionRefusalCode, EvaluateAssertionTicketStrategyOptions } from './modules/evaluate-assertion-ticket-module.js';
export { createBasicPasswordStrategy } from './modules/basic-password-module.js';
export type { BasicPasswordStrategyOptions, PasswordFailureInfo, PasswordRefusal, PasswordUser } from './modules/basic-password-module.js';
export { createCreateTicketStrategy, clearTicketCookie } from './modules/create-ticket-module.js';
export type { CreateTicketOptions, CreateTicketStrategy } from './modules/create-ticket-module.js';
export { createPolicies, BASIC_TEMPLATE, BUILTIN_TEMPLATES, EVALUATE_ASSERTION_TICKET_TEMPLATE, FORM_TEMPLATE, TICKET_TEMPLATE } from './policy/index.js';
export type {
  BuiltinModuleName,
  CreatePoliciesOptions,
  ModuleFactory,
  ModuleRegistration,
  Policies,
  PolicyConfig,
  PolicyDependencies,
  PolicyDescription,
  PolicyModule,
  Template,
  TemplateModule,
  TemplateOptionValue,
} from './policy/index.js';
export { logout, logoutHandler } from './modules/logout.js';
export type { LogoutOptions } from './modules/logout.js';
export { createTicketStack } from './config/create-ticket-stack.js';
export type { TicketStack, TicketStackServices } from './config/create-ticket-stack.js';
export type { KeystoreConfig, SessionConfig, SessionCookieConfig, StateConfig, TicketStackConfig, UsersConfig } from './config/options.js';
export { errorHandler } from './config/error-handler.js';
export type { ErrorHandlerOptions, HttpErrorCode } from './config/error-handler.js';
export { DecisionLog } from './config/decision-log.js';
export type { DecisionEvent, HttpErrorEvent, KeystoreCreatedEvent, TicketStackEvent } from './config/events.js';
export type { UserStoreEvent } from './users/postgres-user-store.js';
export { createDigestStrategy, DIGEST_ALGORITHM_NAMES } from './modules/digest-module.js';
export type { DigestAlgorithmName, DigestFailureInfo, DigestRefusalCode, DigestStrategy, DigestStrategyOptions, DigestUser } from './modules/digest-module.js';
export { computeDigestHa1, computeDigestUserhash, DIGEST_HASH_ALGORITHMS } from './users/digest-credentials.js';
export type { DigestCredential, DigestCredentialQuery, DigestHashAlgorithm } from './users/digest-credentials.js';
export { createClientCertStrategy } from './modules/client-cert-module.js';
export type { ClientCertFailureInfo, ClientCertProxyOptions, ClientCertRefusalCode, ClientCertStrategyOptions, ClientCertUser } from './modules/client-cert-module.js';
export type { ClientCertRule, ClientCertTableEntry } from './modules/client-cert-mapping.js';
export { CLIENT_CERT_TEMPLATE, DIGEST_TEMPLATE } from './policy/index.js';
export type { LoginRefusalCode } from './modules/refusal-codes.js';
export type { PasswordRefusalCode } from './modules/basic-password-module.js';
export type { PassTicketRefusalCode } from './modules/passticket-module.js';
// Web pages: login form, inspector (issue 7).
export { loginPage, inspector, listProtectedRoutes, safeReturnPath, WebError } from './web/index.js';
export type { DecisionSource, InspectorOptions, LoginPageOptions, ProtectedRoute, WebErrorCode } from './web/index.js';
export { POLICY_TEMPLATE } from './policy/index.js';
export type { PolicyHandler } from './policy/index.js';
