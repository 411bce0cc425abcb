/**
 * Web pages: the login form and the administrators' inspector (architecture.md: `src/web/` uses the policy
 * layer and below; nothing below imports it).
 *
 * @module
 */
export { loginPage } from './login-page.js';
export type { LoginPageOptions } from './login-page.js';
export { inspector } from './inspector.js';
export type { DecisionSource, InspectorOptions } from './inspector.js';
export { listProtectedRoutes } from './protected-routes.js';
export type { ProtectedRoute } from './protected-routes.js';
export { safeReturnPath } from './return-path.js';
export { WebError } from './errors.js';
export type { WebErrorCode } from './errors.js';
