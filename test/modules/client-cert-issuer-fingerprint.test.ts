/**
 * A mapping rule scoped by `issuerSha256`: it applies only to certificates whose signing CA certificate has that
 * SHA-256 fingerprint. Two CAs with the same name (a re-keyed CA, a test CA named like the real one) are told apart,
 * which the issuer DN alone cannot do — over HTTPS (the chain TLS verified) and behind a proxy (the chain verified
 * here against `caCertificates`).
 */
import express from 'express';
import { createHash } from 'node:crypto';
import type { Server } from 'node:https';
import { Passport } from 'passport';
import request from 'supertest';
import { beforeAll, describe, expect, it } from 'vitest';
import { compileRules, type ClientCertRule } from '../../src/modules/client-cert-mapping.js';
import { createClientCertStrategy, type ClientCertStrategyOptions } from '../../src/modules/client-cert-module.js';
import { parseClientCertificate } from '../../src/modules/client-cert-verification.js';
import type { DecisionRecord } from '../../src/stack/decision-record.js';
import { loginStack } from '../../src/stack/passport-adapter.js';
import { TestCa, type TestCertificate } from '../support/test-ca.js';
import { CA_DN, httpsServer, makePki, type Pki } from './client-cert-setup.js';

const d = (s: string) => new Date(`${s}T00:00:00Z`);
const valid = { notBefore: d('2025-01-01'), notAfter: d('2036-01-01') };
const ALICE = 'CN=alice, OU=people, O=TicketStack Tests';

let pki: Pki;
/** Another CA with exactly the test CA's name, and its own key. */
let twin: TestCa;
let aliceFromTwin: TestCertificate;
/** The test CA's fingerprint as a browser shows it: colons, capitals. */
let caFingerprint: string;

beforeAll(() => {
  pki = makePki();
  twin = new TestCa(CA_DN, { notBefore: d('2019-01-01'), notAfter: d('2037-12-31') });
  aliceFromTwin = twin.issue({ subject: ALICE, ...valid });
  const hex = createHash('sha256').update(pki.ca.certificate.der).digest('hex').toUpperCase();
  caFingerprint = hex.match(/../g)!.join(':');
});

const byName = (): ClientCertRule[] => [{ from: 'subject', attribute: 'CN', issuer: CA_DN }];
const byFingerprint = (): ClientCertRule[] => [{ from: 'subject', attribute: 'CN', issuer: CA_DN, issuerSha256: caFingerprint }];

describe('the rule', () => {
  it('applies only when the signing CA has the fingerprint (any case, with or without colons), and not when it is unknown', () => {
    const cert = parseClientCertificate(aliceFromTwin.der)!;
    const map = compileRules('test', byFingerprint());
    const hex = caFingerprint.replace(/:/g, '').toLowerCase();
    expect(map(cert, () => hex)).toBe('alice');
    expect(map(cert, () => createHash('sha256').update(twin.certificate.der).digest('hex'))).toBeUndefined();
    expect(map(cert, () => undefined)).toBeUndefined();
  });

  it('refuses a malformed fingerprint at construction, naming the rule', () => {
    expect(() => compileRules('w', [{ from: 'email', issuerSha256: 'abc' }])).toThrow(new TypeError('w: rules[0].issuerSha256 must be a SHA-256 fingerprint (64 hex digits)'));
  });
});

describe('behind a proxy, both same-name CAs trusted', () => {
  const HEADER = 'X-SSL-Client-Cert';

  function proxied(rules: ClientCertRule[]) {
    const records: DecisionRecord[] = [];
    const options: ClientCertStrategyOptions = {
      caCertificates: [pki.ca.pem, twin.pem],
      proxy: { header: HEADER, addresses: ['127.0.0.1', '::1'] },
      now: new Date('2026-03-04T10:20:30Z'),
      rules,
    };
    const a = express();
    a.get('/login', loginStack([{ name: 'clientCert', flag: 'REQUIRED', module: createClientCertStrategy(options) }], { session: false, passport: new Passport(), onDecision: (r) => records.push(r) }), (req, res) => void res.json({ user: req.user }));
    const reason = () => records.at(-1)?.calls.find((c) => c.phase === 'login')?.error?.reason;
    return { app: a, reason };
  }

  it('a rule by issuer name maps both; a rule by fingerprint maps only the CA it names', async () => {
    const named = proxied(byName());
    for (const cert of [pki.alice, aliceFromTwin]) {
      expect((await request(named.app).get('/login').set(HEADER, encodeURIComponent(cert.pem))).status).toBe(200);
    }
    const pinned = proxied(byFingerprint());
    const ok = await request(pinned.app).get('/login').set(HEADER, encodeURIComponent(pki.alice.pem));
    expect(ok.status).toBe(200);
    expect(ok.body.user.id).toBe('alice');
    expect((await request(pinned.app).get('/login').set(HEADER, encodeURIComponent(aliceFromTwin.pem))).status).toBe(401);
    expect(pinned.reason()).toBe('ERR_CLIENT_CERT_NOT_MAPPED');
  });
});

describe('over HTTPS, both same-name CAs trusted by TLS', () => {
  function server(rules: ClientCertRule[]): { server: Server; records: DecisionRecord[] } {
    const records: DecisionRecord[] = [];
    const stack = loginStack([{ name: 'clientCert', flag: 'REQUIRED', module: createClientCertStrategy({ rules }) }], { session: false, passport: new Passport(), onDecision: (r) => records.push(r) });
    return { server: httpsServer(pki, stack, { ca: [pki.ca.pem, twin.pem] }), records };
  }
  const get = (s: Server, cert: TestCertificate) => request(s).get('/login').ca(pki.ca.pem).key(cert.keyPem).cert(cert.pem).set('Accept', 'application/json');

  it('the CA that signed the certificate is found by its key, not by its name', async () => {
    const named = server(byName());
    expect((await get(named.server, aliceFromTwin)).status).toBe(200);
    const pinned = server(byFingerprint());
    expect((await get(pinned.server, pki.alice)).status).toBe(200);
    const refused = await get(pinned.server, aliceFromTwin);
    expect(refused.status).toBe(401);
    expect(pinned.records.at(-1)?.calls.find((c) => c.phase === 'login')?.error?.reason).toBe('ERR_CLIENT_CERT_NOT_MAPPED');
  });
});
