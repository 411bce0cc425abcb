/** HA1 and userhash values (RFC 7616 §3.4.2, §3.4.4) against the RFC's own examples, and the store options. */
import { describe, expect, it } from 'vitest';
import { computeDigestHa1, computeDigestUserhash, digestHash } from '../../src/users/digest-credentials.js';
import { FileUserStore } from '../../src/users/file-user-store.js';
import { MemoryUserStore } from '../../src/users/memory-user-store.js';
import { PostgresUserStore } from '../../src/users/postgres-user-store.js';
import { createUserStore } from '../../src/users/create-user-store.js';

describe('RFC 7616 §3.9 examples', () => {
  // §3.9.1: Mufasa / "Circle of Life" in realm http-auth@example.org, GET /dir/index.html.
  const nonce = '7ypf/xlj9XXwfDPEoM4URrv/xwf94BcCAzFZH4GiTo0v';
  const cnonce = 'f2/wE4q74E6zIJEtWaHKaf5wv/H5QzzpXusqGemxURZJ';
  for (const [algorithm, response] of [
    ['MD5', '8ca523f5e9506fed4657c9700eebdbec'],
    ['SHA-256', '753927fa0e85d155564e2e272a28d1802ca10daf4496794697cf8db5856cb6c1'],
  ] as const) {
    it(`${algorithm}: the stored HA1 gives the RFC's response`, () => {
      const ha1 = computeDigestHa1(algorithm, 'Mufasa', 'http-auth@example.org', 'Circle of Life');
      const ha2 = digestHash(algorithm, 'GET:/dir/index.html');
      expect(digestHash(algorithm, `${ha1}:${nonce}:00000001:${cnonce}:auth:${ha2}`)).toBe(response);
    });
  }

  it('§3.9.2: the userhash of "Jäsøn Doe" in api@example.org', () => {
    expect(computeDigestUserhash('SHA-256', 'Jäsøn Doe', 'api@example.org')).toBe('5a1a8a47df5c298551b9b42ba9b05835174a5bd7d511ff7fe9191d8e946fc4e7');
    // NFC: the same name typed with combining characters hashes the same.
    expect(computeDigestUserhash('SHA-256', 'Ja\u0308s\u00f8n Doe', 'api@example.org')).toBe('5a1a8a47df5c298551b9b42ba9b05835174a5bd7d511ff7fe9191d8e946fc4e7');
  });
});

describe('store options digestRealms / digestAlgorithms', () => {
  it('default: no realms (no HA1 kept), SHA-256', () => {
    const store = new MemoryUserStore();
    expect(store.digestRealms).toEqual([]);
    expect(store.digestAlgorithms).toEqual(['SHA-256']);
  });

  it('createUserStore passes them on to the store it picks', async () => {
    const file = createUserStore({ path: '/tmp/never-written.json', digestRealms: ['r'], digestAlgorithms: ['MD5'] });
    expect([file.digestRealms, file.digestAlgorithms]).toEqual([['r'], ['MD5']]);
    const pg = createUserStore({ databaseUrl: 'postgres://127.0.0.1:1/x', digestRealms: ['r'] });
    expect([pg.digestRealms, pg.digestAlgorithms]).toEqual([['r'], ['SHA-256']]);
    await pg.close();
  });

  it('bad values are TypeErrors naming the option, in every store', () => {
    const make = [
      (o: object) => new MemoryUserStore(o),
      (o: object) => new FileUserStore({ path: '/tmp/never-written.json', ...o }),
      (o: object) => new PostgresUserStore({ connectionString: 'postgres://x/y', ...o }),
    ];
    for (const m of make) {
      expect(() => m({ digestRealms: 'ticketstack' })).toThrow(/digestRealms/);
      expect(() => m({ digestRealms: ['a"b'] })).toThrow(/digestRealms/);
      expect(() => m({ digestRealms: [''] })).toThrow(/digestRealms/);
      expect(() => m({ digestRealms: ['r'], digestAlgorithms: ['SHA-1'] })).toThrow(/digestAlgorithms/);
      expect(() => m({ digestRealms: ['r'], digestAlgorithms: [] })).toThrow(/digestAlgorithms/);
      expect(() => m({ digestRealm: ['r'] })).toThrow(/unknown option "digestRealm"/);
    }
  });
});
