import { beforeAll, describe, expect, it } from 'vitest';
import { dnEquals, formatDn, Keystore, parseDn } from '../../src/keystore/index.js';

describe('distinguished names compare RDN by RDN (sap-logon-ticket.md §3.2)', () => {
  it.each([
    ['CN=X, O=Y', 'CN=X,O=Y'],
    ['CN=X ,  O=Y ', ' CN=X,O=Y'],
    ['cn=X, o=Y', 'CN=X, O=Y'],
    ['CN=Unknown, OU=Unknown, O=Unknown, C=Unknown', 'CN=Unknown,OU=Unknown,O=Unknown,C=Unknown'],
    ['CN=KULEUVEN, OU=LUDIT, O=MySAP.com Workplace, C=DE', 'CN=KULEUVEN;OU=LUDIT;O=MySAP.com  Workplace;C=DE'],
    ['E=a@b.c, CN=X', 'EMAILADDRESS=a@b.c, CN=X'],
    ['OID.2.5.4.3=X', 'CN=X'],
    ['2.5.4.11=J2EE, CN=EP4', 'OU=J2EE, CN=EP4'],
    ['CN=a\\, b, O=Y', 'CN="a, b", O=Y'],
    ['CN=caf\\C3\\A9', 'CN=café'],
    ['CN=X+OU=Z, O=Y', 'OU=Z+CN=X, O=Y'],
    ['CN=x, O=y', 'CN=X, O=Y'],
  ])('%s  ==  %s', (a, b) => {
    expect(dnEquals(a, b)).toBe(true);
  });

  it.each([
    ['CN=X, O=Y', 'O=Y, CN=X'],
    ['CN=X, O=Y', 'CN=X'],
    ['CN=X, O=Y', 'CN=X, O=Y, C=DE'],
    ['CN=X, OU=Y', 'CN=X, O=Y'],
    ['CN=a\\, b', 'CN=a, CN=b'],
    ['CN=X', 'not a dn'],
  ])('%s  !=  %s', (a, b) => {
    expect(dnEquals(a, b)).toBe(false);
  });

  it('parses escapes and prints RFC 4514', () => {
    expect(parseDn('CN=a\\,b, O=x')).toEqual([[{ type: 'CN', value: 'a,b' }], [{ type: 'O', value: 'x' }]]);
    expect(formatDn(parseDn('cn=a\\,b ,o=x'))).toBe('CN=a\\,b, O=x');
    expect(() => parseDn('CN=X,')).toThrow(TypeError);
    expect(() => parseDn('novalue')).toThrow(TypeError);
  });
});

describe('Keystore.authorize: the ACL entry must match SID, client, subject and issuer (§3.2)', () => {
  let issuer: Keystore;
  let other: Keystore;
  beforeAll(async () => {
    [issuer, other] = await Promise.all([
      Keystore.generate({ sid: 'EP4', client: '000', subjectDn: 'CN=EP4, OU=J2EE' }),
      Keystore.generate({ sid: 'ERP', client: '100' }),
    ]);
  });

  it('own certificate for the own SID and client', () => {
    expect(issuer.authorize(issuer.own.certificate, 'EP4', '000')).toEqual({ kind: 'own' });
    expect(issuer.authorize(issuer.own.certificate, ' ep4 ', '000 ')).toEqual({ kind: 'own' });
    expect(issuer.authorize(issuer.own.certificate, 'EP4', '001')).toBeNull();
  });

  it('a trusted entry matches SID and client case-insensitively after trim, DNs RDN-wise', () => {
    const ks = Keystore.fromKeyPair({ sid: 'ERP', client: '100', certificate: other.own.certificate, privateKey: other.own.privateKey });
    const entry = ks.addTrusted(issuer.own.certificate.pem, { sid: 'ep4', client: '000', subjectDn: 'CN=EP4,OU=J2EE' });
    expect(entry.acl.subjectDn).toBe('CN=EP4,OU=J2EE');
    expect(ks.authorize(issuer.own.certificate, 'EP4   ', '000')).toEqual({ kind: 'trusted', entry });
    expect(ks.authorize(issuer.own.certificate, 'EP5', '000')).toBeNull();
    expect(ks.authorize(issuer.own.certificate, 'EP4', '001')).toBeNull();
    // The own certificate of ERP is not trusted for EP4.
    expect(ks.authorize(other.own.certificate, 'EP4', '000')).toBeNull();
  });

  it('an entry whose subject or issuer DN does not match the certificate never authorizes', () => {
    const ks = Keystore.fromKeyPair({ sid: 'ERP', client: '100', certificate: other.own.certificate, privateKey: other.own.privateKey });
    ks.addTrusted(issuer.own.certificate, { sid: 'EP4', client: '000', subjectDn: 'CN=EP4, OU=Portal' });
    ks.addTrusted(issuer.own.certificate, { sid: 'EP4', client: '001', issuerDn: 'CN=Some CA' });
    expect(ks.authorize(issuer.own.certificate, 'EP4', '000')).toBeNull();
    expect(ks.authorize(issuer.own.certificate, 'EP4', '001')).toBeNull();
  });

  it('one certificate may be trusted for several clients; the same SID/client twice is refused', () => {
    const ks = Keystore.fromKeyPair({ sid: 'ERP', client: '100', certificate: other.own.certificate, privateKey: other.own.privateKey });
    ks.addTrusted(issuer.own.certificate, { sid: 'RE5', client: '302' });
    ks.addTrusted(issuer.own.certificate, { sid: 'RE5', client: '902' });
    expect(ks.trusted.map((e) => e.name)).toEqual(['RE5-302', 'RE5-902']);
    expect(() => ks.addTrusted(issuer.own.certificate, { sid: 're5', client: '302' })).toThrow(expect.objectContaining({ code: 'ERR_KEYSTORE_DUPLICATE_ENTRY' }));
    ks.removeTrusted('RE5-302');
    expect(ks.trusted.map((e) => e.name)).toEqual(['RE5-902']);
  });

  it('findCertificates resolves issuer (bytes exactly, or a DN string RDN-wise) and serial', () => {
    const cert = issuer.own.certificate;
    expect(issuer.findCertificates(cert.issuerNameDer, cert.serialNumber)).toHaveLength(1);
    expect(issuer.findCertificates('cn=ep4,ou=j2ee', `00${cert.serialNumber}`)).toHaveLength(1);
    expect(issuer.findCertificates(cert.issuerNameDer, '1')).toHaveLength(0);
  });
});
