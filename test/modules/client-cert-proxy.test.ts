/**
 * Behind a TLS-terminating proxy: the certificate comes from the proxy's header, only from the proxy's addresses,
 * and is verified here against the configured CA certificates, never taken on the header's word.
 */
import express from 'express';
import { Passport } from 'passport';
import request from 'supertest';
import { beforeAll, describe, expect, it } from 'vitest';
import { createClientCertStrategy, type ClientCertStrategyOptions } from '../../src/modules/client-cert-module.js';
import { loginStack } from '../../src/stack/passport-adapter.js';
import type { DecisionRecord } from '../../src/stack/decision-record.js';
import { MAX_CERTIFICATE_HEADER, readCertificateHeader } from '../../src/modules/client-cert-verification.js';
import { TestCa } from '../support/test-ca.js';
import { makePki, type Pki } from './client-cert-setup.js';

let pki: Pki;
beforeAll(() => {
  pki = makePki();
});

const HEADER = 'X-SSL-Client-Cert';
/** nginx's $ssl_client_escaped_cert: the PEM, URL-encoded. */
const nginx = (pem: string) => encodeURIComponent(pem);
/** Apache's %{SSL_CLIENT_CERT}s through mod_headers: newlines become blanks. */
const apache = (pem: string) => pem.trim().replace(/\n/g, ' ');

function proxied(options: Partial<ClientCertStrategyOptions> = {}) {
  const records: DecisionRecord[] = [];
  const strategy = createClientCertStrategy({
    caCertificates: [pki.ca.pem],
    proxy: { header: HEADER, addresses: ['127.0.0.1', '::1'] },
    now: new Date('2026-03-04T10:20:30Z'),
    ...options,
  });
  const a = express();
  a.get('/login', loginStack([{ name: 'clientCert', flag: 'REQUIRED', module: strategy }], { session: false, passport: new Passport(), onDecision: (r) => records.push(r) }), (req, res) => void res.json({ user: req.user }));
  const reason = () => records.at(-1)?.calls.find((c) => c.phase === 'login')?.error?.reason;
  const outcome = () => records.at(-1)?.calls.find((c) => c.phase === 'login')?.outcome;
  return { app: a, reason, outcome };
}

