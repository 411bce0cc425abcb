/** Editing a template on the inspector: the API's validation, all or nothing, CSRF-protected, effective at the next request. */
import request from 'supertest';
import { describe, expect, it } from 'vitest';
import type { ModuleRegistration } from '../../src/policy/index.js';
import { CustomStrategy } from '../../src/modules/credentials.js';
import { basicAuth } from '../modules/helpers.js';
import { Jar, logIn, portal } from './helpers.js';

async function admin(options: Parameters<typeof portal>[0] = {}) {
  const p = await portal(options);
  const jar = new Jar();
  await logIn(p.app, jar, 'alice', 'correct horse');
  /** The inspector page, and its form token (the session is regenerated at each ticket login, so read it fresh). */
  const page = async () => {
    const res = await request(p.app).get('/inspector').set('Cookie', jar.header());
    jar.take(res);
    return { html: res.text, csrf: /name="_csrf" value="([^"]+)"/.exec(res.text)?.[1] ?? '' };
  };
  const post = async (template: string, original = '', accept = 'text/html') => {
    const { csrf } = await page();
    const res = await request(p.app).post('/inspector/templates').set('Cookie', jar.header()).set('Accept', accept).type('form').send({ _csrf: csrf, original, template });
    jar.take(res);
    return res;
  };
  return { ...p, jar, page, post };
}

const version = (p: { policies: { describe(): { templates: readonly { name: string; version: number }[] } } }, name: string) =>
  p.policies.describe().templates.find((t) => t.name === name)?.version;

