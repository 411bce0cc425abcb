/** Shared fixtures for the PassTicket tests: frozen clocks, profiles, and stand-ins for the state and guard. */
import { TicketStackError } from '../../src/errors.js';
import { defineApplication, PassTicketProfiles, type ApplicationDefinition } from '../../src/passticket/profiles.js';
import type { PassTicketSignOnGuard } from '../../src/passticket/verifier.js';
import { MemoryStateStore } from '../../src/state/memory-state-store.js';

export const NOW = 1_700_000_000; // frozen epoch seconds
export const frozenClock = (seconds = NOW) => () => seconds * 1000;

export const LEGACY_KEY = 'E001193519561977';
export const ENHANCED_KEY = '000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f202122232425262728292a2b2c2d2e2f303132333435363738393a3b3c3d3e3f';

export function profiles(extra: Partial<ApplicationDefinition> = {}, mayGenerate = true): PassTicketProfiles {
  return new PassTicketProfiles({
    mayGenerate,
    applications: [
      defineApplication({ name: 'CICSAPP1', key: LEGACY_KEY, algorithm: 'legacy', generators: { users: ['*'] }, ...extra }),
      defineApplication({ name: 'TSOSYS1', key: ENHANCED_KEY, algorithm: 'enhanced', generators: { users: ['*'] }, ...extra }),
      defineApplication({ name: 'NOREPLAY', key: LEGACY_KEY, algorithm: 'legacy', replayProtection: false }),
    ],
  });
}

/** The real embedded store, recording the keys claimed (to check what the store holds). */
export class TestStateStore extends MemoryStateStore {
  readonly claimed: string[] = [];
  override async claimOnce(key: string, ttlMs: number): Promise<boolean> {
    this.claimed.push(key);
    return super.claimOnce(key, ttlMs);
  }
}

/** A stand-in with SignOnGuard's behaviour: REVOKE after `maxFailures` consecutive failures. */
export class TestGuard implements PassTicketSignOnGuard {
  readonly failures = new Map<string, number>();
  readonly revoked = new Set<string>();
  constructor(readonly maxFailures = 3) {}
  async assertNotRevoked(userId: string) {
    if (this.revoked.has(userId.toUpperCase())) throw new TicketStackError('ERR_USER_REVOKED', `user ${userId} is revoked`);
  }
  async recordFailure(userId: string) {
    const id = userId.toUpperCase();
    const failures = (this.failures.get(id) ?? 0) + 1;
    this.failures.set(id, failures);
    if (failures >= this.maxFailures) this.revoked.add(id);
    return { failures, revoked: this.revoked.has(id) };
  }
  async recordSuccess(userId: string) {
    this.failures.delete(userId.toUpperCase());
  }
  async restore(userId: string) {
    this.revoked.delete(userId.toUpperCase());
    this.failures.delete(userId.toUpperCase());
  }
}

/** A JWT issuer (ES256) and a client whose ECDH public key goes into the RFC 7800 `cnf.jwk` claim. */
export async function jwtParties() {
  const { SignJWT, exportJWK, generateKeyPair } = await import('jose');
  const issuer = await generateKeyPair('ES256');
  const client = await generateKeyPair('ECDH-ES', { crv: 'P-256', extractable: true });
  const clientJwk = await exportJWK(client.publicKey);
  const rsa = await generateKeyPair('RSA-OAEP-256', { extractable: true });
  const rsaJwk = await exportJWK(rsa.publicKey);
  let n = 0;
  const token = (sub: string, cnf: 'ec' | 'rsa' | 'none' = 'ec', iss = 'https://idp.example') =>
    new SignJWT(cnf === 'none' ? {} : { cnf: { jwk: cnf === 'ec' ? clientJwk : rsaJwk } })
      .setProtectedHeader({ alg: 'ES256' })
      .setSubject(sub)
      .setIssuer(iss)
      .setJti(`t${++n}`) // distinct tokens: a token obtains one ENCRYPTKEY
      .setIssuedAt(NOW)
      .setExpirationTime(NOW + 300)
      .sign(issuer.privateKey);
  return { issuer, client, token };
}
