/**
 * Random and hostile input to everything the PassTicket side parses (issue 8, item 4): PassTickets and user IDs in
 * the verifier, JWTs (jwtTokenVerifier), logon tickets used as CICS tokens (logonTicketTokenVerifier), and
 * VERIFY TOKEN itself. A refusal is always a typed result or a `CicsCondition`; nothing random is ever accepted.
 *
 * Bounded work is asserted by counting the cryptographic operations of each evaluation (no clock): a legacy
 * evaluation is at most 6 batched DES calls backwards plus 6 to re-derive, an enhanced one at most 12 HMACs,
 * whatever the ticket and the window.
 */
import fc from 'fast-check';
import { SignJWT } from 'jose';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { Keystore } from '../../src/keystore/keystore.js';
import { CicsCondition, createPassTicketService, jwtTokenVerifier, logonTicketTokenVerifier, MAX_TOKEN_LENGTH, type TokenVerifier } from '../../src/passticket/cics.js';
import { SingleDes } from '../../src/passticket/des.js';
import { EnhancedPassTicketContext } from '../../src/passticket/enhanced-algorithm.js';
import { defineApplication, PassTicketProfiles } from '../../src/passticket/profiles.js';
import { PassTicketVerifier } from '../../src/passticket/verifier.js';
import { encodeTicketText, issueTicket, verifyTicket } from '../../src/ticket/index.js';
import { ENHANCED_KEY, frozenClock, jwtParties, LEGACY_KEY, NOW, TestStateStore } from './helpers.js';

afterEach(() => vi.restoreAllMocks());

const APPS = ['LEGACY', 'UPPER', 'MIXED'] as const;
function fuzzProfiles(validitySeconds = 600): PassTicketProfiles {
  return new PassTicketProfiles({
    applications: [
      defineApplication({ name: 'LEGACY', key: LEGACY_KEY, algorithm: 'legacy', validitySeconds }),
      defineApplication({ name: 'UPPER', key: ENHANCED_KEY, algorithm: 'enhanced', type: 'UPPER', validitySeconds }),
      defineApplication({ name: 'MIXED', key: ENHANCED_KEY, algorithm: 'enhanced', type: 'MIXED', validitySeconds }),
    ],
  });
}

/** Anything a client could put in a user or ticket field, and a few things only a buggy caller would. */
const anyField = fc.oneof(
  fc.string({ maxLength: 40 }),
  fc.string({ unit: fc.constantFrom(...'ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789@#$'), minLength: 1, maxLength: 9 }),
  fc.string({ unit: fc.constantFrom(...'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789'), minLength: 8, maxLength: 8 }),
  fc.string({ unit: 'binary', maxLength: 20 }),
  fc.constantFrom(undefined, null, 42, {}, [], '__proto__', 'constructor', 'A'.repeat(100_000)),
);

describe('PassTicketVerifier: random users and tickets', () => {
  it('never throws and never accepts: a typed refusal every time', async () => {
    const verifier = new PassTicketVerifier({ profiles: fuzzProfiles(), state: new TestStateStore(), clock: frozenClock() });
    await fc.assert(
      fc.asyncProperty(fc.constantFrom(...APPS), anyField, anyField, async (application, user, ticket) => {
        const result = await verifier.verifyPassTicket({ application, user: user as string, ticket: ticket as string });
        expect(result).toMatchObject({ valid: false, code: 'ERR_PASSTICKET_REFUSED' });
      }),
      { numRuns: 1500 },
    );
  });

  it('an unknown application is a PassTicketError (a configuration mistake), whatever the input', async () => {
    const verifier = new PassTicketVerifier({ profiles: fuzzProfiles(), state: new TestStateStore(), clock: frozenClock() });
    await fc.assert(
      fc.asyncProperty(anyField, async (application) => {
        if (['LEGACY', 'UPPER', 'MIXED'].includes(String(application).toUpperCase())) return;
        await expect(verifier.verifyPassTicket({ application: application as string, user: 'ALICE', ticket: 'ABCDEFGH' })).rejects.toMatchObject({
          code: 'ERR_PASSTICKET_UNKNOWN_APPLICATION',
        });
      }),
      { numRuns: 200 },
    );
  });
});

