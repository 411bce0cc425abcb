/** Login CSRF: the form's token is required; a POST without a valid one is refused with 403 ERR_CSRF_TOKEN_INVALID before any credential is read. */
import request from 'supertest';
import { describe, expect, it } from 'vitest';
import { formFields, Jar, portal } from './helpers.js';

const credentials = { j_username: 'alice', j_password: 'correct horse' };

describe('login CSRF protection', () => {
  async function pageWithToken() {
    const p = await portal();
    const jar = new Jar();
    const page = await request(p.app).get('/login');
    jar.take(page);
    return { ...p, jar, token: formFields(page.text).csrf! };
  }

  it('refuses a cross-site POST with no session and no token (the attacker cannot log the victim in)', async () => {
    const { app, decisions } = await portal();
    const res = await request(app).post('/login').type('form').send(credentials);
    expect(res.status).toBe(403);
    expect(res.text).toContain('<code>ERR_CSRF_TOKEN_INVALID</code>');
    expect(res.headers['set-cookie'] ?? []).not.toEqual(expect.arrayContaining([expect.stringMatching(/^MYSAPSSO2=/)]));
    expect(decisions).toHaveLength(0); // the login stack never ran
  });

  it('refuses a missing token, a wrong token and a token of another session; answers JSON with the code to a JSON client', async () => {
    const { app, jar, token } = await pageWithToken();
    const other = await pageWithToken();
    const attempts = [
      { ...credentials },
      { ...credentials, _csrf: '' },
      { ...credentials, _csrf: `${token.slice(0, -1)}${token.endsWith('A') ? 'B' : 'A'}` },
      { ...credentials, _csrf: other.token },
      { ...credentials, _csrf: [token, token] as unknown as string },
    ];
    for (const body of attempts) {
      const res = await request(app).post('/login').set('Cookie', jar.header()).set('Accept', 'application/json').type('form').send(body);
      expect(res.status).toBe(403);
      expect(res.body).toEqual({ error: 'sign_in_refused', code: 'ERR_CSRF_TOKEN_INVALID' });
      expect(res.headers['cache-control']).toBe('no-store');
    }
  });

  it('refuses a JSON body (the token must come from the form)', async () => {
    const { app, jar, token } = await pageWithToken();
    const res = await request(app).post('/login').set('Cookie', jar.header()).send({ ...credentials, _csrf: token });
    expect(res.status).toBe(403);
  });

  it('accepts the session\'s own token, and the token dies with the session at login', async () => {
    const { app, jar, token } = await pageWithToken();
    const oldCookies = jar.header();
    const ok = await request(app).post('/login').set('Cookie', oldCookies).type('form').send({ ...credentials, _csrf: token });
    expect(ok.status).toBe(303);
    // Replaying the same token with the old session cookie: the session was regenerated, the token is gone.
    const replay = await request(app).post('/login').set('Cookie', oldCookies).type('form').send({ ...credentials, _csrf: token });
    expect(replay.status).toBe(403);
  });
});
