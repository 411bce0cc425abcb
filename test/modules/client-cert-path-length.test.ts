/**
 * A certificate from a proxy's header is verified here as OpenSSL verifies a TLS client's chain, path length
 * constraints included (RFC 5280 §4.2.1.9): a CA that may have no CA below it (pathLenConstraint 0) cannot vouch
 * for a certificate issued by a CA it made anyway, so whoever holds such a sub-CA cannot mint users.
 */
import express from 'express';
import { Passport } from 'passport';
import request from 'supertest';
import { describe, expect, it } from 'vitest';
import { createClientCertStrategy } from '../../src/modules/client-cert-module.js';
import type { DecisionRecord } from '../../src/stack/decision-record.js';
import { loginStack } from '../../src/stack/passport-adapter.js';
import { TestCa } from '../support/test-ca.js';

const validity = { notBefore: new Date('2020-01-01T00:00:00Z'), notAfter: new Date('2036-01-01T00:00:00Z') };
const HEADER = 'X-SSL-Client-Cert';

function proxiedApp(root: TestCa) {
  const records: DecisionRecord[] = [];
  const strategy = createClientCertStrategy({
    caCertificates: [root.pem],
    proxy: { header: HEADER, addresses: ['127.0.0.1', '::1'] },
    now: new Date('2026-03-04T10:20:30Z'),
  });
  const app = express();
  app.get('/login', loginStack([{ name: 'clientCert', flag: 'REQUIRED', module: strategy }], { session: false, passport: new Passport(), onDecision: (r) => records.push(r) }), (req, res) => void res.json({ user: req.user }));
  return { app, reason: () => records.at(-1)?.calls.find((c) => c.phase === 'login')?.error?.reason };
}

/** nginx's $ssl_client_escaped_cert with the chain after the client's certificate. */
const header = (...pems: string[]) => encodeURIComponent(pems.join(''));

describe('ClientCert path length constraints (proxy header)', () => {
  const root = new TestCa('CN=Root CA, O=Path Tests', validity);
  const issuing = new TestCa('CN=Issuing CA, O=Path Tests', validity, root, { pathLen: 0 });
  const rogue = new TestCa('CN=Rogue Sub CA, O=Path Tests', validity, issuing); // issued in breach of pathLen 0

  it('accepts a user certificate of the CA whose path length is 0', async () => {
    const { app } = proxiedApp(root);
    const alice = issuing.issue({ subject: 'CN=alice, O=Path Tests', ...validity });
    const res = await request(app).get('/login').set(HEADER, header(alice.pem, issuing.pem));
    expect(res.status).toBe(200);
    expect(res.body.user).toMatchObject({ id: 'alice' });
  });

  it('refuses a certificate issued by a CA below it, as OpenSSL does', async () => {
    const { app, reason } = proxiedApp(root);
    const minted = rogue.issue({ subject: 'CN=alice, O=Path Tests', ...validity });
    const res = await request(app).get('/login').set(HEADER, header(minted.pem, rogue.pem, issuing.pem));
    expect(res.status).toBe(401);
    expect(reason()).toBe('ERR_CLIENT_CERT_UNTRUSTED');
  });

  it('applies the trust anchor\'s own constraint too', async () => {
    const strictRoot = new TestCa('CN=Strict Root CA, O=Path Tests', validity, undefined, { pathLen: 0 });
    const sub = new TestCa('CN=Sub CA, O=Path Tests', validity, strictRoot);
    const { app, reason } = proxiedApp(strictRoot);
    const viaSub = sub.issue({ subject: 'CN=alice, O=Path Tests', ...validity });
    expect((await request(app).get('/login').set(HEADER, header(viaSub.pem, sub.pem))).status).toBe(401);
    expect(reason()).toBe('ERR_CLIENT_CERT_UNTRUSTED');
    const direct = strictRoot.issue({ subject: 'CN=alice, O=Path Tests', ...validity });
    expect((await request(app).get('/login').set(HEADER, header(direct.pem))).status).toBe(200);
  });
});
