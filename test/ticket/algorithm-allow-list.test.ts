import { beforeAll, describe, expect, it } from 'vitest';
import { Keystore } from '../../src/keystore/index.js';
import { issueTicket, TICKET_ALGORITHMS, verifyTicket, type TicketAlgorithm } from '../../src/ticket/index.js';
import { expectTicketError } from './helpers.js';

const NOW = new Date('2025-03-04T10:20:30Z');
const keystores: Partial<Record<'dsa' | 'rsa' | 'ecdsa', Keystore>> = {};
beforeAll(async () => {
  for (const alg of ['dsa', 'rsa', 'ecdsa'] as const) keystores[alg] = await Keystore.generate({ sid: 'J2E', client: '000', alg });
});

describe('algorithm allow-list (sap-logon-ticket.md §1.4)', () => {
  for (const algorithm of TICKET_ALGORITHMS) {
    it(`${algorithm}: accepted by default, refused when left out of allowedAlgorithms`, () => {
      const [family, hash] = algorithm.split('-') as ['dsa' | 'rsa' | 'ecdsa', 'sha1' | 'sha256'];
      const keystore = keystores[family]!;
      const t = issueTicket({ keystore, user: 'U', hash, now: NOW });
      expect(verifyTicket(t.text, { keystore, now: NOW }).signer.algorithm).toBe(algorithm);
      expect(verifyTicket(t.text, { keystore, now: NOW, allowedAlgorithms: [algorithm] }).signer.algorithm).toBe(algorithm);
      const others = TICKET_ALGORITHMS.filter((a) => a !== algorithm);
      const err = expectTicketError(() => verifyTicket(t.text, { keystore, now: NOW, allowedAlgorithms: others }), 'ERR_TICKET_ALGORITHM_NOT_ALLOWED');
      expect(err.message).toContain(algorithm);
    });
  }

  it('SHA-1 can be switched off explicitly', () => {
    const keystore = keystores.dsa!;
    const sha256Only: TicketAlgorithm[] = ['dsa-sha256', 'rsa-sha256', 'ecdsa-sha256'];
    expectTicketError(() => verifyTicket(issueTicket({ keystore, user: 'U', now: NOW }).text, { keystore, now: NOW, allowedAlgorithms: sha256Only }), 'ERR_TICKET_ALGORITHM_NOT_ALLOWED');
    expect(verifyTicket(issueTicket({ keystore, user: 'U', hash: 'sha256', now: NOW }).text, { keystore, now: NOW, allowedAlgorithms: sha256Only }).user).toBe('U');
  });

  it('an invalid allow-list is a TypeError naming allowedAlgorithms', () => {
    const keystore = keystores.dsa!;
    const text = issueTicket({ keystore, user: 'U', now: NOW }).text;
    expect(() => verifyTicket(text, { keystore, allowedAlgorithms: ['md5-rsa' as TicketAlgorithm] })).toThrow(/allowedAlgorithms/);
    expect(() => verifyTicket(text, { keystore, allowedAlgorithms: 'dsa-sha1' as unknown as TicketAlgorithm[] })).toThrow(/allowedAlgorithms/);
  });

  it('key size policy: minKeyBits refuses with ERR_TICKET_KEY_TOO_WEAK unless allowWeakKeys', () => {
    const keystore = keystores.dsa!;
    const text = issueTicket({ keystore, user: 'U', now: NOW }).text;
    const err = expectTicketError(() => verifyTicket(text, { keystore, now: NOW, minKeyBits: { dsa: 2048 } }), 'ERR_TICKET_KEY_TOO_WEAK');
    expect(err.message).toContain('1024');
    expect(verifyTicket(text, { keystore, now: NOW, minKeyBits: { dsa: 2048 }, allowWeakKeys: true }).signer.keyBits).toBe(1024);
    const rsa = keystores.rsa!;
    expectTicketError(() => verifyTicket(issueTicket({ keystore: rsa, user: 'U', now: NOW }).text, { keystore: rsa, now: NOW, minKeyBits: { rsa: 3072 } }), 'ERR_TICKET_KEY_TOO_WEAK');
    expect(() => verifyTicket(text, { keystore, minKeyBits: { dsa: -1 } })).toThrow(/minKeyBits/);
    expect(() => verifyTicket(text, { keystore, allowWeakKeys: 1 as unknown as boolean })).toThrow(/allowWeakKeys/);
  });
});
