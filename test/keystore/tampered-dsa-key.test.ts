/**
 * A DSA certificate whose public value does not decode (one tampered length byte) must be described or refused,
 * never crash: Node 20 aborts the whole process with a native assertion when `asymmetricKeyDetails` is read on such a
 * key. Such a certificate can arrive embedded in a hostile ticket, and `ticket decode` describes embedded ones.
 */
import { describe, expect, it } from 'vitest';
import { Keystore, parseCertificate } from '../../src/keystore/index.js';
import { decodeTicket, issueTicket } from '../../src/ticket/index.js';

/** Points the DSA public value's INTEGER length at the wrong place: 02 81 80|81 → 02 01 (the key no longer decodes). */
function tamperPublicValue(bytes: Uint8Array): Uint8Array {
  const out = bytes.slice();
  for (let i = 0; i + 6 < out.length; i++) {
    // BIT STRING (long length, no unused bits) whose content starts with an INTEGER of 128 or 129 bytes
    if (out[i] === 0x03 && out[i + 1] === 0x81 && out[i + 3] === 0x00 && out[i + 4] === 0x02 && out[i + 5] === 0x81) {
      out[i + 5] = 0x01;
      return out;
    }
  }
  throw new Error('no DSA public value found');
}

describe('a DSA key that does not decode', () => {
  it('is described from its domain parameters (1024 bits), without touching the broken key', async () => {
    const keystore = await Keystore.generate({ sid: 'J2E', client: '000' });
    const cert = parseCertificate(tamperPublicValue(keystore.own.certificate.der));
    expect(cert.keyType).toBe('dsa');
    expect(cert.keyBits).toBe(1024);
    expect(cert.fingerprint).not.toBe(keystore.own.certificate.fingerprint);
  });

  it('embedded in a ticket, is listed by decodeTicket instead of aborting the process', async () => {
    const keystore = await Keystore.generate({ sid: 'J2E', client: '000' });
    const { bytes } = issueTicket({ keystore, user: 'ALICE', includeCertificate: true });
    const decoded = decodeTicket(tamperPublicValue(bytes));
    expect(decoded.cms.certificates.map((c) => [c.keyType, c.keyBits])).toEqual([['dsa', 1024]]);
  });
});
