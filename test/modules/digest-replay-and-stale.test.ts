/**
 * RFC 7616 §5.5 and §3.3: a (nonce, nc) pair is accepted once; a nonce expires, and a correct response with an
 * expired nonce gets a fresh challenge with stale=true (a frozen clock moved by hand).
 */
import { afterAll, describe, expect, it } from 'vitest';
import { DigestClient, parseChallenge, send } from '../support/digest-client.js';
import { digestServer, type DigestServer } from './digest-setup.js';

const servers: DigestServer[] = [];
afterAll(async () => Promise.all(servers.map((s) => s.close())));

describe('replay', () => {
  it('a replayed Authorization (same nonce and nc) is refused with ERR_DIGEST_REPLAYED and a fresh challenge', async () => {
    const server = await digestServer();
    servers.push(server);
    const client = new DigestClient('alice', 'correct horse');
    expect((await client.fetch(server.base, '/login')).status).toBe(200);
    const captured = client.lastAuthorization!;
    const replay = await send(server.base, '/login', 'GET', { authorization: captured });
    expect(replay.status).toBe(401);
    expect(server.reason()).toBe('ERR_DIGEST_REPLAYED');
    expect(replay.challenges).toHaveLength(1);
    expect(parseChallenge(replay.challenges[0]!)!.stale).toBe(false);
    // nc written differently (upper-case hex) is the same count: still a replay.
    expect((await send(server.base, '/login', 'GET', { authorization: captured.replace(/nc=([0-9a-f]{8})/, (_, nc: string) => `nc=${nc.toUpperCase()}`) })).status).toBe(401);
  });

  it('the same nonce with the next nc is accepted; counts may arrive out of order, each once', async () => {
    const server = await digestServer();
    servers.push(server);
    const client = new DigestClient('alice', 'correct horse');
    expect((await client.fetch(server.base, '/login')).status).toBe(200); // nc 1
    const third = client.authorization('GET', '/login', { nc: 3 });
    const second = client.authorization('GET', '/login', { nc: 2 });
    expect((await send(server.base, '/login', 'GET', { authorization: third })).status).toBe(200);
    expect((await send(server.base, '/login', 'GET', { authorization: second })).status).toBe(200);
    expect((await send(server.base, '/login', 'GET', { authorization: second })).status).toBe(401);
    expect(server.reason()).toBe('ERR_DIGEST_REPLAYED');
  });

  it('a wrong response does not use up the nonce count (a third party cannot burn it)', async () => {
    const server = await digestServer();
    servers.push(server);
    const client = new DigestClient('alice', 'correct horse');
    client.accept((await send(server.base, '/login', 'GET', {})).challenges);
    const good = client.authorization('GET', '/login', { nc: 1 });
    const forged = good.replace(/response="([0-9a-f]+)"/, (_, r: string) => `response="${r.startsWith('0') ? '1' : '0'}${r.slice(1)}"`);
    expect((await send(server.base, '/login', 'GET', { authorization: forged })).status).toBe(401);
    expect(server.reason()).toBe('ERR_DIGEST_REFUSED');
    expect((await send(server.base, '/login', 'GET', { authorization: good })).status).toBe(200);
  });
});

describe('stale nonces (frozen clock)', () => {
  it('after the lifetime: a correct response gets stale=true; the client retries on the new nonce without a prompt', async () => {
    let now = new Date('2026-03-04T10:20:30Z');
    const server = await digestServer({ now: () => now, nonceLifetimeSeconds: 60 });
    servers.push(server);
    const client = new DigestClient('alice', 'correct horse');
    expect((await client.fetch(server.base, '/login')).status).toBe(200);
    const first = client.challenge!.nonce;

    now = new Date(now.getTime() + 59_000); // still within the lifetime
    expect((await send(server.base, '/login', 'GET', { authorization: client.authorization('GET', '/login') })).status).toBe(200);

    now = new Date(now.getTime() + 2_000); // 61 s after the nonce was minted
    const stale = await send(server.base, '/login', 'GET', { authorization: client.authorization('GET', '/login') });
    expect(stale.status).toBe(401);
    expect(server.reason()).toBe('ERR_DIGEST_NONCE_STALE');
    expect(parseChallenge(stale.challenges[0]!)).toMatchObject({ stale: true });
    expect(stale.challenges[0]).toMatch(/, stale=true$/);

    // What a browser or curl does with stale=true: answer the new nonce with the same password.
    const retried = await client.fetch(server.base, '/login');
    expect(retried.status).toBe(200);
    expect(client.challenge!.nonce).not.toBe(first);
  });

  it('an expired nonce with a wrong password is a refusal (counted), never stale=true', async () => {
    let now = new Date('2026-03-04T10:20:30Z');
    const server = await digestServer({ now: () => now, nonceLifetimeSeconds: 60 });
    servers.push(server);
    const client = new DigestClient('alice', 'wrong');
    client.accept((await send(server.base, '/login', 'GET', {})).challenges);
    now = new Date(now.getTime() + 120_000);
    const res = await send(server.base, '/login', 'GET', { authorization: client.authorization('GET', '/login') });
    expect(res.status).toBe(401);
    expect(server.reason()).toBe('ERR_DIGEST_REFUSED');
    expect(parseChallenge(res.challenges[0]!)!.stale).toBe(false);
  });

  it('a nonce dated more than the allowed clock skew in the future is not ours', async () => {
    let now = new Date('2026-03-04T10:20:30Z');
    const server = await digestServer({ now: () => now });
    servers.push(server);
    const client = new DigestClient('alice', 'correct horse');
    client.accept((await send(server.base, '/login', 'GET', {})).challenges);
    now = new Date(now.getTime() - 61_000);
    expect((await send(server.base, '/login', 'GET', { authorization: client.authorization('GET', '/login') })).status).toBe(401);
    expect(server.reason()).toBe('ERR_DIGEST_NONCE_INVALID');
  });
});
