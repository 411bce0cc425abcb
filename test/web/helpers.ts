/**
 * A small portal for the web-page tests, wired by hand from the libraries (no createTicketStack): express-session,
 * cookie-parser, a private Passport with serializers, policies with a login template (BasicPassword over
 * j_username / j_password, then CreateTicket) and the login page; a page and an inspector behind the ticket.
 */
import cookieParser from 'cookie-parser';
import express, { type ErrorRequestHandler } from 'express';
import session from 'express-session';
import { Passport } from 'passport';
import request from 'supertest';
import { Keystore } from '../../src/keystore/index.js';
import { createPolicies, type CreatePoliciesOptions, type Policies, type Template } from '../../src/policy/index.js';
import type { DecisionRecord } from '../../src/stack/decision-record.js';
import type { LoginStackOptions } from '../../src/stack/passport-adapter.js';
import { MemoryStateStore } from '../../src/state/memory-state-store.js';
import { MemoryUserStore } from '../../src/users/memory-user-store.js';
import { SignOnGuard } from '../../src/users/sign-on-guard.js';
import { inspector, loginPage, type InspectorOptions, type LoginPageOptions } from '../../src/web/index.js';
import { TEST_HASH_PARAMS } from '../modules/helpers.js';

export const PORTAL_LOGIN: Template = {
  name: 'portal_login',
  description: 'Form login that issues a logon ticket',
  failureRedirect: '/login?error=1',
  modules: [
    { module: 'BasicPassword', flag: 'REQUISITE', name: 'password', options: { usernameField: 'j_username', passwordField: 'j_password' } },
    { module: 'CreateTicket', flag: 'OPTIONAL', name: 'createTicket' },
  ],
};

/** The ticket alone; a browser without one is sent to the login page. */
export const PORTAL_PAGE: Template = {
  name: 'portal_page',
  failureRedirect: '/login',
  modules: [{ module: 'EvaluateTicket', flag: 'REQUIRED', name: 'ticket' }],
};

export interface Portal {
  app: express.Express;
  policies: Policies;
  users: MemoryUserStore;
  decisions: DecisionRecord[];
  sessions: session.MemoryStore;
}

export interface PortalOptions {
  login?: Omit<LoginPageOptions, 'policies'>;
  inspector?: Partial<InspectorOptions> | false;
  policies?: Omit<CreatePoliciesOptions, 'dependencies' | 'stackOptions'>;
  /** Options of every compiled stack, besides the decision hook. */
  stackOptions?: Pick<LoginStackOptions, 'keepSessionInfo'>;
  /** Extra routes before the error handler. */
  extend?: (app: express.Express, policies: Policies) => void;
}

/** alice (admin, "correct horse"), bob ("battery staple"), the portal's own keystore. */
export async function portal(options: PortalOptions = {}): Promise<Portal> {
  const keystore = await Keystore.generate({ sid: 'J2E', client: '000' });
  const users = new MemoryUserStore({ hashParams: TEST_HASH_PARAMS });
  await users.createUser({ id: 'alice', password: 'correct horse', groups: ['ticketstack-admin'] });
  await users.createUser({ id: 'bob', password: 'battery staple', groups: ['staff'] });
  const state = new MemoryStateStore();
  const guard = new SignOnGuard({ users, state });
  const passport = new Passport();
  passport.serializeUser((user, done) => done(null, user));
  passport.deserializeUser((user: Express.User, done) => done(null, user));
  const decisions: DecisionRecord[] = [];
  const policies = createPolicies({
    dependencies: { keystore, users, guard, state, passport },
    templates: [PORTAL_LOGIN, PORTAL_PAGE, ...(options.policies?.templates ?? [])],
    ...(options.policies?.moduleFactories ? { moduleFactories: options.policies.moduleFactories } : {}),
    stackOptions: { ...options.stackOptions, onDecision: (r) => void decisions.unshift(r) },
  });
  const sessions = new session.MemoryStore();
  const app = express();
  app.use(cookieParser());
  app.use(session({ name: 'portal.sid', secret: 'test-only-secret', resave: false, saveUninitialized: false, store: sessions, cookie: { sameSite: 'lax', httpOnly: true } }));
  app.use(passport.initialize());
  app.use(passport.session());
  app.use(loginPage({ policies, template: 'portal_login', ...options.login }));
  app.get('/home', policies.protect('portal_page'), (req, res) => void res.json({ user: (req.user as { id: string }).id }));
  if (options.inspector !== false) {
    app.use('/inspector', inspector({ policies, template: 'portal_page', users, decisions: { recent: () => decisions }, ...options.inspector }));
  }
  options.extend?.(app, policies);
  const onError: ErrorRequestHandler = (err, _req, res, _next) => {
    res.status((err as { status?: number }).status ?? 500).json({ code: (err as { code?: string }).code ?? 'ERR_UNEXPECTED' });
  };
  app.use(onError);
  return { app, policies, users, decisions, sessions };
}

/** A cookie jar that also sends Secure cookies over plain HTTP (supertest's agent does not), with their attributes. */
export class Jar {
  readonly cookies = new Map<string, { value: string; attributes: string[] }>();

  /** Stores the response's Set-Cookie headers (an expired or empty cookie is removed). */
  take(res: request.Response): this {
    for (const line of ([] as string[]).concat(res.headers['set-cookie'] ?? [])) {
      const [pair, ...attributes] = line.split(';').map((s) => s.trim());
      const eq = pair!.indexOf('=');
      const name = pair!.slice(0, eq);
      const value = pair!.slice(eq + 1);
      const expired = attributes.some((a) => /^expires=/i.test(a) && new Date(a.slice(8)).getTime() < Date.now());
      if (value === '' || expired) this.cookies.delete(name);
      else this.cookies.set(name, { value, attributes });
    }
    return this;
  }

  header(): string {
    return [...this.cookies].map(([n, c]) => `${n}=${c.value}`).join('; ');
  }

  get(name: string): string | undefined {
    return this.cookies.get(name)?.value;
  }
}

/** The anti-CSRF token and return path the login form was rendered with. */
export function formFields(html: string): { csrf: string | undefined; returnTo: string | undefined } {
  const field = (name: string) => new RegExp(`<input type="hidden" name="${name}" value="([^"]*)">`).exec(html)?.[1];
  return { csrf: field('_csrf'), returnTo: field('returnTo') };
}

/** GET the login page, then POST the credentials with the form's token (and any extra fields). */
export async function logIn(app: express.Express, jar: Jar, user: string, password: string, extra: Record<string, string> = {}): Promise<request.Response> {
  const page = await request(app).get('/login').set('Cookie', jar.header());
  jar.take(page);
  const { csrf } = formFields(page.text);
  const res = await request(app)
    .post('/login')
    .set('Cookie', jar.header())
    .type('form')
    .send({ _csrf: csrf ?? '', j_username: user, j_password: password, ...extra });
  jar.take(res);
  return res;
}
