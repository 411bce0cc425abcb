import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BUILTIN_TEMPLATES, type Policies } from '../../src/policy/index.js';
import type { MemoryStateStore } from '../../src/state/memory-state-store.js';
import { app, basicAuth, cookieOf, setup } from './helpers.js';

// The built-in templates (sap-logon-ticket.md §3.1) as data, compiled by the policy.
let policies: Policies;
let state: MemoryStateStore;
beforeAll(async () => ({ policies, state } = await setup()), 60_000);
afterAll(() => state.close());

describe('built-in templates', () => {
  it('are data: basic, form, ticket, evaluate_assertion_ticket, client_cert, digest (SAP\'s six)', () => {
    expect(BUILTIN_TEMPLATES.map((t) => t.name)).toEqual(['basic', 'form', 'ticket', 'evaluate_assertion_ticket', 'client_cert', 'digest']);
    expect(JSON.parse(JSON.stringify(BUILTIN_TEMPLATES))).toEqual(BUILTIN_TEMPLATES);
    const ticket = policies.describe().templates.find((t) => t.name === 'ticket')!;
    expect(ticket.modules.map((m) => [m.module, m.flag])).toEqual([
      ['EvaluateTicket', 'SUFFICIENT'],
      ['BasicPassword', 'REQUISITE'],
      ['CreateTicket', 'OPTIONAL'],
    ]);
  });

  it('ticket: a password login issues MYSAPSSO2, then the ticket alone admits another route', async () => {
    const server = app({ '/login': policies.protect('ticket'), '/other': policies.protect('ticket') });
    const none = await request(server).get('/login');
    expect(none.status).toBe(401);
    expect(none.headers['www-authenticate']).toMatch(/^Basic realm=/);

    const login = await request(server).get('/login').set('Authorization', basicAuth('alice', 'correct horse'));
    expect(login.status).toBe(200);
    expect(login.body.user).toMatchObject({ id: 'alice', authMethod: 'password' });
    const cookie = cookieOf(login);
    expect(cookie).toBeDefined();

    const other = await request(server).get('/other').set('Cookie', cookie!);
    expect(other.status).toBe(200);
    expect(other.body.user).toMatchObject({ id: 'alice', authMethod: 'logon-ticket' });
    expect(cookieOf(other)).toBeUndefined();

    const wrong = await request(server).get('/login').set('Authorization', basicAuth('alice', 'wrong'));
    expect(wrong.status).toBe(401);
  });

  it('basic issues no ticket; form reads j_username / j_password', async () => {
    const server = app({ '/basic': policies.protect('basic'), '/form': policies.protect('form') });
    const basic = await request(server).get('/basic').set('Authorization', basicAuth('alice', 'correct horse'));
    expect(basic.status).toBe(200);
    expect(cookieOf(basic)).toBeUndefined();
    const form = await request(server).post('/form').type('form').send({ j_username: 'alice', j_password: 'correct horse' });
    expect(form.status).toBe(200);
    expect(form.body.user).toMatchObject({ id: 'alice' });
  });

  it('evaluate_assertion_ticket compiles and refuses a request without a ticket', async () => {
    const server = app({ '/a': policies.protect('evaluate_assertion_ticket') });
    expect((await request(server).get('/a')).status).toBe(401);
  });

  it('protect() takes an inline template; unknown template names are refused', async () => {
    const server = app({ '/x': policies.protect({ name: 'inline', modules: [{ module: 'BasicPassword', flag: 'REQUIRED' }] }) });
    expect((await request(server).get('/x').set('Authorization', basicAuth('alice', 'correct horse'))).status).toBe(200);
    expect(() => policies.protect('nope')).toThrow(/'nope'/);
  });
});
