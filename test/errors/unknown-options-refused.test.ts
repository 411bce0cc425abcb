/** A misspelt option is a TypeError naming it, never a silent fall back to a default (README "Errors"). */
import { describe, expect, it } from 'vitest';
import { Keystore } from '../../src/keystore/index.js';
import { jwtTokenVerifier } from '../../src/passticket/cics.js';
import { PassTicketGenerator } from '../../src/passticket/generator.js';
import { PassTicketProfiles } from '../../src/passticket/profiles.js';
import { PassTicketVerifier } from '../../src/passticket/verifier.js';
import { MemoryStateStore } from '../../src/state/memory-state-store.js';
import { decodeTicket, issueAssertionTicket, issueTicket, verifyTicket } from '../../src/ticket/index.js';

describe('unknown option keys', () => {
  const profiles = new PassTicketProfiles({ applications: [] });
  const state = new MemoryStateStore();

  it('PassTicketGenerator, PassTicketVerifier and jwtTokenVerifier name the key', () => {
    expect(() => new PassTicketGenerator({ profiles, state, maxSpread: 5 } as never)).toThrow(/^PassTicketGenerator: unknown option "maxSpread"/);
    expect(() => new PassTicketVerifier({ profiles, state, gaurd: {} } as never)).toThrow(/^PassTicketVerifier: unknown option "gaurd"/);
    expect(() => jwtTokenVerifier({ key: new Uint8Array(32), issuers: ['x'] } as never)).toThrow(/^jwtTokenVerifier: unknown option "issuers"/);
  });

  it('Keystore.generate and addTrusted name the key', async () => {
    await expect(Keystore.generate({ sid: 'J2E', client: '000', algorithm: 'rsa' } as never)).rejects.toThrow(/^Keystore\.generate: unknown option "algorithm"/);
    const ks = await Keystore.generate({ sid: 'J2E', client: '000' });
    expect(() => ks.addTrusted(ks.own.certificate, { sid: 'ERP', client: '100', allowWeakKeys: true } as never)).toThrow(/^addTrusted: unknown option "allowWeakKeys"/);
  });

  it('issueTicket, issueAssertionTicket, decodeTicket and verifyTicket name the key', async () => {
    const keystore = await Keystore.generate({ sid: 'J2E', client: '000' });
    expect(() => issueTicket({ keystore, user: 'ALICE', lifetime: 60 } as never)).toThrow(/^issueTicket: unknown option "lifetime"/);
    expect(() => issueAssertionTicket({ keystore, user: 'ALICE', recipientSid: 'ERP', recipientClient: '100', recipient: 'ERP' } as never)).toThrow(
      /^issueAssertionTicket: unknown option "recipient"/,
    );
    const { text } = issueTicket({ keystore, user: 'ALICE' });
    expect(() => decodeTicket(text, { maxLen: 10 } as never)).toThrow(/^decodeTicket: unknown option "maxLen"/);
    expect(() => verifyTicket(text, { keystore, tolerance: 5 } as never)).toThrow(/unknown option "tolerance"/);
  });
});
