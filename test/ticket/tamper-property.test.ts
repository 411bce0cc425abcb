import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import { Keystore } from '../../src/keystore/index.js';
import { decodeTicket, issueAssertionTicket, issueTicket, TicketError, verifyTicket, type IssuedTicket } from '../../src/ticket/index.js';

const NOW = new Date('2025-03-04T10:20:30Z');
let dsa: Keystore;
let ecdsa: Keystore;
const tickets: Record<string, { issued: IssuedTicket; keystore: Keystore }> = {};

beforeAll(async () => {
  [dsa, ecdsa] = await Promise.all([Keystore.generate({ sid: 'J2E', client: '000' }), Keystore.generate({ sid: 'J2E', client: '000', alg: 'ecdsa' })]);
  const recipient = Keystore.fromKeyPair({ sid: 'ERP', client: '100', certificate: dsa.own.certificate, privateKey: dsa.own.privateKey });
  recipient.addTrusted(dsa.own.certificate, { sid: 'J2E', client: '000' });
  tickets['AS Java 1100 dsa-sha1'] = { issued: issueTicket({ keystore: dsa, user: 'DCHQ04', portalUser: 'dchq04', now: NOW }), keystore: dsa };
  tickets['ABAP 4103 dsa-sha1'] = { issued: issueTicket({ keystore: dsa, user: 'ALICE', codePage: '4103', rfc: true, now: NOW }), keystore: dsa };
  tickets['SAPSSOEXT 4110 assertion dsa-sha1'] = {
    issued: issueAssertionTicket({ keystore: dsa, user: 'SAPUSER', recipientSid: 'ERP', recipientClient: '100', codePage: '4110', portalUser: 'P', authScheme: 'basicauthentication', now: NOW }),
    keystore: recipient,
  };
  tickets['4103 ecdsa-sha256'] = { issued: issueTicket({ keystore: ecdsa, user: 'BOB', codePage: '4103', hash: 'sha256', now: NOW }), keystore: ecdsa };
});

function refused(bytes: Uint8Array, keystore: Keystore): boolean {
  try {
    verifyTicket(bytes, { keystore, now: NOW });
    return false;
  } catch (err) {
    if (!(err instanceof TicketError)) throw err;
    return true;
  }
}

describe('any change of one byte in the signed part or the signature unit is refused', () => {
  it('the untouched tickets verify', () => {
    for (const { issued, keystore } of Object.values(tickets)) expect(verifyTicket(issued.bytes, { keystore, now: NOW }).sid).toBe('J2E');
  });

  it('every byte, flipped in its lowest and highest bit (exhaustive)', () => {
    for (const [name, { issued, keystore }] of Object.entries(tickets)) {
      const signedLength = decodeTicket(issued.bytes).signedBytes.length;
      for (let i = 0; i < issued.bytes.length; i++) {
        for (const mask of [0x01, 0x80]) {
          const bytes = issued.bytes.slice();
          bytes[i] = (bytes[i] as number) ^ mask;
          expect(refused(bytes, keystore), `${name}: byte ${i} (${i < signedLength ? 'signed part' : 'signature unit'}) ^ 0x${mask.toString(16)}`).toBe(true);
        }
      }
    }
  });

  it('any byte replaced by any other value (property)', () => {
    const entries = Object.values(tickets);
    fc.assert(
      fc.property(fc.nat(entries.length - 1), fc.nat(), fc.integer({ min: 1, max: 255 }), (which, position, delta) => {
        const { issued, keystore } = entries[which]!;
        const bytes = issued.bytes.slice();
        const i = position % bytes.length;
        bytes[i] = ((bytes[i] as number) + delta) & 0xff;
        return refused(bytes, keystore);
      }),
      { numRuns: 1000 },
    );
  });

  it('dropping or adding a byte is refused too', () => {
    for (const { issued, keystore } of Object.values(tickets)) {
      expect(refused(issued.bytes.subarray(0, issued.bytes.length - 1), keystore)).toBe(true);
      expect(refused(Uint8Array.from([...issued.bytes, 0]), keystore)).toBe(true);
    }
  });
});
