/**
 * Certificate → user ID by rules as data (SAP's ClientCertLoginModule rules and stored mappings): subject
 * components, the SAN e-mail, an explicit table by fingerprint or by subject and issuer DN (RDN by RDN), issuer
 * filters and "the first rule that applies decides".
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { compileRules, type ClientCertRule } from '../../src/modules/client-cert-mapping.js';
import { createClientCertStrategy } from '../../src/modules/client-cert-module.js';
import { parseClientCertificate, type ClientCertificate } from '../../src/modules/client-cert-verification.js';
import { CA_DN, makePki, OTHER_CA_DN, type Pki } from './client-cert-setup.js';

let pki: Pki;
let alice: ClientCertificate;
let bob: ClientCertificate;
let otherAlice: ClientCertificate;
beforeAll(() => {
  pki = makePki();
  alice = parseClientCertificate(pki.alice.der)!;
  bob = parseClientCertificate(pki.bob.der)!;
  otherAlice = parseClientCertificate(pki.fromOtherCa.der)!;
});

const map = (rules: ClientCertRule[], cert: ClientCertificate, issuerSha256?: string) => compileRules('test', rules)(cert, () => issuerSha256);

describe('parsed certificates', () => {
  it('subject and issuer in RFC 4514 order, SAN e-mails, fingerprint', () => {
    expect(bob.subject).toBe('UID=bob7, CN=Bob Builder, OU=ops, OU=people, O=TicketStack Tests');
    expect(bob.issuer).toBe(CA_DN);
    expect(bob.emails).toEqual(['bob@example.com', 'b@example.org']);
    expect(bob.sha256).toBe(pki.bob.sha256);
    expect(parseClientCertificate(Buffer.from('not a certificate'))).toBeUndefined();
  });
});

describe('rules', () => {
  it('subject: CN by default; UID, OU (the leftmost), emailAddress-style types and OIDs by name', () => {
    expect(map([{ from: 'subject' }], bob)).toBe('Bob Builder');
    expect(map([{ from: 'subject', attribute: 'UID' }], bob)).toBe('bob7');
    expect(map([{ from: 'subject', attribute: '0.9.2342.19200300.100.1.1' }], bob)).toBe('bob7');
    expect(map([{ from: 'subject', attribute: 'ou' }], bob)).toBe('ops');
    expect(map([{ from: 'subject', attribute: 'emailAddress' }], bob)).toBeUndefined(); // not in this subject: refused, never another attribute
  });

  it('email: the first rfc822Name of the subjectAltName', () => {
    expect(map([{ from: 'email' }], bob)).toBe('bob@example.com');
    expect(map([{ from: 'email' }], parseClientCertificate(pki.expired.der)!)).toBeUndefined();
  });

  it('table: by SHA-256 fingerprint (any case, with colons) or by subject and issuer compared RDN by RDN', () => {
    const colons = pki.alice.sha256.toUpperCase().replace(/(..)(?!$)/g, '$1:');
    expect(map([{ from: 'table', entries: [{ user: 'ALICE01', sha256: colons }] }], alice)).toBe('ALICE01');
    expect(map([{ from: 'table', entries: [{ user: 'ALICE01', sha256: pki.bob.sha256 }] }], alice)).toBeUndefined();
    // The same subject and issuer written differently (blanks, case, ";" separators) still match; a renewed
    // certificate of the same subject from the same issuer is mapped without a table change.
    const byDn = [{ from: 'table', entries: [{ user: 'ALICE02', subject: 'cn=Alice;ou=People;o=TicketStack Tests', issuer: 'CN=TicketStack Test Root CA,O=TicketStack Tests,C=de' }] }] as ClientCertRule[];
    expect(map(byDn, alice)).toBe('ALICE02');
    expect(map(byDn, parseClientCertificate(pki.expired.der)!)).toBe('ALICE02');
    expect(map(byDn, otherAlice)).toBeUndefined(); // same subject, other issuer
    // Both given: both must match.
    expect(map([{ from: 'table', entries: [{ user: 'X', sha256: pki.alice.sha256, subject: 'CN=someone else', issuer: CA_DN }] }], alice)).toBeUndefined();
  });

  it('issuer filters; the first rule that applies decides, and a refusal there is final', () => {
    const rules: ClientCertRule[] = [
      { from: 'subject', attribute: 'UID', issuer: OTHER_CA_DN },
      { from: 'email', issuer: CA_DN },
      { from: 'subject' },
    ];
    expect(map(rules, bob)).toBe('bob@example.com'); // rule 2 applies (issuer)
    expect(map(rules, otherAlice)).toBeUndefined(); // rule 1 applies, no UID: refused, rule 3 is not tried
    expect(map(rules, alice)).toBe('alice@example.com');
    expect(map([{ from: 'subject', attribute: 'UID', issuer: OTHER_CA_DN }, { from: 'subject' }], alice)).toBe('alice');
  });
});

describe('configuration errors name the rule and field', () => {
  const cases: [unknown, RegExp][] = [
    [[], /'rules' must be a non-empty array/],
    [[{ from: 'cn' }], /rules\[0\]\.from must be/],
    [[{ from: 'subject', attribute: 'C N' }], /rules\[0\]\.attribute/],
    [[{ from: 'subject', issuer: 'not a dn' }], /rules\[0\]\.issuer must be a distinguished name/],
    [[{ from: 'email', attribute: 'CN' }], /rules\[0\]: unknown key 'attribute'/],
    [[{ from: 'table', entries: [] }], /rules\[0\]\.entries/],
    [[{ from: 'subject' }, { from: 'table', entries: [{ user: 'a', sha256: 'abc' }] }], /rules\[1\]\.entries\[0\]\.sha256/],
    [[{ from: 'table', entries: [{ user: 'a', subject: 'CN=a' }] }], /'subject' and 'issuer' together/],
    [[{ from: 'table', entries: [{ user: 'a' }] }], /give 'sha256', or 'subject' and 'issuer'/],
    [[{ from: 'table', entries: [{ user: ' a', sha256: 'a'.repeat(64) }] }], /entries\[0\]\.user must be a user ID/],
  ];
  for (const [rules, message] of cases) {
    it(`${JSON.stringify(rules).slice(0, 80)} → ${message}`, () => {
      expect(() => createClientCertStrategy({ rules: rules as ClientCertRule[] })).toThrow(message);
    });
  }

  it('other options', () => {
    expect(() => createClientCertStrategy({ caCertificates: [] })).toThrow(/'caCertificates' must be a non-empty array/);
    expect(() => createClientCertStrategy({ caCertificates: ['nope'] })).toThrow(/caCertificates\[0\] must be PEM/);
    expect(() => createClientCertStrategy({ caCertificates: [pki.alice.pem] })).toThrow(/caCertificates\[0\] .* is not a CA certificate/);
    expect(() => createClientCertStrategy({ requireUser: true })).toThrow(/'requireUser' needs option 'users'/);
    expect(() => createClientCertStrategy({ mapping: [] } as never)).toThrow(/unknown option "mapping"/);
    expect(() => createClientCertStrategy({ users: {} as never })).toThrow(/'users' must be a UserStore/);
  });
});
