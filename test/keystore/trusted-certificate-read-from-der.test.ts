/**
 * `addTrusted` reads a certificate object again from its DER: a key size, key or fingerprint that a caller changed
 * on the object is never taken as given (a weak key cannot pass as strong). System IDs compare by ASCII case only.
 */
import { describe, expect, it } from 'vitest';
import { Keystore, sameSystemId } from '../../src/keystore/index.js';

describe('trusted certificates', () => {
  it('a CertificateInfo whose keyBits says more than its DER holds is judged by its DER', async () => {
    const weak = await Keystore.generate({ sid: 'OLD', client: '000', alg: 'rsa' });
    const info = { ...weak.own.certificate, keyBits: 512 }; // claims to be weaker than it is…
    const ks = await Keystore.generate({ sid: 'J2E', client: '000' });
    const entry = ks.addTrusted(info, { sid: 'OLD', client: '000' });
    expect(entry.certificate.keyBits).toBe(weak.own.certificate.keyBits); // …and the DER's figure is kept
    expect(entry.certificate.fingerprint).toBe(weak.own.certificate.fingerprint);
  });

  it('compares SIDs and clients by ASCII case only', () => {
    expect(sameSystemId(' erp ', 'ERP')).toBe(true);
    expect(sameSystemId('\u017fAP', 'SAP')).toBe(false); // ſ upper-cases to S in Unicode, not in SAP
  });
});
