import express, { type ErrorRequestHandler, type RequestHandler } from 'express';
import { Passport } from 'passport';
import type request from 'supertest';
import { Keystore } from '../../src/keystore/index.js';
import { createPolicies, type CreatePoliciesOptions, type Policies } from '../../src/policy/index.js';
import { MemoryStateStore } from '../../src/state/memory-state-store.js';
import { MemoryUserStore } from '../../src/users/memory-user-store.js';
import { SignOnGuard } from '../../src/users/sign-on-guard.js';
import { TEST_HASH_PARAMS } from '../modules/helpers.js';

export { basicAuth } from '../modules/helpers.js';

/** A policy set over a fresh keystore and a user store with alice / "correct horse". */
export async function setup(extra: Omit<CreatePoliciesOptions, 'dependencies'> = {}): Promise<{ policies: Policies; state: MemoryStateStore; keystore: Keystore }> {
  const keystore = await Keystore.generate({ sid: 'J2E', client: '000' });
  const users = new MemoryUserStore({ hashParams: TEST_HASH_PARAMS });
  await users.createUser({ id: 'alice', password: 'correct horse' });
  const state = new MemoryStateStore();
  const guard = new SignOnGuard({ users, state });
  const policies = createPolicies({
    dependencies: { keystore, users, guard, state, passport: new Passport() },
    stackOptions: { session: false },
    ...extra,
  });
  return { policies, state, keystore };
}

/** An app answering the user on each route, each protected by `guard`; errors become `{ code }` with their status. */
export function app(routes: Record<string, RequestHandler>): express.Express {
  const a = express();
  a.use(express.urlencoded({ extended: false }));
  for (const [path, guard] of Object.entries(routes)) a.all(path, guard, (req, res) => void res.json({ user: req.user ?? null }));
  const onError: ErrorRequestHandler = (err, _req, res, _next) => {
    res.status((err as { status?: number }).status ?? 500).json({ code: (err as { code?: string }).code });
  };
  a.use(onError);
  return a;
}

export const cookieOf = (res: request.Response): string | undefined =>
  ([] as string[]).concat(res.headers['set-cookie'] ?? []).find((c) => c.startsWith('MYSAPSSO2='))?.split(';')[0];
