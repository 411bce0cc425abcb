/**
 * Acceptance: supertest over HTTPS with a test CA made in the test. A valid client certificate logs in; none is
 * ignored; an expired one, one from another CA, a self-signed one (and the other cases OpenSSL reports) fail, each
 * with its refusal code in the decision record.
 */
import type { Server } from 'node:https';
import { Passport } from 'passport';
import request from 'supertest';
import { beforeAll, describe, expect, it } from 'vitest';
import { createClientCertStrategy, type ClientCertStrategyOptions } from '../../src/modules/client-cert-module.js';
import { loginStack } from '../../src/stack/passport-adapter.js';
import type { DecisionRecord } from '../../src/stack/decision-record.js';
import { MemoryUserStore } from '../../src/users/memory-user-store.js';
import type { TestCertificate } from '../support/test-ca.js';
import { TEST_HASH_PARAMS } from './helpers.js';
import { httpsServer, makePki, type Pki } from './client-cert-setup.js';

let pki: Pki;
let users: MemoryUserStore;
beforeAll(async () => {
  pki = makePki();
  users = new MemoryUserStore({ hashParams: TEST_HASH_PARAMS });
  for (const id of ['Alice', 'carol', 'bob7']) await users.createUser({ id, password: 'unused', groups: ['staff'] });
  await users.createUser({ id: 'mallory', password: 'unused' });
  await users.revoke('mallory');
});

function server(options: ClientCertStrategyOptions = {}, extra: { ca?: string[]; crl?: string } = {}): { server: Server; records: DecisionRecord[] } {
  const records: DecisionRecord[] = [];
  const stack = loginStack([{ name: 'clientCert', flag: 'REQUIRED', module: createClientCertStrategy({ users, ...options }) }], {
    session: false,
    passport: new Passport(),
    onDecision: (r) => records.push(r),
  });
  return { server: httpsServer(pki, stack, extra), records };
}

/** GET /login over HTTPS, trusting the test CA, presenting `cert` (or none). */
const get = (s: Server, cert?: TestCertificate) => {
  const r = request(s).get('/login').ca(pki.ca.pem).set('Accept', 'application/json');
  return cert === undefined ? r : r.key(cert.keyPem).cert(cert.pem);
};

const clientCertCall = (records: DecisionRecord[]) => records.at(-1)?.calls.find((c) => c.module === 'clientCert' && c.phase === 'login');

