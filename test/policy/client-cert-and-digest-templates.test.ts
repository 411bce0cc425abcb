/**
 * Acceptance: the `client_cert` and `digest` templates as data in a policy set, each with CreateTicket OPTIONAL, so
 * that a client certificate login (supertest over HTTPS, test CA) and a Digest login (curl --digest) each receive a
 * MYSAPSSO2 logon ticket, which then admits the user on a `ticket` route.
 */
import { execFile } from 'node:child_process';
import type { Server } from 'node:http';
import { createServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import { promisify } from 'node:util';
import { Passport } from 'passport';
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Keystore } from '../../src/keystore/index.js';
import { createPolicies, CLIENT_CERT_TEMPLATE, DIGEST_TEMPLATE, type Policies } from '../../src/policy/index.js';
import type { DecisionRecord } from '../../src/stack/decision-record.js';
import { MemoryStateStore } from '../../src/state/memory-state-store.js';
import { verifyTicket } from '../../src/ticket/index.js';
import { MemoryUserStore } from '../../src/users/memory-user-store.js';
import { SignOnGuard } from '../../src/users/sign-on-guard.js';
import { makePki, type Pki } from '../modules/client-cert-setup.js';
import { TEST_HASH_PARAMS } from '../modules/helpers.js';
import { closeServer } from '../modules/digest-setup.js';
import type { TestCertificate } from '../support/test-ca.js';
import { app, cookieOf, setup } from './helpers.js';

const run = promisify(execFile);
const SECRET = 'the digest nonce secret of this policy set, 32+ bytes';

let pki: Pki;
let keystore: Keystore;
let state: MemoryStateStore;
let policies: Policies;
const records: DecisionRecord[] = [];
beforeAll(async () => {
  pki = makePki();
  keystore = await Keystore.generate({ sid: 'J2E', client: '000' });
  const users = new MemoryUserStore({ hashParams: TEST_HASH_PARAMS, digestRealms: ['ticketstack'] });
  await users.createUser({ id: 'alice', password: 'correct horse', groups: ['staff'] });
  state = new MemoryStateStore();
  policies = createPolicies({
    dependencies: { keystore, users, guard: new SignOnGuard({ users, state }), state, passport: new Passport(), digestNonceSecret: SECRET },
    stackOptions: { session: false, onDecision: (r) => records.push(r) },
  });
}, 60_000);
afterAll(() => state.close());

const reason = (module: string) => records.at(-1)?.calls.find((c) => c.module === module && c.phase === 'login')?.error?.reason;

describe('the client_cert template', () => {
  it('is data: ClientCert REQUIRED, CreateTicket OPTIONAL', () => {
    expect(JSON.parse(JSON.stringify(CLIENT_CERT_TEMPLATE))).toEqual({
      name: 'client_cert',
      description: expect.any(String),
      modules: [
        { module: 'ClientCert', flag: 'REQUIRED', name: 'clientCert' },
        { module: 'CreateTicket', flag: 'OPTIONAL', name: 'createTicket' },
      ],
    });
  });

  it('over HTTPS: a valid certificate logs in and receives a MYSAPSSO2 ticket, which then opens a `ticket` route', async () => {
    const server = createServer(
      { key: pki.server.keyPem, cert: pki.server.pem, ca: [pki.ca.pem], requestCert: true, rejectUnauthorized: false },
      app({ '/login': policies.protect('client_cert'), '/orders': policies.protect('ticket') }),
    );
    const get = (path: string, cert?: TestCertificate) => {
      const r = request(server).get(path).ca(pki.ca.pem).set('Accept', 'application/json');
      return cert === undefined ? r : r.key(cert.keyPem).cert(cert.pem);
    };
    // The CN "alice" is the store's user alice.
    const login = await get('/login', pki.alice);
    expect(login.status).toBe(200);
    expect(login.body.user).toMatchObject({ id: 'alice', authMethod: 'client-certificate', groups: ['staff'] });
    const cookie = cookieOf(login);
    expect(cookie).toBeDefined();
    expect(([] as string[]).concat(login.headers['set-cookie'] ?? [])[0]).toMatch(/; HttpOnly; Secure; SameSite=Lax/);
    expect(verifyTicket(decodeURIComponent(cookie!.slice('MYSAPSSO2='.length)), { keystore })).toMatchObject({ user: 'ALICE', portalUser: 'alice' }); // AS Java's shape: ABAP user in capitals, portal user as is

    const orders = await get('/orders').set('Cookie', cookie!);
    expect(orders.status).toBe(200);
    expect(orders.body.user).toMatchObject({ id: 'alice', authMethod: 'logon-ticket' });

    // Expired, from another CA: failed with the code, no ticket. None: ignored, no ticket.
    for (const [cert, code] of [
      [pki.expired, 'ERR_CLIENT_CERT_EXPIRED'],
      [pki.fromOtherCa, 'ERR_CLIENT_CERT_UNTRUSTED'],
    ] as const) {
      const res = await get('/login', cert);
      expect(res.status).toBe(401);
      expect(cookieOf(res)).toBeUndefined();
      expect(reason('clientCert')).toBe(code);
    }
    const none = await get('/login');
    expect(none.status).toBe(401);
    expect(none.body.code).toBe('ERR_STACK_ALL_IGNORED');
    expect(records.at(-1)?.calls.find((c) => c.module === 'clientCert')?.outcome).toBe('ignored');
    expect(cookieOf(none)).toBeUndefined();
  });
});

