import { Passport } from 'passport';
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Keystore } from '../../src/keystore/index.js';
import { createBasicPasswordStrategy } from '../../src/modules/basic-password-module.js';
import { clearTicketCookie, createCreateTicketStrategy } from '../../src/modules/create-ticket-module.js';
import { createEvaluateTicketStrategy } from '../../src/modules/evaluate-ticket-module.js';
import type { DecisionRecord } from '../../src/stack/decision-record.js';
import { loginStack } from '../../src/stack/passport-adapter.js';
import { MemoryStateStore } from '../../src/state/memory-state-store.js';
import { encodeTicketText, issueTicket } from '../../src/ticket/index.js';
import { MemoryUserStore } from '../../src/users/memory-user-store.js';
import { SignOnGuard } from '../../src/users/sign-on-guard.js';
import { app, basicAuth, loginCalls, NOW, TEST_HASH_PARAMS } from './helpers.js';

// The `ticket` stack (sap-logon-ticket.md §3): EvaluateTicket SUFFICIENT, BasicPassword REQUISITE, CreateTicket OPTIONAL.
let keystore: Keystore;
let stranger: Keystore;
const state = new MemoryStateStore();
const records: DecisionRecord[] = [];
const ticketRefusals: string[] = [];
let server: ReturnType<typeof app>;

beforeAll(async () => {
  keystore = await Keystore.generate({ sid: 'J2E', client: '000' });
  stranger = await Keystore.generate({ sid: 'J2E', client: '000' });
  const users = new MemoryUserStore({ hashParams: TEST_HASH_PARAMS });
  await users.createUser({ id: 'alice', password: 'correct horse' });
  const evaluate = createEvaluateTicketStrategy({ keystore, now: NOW, onRefusal: (e) => ticketRefusals.push(e.code) });
  const password = createBasicPasswordStrategy({ users, guard: new SignOnGuard({ users, state }) });
  const create = createCreateTicketStrategy({ keystore, now: NOW });
  const stack = loginStack(
    [
      { name: 'ticket', flag: 'SUFFICIENT', module: evaluate },
      { name: 'password', flag: 'REQUISITE', module: password },
      { name: 'createTicket', flag: 'OPTIONAL', module: create, commit: create.commit },
    ],
    { session: false, passport: new Passport(), name: 'ticket', onDecision: (r) => records.push(r) },
  );
  server = app(stack);
}, 60_000);
afterAll(() => state.close());

const cookieOf = (res: request.Response): string | undefined =>
  ([] as string[]).concat(res.headers['set-cookie'] ?? []).find((c) => c.startsWith('MYSAPSSO2='));

