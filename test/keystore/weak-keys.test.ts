/**
 * Weak keys (DSA < 1024, RSA < 2048 bits) enter a keystore only by an explicit option (issue 8): `addTrusted` /
 * `keystore import`, `fromKeyPair` and loading a saved keystore all refuse them by default; `generate` never makes one.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isWeakKey, Keystore, KeystoreError, parseCertificate } from '../../src/keystore/index.js';
import { sharedVectorsExist, SKIP_MESSAGE, vectorFile } from '../ticket/vectors.js';
import { weakSignerKeystore } from '../support/weak-keys.js';

let dir: string;
let base: Keystore;
let dsa512: Keystore;
let rsa1024: Keystore;
beforeAll(async () => {
  dir = mkdtempSync(path.join(os.tmpdir(), 'ticketstack-weak-keys-'));
  base = await Keystore.generate({ sid: 'OWN', client: '001' });
  dsa512 = weakSignerKeystore('dsa-512', 'OLD', '200');
  rsa1024 = weakSignerKeystore('rsa-1024', 'RSA', '300');
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function expectWeak(fn: () => unknown): KeystoreError {
  let error: unknown;
  try {
    fn();
  } catch (err) {
    error = err;
  }
  expect(error).toBeInstanceOf(KeystoreError);
  expect((error as KeystoreError).code).toBe('ERR_KEYSTORE_WEAK_KEY');
  return error as KeystoreError;
}

describe('weak keys in the keystore', () => {
  it('the generated signers really are DSA-512 and RSA-1024, and count as weak (1024-bit DSA and 2048-bit RSA do not)', () => {
    expect([dsa512.own.certificate.keyType, dsa512.own.certificate.keyBits]).toEqual(['dsa', 512]);
    expect([rsa1024.own.certificate.keyType, rsa1024.own.certificate.keyBits]).toEqual(['rsa', 1024]);
    expect(isWeakKey(dsa512.own.certificate)).toBe(true);
    expect(isWeakKey(rsa1024.own.certificate)).toBe(true);
    expect(isWeakKey(base.own.certificate)).toBe(false); // DSA-1024
    expect(isWeakKey({ keyType: 'rsa', keyBits: 2048 })).toBe(false);
    expect(isWeakKey({ keyType: 'ec', keyBits: 224 })).toBe(true);
  });

  it('addTrusted refuses a weak certificate by default and names its key; allowWeakKey accepts it and marks the entry', () => {
    const ks = Keystore.fromKeyPair({ sid: 'OWN', client: '001', certificate: base.own.certificate, privateKey: base.own.privateKey });
    for (const weak of [dsa512, rsa1024]) {
      const before = ks.trusted.length;
      const err = expectWeak(() => ks.addTrusted(weak.own.certificate.pem, { sid: weak.own.sid, client: weak.own.client }));
      expect(err.message).toContain(`${weak.own.certificate.keyType.toUpperCase()}-${weak.own.certificate.keyBits}`);
      expect(ks.trusted).toHaveLength(before); // nothing added
      const entry = ks.addTrusted(weak.own.certificate.pem, { sid: weak.own.sid, client: weak.own.client, allowWeakKey: true });
      expect(entry.weakKeyAllowed).toBe(true);
    }
    expect(ks.addTrusted(base.own.certificate, { sid: 'STRONG', client: '000' }).weakKeyAllowed).toBe(false);
    expect(() => ks.addTrusted(base.own.certificate, { sid: 'X', client: '0', allowWeakKey: 'yes' as unknown as boolean })).toThrow(TypeError);
  });

  it('fromKeyPair refuses a weak own key pair unless allowWeakKey is set', () => {
    const { certificate, privateKey } = rsa1024.own;
    expectWeak(() => Keystore.fromKeyPair({ sid: 'RSA', client: '300', certificate, privateKey }));
    expect(Keystore.fromKeyPair({ sid: 'RSA', client: '300', certificate, privateKey, allowWeakKey: true }).own.certificate.keyBits).toBe(1024);
  });

  it('generate never makes a weak key: DSA-512 and RSA-1024 are refused with a TypeError naming keyBits', async () => {
    await expect(Keystore.generate({ sid: 'X', client: '000', alg: 'dsa', keyBits: 512 })).rejects.toThrow(/keyBits/);
    await expect(Keystore.generate({ sid: 'X', client: '000', alg: 'rsa', keyBits: 1024 })).rejects.toThrow(/keyBits/);
  });

  it('save and load keep the explicit acceptance; a weak entry not recorded as accepted is refused on load', async () => {
    const folder = path.join(dir, 'saved');
    const ks = Keystore.fromKeyPair({ sid: 'RSA', client: '300', certificate: rsa1024.own.certificate, privateKey: rsa1024.own.privateKey, allowWeakKey: true });
    ks.addTrusted(dsa512.own.certificate, { sid: 'OLD', client: '200', allowWeakKey: true });
    await ks.save(folder);
    const loaded = await Keystore.load(folder);
    expect(loaded.own.certificate.keyBits).toBe(1024);
    expect(loaded.trusted.map((e) => [e.name, e.weakKeyAllowed])).toEqual([['OLD-200', true]]);

    // Someone drops the mark from keystore.json (or copies a weak certificate in by hand): refused, by code.
    const file = path.join(folder, 'keystore.json');
    const json = JSON.parse(readFileSync(file, 'utf8'));
    delete json.trusted[0].allowWeakKey;
    writeFileSync(file, JSON.stringify(json));
    await expect(Keystore.load(folder)).rejects.toMatchObject({ code: 'ERR_KEYSTORE_WEAK_KEY', message: expect.stringContaining('DSA-512') });
    json.trusted[0].allowWeakKey = true;
    delete json.own.allowWeakKey;
    writeFileSync(file, JSON.stringify(json));
    await expect(Keystore.load(folder)).rejects.toMatchObject({ code: 'ERR_KEYSTORE_WEAK_KEY', message: expect.stringContaining('RSA-1024') });
  });

  describe.skipIf(!sharedVectorsExist)(`the real DSA-512 certificate of an old ABAP system (WSP/200)${sharedVectorsExist ? '' : ` (skipped: ${SKIP_MESSAGE})`}`, () => {
    it('is refused by addTrusted without allowWeakKey and accepted with it', () => {
      const cert = parseCertificate(vectorFile('kuleuven-wsp-signer.crt.pem'));
      expect([cert.keyType, cert.keyBits]).toEqual(['dsa', 512]);
      const ks = Keystore.fromKeyPair({ sid: 'OWN', client: '001', certificate: base.own.certificate, privateKey: base.own.privateKey });
      expectWeak(() => ks.addTrusted(cert, { sid: 'WSP', client: '200' }));
      expect(ks.addTrusted(cert, { sid: 'WSP', client: '200', allowWeakKey: true }).name).toBe('WSP-200');
    });
  });
});
