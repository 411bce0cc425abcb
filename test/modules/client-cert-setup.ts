/**
 * The PKI of the client certificate tests, made in the test with explicit dates: a test CA, another CA, a server
 * certificate for 127.0.0.1, and client certificates that are valid, expired, not yet valid, self-signed, from the
 * other CA, for servers only, and revoked (in a CRL). Plus an HTTPS server that asks for client certificates and
 * lets the module decide, as the README says to configure it.
 */
import type { RequestHandler } from 'express';
import { createServer, type Server } from 'node:https';
import { selfSigned, TestCa, EKU_SERVER_AUTH, type TestCertificate } from '../support/test-ca.js';
import { app } from './helpers.js';

const d = (s: string) => new Date(`${s}T00:00:00Z`);

export interface Pki {
  ca: TestCa;
  otherCa: TestCa;
  server: TestCertificate;
  alice: TestCertificate;
  bob: TestCertificate;
  expired: TestCertificate;
  notYetValid: TestCertificate;
  selfSigned: TestCertificate;
  fromOtherCa: TestCertificate;
  serverOnly: TestCertificate;
  revoked: TestCertificate;
  /** A CRL of `ca` listing `revoked`. */
  crl: string;
}

export const CA_DN = 'CN=TicketStack Test Root CA, O=TicketStack Tests, C=DE';
export const OTHER_CA_DN = 'CN=Some Other CA, O=Elsewhere';

export function makePki(): Pki {
  const ca = new TestCa(CA_DN, { notBefore: d('2019-01-01'), notAfter: d('2037-12-31') });
  const otherCa = new TestCa(OTHER_CA_DN, { notBefore: d('2019-01-01'), notAfter: d('2037-12-31') });
  const valid = { notBefore: d('2025-01-01'), notAfter: d('2036-01-01') };
  const revoked = ca.issue({ subject: 'CN=carol, OU=people, O=TicketStack Tests', ...valid });
  return {
    ca,
    otherCa,
    server: ca.issue({ subject: 'CN=localhost', dnsNames: ['localhost'], ips: ['127.0.0.1'], eku: [EKU_SERVER_AUTH], ...valid }),
    alice: ca.issue({ subject: 'CN=alice, OU=people, O=TicketStack Tests', emails: ['alice@example.com'], ...valid }),
    bob: ca.issue({ subject: 'UID=bob7, CN=Bob Builder, OU=ops, OU=people, O=TicketStack Tests', emails: ['bob@example.com', 'b@example.org'], ...valid }),
    expired: ca.issue({ subject: 'CN=alice, OU=people, O=TicketStack Tests', notBefore: d('2020-01-01'), notAfter: d('2021-01-01') }),
    notYetValid: ca.issue({ subject: 'CN=alice, OU=people, O=TicketStack Tests', notBefore: d('2036-06-01'), notAfter: d('2037-06-01') }),
    selfSigned: selfSigned({ subject: 'CN=alice, OU=people, O=TicketStack Tests', ...valid }),
    fromOtherCa: otherCa.issue({ subject: 'CN=alice, OU=people, O=TicketStack Tests', ...valid }),
    serverOnly: ca.issue({ subject: 'CN=alice, OU=people, O=TicketStack Tests', eku: [EKU_SERVER_AUTH], ...valid }),
    revoked,
    crl: ca.crl([revoked], d('2025-06-01'), d('2036-01-01')),
  };
}

/** An HTTPS server with `guard` on `/login` and `/other`: requestCert, rejectUnauthorized false, the test CA trusted. */
export function httpsServer(pki: Pki, guard: RequestHandler, extra: { ca?: string[]; crl?: string } = {}): Server {
  return createServer(
    {
      key: pki.server.keyPem,
      cert: pki.server.pem,
      ca: extra.ca ?? [pki.ca.pem],
      ...(extra.crl === undefined ? {} : { crl: extra.crl }),
      requestCert: true,
      rejectUnauthorized: false,
    },
    app(guard),
  );
}