describe('the ticket stack', () => {
  it('asks for a password when there is no ticket', async () => {
    const res = await request(server).get('/login');
    expect(res.status).toBe(401);
    expect(res.headers['www-authenticate']).toMatch(/^Basic realm=/);
    expect(loginCalls(records.at(-1))).toEqual({ ticket: 'ignored', password: 'failed' });
  });

  it('issues MYSAPSSO2 after a password login, then admits another route by the ticket alone', async () => {
    const login = await request(server).get('/login').set('Authorization', basicAuth('alice', 'correct horse'));
    expect(login.status).toBe(200);
    expect(login.body.user).toMatchObject({ id: 'alice', authMethod: 'password' });
    const cookie = cookieOf(login)!;
    expect(cookie).toBeDefined();
    const attrs = cookie.split(';').map((s) => s.trim().toLowerCase());
    expect(attrs).toEqual(expect.arrayContaining(['httponly', 'secure', 'samesite=lax', 'path=/']));
    expect(attrs.some((a) => a.startsWith('domain=') || a.startsWith('expires=') || a.startsWith('max-age='))).toBe(false);

    const other = await request(server).get('/other').set('Cookie', cookie.split(';')[0]!);
    expect(other.status).toBe(200);
    expect(other.body.user).toMatchObject({ id: 'alice', authMethod: 'logon-ticket', issuer: { sid: 'J2E', client: '000' } });
    expect(cookieOf(other)).toBeUndefined(); // no new ticket when one was carried
    const record = records.at(-1)!;
    expect(record.creditedModule).toBe('ticket');
    expect(loginCalls(record)).toEqual({ ticket: 'succeeded' }); // BasicPassword not called
  });

  it('falls through to the password module on a forged, expired or untrusted ticket', async () => {
    // Forged: the user changed in the signed bytes (§1.4: the digest no longer matches).
    const bytes = Buffer.from(issueTicket({ keystore, user: 'alice', now: NOW }).bytes);
    for (let i = bytes.indexOf('alice'); i >= 0; i = bytes.indexOf('alice', i + 1)) bytes.write('admin', i);
    const forged = encodeTicketText(bytes);
    const expired = issueTicket({ keystore, user: 'alice', now: new Date(NOW.getTime() - 9 * 3600_000) }).text;
    const untrusted = issueTicket({ keystore: stranger, user: 'alice', now: NOW }).text;
    for (const [text, codes] of [
      [forged, ['ERR_TICKET_SIGNATURE_INVALID', 'ERR_TICKET_DIGEST_MISMATCH']],
      [expired, ['ERR_TICKET_EXPIRED']],
      [untrusted, ['ERR_TICKET_SIGNER_UNKNOWN', 'ERR_TICKET_SIGNATURE_INVALID']],
    ] as const) {
      ticketRefusals.length = 0;
      const res = await request(server).get('/other').set('Cookie', `MYSAPSSO2=${text}`);
      expect(res.status).toBe(401);
      expect(loginCalls(records.at(-1))).toEqual({ ticket: 'failed', password: 'failed' });
      expect(codes).toContain(ticketRefusals[0]);
      // The decision record says why the ticket was refused; the response does not.
      const ticketCall = records.at(-1)!.calls.find((c) => c.module === 'ticket' && c.phase === 'login');
      expect(ticketCall?.error?.reason).toBe(ticketRefusals[0]);
      expect(res.text).not.toContain('ERR_TICKET');
      const withPassword = await request(server).get('/other').set('Cookie', `MYSAPSSO2=${text}`).set('Authorization', basicAuth('alice', 'correct horse'));
      expect(withPassword.status).toBe(200);
      expect(cookieOf(withPassword)).toBeDefined();
    }
  });
});

describe('module options and logout', () => {
  it('reject unknown option keys by name', () => {
    expect(() => createEvaluateTicketStrategy({ keystore, tolerance: 3 } as never)).toThrow(/unknown option "tolerance"/);
    expect(() => createCreateTicketStrategy({ keystore, lifetime: 60 } as never)).toThrow(/unknown option "lifetime"/);
    expect(() => createEvaluateTicketStrategy({ keystore, authScheme: 'x509' })).toThrow(TypeError);
  });

  it('reads req.cookies when cookie-parser ran (URL-decoded value)', async () => {
    const evaluate = createEvaluateTicketStrategy({ keystore, now: NOW });
    const text = issueTicket({ keystore, user: 'alice', portalUser: 'alice.portal', now: NOW }).text;
    const user = await new Promise((resolve) => {
      const s = Object.assign(Object.create(evaluate), { success: resolve, fail: () => resolve('fail'), pass: () => resolve('pass'), error: resolve });
      s.authenticate({ headers: {}, cookies: { MYSAPSSO2: decodeURIComponent(text) } }, {});
    });
    expect(user).toMatchObject({ id: 'alice.portal', authMethod: 'logon-ticket' }); // portal user first (§3)
  });

  it('clearTicketCookie expires MYSAPSSO2 on the same path', async () => {
    const express = (await import('express')).default;
    const a = express();
    a.post('/logout', (_req, res) => {
      clearTicketCookie(res);
      res.sendStatus(204);
    });
    const cookie = cookieOf(await request(a).post('/logout'))!;
    expect(cookie).toMatch(/^MYSAPSSO2=;/);
    expect(cookie).toMatch(/Path=\//);
    expect(cookie).toMatch(/Expires=Thu, 01 Jan 1970/);
  });
});
