/**
 * A login POST always checks the credentials it carries, even on a session that is signed in already (the login
 * stack would otherwise serve that session without running): switching users works, a failed attempt ends the old
 * login, and a signed-in session planted in a victim's browser does not keep the attacker's account.
 */
import request from 'supertest';
import { describe, expect, it } from 'vitest';
import { Jar, logIn, portal } from './helpers.js';

const whoami = (a: Parameters<typeof portal>[0] = {}) => ({
  ...a,
  extend: (app: import('express').Express) => app.get('/whoami', (req, res) => void res.json({ user: (req.user as { id?: string } | undefined)?.id ?? null })),
});
const sessionOnly = (jar: Jar) => `portal.sid=${jar.get('portal.sid')}`;

describe('a login POST on a signed-in session', () => {
  it('switches to the user whose credentials were posted', async () => {
    const { app } = await portal(whoami());
    const jar = new Jar();
    await logIn(app, jar, 'alice', 'correct horse');
    expect((await request(app).get('/whoami').set('Cookie', sessionOnly(jar))).body.user).toBe('alice');
    const res = await logIn(app, jar, 'bob', 'battery staple');
    expect(res.status).toBe(303);
    expect((await request(app).get('/whoami').set('Cookie', sessionOnly(jar))).body.user).toBe('bob');
  });

  it('wrong credentials end the old login instead of passing on it', async () => {
    const { app } = await portal(whoami());
    const jar = new Jar();
    await logIn(app, jar, 'alice', 'correct horse');
    const res = await logIn(app, jar, 'bob', 'wrong');
    expect(res.headers.location).toBe('/login?error=1');
    expect((await request(app).get('/whoami').set('Cookie', sessionOnly(jar))).body.user).toBeNull();
  });

  it("a planted signed-in session: the victim's login makes the victim's session, the attacker's id dies", async () => {
    const { app } = await portal(whoami());
    const attacker = new Jar();
    await logIn(app, attacker, 'alice', 'correct horse'); // the attacker's own account
    const planted = attacker.get('portal.sid')!;
    const victim = new Jar();
    victim.cookies.set('portal.sid', { value: planted, attributes: [] });
    const res = await logIn(app, victim, 'bob', 'battery staple');
    expect(res.status).toBe(303);
    expect(victim.get('portal.sid')).not.toBe(planted);
    expect((await request(app).get('/whoami').set('Cookie', sessionOnly(victim))).body.user).toBe('bob');
    expect((await request(app).get('/whoami').set('Cookie', `portal.sid=${planted}`)).body.user).toBeNull();
  });
});
