/**
 * HTTP Digest (RFC 7616) with a Node client written from the RFC (test/support/digest-client.ts) against a real
 * HTTP server: the challenge, logins with each algorithm, userhash and username*, Authentication-Info, and the
 * refusals with their codes in the decision record.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DigestClient, parseChallenge, send } from '../support/digest-client.js';
import { digestServer, type DigestServer } from './digest-setup.js';

let server: DigestServer;
beforeAll(async () => {
  server = await digestServer({ algorithms: ['SHA-256', 'SHA-256-sess', 'SHA-512-256', 'SHA-512-256-sess'], userhash: true });
});
afterAll(() => server.close());

describe('the challenge', () => {
  it('one WWW-Authenticate per algorithm, in the configured order, with qop=auth, opaque, charset and userhash', async () => {
    const res = await send(server.base, '/login', 'GET', {});
    expect(res.status).toBe(401);
    expect(res.challenges).toHaveLength(4);
    expect(res.challenges.map((c) => parseChallenge(c)?.algorithm)).toEqual(['SHA-256', 'SHA-256-sess', 'SHA-512-256', 'SHA-512-256-sess']);
    expect(res.challenges[0]).toMatch(/^Digest realm="ticketstack", qop="auth", algorithm=SHA-256, nonce="[A-Za-z0-9_-]{48}", opaque="[A-Za-z0-9_-]+", charset=UTF-8, userhash=true$/);
    expect(res.body).toBe('Unauthorized');
    expect(server.reason()).toBe('ERR_DIGEST_MISSING_CREDENTIALS');
  });

  it('every challenge carries a fresh nonce', async () => {
    const a = parseChallenge((await send(server.base, '/login', 'GET', {})).challenges[0]!)!;
    const b = parseChallenge((await send(server.base, '/login', 'GET', {})).challenges[0]!)!;
    expect(a.nonce).not.toBe(b.nonce);
    expect(a.opaque).toBe(b.opaque);
  });
});

describe('logging in', () => {
  for (const algorithm of ['SHA-256', 'SHA-256-sess', 'SHA-512-256', 'SHA-512-256-sess']) {
    it(`${algorithm}: the right password logs in, and Authentication-Info proves the server knows HA1`, async () => {
      const client = new DigestClient('alice', 'correct horse', { algorithms: [algorithm] });
      const res = await client.fetch(server.base, '/login?x=1&y=%20');
      expect(res.status).toBe(200);
      expect(JSON.parse(res.body).user).toEqual({ id: 'alice', authMethod: 'digest', groups: ['staff'] });
      const info = res.headers['authentication-info'] as string;
      expect(info).toContain(`rspauth="${client.expectedRspauth('/login?x=1&y=%20')}"`);
      expect(info).toContain(`nc=${client.nc.toString(16).padStart(8, '0')}`);
    });
  }

  it('reuses one nonce with nc counting up (no new challenge per request)', async () => {
    const client = new DigestClient('alice', 'correct horse');
    expect((await client.fetch(server.base, '/login')).status).toBe(200);
    const nonce = client.challenge!.nonce;
    for (let i = 0; i < 3; i++) expect((await client.fetch(server.base, '/other')).status).toBe(200);
    expect(client.challenge!.nonce).toBe(nonce);
    expect(client.nc).toBe(4);
  });

  it('userhash=true: the client sends H(username:realm) instead of the user ID', async () => {
    const client = new DigestClient('alice', 'correct horse', { useUserhash: true });
    const res = await client.fetch(server.base, '/login');
    expect(client.lastAuthorization).toContain('userhash=true');
    expect(client.lastAuthorization).not.toContain('alice');
    expect(res.status).toBe(200);
    expect(JSON.parse(res.body).user.id).toBe('alice');
  });

  it('a non-ASCII user ID: as username*=UTF-8\'\'… and as raw UTF-8 in username', async () => {
    for (const extendedUsername of [true, false]) {
      const client = new DigestClient('Jörg', 'pässwörd', { extendedUsername });
      const res = await client.fetch(server.base, '/login');
      expect(res.status).toBe(200);
      expect(JSON.parse(res.body).user.id).toBe('Jörg');
    }
  });
});

describe('refusals: one 401 with a fresh challenge for the client, the reason in the decision record', () => {
  const challenged = async (authorization: string | undefined, path = '/login') => send(server.base, path, 'GET', authorization === undefined ? {} : { authorization });
  const freshClient = async (): Promise<DigestClient> => {
    const client = new DigestClient('alice', 'correct horse');
    client.accept((await challenged(undefined)).challenges);
    return client;
  };

  it('a wrong password: ERR_DIGEST_REFUSED, and a new challenge (not stale)', async () => {
    const client = new DigestClient('alice', 'wrong');
    const res = await client.fetch(server.base, '/login');
    expect(res.status).toBe(401);
    expect(server.reason()).toBe('ERR_DIGEST_REFUSED');
    expect(res.challenges).toHaveLength(4);
    expect(parseChallenge(res.challenges[0]!)!.stale).toBe(false);
    expect(res.body).toBe('Unauthorized');
  });

  it('an unknown user and the wrong case of a user ID (Digest hashes it) are refused the same way', async () => {
    for (const name of ['mallory', 'ALICE']) {
      const res = await new DigestClient(name, 'correct horse').fetch(server.base, '/login');
      expect(res.status).toBe(401);
      expect(server.reason()).toBe('ERR_DIGEST_REFUSED');
    }
  });

  it('a forged or foreign nonce: ERR_DIGEST_NONCE_INVALID', async () => {
    const client = await freshClient();
    const nonce = client.challenge!.nonce;
    client.challenge!.nonce = `${nonce.slice(0, 47)}${nonce.endsWith('A') ? 'B' : 'A'}`;
    expect((await challenged(client.authorization('GET', '/login'))).status).toBe(401);
    expect(server.reason()).toBe('ERR_DIGEST_NONCE_INVALID');
    const other = await digestServer({ nonceSecret: 'another deployment secret, 32 bytes or more' });
    const foreign = new DigestClient('alice', 'correct horse');
    foreign.accept((await send(other.base, '/login', 'GET', {})).challenges);
    await other.close();
    expect((await challenged(foreign.authorization('GET', '/login'))).status).toBe(401);
    expect(server.reason()).toBe('ERR_DIGEST_NONCE_INVALID');
    foreign.challenge!.opaque = client.challenge!.opaque; // even with our opaque, the nonce is not ours
    expect((await challenged(foreign.authorization('GET', '/login'))).status).toBe(401);
    expect(server.reason()).toBe('ERR_DIGEST_NONCE_INVALID');
    const ours = await freshClient();
    ours.challenge!.opaque = 'x';
    expect((await challenged(ours.authorization('GET', '/login'))).status).toBe(401);
    expect(server.reason()).toBe('ERR_DIGEST_NONCE_INVALID');
  });

  it('an algorithm not offered (MD5): ERR_DIGEST_ALGORITHM_NOT_ALLOWED; no algorithm directive means MD5', async () => {
    const client = await freshClient();
    client.challenge!.algorithm = 'MD5';
    expect((await challenged(client.authorization('GET', '/login'))).status).toBe(401);
    expect(server.reason()).toBe('ERR_DIGEST_ALGORITHM_NOT_ALLOWED');
    const sha = await freshClient();
    const withoutAlgorithm = sha.authorization('GET', '/login').replace('algorithm=SHA-256, ', '');
    expect((await challenged(withoutAlgorithm)).status).toBe(401);
    expect(server.reason()).toBe('ERR_DIGEST_ALGORITHM_NOT_ALLOWED');
  });

  it('a uri that is not this request: 400 ERR_DIGEST_URI_MISMATCH (RFC 7616 §3.4.6), without a challenge', async () => {
    const client = await freshClient();
    const res = await challenged(client.authorization('GET', '/other'), '/login');
    expect(res.status).toBe(400);
    expect(res.challenges).toEqual([]);
    expect(server.reason()).toBe('ERR_DIGEST_URI_MISMATCH');
  });

  it('malformed credentials: 400 ERR_DIGEST_MALFORMED (wrong realm, opaque, qop, nc, a duplicate, no cnonce)', async () => {
    const client = await freshClient();
    const good = client.authorization('GET', '/login');
    const variants = [
      good.replace('realm="ticketstack"', 'realm="other"'),
      good.replace('qop=auth', 'qop=auth-int'),
      good.replace(/nc=[0-9a-f]{8}/, 'nc=00000000'),
      good.replace(/nc=[0-9a-f]{8}/, 'nc=1'),
      `${good}, nc=00000009`,
      good.replace(/cnonce="[^"]*", /, ''),
      good.replace(/response="[0-9a-f]*"/, 'response="abc"'),
      good.replace('username="alice"', 'username="alice", username*=UTF-8\'\'alice'),
      'Digest',
      'Digest username="alice',
    ];
    for (const authorization of variants) {
      const res = await challenged(authorization);
      expect({ authorization, status: res.status }).toEqual({ authorization, status: 400 });
      expect(server.reason()).toBe('ERR_DIGEST_MALFORMED');
    }
  });

  it('another scheme (Basic) is not Digest: the challenge, ERR_DIGEST_MISSING_CREDENTIALS', async () => {
    const res = await challenged(`Basic ${Buffer.from('alice:correct horse').toString('base64')}`);
    expect(res.status).toBe(401);
    expect(res.challenges).toHaveLength(4);
    expect(server.reason()).toBe('ERR_DIGEST_MISSING_CREDENTIALS');
  });

  it('a user ID no store would accept (blanks around it) is refused, never a 500', async () => {
    const res = await new DigestClient(' alice', 'correct horse').fetch(server.base, '/login');
    expect(res.status).toBe(401);
    expect(server.reason()).toBe('ERR_DIGEST_REFUSED');
  });
});
