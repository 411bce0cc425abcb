/** Failure responses (issue 4, item 4): a failed form login redirects to the login page with a generic message; API routes get 401. */
import request from 'supertest';
import { beforeAll, describe, expect, it } from 'vitest';
import type { Policies } from '../../src/policy/index.js';
import { app, setup } from './helpers.js';

let policies: Policies;
beforeAll(async () => {
  ({ policies } = await setup());
}, 60_000);

describe('failure responses by template', () => {
  it('form: a wrong password goes back to the login page, with no reason in the response', async () => {
    const server = app({ '/form': policies.protect('form'), '/basic': policies.protect('basic') });
    const res = await request(server).post('/form').type('form').send({ j_username: 'alice', j_password: 'wrong' });
    expect(res.status).toBe(302);
    expect(res.headers.location).toBe('/login?error=1');
    expect(res.text).not.toMatch(/ERR_|alice|password/i);

    const api = await request(server).get('/basic').set('Accept', 'application/json');
    expect(api.status).toBe(401);
    expect(api.headers['www-authenticate']).toMatch(/^Basic /);
  });

  it('a template may only redirect to a local path', () => {
    const t = { name: 'evil', modules: [{ module: 'BasicPassword', flag: 'REQUIRED' as const }] };
    expect(() => policies.defineTemplate({ ...t, failureRedirect: 'https://evil.example/' })).toThrow(/failureRedirect/);
    expect(() => policies.defineTemplate({ ...t, failureRedirect: '//evil.example/' })).toThrow(TypeError);
    policies.defineTemplate({ ...t, failureRedirect: '/signin' });
    expect(policies.templateNames()).toContain('evil');
  });
});
