/** protect() tags its handler with the template's name, so routes can be listed by walking an app's router. */
import express from 'express';
import { describe, expect, it } from 'vitest';
import { POLICY_TEMPLATE } from '../../src/policy/index.js';
import { listProtectedRoutes } from '../../src/web/index.js';
import { setup } from './helpers.js';

describe('the protect() handler tag', () => {
  it('names the template of a named and of an inline template; describe() reports failureRedirect', async () => {
    const { policies } = await setup();
    expect(policies.protect('ticket')[POLICY_TEMPLATE]).toEqual({ name: 'ticket', inline: false });
    const inline = policies.protect({ name: 'one_off', modules: [{ module: 'BasicPassword', flag: 'REQUIRED' }] });
    expect(inline[POLICY_TEMPLATE]).toEqual({ name: 'one_off', inline: true });
    expect(POLICY_TEMPLATE).toBe(Symbol.for('ticketstack.policy.template'));
    expect(policies.describe().templates.find((t) => t.name === 'form')?.failureRedirect).toBe('/login?error=1');
  });

  it('listProtectedRoutes walks routes, several methods, nested routers and app.use, and skips the rest', async () => {
    const { policies } = await setup();
    const app = express();
    app.get('/open', (_req, res) => void res.end());
    const guard = policies.protect('basic');
    app.route('/items').get(guard, (_req, res) => void res.end()).post(guard, (_req, res) => void res.end());
    const inner = express.Router();
    inner.all('/x', policies.protect({ name: 'adhoc', modules: [{ module: 'BasicPassword', flag: 'REQUIRED' }] }), (_req, res) => void res.end());
    const outer = express.Router();
    outer.use('/inner', inner);
    app.use('/outer', outer);
    app.use(policies.protect('ticket'));
    expect(listProtectedRoutes(app)).toEqual([
      { methods: ['GET', 'POST'], path: '/items', template: 'basic', inline: false },
      { methods: ['ALL'], path: '/outer/inner/x', template: 'adhoc', inline: true },
      { methods: ['USE'], path: '/', template: 'ticket', inline: false },
    ]);
    expect(listProtectedRoutes(null)).toEqual([]);
    expect(listProtectedRoutes({})).toEqual([]);
  });
});
