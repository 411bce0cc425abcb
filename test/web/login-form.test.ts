/** The login page: a server-rendered, accessible form posting j_username / j_password; no script, no caching. */
import request from 'supertest';
import { describe, expect, it } from 'vitest';
import { formFields, Jar, logIn, portal } from './helpers.js';

describe('the login form page', () => {
  it('is an accessible form: main landmark, labels tied to fields, autocomplete, no script', async () => {
    const { app } = await portal();
    const res = await request(app).get('/login');
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toBe('text/html; charset=utf-8');
    const html = res.text;
    expect(html).toMatch(/^<!doctype html>\n<html lang="en">/);
    expect(html).toMatch(/<main class="narrow">[\s\S]*<h1>Sign in<\/h1>[\s\S]*<\/main>/);
    expect(html).toContain('<form method="post" action="/login">');
    expect(html).toContain('<label for="j_username">User ID</label>');
    expect(html).toMatch(/<input type="text" id="j_username" name="j_username" autocomplete="username"[^>]* required/);
    expect(html).toContain('<label for="j_password">Password</label>');
    expect(html).toMatch(/<input type="password" id="j_password" name="j_password" autocomplete="current-password"[^>]* required/);
    expect(html).toContain('<button type="submit">Sign in</button>');
    expect(html).not.toMatch(/<script/i);
    expect(html).not.toMatch(/<input[^>]*aria-invalid/); // no error shown on a first visit
    expect(formFields(html).csrf).toMatch(/^[A-Za-z0-9_-]{43}$/);
  });

  it('sends no-store, a CSP without scripts, and refuses framing', async () => {
    const { app } = await portal();
    const res = await request(app).get('/login');
    expect(res.headers['cache-control']).toBe('no-store');
    const csp = res.headers['content-security-policy'] as string;
    expect(csp).toContain("default-src 'none'");
    expect(csp).toContain("frame-ancestors 'none'");
    expect(csp).toContain("form-action 'self'");
    expect(csp).not.toContain('script-src');
    const nonce = /style-src 'nonce-([^']+)'/.exec(csp)?.[1];
    expect(res.text).toContain(`<style nonce="${nonce}">`);
    expect(res.headers['x-frame-options']).toBe('DENY');
    expect(res.headers['referrer-policy']).toBe('no-referrer');
  });

  it('a failed login shows one generic message, announced and tied to both fields', async () => {
    const { app } = await portal();
    const jar = new Jar();
    const failed = await logIn(app, jar, 'alice', 'wrong');
    expect(failed.status).toBe(302);
    expect(failed.headers.location).toBe('/login?error=1');
    const page = await request(app).get(failed.headers.location!).set('Cookie', jar.header());
    expect(page.text).toContain('<p id="login-error" class="alert error" role="alert">Sign-in failed. Check your user ID and password, then try again.</p>');
    expect(page.text.match(/aria-invalid="true" aria-describedby="login-error"/g)).toHaveLength(2);
    expect(page.headers['cache-control']).toBe('no-store');
  });

  it('a successful login sets the ticket and the user reaches the protected page', async () => {
    const { app } = await portal();
    const jar = new Jar();
    expect((await request(app).get('/home')).headers.location).toBe('/login');
    const res = await logIn(app, jar, 'alice', 'correct horse');
    expect(res.status).toBe(303);
    expect(res.headers.location).toBe('/');
    expect(res.headers['cache-control']).toBe('no-store');
    const ticket = jar.cookies.get('MYSAPSSO2');
    expect(ticket?.attributes).toEqual(expect.arrayContaining(['Path=/', 'HttpOnly', 'Secure', 'SameSite=Lax']));
    const home = await request(app).get('/home').set('Cookie', jar.header());
    expect(home.body).toEqual({ user: 'alice' });
  });

  it('escapes what it renders (title and description options)', async () => {
    const { app } = await portal({ login: { title: 'Sign <in> & "go"', description: "<script>alert('x')</script>" } });
    const html = (await request(app).get('/login')).text;
    expect(html).toContain('<title>Sign &lt;in&gt; &amp; &quot;go&quot;</title>');
    expect(html).toContain('<h1>Sign &lt;in&gt; &amp; &quot;go&quot;</h1>');
    expect(html).toContain('&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;');
    expect(html).not.toMatch(/<script/i);
  });
});
