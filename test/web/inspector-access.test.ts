/** The inspector is protected by its own policy, then by a group (looked up in the user store) or a custom check. */
import request from 'supertest';
import { describe, expect, it } from 'vitest';
import { basicAuth } from '../modules/helpers.js';
import { Jar, logIn, portal } from './helpers.js';

describe('inspector access', () => {
  it('without a ticket the inspector\'s template decides (here: the login page); nothing is shown', async () => {
    const { app } = await portal();
    const res = await request(app).get('/inspector');
    expect(res.status).toBe(302);
    expect(res.headers.location).toBe('/login');
    expect(res.text).not.toContain('Templates');
  });

  it('a signed-in user outside the required group gets 403 ERR_INSPECTOR_FORBIDDEN', async () => {
    const { app } = await portal();
    const jar = new Jar();
    await logIn(app, jar, 'bob', 'battery staple');
    const res = await request(app).get('/inspector').set('Cookie', jar.header());
    expect(res.status).toBe(403);
    expect(res.text).toContain('<code>ERR_INSPECTOR_FORBIDDEN</code>');
    expect(res.text).toContain('group ticketstack-admin required');
    const json = await request(app).get('/inspector').set('Cookie', jar.header()).set('Accept', 'application/json');
    expect(json.body).toEqual({ error: 'access_denied', code: 'ERR_INSPECTOR_FORBIDDEN' });
  });

  it('an administrator gets the page; membership and revocation are read from the store at each request', async () => {
    const { app, users, decisions } = await portal();
    const jar = new Jar();
    await logIn(app, jar, 'alice', 'correct horse');
    const ok = await request(app).get('/inspector').set('Cookie', jar.header());
    expect(ok.status).toBe(200);
    expect(ok.text).toContain('<h1>TicketStack inspector</h1>');
    expect(ok.text).toContain('Signed in as <strong>alice</strong>');
    // Her ticket is still valid, but she is revoked now: refused. Since issue 8 the ticket itself is refused for a
    // revoked user (EvaluateTicket checks the store on every request), so she is sent to the login page before the
    // inspector's own check would answer 403.
    await users.revoke('alice');
    const refused = await request(app).get('/inspector').set('Cookie', jar.header());
    expect(refused.status).toBe(302);
    expect(refused.headers.location).toBe('/login');
    expect(decisions[0]?.calls.find((c) => c.phase === 'login' && c.error?.reason !== undefined)?.error?.reason).toBe('ERR_USER_REVOKED');
  });

  it('without a users store the groups come from the user object; a ticket user has none', async () => {
    const { app } = await portal({
      inspector: { users: undefined, template: 'basic' },
    });
    // BasicPassword's user carries the store's groups.
    expect((await request(app).get('/inspector').set('Authorization', basicAuth('alice', 'correct horse'))).status).toBe(200);
    expect((await request(app).get('/inspector').set('Authorization', basicAuth('bob', 'battery staple'))).status).toBe(403);
    const wrong = await request(app).get('/inspector').set('Authorization', basicAuth('alice', 'nope'));
    expect(wrong.status).toBe(401);
  });

  it('a custom authorize() replaces the group check', async () => {
    const { app } = await portal({ inspector: { authorize: (user) => (user as { id: string }).id === 'bob' } });
    const bob = new Jar();
    await logIn(app, bob, 'bob', 'battery staple');
    expect((await request(app).get('/inspector').set('Cookie', bob.header())).status).toBe(200);
    const alice = new Jar();
    await logIn(app, alice, 'alice', 'correct horse');
    expect((await request(app).get('/inspector').set('Cookie', alice.header())).status).toBe(403);
  });

  it('a user store that is down answers 503 with its code, never a stack trace', async () => {
    const { app, users } = await portal();
    const jar = new Jar();
    await logIn(app, jar, 'alice', 'correct horse');
    const { UserStoreError } = await import('../../src/users/errors.js');
    users.findUser = async () => {
      throw new UserStoreError('ERR_USER_STORE_UNAVAILABLE', 'down');
    };
    const res = await request(app).get('/inspector').set('Cookie', jar.header());
    expect(res.status).toBe(503);
    expect(res.text).toContain('<code>ERR_USER_STORE_UNAVAILABLE</code>');
    expect(res.text).not.toMatch(/at .*\.(ts|js):\d+/);
  });

  it('a signed-in user whose ID no store can hold (a long ticket user, say) gets 403, not 500', async () => {
    const longId = 'x'.repeat(300);
    const { app } = await portal({
      policies: {
        moduleFactories: { LongId: () => ({ name: 'long-id', authenticate(this: { success(u: unknown): void }) { this.success({ id: longId }); } }) },
        templates: [{ name: 'long_id', modules: [{ module: 'LongId', flag: 'REQUIRED' }] }],
      },
      inspector: { template: 'long_id', allowEdit: false },
    });
    const res = await request(app).get('/inspector').set('Accept', 'application/json');
    expect(res.status).toBe(403);
    expect(res.body).toEqual({ error: 'access_denied', code: 'ERR_INSPECTOR_FORBIDDEN' });
  });
});