describe('bounded work per evaluation (operations counted, not timed)', () => {
  it('legacy: at most 2 + 6 + 6 DES calls and 2 + 6 × 256 + 6 blocks per ticket, for any 8 characters and any window', () => {
    const encrypt = vi.spyOn(SingleDes.prototype, 'encrypt');
    for (const window of [1, 600, 86_400]) {
      const profiles = fuzzProfiles(window);
      const app = profiles.get('LEGACY')!;
      fc.assert(
        fc.property(fc.string({ unit: fc.constantFrom(...'ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789'), minLength: 8, maxLength: 8 }), fc.constantFrom('ALICE', 'BOB', 'MIKEM'), (ticket, user) => {
          encrypt.mockClear();
          app.evaluate(user, ticket, NOW);
          const blocks = encrypt.mock.calls.reduce((n, [b]) => n + b.length / 8, 0);
          expect(encrypt.mock.calls.length).toBeLessThanOrEqual(14);
          expect(blocks).toBeLessThanOrEqual(2 + 6 * 256 + 6);
        }),
        { numRuns: 300 },
      );
    }
  });

  it('enhanced UPPER and MIXED: at most 12 round HMACs per ticket, for any 8 characters and any window', () => {
    const round = vi.spyOn(EnhancedPassTicketContext.prototype, 'roundHash');
    for (const window of [1, 600, 86_400]) {
      const profiles = fuzzProfiles(window);
      for (const name of ['UPPER', 'MIXED']) {
        const app = profiles.get(name)!;
        fc.assert(
          fc.property(fc.string({ unit: fc.constantFrom(...'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789'), minLength: 8, maxLength: 8 }), (ticket) => {
            round.mockClear();
            app.evaluate('ALICE', ticket, NOW);
            expect(round.mock.calls.length).toBeLessThanOrEqual(12);
          }),
          { numRuns: 300 },
        );
      }
    }
  });

  it('anything that is not 8 characters costs no cryptography at all', () => {
    const encrypt = vi.spyOn(SingleDes.prototype, 'encrypt');
    const round = vi.spyOn(EnhancedPassTicketContext.prototype, 'roundHash');
    const profiles = fuzzProfiles();
    for (const name of APPS) profiles.get(name)!.evaluate('ALICE', 'WARMUP00', NOW); // contexts made
    encrypt.mockClear();
    round.mockClear();
    fc.assert(
      fc.property(fc.constantFrom(...APPS), fc.string({ maxLength: 200 }).filter((s) => s.length !== 8), (name, ticket) => {
        expect(profiles.get(name)!.evaluate('ALICE', ticket, NOW)).toEqual({ valid: false });
      }),
      { numRuns: 300 },
    );
    expect(encrypt).not.toHaveBeenCalled();
    expect(round).not.toHaveBeenCalled();
  });
});

/** Runs a token verifier: `null` (not recognised), a result, or a rejection that must be a NOTAUTH 2 condition. */
async function outcome(verify: TokenVerifier, token: string): Promise<'unrecognised' | 'accepted' | 'refused'> {
  try {
    return (await verify(token)) === null ? 'unrecognised' : 'accepted';
  } catch (err) {
    expect(err, String(err)).toBeInstanceOf(CicsCondition);
    expect(err).toMatchObject({ condition: 'NOTAUTH', resp2: 2 });
    return 'refused';
  }
}

const b64url = (v: string | Uint8Array) => Buffer.from(v).toString('base64url');

