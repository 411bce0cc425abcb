/**
 * A form's anti-CSRF token is good only for the login it was shown to: a token from before the login is refused
 * after it, also when the session data survives the login (`keepSessionInfo: true` merges the old session into the
 * new one). Otherwise whoever planted the pre-login session (a sibling subdomain can set a cookie that is not
 * `__Host-`) knows a token that stays valid in the victim's signed-in session, and can forge the victim's edits.
 */
import request from 'supertest';
import { describe, expect, it } from 'vitest';
import { formFields, Jar, portal } from './helpers.js';

const edit = JSON.stringify({ name: 'basic', modules: [{ module: 'BasicPassword', flag: 'REQUIRED', options: { realm: 'Owned' } }] });

describe.each([false, true])('the anti-CSRF token across a login (keepSessionInfo: %s)', (keepSessionInfo) => {
  it('a token shown before the login is refused after it; the page shown after it has a fresh one that works', async () => {
    const { app, policies } = await portal({ stackOptions: { keepSessionInfo } });
    const realm = () => policies.describe().templates.find((t) => t.name === 'basic')!.modules[0]!.options.realm;

    // The attacker's session, planted in the victim's browser, and the token the attacker read for it.
    const jar = new Jar();
    const page = await request(app).get('/login');
    jar.take(page);
    const planted = formFields(page.text).csrf!;

    // The victim signs in on that page (as an administrator).
    const login = await request(app).post('/login').set('Cookie', jar.header()).type('form')
      .send({ _csrf: planted, j_username: 'alice', j_password: 'correct horse' });
    expect(login.status).toBe(303);
    jar.take(login);

    // The attacker's forged edit, sent by the victim's browser with the victim's cookies and the planted token.
    const forged = await request(app).post('/inspector/templates').set('Cookie', jar.header()).type('form')
      .send({ _csrf: planted, original: 'basic', template: edit });
    expect(forged.status).toBe(403);
    expect(forged.text).toContain('ERR_CSRF_TOKEN_INVALID');
    expect(realm()).toBeUndefined();

    // The victim's own form, shown after the login, works.
    const inspectorPage = await request(app).get('/inspector').set('Cookie', jar.header());
    jar.take(inspectorPage);
    const fresh = /name="_csrf" value="([^"]+)"/.exec(inspectorPage.text)![1]!;
    expect(fresh).not.toBe(planted);
    const own = await request(app).post('/inspector/templates').set('Cookie', jar.header()).type('form')
      .send({ _csrf: fresh, original: 'basic', template: edit });
    expect(own.status).toBe(303);
    expect(realm()).toBe('Owned');
  });
});
