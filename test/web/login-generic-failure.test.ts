/** A failed login never tells which of user ID or password was wrong, nor that a user is revoked. */
import request from 'supertest';
import { describe, expect, it } from 'vitest';
import { Jar, logIn, portal } from './helpers.js';

describe('failed logins look the same', () => {
  it('wrong password, unknown user, revoked user and an empty password get the same redirect and the same page', async () => {
    const { app, users, decisions } = await portal();
    await users.createUser({ id: 'carol', password: 'right one' });
    await users.revoke('carol');
    const pages: string[] = [];
    for (const [user, password] of [['alice', 'wrong'], ['nobody', 'whatever'], ['carol', 'right one'], ['alice', '']]) {
      const jar = new Jar();
      const res = await logIn(app, jar, user!, password!);
      expect(res.status).toBe(302);
      expect(res.headers.location).toBe('/login?error=1');
      expect(jar.get('MYSAPSSO2')).toBeUndefined();
      const page = await request(app).get('/login?error=1').set('Cookie', jar.header());
      pages.push(page.text.replace(/value="[^"]*"/g, 'value=""').replace(/nonce="[^"]*"/g, ''));
    }
    expect(new Set(pages).size).toBe(1);
    expect(pages[0]).not.toMatch(/unknown|revoked|locked|does not exist|password is wrong/i);
    // The reasons are in the decision records only (for the administrator).
    expect(decisions.map((d) => d.error?.reason ?? d.error?.code)).toEqual(
      expect.arrayContaining(['ERR_PASSWORD_REFUSED', 'ERR_USER_REVOKED']),
    );
  });
});