describe('JWTs: jwtTokenVerifier', () => {
  it('random strings and random JWS-shaped tokens are never accepted; refusals are NOTAUTH 2 with the jose error as cause', async () => {
    const { issuer } = await jwtParties();
    const verify = jwtTokenVerifier({ key: issuer.publicKey, issuer: 'https://idp.example', algorithms: ['ES256'], clock: frozenClock() });
    const jwsShaped = fc
      .tuple(fc.oneof(fc.json(), fc.string()), fc.oneof(fc.json(), fc.string()), fc.uint8Array({ maxLength: 80 }))
      .map(([h, p, sig]) => `${b64url(h)}.${b64url(p)}.${b64url(sig)}`);
    await fc.assert(
      fc.asyncProperty(fc.oneof(fc.string({ maxLength: 300 }), jwsShaped), async (token) => {
        expect(await outcome(verify, token)).not.toBe('accepted');
      }),
      { numRuns: 600 },
    );
    const err = await Promise.resolve(verify(`${b64url('{"alg":"ES256"}')}.${b64url('{}')}.AAAA`)).catch((e: unknown) => e);
    expect((err as CicsCondition).cause).toMatchObject({ code: expect.stringMatching(/^ERR_J/) });
  });

  it('hostile headers and claims: alg none, HMAC with the public key, crit, b64:false, embedded jwk, no sub, huge tokens', async () => {
    const { issuer, token } = await jwtParties();
    const verify = jwtTokenVerifier({ key: issuer.publicKey, issuer: 'https://idp.example', algorithms: ['ES256'], clock: frozenClock() });
    const valid = await token('ALICE');
    expect(await outcome(verify, valid)).toBe('accepted');
    const [, payload, sig] = valid.split('.') as [string, string, string];
    const headers = [
      { alg: 'none' },
      { alg: 'HS256' },
      { alg: 'ES256', crit: ['exp'] },
      { alg: 'ES256', b64: false, crit: ['b64'] },
      { alg: 'ES256', jwk: { kty: 'EC', crv: 'P-256', x: 'AAAA', y: 'AAAA' } },
      { alg: 'ES256', kid: '../../etc/passwd' },
      { alg: 'ES256', typ: { toString: 1 } },
    ];
    for (const h of headers) expect(await outcome(verify, `${b64url(JSON.stringify(h))}.${payload}.${sig}`), JSON.stringify(h)).toBe('refused');
    expect(await outcome(verify, `${b64url('{"alg":"none"}')}.${payload}.`)).toBe('refused');
    const noSub = await new SignJWT({}).setProtectedHeader({ alg: 'ES256' }).setIssuer('https://idp.example').setIssuedAt(NOW).setExpirationTime(NOW + 60).sign(issuer.privateKey);
    expect(await outcome(verify, noSub)).toBe('refused');
    expect(await outcome(verify, `${'a'.repeat(MAX_TOKEN_LENGTH)}.b.c`)).toBe('unrecognised');
    expect(await outcome(verify, 42 as unknown as string)).toBe('unrecognised');
  });
});

describe('logon tickets as CICS tokens, and VERIFY TOKEN', () => {
  const now = new Date(NOW * 1000);

  it('logonTicketTokenVerifier: random and mutated tickets are refused as NOTAUTH 2 (the TicketError is the cause), never accepted', async () => {
    const keystore = await Keystore.generate({ sid: 'TS1', client: '000', now });
    const verify = logonTicketTokenVerifier((text) => verifyTicket(text, { keystore, now }));
    const genuine = issueTicket({ keystore, user: 'CAROL', now }).bytes;
    expect(await outcome(verify, encodeTicketText(genuine))).toBe('accepted');
    const mutated = fc.tuple(fc.nat(genuine.length - 1), fc.integer({ min: 1, max: 255 })).map(([at, xor]) => {
      const bytes = Uint8Array.from(genuine);
      bytes[at] = bytes[at]! ^ xor;
      return encodeTicketText(bytes);
    });
    await fc.assert(
      fc.asyncProperty(fc.oneof(fc.string({ maxLength: 400 }), fc.uint8Array({ maxLength: 600 }).map(encodeTicketText), mutated), async (token) => {
        expect(await outcome(verify, token)).not.toBe('accepted');
      }),
      { numRuns: 400 },
    );
    const err = await Promise.resolve(verify('garbage')).catch((e: unknown) => e);
    expect((err as CicsCondition).cause).toMatchObject({ code: 'ERR_TICKET_MALFORMED' });
  });

  it('verifyToken with both verifiers: any random token is refused with a CicsCondition NOTAUTH 2, and leaves no user', async () => {
    const keystore = await Keystore.generate({ sid: 'TS1', client: '000', now });
    const { issuer } = await jwtParties();
    const service = createPassTicketService({
      profiles: fuzzProfiles(),
      state: new TestStateStore(),
      clock: frozenClock(),
      tokenVerifiers: [
        jwtTokenVerifier({ key: issuer.publicKey, issuer: 'https://idp.example', algorithms: ['ES256'], clock: frozenClock() }),
        logonTicketTokenVerifier((text) => verifyTicket(text, { keystore, now })),
      ],
    });
    await fc.assert(
      fc.asyncProperty(fc.oneof(fc.string({ maxLength: 300 }), fc.string({ unit: 'binary', maxLength: 100 }), fc.constantFrom('', 'a.b.c', 'x'.repeat(MAX_TOKEN_LENGTH + 1), undefined, null, 7)), fc.boolean(), async (token, encryptKey) => {
        const req: { user?: unknown } = {};
        const err = await service.verifyToken(req, token as string, { encryptKey }).catch((e: unknown) => e);
        expect(err).toBeInstanceOf(CicsCondition);
        expect(err).toMatchObject({ condition: 'NOTAUTH', resp2: 2, status: 401 });
        expect(req.user).toBeUndefined();
      }),
      { numRuns: 400 },
    );
  });
});