describe('ClientCert over HTTPS', () => {
  it('a valid certificate logs in as the mapped user (CN, with the store\'s case and groups)', async () => {
    const { server: s, records } = server();
    const res = await get(s, pki.alice);
    expect(res.status).toBe(200);
    expect(res.body.user).toEqual({
      id: 'Alice',
      authMethod: 'client-certificate',
      groups: ['staff'],
      certificate: {
        subject: 'CN=alice, OU=people, O=TicketStack Tests',
        issuer: 'CN=TicketStack Test Root CA, O=TicketStack Tests, C=DE',
        serialNumber: pki.alice.serial.toString('hex'),
        sha256: pki.alice.sha256,
        validUntil: '2036-01-01T00:00:00.000Z',
      },
    });
    expect(clientCertCall(records)?.outcome).toBe('succeeded');
  });

  it('no certificate: the module is ignored (JAAS false), so the stack fails with ERR_STACK_ALL_IGNORED', async () => {
    const { server: s, records } = server();
    const res = await get(s);
    expect(res.status).toBe(401);
    expect(res.body).toEqual({ error: 'unauthorized', code: 'ERR_STACK_ALL_IGNORED' });
    expect(clientCertCall(records)).toMatchObject({ outcome: 'ignored' });
    expect(clientCertCall(records)?.error).toBeUndefined();
  });

  const refusals: [keyof Pki, string][] = [
    ['expired', 'ERR_CLIENT_CERT_EXPIRED'],
    ['notYetValid', 'ERR_CLIENT_CERT_NOT_YET_VALID'],
    ['fromOtherCa', 'ERR_CLIENT_CERT_UNTRUSTED'],
    ['selfSigned', 'ERR_CLIENT_CERT_UNTRUSTED'],
    ['serverOnly', 'ERR_CLIENT_CERT_WRONG_USAGE'],
  ];
  for (const [name, code] of refusals) {
    it(`${name}: failed with ${code} in the decision record; the client sees the generic 401`, async () => {
      const { server: s, records } = server();
      const res = await get(s, pki[name] as TestCertificate);
      expect(res.status).toBe(401);
      expect(res.body).toEqual({ error: 'unauthorized', code: 'ERR_LOGIN_FAILED' });
      expect(clientCertCall(records)).toMatchObject({ outcome: 'failed', error: { code: 'ERR_LOGIN_FAILED', reason: code } });
    });
  }

  it('a certificate in the server\'s CRL: ERR_CLIENT_CERT_REVOKED; the others still get in', async () => {
    const { server: s, records } = server({}, { crl: pki.crl });
    expect((await get(s, pki.revoked)).status).toBe(401);
    expect(clientCertCall(records)?.error?.reason).toBe('ERR_CLIENT_CERT_REVOKED');
    expect((await get(s, pki.alice)).status).toBe(200);
  });

  it('the user store decides: unknown user refused (requireUser), revoked user refused; requireUser false admits a virtual user', async () => {
    const events: { code: string; user?: string; subject?: string }[] = [];
    const { server: s, records } = server({ rules: [{ from: 'subject', attribute: 'OU' }], onRefusal: (e) => events.push(e) });
    expect((await get(s, pki.alice)).status).toBe(401); // OU=people: no such user
    expect(clientCertCall(records)?.error?.reason).toBe('ERR_CLIENT_CERT_UNKNOWN_USER');
    expect(events.at(-1)).toEqual({ code: 'ERR_CLIENT_CERT_UNKNOWN_USER', user: 'people', subject: 'CN=alice, OU=people, O=TicketStack Tests', issuer: expect.stringContaining('Test Root CA') });

    const table = server({ rules: [{ from: 'table', entries: [{ user: 'mallory', sha256: pki.alice.sha256 }] }] });
    expect((await get(table.server, pki.alice)).status).toBe(401);
    expect(clientCertCall(table.records)?.error?.reason).toBe('ERR_USER_REVOKED');

    const virtual = server({ rules: [{ from: 'subject', attribute: 'OU' }], requireUser: false });
    const res = await get(virtual.server, pki.alice);
    expect(res.status).toBe(200);
    expect(res.body.user).toMatchObject({ id: 'people', groups: [] });
  });

  it('caCertificates narrows what the server trusts: a CA the server accepts but this route does not is refused', async () => {
    const { server: s, records } = server({ caCertificates: [pki.ca.pem] }, { ca: [pki.ca.pem, pki.otherCa.pem] });
    expect((await get(s, pki.alice)).status).toBe(200);
    const other = await get(s, pki.fromOtherCa);
    expect(other.status).toBe(401);
    expect(clientCertCall(records)?.error?.reason).toBe('ERR_CLIENT_CERT_UNTRUSTED');
    // Without the narrowing, the server's own trust admits it.
    const wide = server({}, { ca: [pki.ca.pem, pki.otherCa.pem] });
    expect((await get(wide.server, pki.fromOtherCa)).status).toBe(200);
  });

  it('on plain HTTP there is no certificate: ignored', async () => {
    const express = (await import('express')).default;
    const records: DecisionRecord[] = [];
    const a = express();
    a.get('/login', loginStack([{ name: 'clientCert', flag: 'OPTIONAL', module: createClientCertStrategy() }], { session: false, passport: new Passport(), onDecision: (r) => records.push(r) }), (_req, res) => void res.send('ok'));
    expect((await request(a).get('/login')).status).toBe(401);
    expect(clientCertCall(records)?.outcome).toBe('ignored');
  });
});
