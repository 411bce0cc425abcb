/**
 * `createTicketStack` on embedded defaults (no Redis, no PostgreSQL): memory state, the file user store, and
 * express-session's MemoryStore behind cookie defaults of ecosystem-notes.md §4.2; the router with a private
 * Passport; decisions and events through one hook; `redisUrl: false` / `databaseUrl: false` force embedded.
 */
import express from 'express';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import passportSingleton from 'passport';
import request from 'supertest';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { createTicketStack, type TicketStack } from '../../src/config/create-ticket-stack.js';
import type { TicketStackEvent } from '../../src/config/events.js';
import { Keystore } from '../../src/keystore/index.js';
import { MemoryStateStore } from '../../src/state/memory-state-store.js';
import { RedisStateStore } from '../../src/state/redis-state-store.js';
import { FileUserStore } from '../../src/users/file-user-store.js';
import { PostgresUserStore } from '../../src/users/postgres-user-store.js';
import { TEST_HASH_PARAMS } from '../modules/helpers.js';

const SECRET = 'a-long-random-session-secret-of-48-characters-xx';
let dir: string;
let keystore: Keystore;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'ticketstack-embedded-'));
  keystore = await Keystore.generate({ sid: 'J2E', client: '000' });
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));
afterEach(() => vi.unstubAllEnvs());

function app(sso: TicketStack): express.Express {
  const a = express();
  a.set('trust proxy', 'loopback'); // TLS ends at a proxy: X-Forwarded-Proto says https
  a.use(express.urlencoded({ extended: false }));
  a.use(sso.router);
  a.post('/login', sso.protect('form'), (req, res) => void res.json({ user: req.user }));
  a.get('/me', (req, res) => void res.json({ user: req.user ?? null }));
  a.use(sso.errorHandler);
  return a;
}

