/** Session fixation: the session id changes at login, and a session id known before the login never becomes authenticated. */
import request from 'supertest';
import { describe, expect, it } from 'vitest';
import { Jar, logIn, portal } from './helpers.js';

describe('login and the session id', () => {
  it('issues a new session id at login and destroys the old session in the store', async () => {
    const { app, sessions } = await portal({ extend: (a) => a.get('/whoami', (req, res) => void res.json({ user: (req.user as { id?: string } | undefined)?.id ?? null })) });
    const jar = new Jar();
    await request(app).get('/login').then((r) => jar.take(r));
    const before = jar.get('portal.sid');
    expect(before).toBeDefined();
    const beforeId = decodeURIComponent(before!).slice(2).split('.')[0]!;
    expect(await new Promise((resolve) => sessions.get(beforeId, (_e, s) => resolve(s)))).toBeTruthy();

    const res = await logIn(app, jar, 'alice', 'correct horse');
    expect(res.status).toBe(303);
    const after = jar.get('portal.sid');
    expect(after).toBeDefined();
    expect(after).not.toBe(before);
    // The old session is gone from the store: whoever held the old id (an attacker who planted it) has nothing.
    expect(await new Promise((resolve) => sessions.get(beforeId, (_e, s) => resolve(s ?? null)))).toBeNull();
    // The new session carries the login; the old id does not.
    expect((await request(app).get('/whoami').set('Cookie', `portal.sid=${after}`)).body.user).toBe('alice');
    expect((await request(app).get('/whoami').set('Cookie', `portal.sid=${before}`)).body.user).toBeNull();
  });

  it('an attacker-planted session id stays anonymous after the victim logs in with it', async () => {
    const { app } = await portal({ extend: (a) => a.get('/whoami', (req, res) => void res.json({ user: (req.user as { id?: string } | undefined)?.id ?? null })) });
    // The attacker gets a session (and the form token of it) and plants the cookie in the victim's browser.
    const attacker = new Jar();
    await request(app).get('/login').then((r) => attacker.take(r));
    const planted = attacker.get('portal.sid')!;
    const victim = new Jar();
    victim.cookies.set('portal.sid', { value: planted, attributes: [] });
    const res = await logIn(app, victim, 'bob', 'battery staple');
    expect(res.status).toBe(303);
    expect(victim.get('portal.sid')).not.toBe(planted);
    expect((await request(app).get('/whoami').set('Cookie', attacker.header())).body.user).toBeNull();
    expect((await request(app).get('/whoami').set('Cookie', `portal.sid=${victim.get('portal.sid')}`)).body.user).toBe('bob');
  });
});
