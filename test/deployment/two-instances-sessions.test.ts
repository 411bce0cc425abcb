/**
 * Sessions across instances (issue "several instances" item 2; ecosystem-notes.md §4.3): with Redis, the
 * router's express-session uses connect-redis, so a form login on instance A is seen on instance B, and a
 * logout on A is honoured on B (and on A, for the old cookie). The cookie is the secure default, behind a
 * TLS-terminating proxy (`X-Forwarded-Proto: https`).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { logoutHandler } from '../../src/modules/logout.js';
import { databaseUrl, redisUrl } from '../support/services.js';
import { call, Deployment, portalAndErp, SESSION_SECRET, whoami, type Instance } from './harness.js';

const redis = redisUrl();
const database = databaseUrl();
const HTTPS = { 'x-forwarded-proto': 'https' };

describe.skipIf(redis === undefined || database === undefined)('two instances share sessions through Redis', () => {
  let deployment: Deployment;
  let a: Instance;
  let b: Instance;

  beforeAll(async () => {
    deployment = await Deployment.open(redis!, database!);
    const { erp } = await portalAndErp();
    [a, b] = await deployment.pair({ keystore: erp, session: { secret: SESSION_SECRET } }, (app, sso, name) => {
      app.post('/login', sso.protect('form'), whoami(name));
      app.get('/me', whoami(name));
      app.post('/logout', logoutHandler());
    });
    await a.sso.users.createUser({ id: 'alice', password: 'correct horse' });
  });
  afterAll(() => deployment?.dispose());

  it('uses connect-redis under the stack prefix', () => {
    expect(a.sso.services).toEqual({ state: 'redis', users: 'postgres', sessions: 'redis' });
    expect(a.sso.sessionStore).toBeDefined();
  });

  it('a login on A is seen on B; a logout on A is honoured on B and for the old cookie on A', async () => {
    const login = await call(a, '/login', {
      method: 'POST',
      headers: { ...HTTPS, 'content-type': 'application/x-www-form-urlencoded' },
      body: 'j_username=alice&j_password=correct+horse',
    });
    expect(login.status).toBe(200);
    const setCookie = login.headers.getSetCookie();
    expect(setCookie).toHaveLength(1);
    expect(setCookie[0]).toMatch(/^__Host-ticketstack\.sid=s%3A[^;]+; Path=\/; HttpOnly; Secure; SameSite=Lax$/);
    const cookie = { ...HTTPS, cookie: setCookie[0]!.split(';')[0]! };

    expect((await call(b, '/me', { headers: cookie })).body).toEqual({ instance: 'B', user: { id: 'alice', authMethod: 'password', groups: [] } });
    expect((await call(a, '/me', { headers: cookie })).body?.user).toMatchObject({ id: 'alice' });

    expect((await call(a, '/logout', { method: 'POST', headers: cookie })).status).toBe(204);
    expect((await call(b, '/me', { headers: cookie })).body).toEqual({ instance: 'B', user: null });
    expect((await call(a, '/me', { headers: cookie })).body).toEqual({ instance: 'A', user: null });
  });

  it('the session lives in Redis under the configured prefix, not in either process', async () => {
    const login = await call(b, '/login', {
      method: 'POST',
      headers: { ...HTTPS, 'content-type': 'application/x-www-form-urlencoded' },
      body: 'j_username=alice&j_password=correct+horse',
    });
    const sid = decodeURIComponent(login.headers.getSetCookie()[0]!.split(';')[0]!.split('=')[1]!).slice(2).split('.')[0]!;
    const { createClient } = await import('redis');
    const raw = createClient({ url: redis! });
    await raw.connect();
    try {
      const stored = JSON.parse((await raw.get(`${deployment.prefix}sess:${sid}`)) ?? 'null') as { passport?: { user?: unknown } } | null;
      expect(stored?.passport?.user).toMatchObject({ id: 'alice' });
      expect(JSON.stringify(stored)).not.toContain('correct horse');
    } finally {
      await raw.close();
    }
  });
});
