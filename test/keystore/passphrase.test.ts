import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Keystore } from '../../src/keystore/index.js';
import { issueTicket, verifyTicket } from '../../src/ticket/index.js';

let root: string;
let ks: Keystore;
beforeAll(async () => {
  root = mkdtempSync(path.join(os.tmpdir(), 'ticketstack-passphrase-'));
  ks = await Keystore.generate({ sid: 'J2E', client: '000' });
});
afterAll(() => rmSync(root, { recursive: true, force: true }));

describe('optional passphrase on the private key', () => {
  it('encrypts the PKCS#8 key file and needs the passphrase to load', async () => {
    const dir = path.join(root, 'enc');
    await ks.save(dir, { passphrase: 'correct horse' });
    const pem = readFileSync(path.join(dir, 'own.key.pem'), 'utf8');
    expect(pem).toContain('-----BEGIN ENCRYPTED PRIVATE KEY-----');
    expect(statSync(path.join(dir, 'own.key.pem')).mode & 0o777).toBe(0o600);
    expect(JSON.parse(readFileSync(path.join(dir, 'keystore.json'), 'utf8')).own.encrypted).toBe(true);

    await expect(Keystore.load(dir)).rejects.toMatchObject({ code: 'ERR_KEYSTORE_PASSPHRASE_REQUIRED' });
    await expect(Keystore.load(dir, { passphrase: 'wrong' })).rejects.toMatchObject({ code: 'ERR_KEYSTORE_BAD_PASSPHRASE' });
    const loaded = await Keystore.load(dir, { passphrase: 'correct horse' });
    const issued = issueTicket({ keystore: loaded, user: 'U' });
    expect(verifyTicket(issued.text, { keystore: ks }).signer.trust).toBe('own');
  });

  it('a loaded encrypted keystore stays encrypted (key file untouched) when saved again', async () => {
    const dir = path.join(root, 'again');
    await ks.save(dir, { passphrase: 'pw' });
    const before = readFileSync(path.join(dir, 'own.key.pem'), 'utf8');
    const loaded = await Keystore.load(dir, { passphrase: 'pw' });
    loaded.addTrusted(ks.own.certificate, { sid: 'OTH', client: '001' });
    await loaded.save(dir);
    expect(readFileSync(path.join(dir, 'own.key.pem'), 'utf8')).toBe(before);
    expect((await Keystore.load(dir, { passphrase: 'pw' })).trusted).toHaveLength(1);
  });
});
