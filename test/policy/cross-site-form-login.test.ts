/**
 * Login CSRF outside the login page: another site can make a browser POST a form (never an Authorization header).
 * A password module behind any POST route with a body parser refuses form credentials the browser marks as coming
 * from another origin, so the victim is not logged in (nor given a logon ticket) as the attacker.
 */
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Policies } from '../../src/policy/index.js';
import type { DecisionRecord } from '../../src/stack/decision-record.js';
import type { MemoryStateStore } from '../../src/state/memory-state-store.js';
import { app, basicAuth, cookieOf, setup } from './helpers.js';

let policies: Policies;
let state: MemoryStateStore;
const decisions: DecisionRecord[] = [];
beforeAll(async () => ({ policies, state } = await setup({ stackOptions: { session: false, onDecision: (r) => decisions.push(r) } })), 60_000);
afterAll(() => state.close());

const form = { username: 'alice', password: 'correct horse' };
const reasonOf = (r: DecisionRecord | undefined) => r?.calls.find((c) => c.module === 'password' && c.phase === 'login')?.error?.reason;

describe('form credentials from another site', () => {
  it.each([
    ['Sec-Fetch-Site: cross-site', { 'Sec-Fetch-Site': 'cross-site' }],
    ['Sec-Fetch-Site: same-site (a sibling subdomain)', { 'Sec-Fetch-Site': 'same-site' }],
    ['Origin: null (a sandboxed or privacy-redirected form)', { Origin: 'null' }],
  ])('%s: refused, no logon ticket, ERR_CREDENTIALS_CROSS_SITE in the record', async (_name, headers) => {
    const server = app({ '/orders': policies.protect('ticket') });
    const res = await request(server).post('/orders').set(headers).type('form').send(form);
    expect(res.status).toBe(401);
    expect(cookieOf(res)).toBeUndefined();
    expect(reasonOf(decisions.at(-1))).toBe('ERR_CREDENTIALS_CROSS_SITE');
  });

  it('the same form from the same origin, or from a client that sends no Fetch Metadata, logs in', async () => {
    const server = app({ '/orders': policies.protect('ticket') });
    const sameOrigin = await request(server).post('/orders').set('Sec-Fetch-Site', 'same-origin').type('form').send(form);
    expect(sameOrigin.status).toBe(200);
    expect(cookieOf(sameOrigin)).toBeDefined();
    const typedIn = await request(server).post('/orders').set('Sec-Fetch-Site', 'none').type('form').send(form); // the user's own navigation
    expect(typedIn.status).toBe(200);
    const script = await request(server).post('/orders').type('form').send(form);
    expect(script.status).toBe(200);
  });

  it('an Authorization header is read whatever the site: another site cannot make a browser send one', async () => {
    const server = app({ '/orders': policies.protect('ticket') });
    const res = await request(server).post('/orders').set('Sec-Fetch-Site', 'cross-site').set('Authorization', basicAuth('alice', 'correct horse'));
    expect(res.status).toBe(200);
  });
});