describe('ClientCert behind a proxy', () => {
  it('a valid certificate from the proxy logs in, in each header format (URL-encoded PEM, PEM with blanks, base64 DER)', async () => {
    const { app } = proxied();
    for (const value of [nginx(pki.alice.pem), apache(pki.alice.pem), pki.alice.der.toString('base64')]) {
      const res = await request(app).get('/login').set(HEADER, value);
      expect(res.status).toBe(200);
      expect(res.body.user).toMatchObject({ id: 'alice', authMethod: 'client-certificate', certificate: { sha256: pki.alice.sha256 } });
    }
  });

  it('the header is verified here: another CA, self-signed, expired, server-only, garbage all fail with their code', async () => {
    const { app, reason } = proxied();
    const cases: [string, string][] = [
      [nginx(pki.fromOtherCa.pem), 'ERR_CLIENT_CERT_UNTRUSTED'],
      [nginx(pki.selfSigned.pem), 'ERR_CLIENT_CERT_UNTRUSTED'],
      [nginx(pki.expired.pem), 'ERR_CLIENT_CERT_EXPIRED'],
      [nginx(pki.notYetValid.pem), 'ERR_CLIENT_CERT_NOT_YET_VALID'],
      [nginx(pki.serverOnly.pem), 'ERR_CLIENT_CERT_WRONG_USAGE'],
      [nginx(pki.ca.pem), 'ERR_CLIENT_CERT_WRONG_USAGE'], // the trusted root itself: a CA is never a client
      ['%E0%A4%A', 'ERR_CLIENT_CERT_MALFORMED'],
      ['not base64 at all!', 'ERR_CLIENT_CERT_MALFORMED'],
      [Buffer.from('hello').toString('base64'), 'ERR_CLIENT_CERT_MALFORMED'],
      [`${nginx(pki.alice.pem)}, ${nginx(pki.alice.pem)}`, 'ERR_CLIENT_CERT_MALFORMED'],
      [`${apache(pki.alice.pem)} and more`, 'ERR_CLIENT_CERT_MALFORMED'],
    ];
    for (const [value, code] of cases) {
      const res = await request(app).get('/login').set(HEADER, value);
      expect({ code, status: res.status }).toEqual({ code, status: 401 });
      expect(reason()).toBe(code);
    }
  });

  it('a header over the size limit is not read (Node itself answers 431 above 16 KiB of headers)', () => {
    expect(readCertificateHeader('A'.repeat(MAX_CERTIFICATE_HEADER + 1))).toBeUndefined();
    expect(readCertificateHeader(nginx(pki.alice.pem))).toEqual([pki.alice.der]);
  });

  it('two header values (a client\'s own next to the proxy\'s) are refused, never picked from', async () => {
    const { app, reason } = proxied();
    const res = await request(app).get('/login').set(HEADER, [nginx(pki.fromOtherCa.pem), nginx(pki.alice.pem)] as unknown as string); // two header lines
    expect(res.status).toBe(401);
    expect(reason()).toBe('ERR_CLIENT_CERT_MALFORMED');
  });

  it('the clock of the check is `now`: the same certificate is expired in 2037', async () => {
    const { app, reason } = proxied({ now: new Date('2037-01-01T00:00:00Z') });
    expect((await request(app).get('/login').set(HEADER, nginx(pki.alice.pem))).status).toBe(401);
    expect(reason()).toBe('ERR_CLIENT_CERT_EXPIRED');
  });

  it('a chain in the header: leaf and intermediate, up to the configured root', async () => {
    const intermediate = new TestCa('CN=Issuing CA 1, O=TicketStack Tests', { notBefore: new Date('2020-01-01Z'), notAfter: new Date('2036-06-01Z') }, pki.ca);
    const leaf = intermediate.issue({ subject: 'CN=dave, O=TicketStack Tests', notBefore: new Date('2025-01-01Z'), notAfter: new Date('2036-01-01Z') });
    const { app, reason } = proxied({ requireUser: false });
    const res = await request(app).get('/login').set(HEADER, nginx(leaf.pem + intermediate.pem));
    expect(res.status).toBe(200);
    expect(res.body.user.id).toBe('dave');
    expect((await request(app).get('/login').set(HEADER, nginx(leaf.pem))).status).toBe(401); // without the intermediate
    expect(reason()).toBe('ERR_CLIENT_CERT_UNTRUSTED');
  });

  it('no header, or an empty one (nginx without a client certificate): ignored', async () => {
    const { app, outcome } = proxied();
    expect((await request(app).get('/login')).status).toBe(401);
    expect(outcome()).toBe('ignored');
    expect((await request(app).get('/login').set(HEADER, '')).status).toBe(401);
    expect(outcome()).toBe('ignored');
  });

  it('the header from an address that is not the proxy fails the request: ERR_CLIENT_CERT_HEADER_UNTRUSTED', async () => {
    const { app, reason } = proxied({ proxy: { header: HEADER, addresses: ['10.9.8.7', '192.0.2.0/24'] } });
    const res = await request(app).get('/login').set(HEADER, nginx(pki.alice.pem)).set('X-Forwarded-For', '10.9.8.7');
    expect(res.status).toBe(401);
    expect(reason()).toBe('ERR_CLIENT_CERT_HEADER_UNTRUSTED');
  });

  it('configuration: off by default, CA certificates required, addresses checked, and a warning when enabled', () => {
    expect(() => createClientCertStrategy({ proxy: { header: HEADER, addresses: ['127.0.0.1'] } })).toThrow(/'proxy' needs 'caCertificates'/);
    const base = { caCertificates: [pki.ca.pem] };
    expect(() => createClientCertStrategy({ ...base, proxy: { header: HEADER, addresses: [] } })).toThrow(/'proxy.addresses'/);
    expect(() => createClientCertStrategy({ ...base, proxy: { header: HEADER, addresses: ['10.0.0.300'] } })).toThrow(/"10.0.0.300", not an IP address/);
    expect(() => createClientCertStrategy({ ...base, proxy: { header: HEADER, addresses: ['10.0.0.0/33'] } })).toThrow(/CIDR/);
    expect(() => createClientCertStrategy({ ...base, proxy: { header: 'X Bad', addresses: ['10.0.0.1'] } })).toThrow(/'proxy.header'/);
    expect(() => createClientCertStrategy({ ...base, proxy: { header: HEADER, addresses: ['10.0.0.1'], trust: true } as never })).toThrow(/unknown key 'proxy.trust'/);
    const warnings: string[] = [];
    const listen = (w: Error) => warnings.push(`${w.name}: ${w.message}`);
    process.on('warning', listen);
    createClientCertStrategy({ ...base, proxy: { header: 'X-Client-Cert-Warned', addresses: ['10.0.0.1'] } });
    return new Promise<void>((resolve) =>
      setImmediate(() => {
        process.off('warning', listen);
        expect(warnings).toEqual([expect.stringMatching(/^TicketStackWarning: .*x-client-cert-warned header of 10\.0\.0\.1/)]);
        resolve();
      }),
    );
  });
});