describe('editing a template on the inspector', () => {
  it('the edit form holds the template as JSON in the shape defineTemplate takes', async () => {
    const { page } = await admin();
    const { html } = await page();
    const textarea = /<textarea id="json-portal_login"[^>]*>([\s\S]*?)<\/textarea>/.exec(html)![1]!;
    const json = JSON.parse(textarea.replace(/&quot;/g, '"').replace(/&amp;/g, '&').replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&#39;/g, "'"));
    expect(json).toEqual({
      name: 'portal_login',
      description: 'Form login that issues a logon ticket',
      failureRedirect: '/login?error=1',
      modules: [
        { module: 'BasicPassword', flag: 'REQUISITE', name: 'password', options: { usernameField: 'j_username', passwordField: 'j_password' } },
        { module: 'CreateTicket', flag: 'OPTIONAL', name: 'createTicket' },
      ],
    });
  });

  it('a valid change is saved and applies from the next request', async () => {
    const p = await admin({ extend: (a, policies) => a.get('/orders', policies.protect('basic'), (req, res) => void res.json({ user: (req.user as { id: string }).id })) });
    const challenge = async () => (await request(p.app).get('/orders')).headers['www-authenticate'];
    expect(await challenge()).toBe('Basic realm="ticketstack", charset="UTF-8"');
    const before = version(p, 'basic');
    const res = await p.post(JSON.stringify({ name: 'basic', modules: [{ module: 'BasicPassword', flag: 'REQUIRED', options: { realm: 'Orders' } }] }), 'basic');
    expect(res.status).toBe(303);
    expect(res.headers.location).toBe('/inspector/?saved=basic#template-basic');
    expect(version(p, 'basic')).toBeGreaterThan(before!);
    expect(await challenge()).toBe('Basic realm="Orders", charset="UTF-8"');
    expect((await request(p.app).get('/orders').set('Authorization', basicAuth('bob', 'battery staple'))).body).toEqual({ user: 'bob' });
    const after = await request(p.app).get(res.headers.location!).set('Cookie', p.jar.header());
    expect(after.text).toContain('<p class="alert ok" role="status">Template <strong>basic</strong> saved; it applies from the next request.</p>');
    expect(after.text).toContain('&quot;realm&quot;: &quot;Orders&quot;');
    // Only an existing template's name is echoed from the query string.
    const spoofed = await request(p.app).get('/inspector/?saved=All%20templates%20deleted').set('Cookie', p.jar.header());
    expect(spoofed.text).not.toContain('All templates deleted');
  });

  it.each([
    ['not JSON', '{ "name": "basic", ', /not valid JSON: /],
    ['an unknown flag', JSON.stringify({ name: 'basic', modules: [{ module: 'BasicPassword', flag: 'MANDATORY' }] }), /policy template &#39;basic&#39;, module &#39;BasicPassword&#39; \(#0\): unknown flag &quot;MANDATORY&quot;/],
    ['an unknown module', JSON.stringify({ name: 'basic', modules: [{ module: 'Kerberos', flag: 'REQUIRED' }] }), /unknown module &#39;Kerberos&#39;/],
    ['an unknown option', JSON.stringify({ name: 'basic', modules: [{ module: 'BasicPassword', flag: 'REQUIRED', options: { pasword: 'x' } }] }), /unknown option &#39;pasword&#39; for module BasicPassword/],
    ['a bad option value', JSON.stringify({ name: 'ticket', modules: [{ module: 'CreateTicket', flag: 'OPTIONAL', options: { lifetimeMinutes: -5 } }] }), /lifetimeMinutes/],
    ['an open failureRedirect', JSON.stringify({ name: 'basic', failureRedirect: '//evil.example', modules: [{ module: 'BasicPassword', flag: 'REQUIRED' }] }), /&#39;failureRedirect&#39; must be a local path/],
    ['an empty body', '   ', /the template JSON is empty/],
  ])('%s: shows the message, answers 400 ERR_TEMPLATE_INVALID, changes nothing', async (_label, body, message) => {
    const p = await admin();
    const before = JSON.stringify(p.policies.describe());
    const res = await p.post(body, 'basic');
    expect(res.status).toBe(400);
    expect(res.text).toContain('<div id="edit-error" class="alert error" role="alert"><strong>The change was refused; nothing was changed.</strong> <code>ERR_TEMPLATE_INVALID</code>');
    expect(res.text).toMatch(message);
    // The submitted text stays in the (open) form, tied to the message.
    expect(res.text).toMatch(/<details open><summary>Edit template basic<\/summary>/);
    expect(res.text).toMatch(/<textarea id="json-basic" name="template" spellcheck="false" aria-describedby="json-basic-help edit-error" aria-invalid="true">/);
    expect(JSON.stringify(p.policies.describe())).toBe(before);
  });

  it('answers a JSON client with the code and the message', async () => {
    const p = await admin();
    const res = await p.post('{', 'basic', 'application/json');
    expect(res.status).toBe(400);
    expect(res.body.code).toBe('ERR_TEMPLATE_INVALID');
    expect(res.body.message).toMatch(/^not valid JSON: /);
  });

  it('escapes the submitted text and the message when showing them again', async () => {
    const p = await admin();
    const res = await p.post(JSON.stringify({ name: 'x</textarea><script>alert(1)</script>', modules: [] }));
    expect(res.status).toBe(400);
    expect(res.text).not.toMatch(/<script/i);
    expect(res.text).toContain('x&lt;/textarea&gt;&lt;script&gt;alert(1)&lt;/script&gt;');
  });

  it('never stores a masked secret: the mask sent back unchanged is refused', async () => {
    const secretModule: ModuleRegistration = {
      optionKeys: ['sharedSecret'],
      secretOptions: ['sharedSecret'],
      create: () => new CustomStrategy(function (this: { pass(): void }) {
        this.pass();
      }),
    };
    const p = await admin({
      policies: { templates: [{ name: 'api', modules: [{ module: 'Key', flag: 'REQUIRED', options: { sharedSecret: 'hunter2' } }] }], moduleFactories: { Key: secretModule } },
    });
    const res = await p.post(JSON.stringify({ name: 'api', modules: [{ module: 'Key', flag: 'REQUIRED', options: { sharedSecret: '***' } }] }), 'api');
    expect(res.status).toBe(400);
    expect(res.text).toContain('option &#39;sharedSecret&#39; still holds the mask ***');
    expect(p.policies.describe().templates.find((t) => t.name === 'api')?.version).toBe(version(p, 'api'));
    const retyped = await p.post(JSON.stringify({ name: 'api', modules: [{ module: 'Key', flag: 'REQUIRED', options: { sharedSecret: 'new-secret' } }] }), 'api');
    expect(retyped.status).toBe(303);
  });

  it('refuses a POST without the session\'s token (403 ERR_CSRF_TOKEN_INVALID) and changes nothing', async () => {
    const p = await admin();
    const before = JSON.stringify(p.policies.describe());
    const body = JSON.stringify({ name: 'basic', modules: [{ module: 'EvaluateTicket', flag: 'OPTIONAL' }] });
    for (const csrf of [undefined, '', 'forged']) {
      const res = await request(p.app).post('/inspector/templates').set('Cookie', p.jar.header()).type('form').send({ ...(csrf === undefined ? {} : { _csrf: csrf }), template: body });
      expect(res.status).toBe(403);
      expect(res.text).toContain('<code>ERR_CSRF_TOKEN_INVALID</code>');
    }
    expect(JSON.stringify(p.policies.describe())).toBe(before);
  });

  it('a user outside the group cannot edit, even with a valid token of his own session', async () => {
    const p = await portal();
    const jar = new Jar();
    await logIn(p.app, jar, 'bob', 'battery staple');
    const login = await request(p.app).get('/login').set('Cookie', jar.header()); // any page that sets the session token
    jar.take(login);
    const csrf = /name="_csrf" value="([^"]+)"/.exec(login.text)![1];
    const res = await request(p.app).post('/inspector/templates').set('Cookie', jar.header()).type('form')
      .send({ _csrf: csrf, template: JSON.stringify({ name: 'basic', modules: [{ module: 'EvaluateTicket', flag: 'OPTIONAL' }] }) });
    expect(res.status).toBe(403);
    expect(res.text).toContain('<code>ERR_INSPECTOR_FORBIDDEN</code>');
  });

  it('reports each change to onTemplateChange (for an audit log), and allowEdit: false removes the forms', async () => {
    const events: unknown[] = [];
    const p = await admin({ inspector: { onTemplateChange: (e) => void events.push(e) } });
    await p.post(JSON.stringify({ name: 'extra', modules: [{ module: 'BasicPassword', flag: 'REQUIRED' }] }));
    expect(events).toEqual([{ user: 'alice', template: 'extra', version: version(p, 'extra') }]);
    const ro = await admin({ inspector: { allowEdit: false } });
    const { html } = await ro.page();
    expect(html).not.toContain('<textarea');
    const before = JSON.stringify(ro.policies.describe());
    expect((await ro.post(JSON.stringify({ name: 'extra', modules: [{ module: 'BasicPassword', flag: 'REQUIRED' }] }))).status).toBe(404);
    expect(JSON.stringify(ro.policies.describe())).toBe(before);
  });
});
