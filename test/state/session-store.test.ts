/**
 * Sessions across instances (issue "several instances" item 2): two Express apps with the same secret and
 * the same Redis share a session; a logout on one is honoured by the other; Redis down → 503, not "no session".
 */
import express, { type Express } from 'express';
import session from 'express-session';
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSessionStore, type RedisSessionStore } from '../../src/state/session-store.js';
import { assertRedisReachable, deleteRedisKeys, redisUrl, ThrowawayRedis, uniqueSuffix } from '../support/services.js';

declare module 'express-session' {
  interface SessionData {
    user?: string;
  }
}

function app(name: string, store: RedisSessionStore | undefined, secret: string): Express {
  const a = express();
  a.use(session({ store, secret, name: 'ts.sid', resave: false, saveUninitialized: false, cookie: { httpOnly: true, sameSite: 'lax' } }));
  a.post('/login', (req, res, next) => {
    req.session.regenerate((err) => {
      if (err) return next(err);
      req.session.user = 'alice';
      req.session.save((e) => (e ? next(e) : res.json({ instance: name })));
    });
  });
  a.get('/me', (req, res) => res.json({ instance: name, user: req.session.user ?? null }));
  a.post('/logout', (req, res, next) => req.session.destroy((err) => (err ? next(err) : res.json({ ok: true }))));
  return a;
}

describe('createSessionStore configuration', () => {
  it('without a Redis URL returns undefined (express-session MemoryStore)', async () => {
    const saved = process.env.REDIS_URL;
    delete process.env.REDIS_URL;
    try {
      expect(await createSessionStore()).toBeUndefined();
    } finally {
      if (saved !== undefined) process.env.REDIS_URL = saved;
    }
  });

  it('rejects unknown and invalid options with a TypeError naming the option', async () => {
    await expect(createSessionStore({ ttl: 5 } as never)).rejects.toThrow(/unknown option "ttl"/);
    await expect(createSessionStore({ redisUrl: 'redis://x', client: {} })).rejects.toThrow(/not both/);
    await expect(createSessionStore({ redisUrl: 'http://x' })).rejects.toThrow(/redisUrl/);
    await expect(createSessionStore({ redisUrl: 'redis://x', ttlSeconds: 0 })).rejects.toThrow(/ttlSeconds/);
  });
});

const url = redisUrl();

describe.skipIf(url === undefined)('sessions shared through Redis', () => {
  const prefix = `ticketstack_test_${uniqueSuffix()}:sess:`;
  let storeA: RedisSessionStore;
  let storeB: RedisSessionStore;

  beforeAll(async () => {
    await assertRedisReachable(url!);
    storeA = (await createSessionStore({ redisUrl: url!, prefix }))!;
    storeB = (await createSessionStore({ redisUrl: url!, prefix }))!;
  });
  afterAll(async () => {
    await storeA?.close();
    await storeB?.close();
    await deleteRedisKeys(url!, prefix);
  });

  it('a session created on instance A is seen on instance B; a logout on B ends it on A', async () => {
    const a = app('A', storeA, 'same-secret');
    const b = app('B', storeB, 'same-secret');
    const login = await request(a).post('/login').expect(200);
    const cookie = login.headers['set-cookie'] as unknown as string[];
    expect(cookie[0]).toMatch(/^ts\.sid=/);
    expect((await request(b).get('/me').set('Cookie', cookie).expect(200)).body).toEqual({ instance: 'B', user: 'alice' });
    await request(b).post('/logout').set('Cookie', cookie).expect(200);
    expect((await request(a).get('/me').set('Cookie', cookie).expect(200)).body).toEqual({ instance: 'A', user: null });
  });

  it('an instance with another secret does not accept the cookie', async () => {
    const login = await request(app('A', storeA, 'same-secret')).post('/login').expect(200);
    const cookie = login.headers['set-cookie'] as unknown as string[];
    const other = app('C', storeB, 'other-secret');
    expect((await request(other).get('/me').set('Cookie', cookie).expect(200)).body.user).toBeNull();
  });

  it('Redis down: the request fails with 503 within the timeout; back: the session is there again', async () => {
    const server = await ThrowawayRedis.start({ persistent: true });
    const store = (await createSessionStore({ redisUrl: server.url, prefix, commandTimeoutMs: 300 }))!;
    try {
      const a = app('A', store, 'same-secret');
      const cookie = (await request(a).post('/login').expect(200)).headers['set-cookie'] as unknown as string[];
      await server.kill();
      const started = Date.now();
      await request(a).get('/me').set('Cookie', cookie).expect(503);
      expect(Date.now() - started).toBeLessThan(800);
      await server.start();
      let body: { user?: string | null } = {};
      for (let i = 0; i < 50 && body.user !== 'alice'; i++) {
        await new Promise((r) => setTimeout(r, 100));
        const res = await request(a).get('/me').set('Cookie', cookie);
        if (res.status === 200) body = res.body as typeof body;
      }
      expect(body.user).toBe('alice');
    } finally {
      await store.close();
      await server.dispose();
    }
  });
});
