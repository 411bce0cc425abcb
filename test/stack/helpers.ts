/** Test helpers: passport-custom strategies scripted per request by headers, and a small app builder. */
import express, { type ErrorRequestHandler, type Express, type RequestHandler } from 'express';
import passport from 'passport';
import CustomStrategy from 'passport-custom';
import type { PassportStackEntry, StackHookContext } from '../../src/index.js';

export type Action = 'succeed' | 'pass' | 'fail' | 'error' | 'redirect' | 'hang';

/**
 * A passport-custom strategy driven by the request header `x-<name>`: `succeed:<user>`, `pass`, `fail`,
 * `fail:<status>`, `fail-challenge`, `error`, `redirect`, `hang`. Absent header = `pass`. Work is async and
 * follows the never-hang pattern of ecosystem-notes.md §1.4.
 */
export function scriptedStrategy(name: string, calls?: string[]): CustomStrategy {
  return new CustomStrategy(function (this: { pass(): void; fail(c?: unknown, s?: unknown): void; redirect(u: string, s?: number): void }, req, done) {
    calls?.push(`login:${name}`);
    const script = String(req.get(`x-${name}`) ?? 'pass');
    const [action, arg] = script.split(':');
    const work = async (): Promise<void> => {
      await new Promise((r) => setTimeout(r, Math.random() * 3));
    };
    work().then(() => {
      switch (action) {
        case 'succeed':
          return done(null, { id: arg ?? name, via: name });
        case 'pass':
          return this.pass();
        case 'fail':
          return arg ? this.fail(Number(arg)) : done(null, false);
        case 'fail-challenge':
          return this.fail(`Basic realm="${name}"`, undefined);
        case 'error':
          return done(Object.assign(new Error(`secret detail from ${name}`), { code: 'E_DIRECTORY_DOWN' }));
        case 'redirect':
          return this.redirect(`https://idp.example/${name}`, 302);
        case 'hang':
          return undefined;
        default:
          return done(new Error(`bad script ${script}`));
      }
    }, done);
  });
}

/** Commit/abort hooks that log `phase:name` and behave like the JDK stubs (return the login result). */
export function recordingHooks(calls: string[]): Pick<PassportStackEntry, 'commit' | 'abort'> {
  return {
    commit: (ctx: StackHookContext) => {
      calls.push(`commit:${ctx.call.name}`);
      return ctx.loginOutcome === 'succeeded';
    },
    abort: (ctx: StackHookContext) => {
      calls.push(`abort:${ctx.call.name}`);
      return ctx.loginOutcome === 'succeeded';
    },
  };
}

export function freshPassport(): passport.PassportStatic {
  const p = new passport.Passport() as passport.PassportStatic;
  p.serializeUser((user, done) => done(null, user));
  p.deserializeUser((obj, done) => done(null, obj as Express.User));
  return p;
}

export const errorHandler: ErrorRequestHandler = (err, _req, res, _next) => {
  res.status(500).json({ handled: true, name: (err as Error).name, code: (err as { code?: string }).code });
};

/** An app with `GET /private` behind `guard`, answering with the user and the decision record. */
export function appWith(guard: RequestHandler, before: RequestHandler[] = []): Express {
  const app = express();
  for (const mw of before) app.use(mw);
  app.get('/private', guard, (req, res) => {
    res.json({ user: req.user ?? null, decision: req.ticketstack?.decision ?? null });
  });
  app.use(errorHandler);
  return app;
}
