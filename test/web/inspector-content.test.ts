/** What the inspector shows: every protected route with its template, every template with masked secrets, the last decisions. */
import express from 'express';
import request from 'supertest';
import { describe, expect, it } from 'vitest';
import type { ModuleRegistration } from '../../src/policy/index.js';
import { CustomStrategy } from '../../src/modules/credentials.js';
import { Jar, logIn, portal } from './helpers.js';

/** A module with a secret option, as an application would register it. */
const headerKey: ModuleRegistration = {
  optionKeys: ['header', 'sharedSecret'],
  secretOptions: ['sharedSecret'],
  create: () => new CustomStrategy(function (this: { pass(): void }) {
    this.pass();
  }),
};

async function admin(extend?: Parameters<typeof portal>[0]) {
  const p = await portal(extend);
  const jar = new Jar();
  await logIn(p.app, jar, 'alice', 'correct horse');
  return { ...p, jar };
}

describe('inspector content', () => {
  it('lists every protected route, also nested and not yet used, with its template and module chain', async () => {
    const { app, jar } = await admin({
      policies: {
        templates: [{ name: 'api_key', modules: [{ module: 'HeaderKey', flag: 'REQUIRED', options: { header: 'x-key', sharedSecret: 'hunter2' } }] }],
        moduleFactories: { HeaderKey: headerKey },
      },
      extend: (a, policies) => {
        const api = express.Router();
        api.get('/orders/:id', policies.protect('ticket'), (_req, res) => void res.end());
        api.post('/orders', policies.protect('api_key'), (_req, res) => void res.end());
        a.use('/api', api);
        a.use('/admin-area', policies.protect('basic'));
        a.get('/public', (_req, res) => void res.end());
      },
    });
    const res = await request(app).get('/inspector').set('Cookie', jar.header()).set('Accept', 'application/json');
    expect(res.status).toBe(200);
    expect(res.body.routes).toEqual([
      { methods: ['POST'], path: '/login', template: 'portal_login', inline: false },
      { methods: ['GET'], path: '/home', template: 'portal_page', inline: false },
      { methods: ['GET'], path: '/inspector', template: 'portal_page', inline: false },
      { methods: ['POST'], path: '/inspector/templates', template: 'portal_page', inline: false },
      { methods: ['GET'], path: '/api/orders/:id', template: 'ticket', inline: false },
      { methods: ['POST'], path: '/api/orders', template: 'api_key', inline: false },
      { methods: ['USE'], path: '/admin-area', template: 'basic', inline: false },
    ]);
    const html = (await request(app).get('/inspector').set('Cookie', jar.header())).text;
    expect(html).toContain('<code>/api/orders/:id</code></td><td><a href="#template-ticket">ticket</a></td><td>EvaluateTicket SUFFICIENT → BasicPassword REQUISITE → CreateTicket OPTIONAL</td>');
  });

  it('shows every template with modules, flags and options, and never a secret', async () => {
    const { app, jar } = await admin({
      policies: {
        templates: [{ name: 'api_key', description: 'Shared <key>', modules: [{ module: 'HeaderKey', flag: 'REQUIRED', options: { header: 'x-key', sharedSecret: 'hunter2' } }] }],
        moduleFactories: { HeaderKey: headerKey },
      },
    });
    const html = (await request(app).get('/inspector').set('Cookie', jar.header())).text;
    expect(html).not.toContain('hunter2');
    expect(html).toContain('&quot;sharedSecret&quot;: &quot;***&quot;');
    expect(html).toContain('&quot;header&quot;: &quot;x-key&quot;');
    expect(html).toContain('Shared &lt;key&gt;');
    for (const name of ['basic', 'form', 'ticket', 'evaluate_assertion_ticket', 'portal_login', 'portal_page', 'api_key']) {
      expect(html).toContain(`<section class="template" id="template-${name}"`);
    }
    expect(html).toMatch(/<td>EvaluateTicket<\/td><td><strong>SUFFICIENT<\/strong><\/td>/);
    expect(html).toContain('A failed login redirects to <code>/login?error=1</code>.');
    // A built-in template these dependencies cannot run says so (digest needs digestNonceSecret).
    const digest = html.slice(html.indexOf('<section class="template" id="template-digest"'));
    expect(digest.slice(0, digest.indexOf('</section>'))).toMatch(/<p class="alert error">Not available with this configuration: [^<]*digestNonceSecret/);
    const json = await request(app).get('/inspector').set('Cookie', jar.header()).set('Accept', 'application/json');
    expect(JSON.stringify(json.body)).not.toContain('hunter2');
  });

  it('shows the last decisions: template, route, outcome, modules with flag, phase, outcome and error code and reason', async () => {
    const { app, jar } = await admin();
    await logIn(app, new Jar(), 'bob', 'not his password');
    await request(app).get('/home').set('Cookie', 'MYSAPSSO2=AjQxMDMBABhKAA');
    const res = await request(app).get('/inspector').set('Cookie', jar.header());
    const html = res.text;
    const rows = html.slice(html.indexOf('<h2 id="decisions">'));
    // newest first: the forged ticket on /home, then bob's failed form login, then alice's successful one
    const routes = [...rows.matchAll(/<td><code>(GET|POST) ([^<]+)<\/code><\/td>/g)].map((m) => `${m[1]} ${m[2]}`);
    expect(routes.slice(0, 4)).toEqual(['GET /inspector/', 'GET /home', 'POST /login', 'POST /login']);
    expect(rows).toContain('<td class="outcome-failure">failure (302)</td>');
    expect(rows).toContain('ticket <span class="muted">REQUIRED, login</span>: <span class="outcome-failed">failed</span> <code>ERR_LOGIN_FAILED</code> <code>ERR_TICKET_TRUNCATED</code>');
    expect(rows).toContain('password <span class="muted">REQUISITE, login</span>: <span class="outcome-failed">failed</span> <code>ERR_LOGIN_FAILED</code> <code>ERR_PASSWORD_REFUSED</code>');
    expect(rows).toContain('createTicket <span class="muted">OPTIONAL, commit</span>: <span class="outcome-succeeded">succeeded</span>');
    expect(rows).not.toMatch(/bob|alice/);
  });
});