describe('embedded defaults', () => {
  const events: TicketStackEvent[] = [];
  let sso: TicketStack;

  beforeAll(async () => {
    vi.stubEnv('REDIS_URL', 'redis://127.0.0.1:1'); // set, but forced off below
    vi.stubEnv('DATABASE_URL', 'postgres://127.0.0.1:1/none');
    sso = await createTicketStack({
      keystore,
      redisUrl: false,
      databaseUrl: false,
      users: { path: join(dir, 'users.json'), hashParams: TEST_HASH_PARAMS },
      session: { secret: SECRET },
      signOn: { maxFailures: 3 },
      decisionLogSize: 2,
      onEvent: (e) => events.push(e),
    });
    await sso.users.createUser({ id: 'alice', password: 'correct horse' });
  });
  afterAll(() => sso.close());

  it('uses the embedded parts', () => {
    expect(sso.services).toEqual({ state: 'memory', users: 'file', sessions: 'memory' });
    expect(sso.state).toBeInstanceOf(MemoryStateStore);
    expect(sso.users).toBeInstanceOf(FileUserStore);
    expect((sso.users as FileUserStore).path).toBe(join(dir, 'users.json'));
    expect(sso.sessionStore).toBeUndefined();
    expect(sso.passTicketVerifier).toBeUndefined();
  });

  it('a form login sets a __Host- session cookie: HttpOnly, Secure, SameSite=Lax, Path=/, no Domain, no expiry', async () => {
    const res = await request(app(sso)).post('/login').set('X-Forwarded-Proto', 'https').type('form').send({ j_username: 'alice', j_password: 'correct horse' });
    expect(res.status).toBe(200);
    const cookie = ([] as string[]).concat(res.headers['set-cookie'] ?? []);
    expect(cookie).toHaveLength(1);
    const [pair, ...attributes] = cookie[0]!.split('; ');
    expect(pair).toMatch(/^__Host-ticketstack\.sid=s%3A/);
    expect(attributes.sort()).toEqual(['HttpOnly', 'Path=/', 'SameSite=Lax', 'Secure']);
    const me = await request(app(sso)).get('/me').set('X-Forwarded-Proto', 'https').set('Cookie', pair!);
    expect(me.body.user).toMatchObject({ id: 'alice', authMethod: 'password' });
  });

  it('over plain HTTP the Secure cookie is not set (express-session refuses), so nobody is logged in by accident', async () => {
    const res = await request(app(sso)).post('/login').type('form').send({ j_username: 'alice', j_password: 'correct horse' });
    expect(res.status).toBe(200);
    expect(res.headers['set-cookie']).toBeUndefined();
  });

  it('decisions: bounded, newest first, and the same records reach onEvent; sign-on events carry no password', async () => {
    await request(app(sso)).post('/login').set('X-Forwarded-Proto', 'https').type('form').send({ j_username: 'alice', j_password: 'wrong horse' });
    const recent = sso.decisions.recent();
    expect(recent).toHaveLength(2);
    expect(recent[0]).toMatchObject({ stack: 'form', outcome: 'failure', route: 'POST /login' });
    expect(recent[1]).toMatchObject({ stack: 'form', outcome: 'success' });
    expect(events.filter((e) => e.type === 'decision').at(-1)).toEqual({ type: 'decision', record: recent[0] });
    expect(events).toContainEqual({ type: 'signon.failure', userId: 'alice', failures: 1 });
    expect(JSON.stringify(events)).not.toMatch(/horse|ticketstack\.sid=/);
  });

  it('a private Passport: the global singleton gets no serializers and no strategies', () => {
    expect(sso.passport).not.toBe(passportSingleton);
    expect((passportSingleton as unknown as { _serializers: unknown[] })._serializers).toHaveLength(0);
  });

  it('two stacks live in one process without sharing a session or a user', async () => {
    const other = await createTicketStack({
      keystore,
      redisUrl: false,
      databaseUrl: false,
      users: { path: join(dir, 'other-users.json'), hashParams: TEST_HASH_PARAMS },
      session: { secret: `${SECRET}-other` },
    });
    try {
      await other.users.createUser({ id: 'bob', password: 'builder bob' });
      const login = await request(app(other)).post('/login').set('X-Forwarded-Proto', 'https').type('form').send({ j_username: 'bob', j_password: 'builder bob' });
      const pair = ([] as string[]).concat(login.headers['set-cookie'] ?? [])[0]!.split(';')[0]!;
      expect((await request(app(other)).get('/me').set('X-Forwarded-Proto', 'https').set('Cookie', pair)).body.user).toMatchObject({ id: 'bob' });
      expect((await request(app(sso)).get('/me').set('X-Forwarded-Proto', 'https').set('Cookie', pair)).body.user).toBeNull();
      expect(other.passport).not.toBe(sso.passport);
    } finally {
      await other.close();
    }
  });
});

describe('switching by URL', () => {
  it('REDIS_URL and DATABASE_URL switch to Redis and PostgreSQL (connections open lazily)', async () => {
    vi.stubEnv('REDIS_URL', 'redis://127.0.0.1:1');
    vi.stubEnv('DATABASE_URL', 'postgres://127.0.0.1:1/none');
    const sso = await createTicketStack({ keystore, session: false });
    expect(sso.services).toEqual({ state: 'redis', users: 'postgres', sessions: 'off' });
    expect(sso.state).toBeInstanceOf(RedisStateStore);
    expect(sso.users).toBeInstanceOf(PostgresUserStore);
    await sso.close();
  });

  it('parts you pass are used as they are and stay open after close(); close() is idempotent', async () => {
    const state = new MemoryStateStore();
    const sso = await createTicketStack({ keystore, state, redisUrl: false, databaseUrl: false, users: { path: join(dir, 'x.json') }, session: false });
    expect(sso.services.state).toBe('custom');
    expect(sso.state).toBe(state);
    await Promise.all([sso.close(), sso.close()]);
    await sso.close();
    expect(await state.claimOnce('still-open', 1000)).toBe(true);
    await state.close();
  });

  it('close() closes the parts it made', async () => {
    const sso = await createTicketStack({ keystore, redisUrl: false, databaseUrl: false, users: { path: join(dir, 'y.json') }, session: false });
    await sso.close();
    await expect(sso.state.claimOnce('closed', 1000)).rejects.toMatchObject({ code: 'ERR_STATE_UNAVAILABLE' });
  });
});