describe('the digest template', () => {
  let server: Server;
  let base: string;
  beforeAll(async () => {
    server = app({ '/login': policies.protect('digest') }).listen(0, '127.0.0.1');
    await new Promise((r) => server.once('listening', r));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(() => closeServer(server));

  const curl = async (credentials: string) => {
    const { stdout } = await run('curl', ['--silent', '--digest', '--user', credentials, '--dump-header', '-', '--output', '/dev/null', `${base}/login`], { encoding: 'utf8' });
    const final = stdout.slice(stdout.lastIndexOf('HTTP/1.1 '));
    return { status: Number(final.slice(9, 12)), headers: final };
  };

  it('is data: Digest REQUIRED, CreateTicket OPTIONAL', () => {
    expect(DIGEST_TEMPLATE.modules.map((m) => [m.module, m.flag])).toEqual([
      ['Digest', 'REQUIRED'],
      ['CreateTicket', 'OPTIONAL'],
    ]);
  });

  it('curl --digest logs in and receives a MYSAPSSO2 ticket and Authentication-Info; a wrong password gets neither', async () => {
    const ok = await curl('alice:correct horse');
    expect(ok.status).toBe(200);
    const cookie = /^Set-Cookie: MYSAPSSO2=([^;]+);/im.exec(ok.headers)?.[1];
    expect(cookie).toBeDefined();
    expect(verifyTicket(decodeURIComponent(cookie!), { keystore })).toMatchObject({ user: 'ALICE', portalUser: 'alice' });
    expect(ok.headers).toMatch(/^Authentication-Info: qop=auth, rspauth=/im);

    const wrong = await curl('alice:wrong');
    expect(wrong.status).toBe(401);
    expect(wrong.headers).not.toMatch(/Set-Cookie|Authentication-Info/i);
    expect(reason('digest')).toBe('ERR_DIGEST_REFUSED');
  });
});

describe('availability and options', () => {
  it('without digestNonceSecret (or a store with the realm) the digest built-in is unavailable: protect() says why, the rest works', async () => {
    const { policies: plain, state: s } = await setup();
    try {
      expect(() => plain.protect('digest')).toThrow(/built-in policy template 'digest', module 'digest' \(#0\): the Digest module needs dependencies\.digestNonceSecret/);
      expect(plain.describe().templates.find((t) => t.name === 'digest')).toMatchObject({ builtin: true, unavailable: expect.stringContaining('digestNonceSecret') });
      expect(plain.describe().templates.find((t) => t.name === 'client_cert')?.unavailable).toBeUndefined();
      expect(() => plain.protect('client_cert')).not.toThrow();
    } finally {
      await s.close();
    }
  });

  it('a set that would leave a protected route on an unavailable built-in is refused whole', async () => {
    const { policies: plain, state: s } = await setup();
    try {
      plain.defineTemplate({ name: 'digest', modules: [{ module: 'BasicPassword', flag: 'REQUIRED' }] }); // an override
      plain.protect('digest');
      expect(() => plain.replaceTemplates([])).toThrow(/template 'digest' is used by protect\(\), and the built-in it falls back to is unavailable/);
      expect(plain.describe().templates.find((t) => t.name === 'digest')).toMatchObject({ builtin: false });
    } finally {
      await s.close();
    }
  });

  it('a store without the realm: the reason names digestRealms', async () => {
    const users = new MemoryUserStore({ hashParams: TEST_HASH_PARAMS });
    const s = new MemoryStateStore();
    const p = createPolicies({ dependencies: { keystore, users, guard: new SignOnGuard({ users, state: s }), state: s, passport: new Passport(), digestNonceSecret: SECRET } });
    expect(() => p.protect('digest')).toThrow(/digestRealms: \["ticketstack"\]/);
    await s.close();
  });

  it('ClientCert and Digest options are template data; unknown ones are refused; describe() shows them', () => {
    policies.defineTemplate({
      name: 'partner_certs',
      modules: [
        { module: 'ClientCert', flag: 'REQUIRED', options: { rules: [{ from: 'table', entries: [{ user: 'alice', sha256: pki.alice.sha256 }] }], caCertificates: [pki.ca.pem], requireUser: true } },
        { module: 'CreateTicket', flag: 'OPTIONAL' },
      ],
    });
    policies.defineTemplate({ name: 'digest_strict', modules: [{ module: 'Digest', flag: 'REQUIRED', options: { algorithms: ['SHA-256', 'SHA-256-sess'], userhash: true, nonceLifetimeSeconds: 60 } }] });
    expect(() => policies.defineTemplate({ name: 'bad', modules: [{ module: 'Digest', flag: 'REQUIRED', options: { nonceSecret: 'x'.repeat(40) } }] })).toThrow(/unknown option 'nonceSecret' for module Digest/);
    expect(() => policies.defineTemplate({ name: 'bad', modules: [{ module: 'ClientCert', flag: 'REQUIRED', options: { rules: [{ from: 'nope' }] } }] })).toThrow(/policy template 'bad', module 'ClientCert' \(#0\): createClientCertStrategy: rules\[0\]\.from/);
    const described = policies.describe().templates.find((t) => t.name === 'digest_strict')!;
    expect(described.modules[0]).toMatchObject({ module: 'Digest', options: { algorithms: ['SHA-256', 'SHA-256-sess'], userhash: true, nonceLifetimeSeconds: 60 } });
  });
});
