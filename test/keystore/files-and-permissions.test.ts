import { mkdtempSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { X509Certificate } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Keystore, LATEST_NOT_AFTER, parseCertificate } from '../../src/keystore/index.js';

let root: string;
let issuer: Keystore;
beforeAll(async () => {
  root = mkdtempSync(path.join(os.tmpdir(), 'ticketstack-keystore-'));
  issuer = await Keystore.generate({ sid: 'EP4', client: '000' });
});
afterAll(() => rmSync(root, { recursive: true, force: true }));

describe('keystore files', () => {
  it('saves a readable folder: keystore.json, own.crt.pem, own.key.pem (0600), trusted/<name>.crt.pem', async () => {
    const dir = path.join(root, 'a');
    const ks = await Keystore.generate({ sid: 'ERP', client: '100', alg: 'ecdsa' });
    ks.addTrusted(issuer.own.certificate.pem, { sid: 'EP4', client: '000' });
    await ks.save(dir);
    expect(readdirSync(dir).sort()).toEqual(['keystore.json', 'own.crt.pem', 'own.key.pem', 'trusted']);
    expect(readdirSync(path.join(dir, 'trusted'))).toEqual(['EP4-000.crt.pem']);
    expect(statSync(path.join(dir, 'own.key.pem')).mode & 0o777).toBe(0o600);
    expect(readFileSync(path.join(dir, 'own.key.pem'), 'utf8')).toContain('-----BEGIN PRIVATE KEY-----');
    const json = JSON.parse(readFileSync(path.join(dir, 'keystore.json'), 'utf8'));
    expect(json).toMatchObject({
      format: 'ticketstack-keystore',
      version: 1,
      own: { sid: 'ERP', client: '100', alias: 'SAPLogonTicketKeypair', certificate: 'own.crt.pem', privateKey: 'own.key.pem', encrypted: false },
      trusted: [{ name: 'EP4-000', certificate: 'trusted/EP4-000.crt.pem', acl: { sid: 'EP4', client: '000', subjectDn: 'CN=EP4, OU=ticketstack', issuerDn: 'CN=EP4, OU=ticketstack' } }],
    });

    const loaded = await Keystore.load(dir);
    expect(loaded.own.sid).toBe('ERP');
    expect(loaded.own.certificate.fingerprint).toBe(ks.own.certificate.fingerprint);
    expect(loaded.trusted.map((e) => [e.name, e.certificate.fingerprint])).toEqual([['EP4-000', issuer.own.certificate.fingerprint]]);

    loaded.removeTrusted('EP4-000');
    await loaded.save(dir);
    expect(readdirSync(path.join(dir, 'trusted'))).toEqual([]);
  });

  it('generated certificates are self-signed, accepted by node:crypto, and end no later than 2038-01-01', async () => {
    for (const alg of ['dsa', 'rsa', 'ecdsa'] as const) {
      const ks = alg === 'dsa' ? issuer : await Keystore.generate({ sid: 'X1', client: '001', alg });
      const x509 = new X509Certificate(ks.own.certificate.pem);
      expect(x509.verify(x509.publicKey)).toBe(true);
      expect(x509.subject).toContain('CN=');
      expect(ks.own.certificate.notAfter.getTime()).toBeLessThanOrEqual(LATEST_NOT_AFTER.getTime());
      expect(ks.own.certificate.keyType).toBe(alg === 'ecdsa' ? 'ec' : alg);
    }
    expect(issuer.own.certificate.keyBits).toBe(1024);
    expect(issuer.own.certificate.subjectDn).toBe('CN=EP4, OU=ticketstack');
  });

  it('parses PEM and DER certificates and refuses garbage', () => {
    const pem = issuer.own.certificate.pem;
    expect(parseCertificate(pem).fingerprint).toBe(parseCertificate(issuer.own.certificate.der).fingerprint);
    expect(() => parseCertificate('nothing')).toThrow(expect.objectContaining({ code: 'ERR_KEYSTORE_CERTIFICATE_INVALID' }));
    expect(() => parseCertificate(new Uint8Array([0x30, 0x03, 0x02, 0x01, 0x00]))).toThrow(expect.objectContaining({ code: 'ERR_KEYSTORE_CERTIFICATE_INVALID' }));
  });

  it('load reports a missing folder, a broken file, a key that does not match the certificate', async () => {
    await expect(Keystore.load(path.join(root, 'missing'))).rejects.toMatchObject({ code: 'ERR_KEYSTORE_NOT_FOUND' });
    const dir = path.join(root, 'b');
    await issuer.save(dir);
    writeFileSync(path.join(dir, 'keystore.json'), '{ nope');
    await expect(Keystore.load(dir)).rejects.toMatchObject({ code: 'ERR_KEYSTORE_INVALID' });
    await issuer.save(dir);
    const other = await Keystore.generate({ sid: 'EP4', client: '000' });
    writeFileSync(path.join(dir, 'own.crt.pem'), other.own.certificate.pem);
    await expect(Keystore.load(dir)).rejects.toMatchObject({ code: 'ERR_KEYSTORE_KEY_MISMATCH' });
  });

  it('refuses file names that leave the folder', async () => {
    const dir = path.join(root, 'c');
    await issuer.save(dir);
    const json = JSON.parse(readFileSync(path.join(dir, 'keystore.json'), 'utf8'));
    json.own.certificate = '../../etc/passwd';
    writeFileSync(path.join(dir, 'keystore.json'), JSON.stringify(json));
    await expect(Keystore.load(dir)).rejects.toMatchObject({ code: 'ERR_KEYSTORE_INVALID' });
  });
});
