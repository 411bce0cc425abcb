import express, { type ErrorRequestHandler, type RequestHandler } from 'express';
import type { DecisionRecord } from '../../src/stack/decision-record.js';

export const NOW = new Date('2026-03-04T10:20:30Z');
export const TEST_HASH_PARAMS = { ln: 4, r: 8, p: 1 };
export const basicAuth = (user: string, pass: string): string => `Basic ${Buffer.from(`${user}:${pass}`).toString('base64')}`;

/** An app with the given stack on every route; answers the user; errors become `{ code }` with their status. */
export function app(stack: RequestHandler, routes: string[] = ['/login', '/other']): express.Express {
  const a = express();
  for (const r of routes) a.get(r, stack, (req, res) => void res.json({ user: req.user ?? null }));
  const onError: ErrorRequestHandler = (err, _req, res, _next) => {
    res.status((err as { status?: number }).status ?? 500).json({ code: (err as { code?: string }).code });
  };
  a.use(onError);
  return a;
}

export const loginCalls = (r: DecisionRecord | undefined): Record<string, string> =>
  Object.fromEntries((r?.calls ?? []).filter((c) => c.phase === 'login').map((c) => [c.module, c.outcome]));
