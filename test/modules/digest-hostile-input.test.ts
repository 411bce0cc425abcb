/**
 * Hostile `Authorization` headers (fast-check): the parser never throws and stays linear, and the Digest module
 * answers 400 or 401, never a 5xx, whatever bytes arrive.
 */
import fc from 'fast-check';
import request from 'supertest';
import { Passport } from 'passport';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDigestStrategy } from '../../src/modules/digest-module.js';
import { MAX_AUTHORIZATION_LENGTH, parseDigestAuthorization } from '../../src/modules/digest-header.js';
import { loginStack } from '../../src/stack/passport-adapter.js';
import { MemoryStateStore } from '../../src/state/memory-state-store.js';
import { DigestClient } from '../support/digest-client.js';
import { digestUsers, SECRET } from './digest-setup.js';
import { app } from './helpers.js';

/** Characters an HTTP header value may carry (HTAB, SP, VCHAR, obs-text): what a client can really send. */
const headerChar = fc.oneof(
  fc.constantFrom('"', '\\', ',', '=', ' ', '\t', '*', "'", '%'),
  fc.integer({ min: 0x21, max: 0x7e }).map((c) => String.fromCharCode(c)),
  fc.integer({ min: 0x80, max: 0xff }).map((c) => String.fromCharCode(c)),
);
const headerText = (maxLength: number) => fc.array(headerChar, { maxLength }).map((a) => a.join(''));
const digestLike = fc.oneof(headerText(300), headerText(300).map((t) => `Digest ${t}`), headerText(60).map((t) => `Digest username=${t}`));

describe('the parser, on any input', () => {
  it('never throws: random strings (any code unit), and Digest-like header text', () => {
    const never = (input: unknown) => {
      const r = parseDigestAuthorization(input);
      expect(typeof r.ok).toBe('boolean');
      if (r.ok) for (const [k, v] of r.directives) expect(typeof k === 'string' && typeof v === 'string').toBe(true);
    };
    fc.assert(fc.property(fc.string({ maxLength: 500, unit: 'binary' }), (s) => never(`Digest ${s}`)), { numRuns: 2000 });
    fc.assert(fc.property(digestLike, never), { numRuns: 2000 });
    fc.assert(fc.property(fc.anything(), never), { numRuns: 300 });
  });

  it('answers worst-case headers of the maximum length, and refuses one byte more before scanning it', () => {
    const worst = [
      `Digest ${'a=1,'.repeat(MAX_AUTHORIZATION_LENGTH / 4 - 2)}`,
      `Digest u="${'\\"'.repeat(MAX_AUTHORIZATION_LENGTH / 2 - 6)}"`,
      `Digest ${','.repeat(MAX_AUTHORIZATION_LENGTH - 7)}`,
      `Digest u="${'x'.repeat(MAX_AUTHORIZATION_LENGTH - 11)}`,
    ];
    // A hang detector only (a quadratic parser would take minutes here), not a performance assertion.
    const started = performance.now();
    for (let i = 0; i < 250; i++) for (const h of worst) expect(typeof parseDigestAuthorization(h).ok).toBe('boolean');
    expect(performance.now() - started).toBeLessThan(10_000);
    // Over the limit: refused as such, whatever follows (a malformed tail is never reached).
    expect(parseDigestAuthorization(`Digest ${'a=1,'.repeat(MAX_AUTHORIZATION_LENGTH / 4)}"unterminated`)).toEqual({ ok: false, reason: 'too long' });
  });
});

describe('the module, on any header: 400 or 401, never a 5xx, never a hang', () => {
  let server: ReturnType<typeof app>;
  let valid: string;
  const state = new MemoryStateStore();
  beforeAll(async () => {
    const users = await digestUsers();
    const digest = createDigestStrategy({ users, state, nonceSecret: SECRET, userhash: true });
    server = app(loginStack([{ name: 'digest', flag: 'REQUIRED', module: digest }], { session: false, passport: new Passport(), timeoutMs: 2000 }));
    const client = new DigestClient('alice', 'correct horse');
    const first = await request(server).get('/login');
    client.accept(([] as string[]).concat(first.headers['www-authenticate'] ?? []));
    valid = client.authorization('GET', '/login');
  });
  afterAll(() => state.close());

  const sameDirectives = (a: string, b: string): boolean => {
    const [pa, pb] = [parseDigestAuthorization(a), parseDigestAuthorization(b)];
    return pa.ok && pb.ok && JSON.stringify([...pa.directives].sort()) === JSON.stringify([...pb.directives].sort());
  };
  const status = async (authorization: string) => (await request(server).get('/login').set('Authorization', authorization)).status;

  it('random header values', async () => {
    await fc.assert(
      fc.asyncProperty(digestLike, async (h) => {
        expect([400, 401]).toContain(await status(h));
      }),
      { numRuns: 300 },
    );
  });

  it('a valid header, mutated: characters inserted, replaced or cut', async () => {
    await fc.assert(
      fc.asyncProperty(fc.nat(), fc.nat({ max: 40 }), headerText(12), async (at, cut, insert) => {
        const i = at % valid.length;
        const mutated = valid.slice(0, i) + insert + valid.slice(Math.min(valid.length, i + cut));
        const s = await status(mutated);
        // A mutation can leave the same directives (a backslash before an ordinary character in a quoted string is
        // a quoted-pair for that character): that is still the valid header, accepted once, then a replay.
        expect(sameDirectives(mutated, valid) ? [200, 401] : [400, 401]).toContain(s);
      }),
      { numRuns: 300 },
    );
  });
});
