/**
 * `createTicketStack` wires the `digest` template: `users.digestRealms` makes the store keep HA1 values,
 * `digestNonceSecret` (or DIGEST_NONCE_SECRET) is the nonce key; without them `protect('digest')` says what is
 * missing while the other templates work; a short secret is refused at start.
 */
import express from 'express';
import { mkdtempSync, rmSync } from 'node:fs';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { createTicketStack } from '../../src/config/create-ticket-stack.js';
import { Keystore } from '../../src/keystore/index.js';
import { DigestClient } from '../support/digest-client.js';
import { closeServer } from '../modules/digest-setup.js';
import { TEST_HASH_PARAMS } from '../modules/helpers.js';

const NONCE_SECRET = 'a digest nonce secret of at least 32 bytes, shared';
let dir: string;
let keystore: Keystore;
beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'ticketstack-digest-config-'));
  keystore = await Keystore.generate({ sid: 'J2E', client: '000' });
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));
afterEach(() => vi.unstubAllEnvs());

const base = { redisUrl: false, databaseUrl: false, session: false } as const;

describe('the digest template through createTicketStack', () => {
  it('logs in with Digest and issues a logon ticket', async () => {
    const sso = await createTicketStack({ ...base, keystore, digestNonceSecret: NONCE_SECRET, users: { path: join(dir, 'a.json'), hashParams: TEST_HASH_PARAMS, digestRealms: ['ticketstack'] } });
    await sso.users.createUser({ id: 'alice', password: 'correct horse' });
    const a = express();
    a.get('/api', sso.protect('digest'), (req, res) => void res.json({ user: req.user }));
    a.use(sso.errorHandler);
    const server: Server = a.listen(0, '127.0.0.1');
    await new Promise((r) => server.once('listening', r));
    try {
      const res = await new DigestClient('alice', 'correct horse').fetch(`http://127.0.0.1:${(server.address() as AddressInfo).port}`, '/api');
      expect(res.status).toBe(200);
      expect(JSON.parse(res.body).user).toMatchObject({ id: 'alice', authMethod: 'digest' });
      expect(String(res.headers['set-cookie'])).toMatch(/^MYSAPSSO2=/);
    } finally {
      await closeServer(server);
      await sso.close();
    }
  });

  it('the secret may come from DIGEST_NONCE_SECRET; without it (or without the realm) protect("digest") says what is missing', async () => {
    vi.stubEnv('DIGEST_NONCE_SECRET', NONCE_SECRET);
    const fromEnv = await createTicketStack({ ...base, keystore, users: { path: join(dir, 'b.json'), digestRealms: ['ticketstack'] } });
    expect(() => fromEnv.protect('digest')).not.toThrow();
    await fromEnv.close();
    vi.unstubAllEnvs();
    const noSecret = await createTicketStack({ ...base, keystore, users: { path: join(dir, 'c.json'), digestRealms: ['ticketstack'] } });
    expect(() => noSecret.protect('digest')).toThrow(/digestNonceSecret/);
    expect(() => noSecret.protect('basic')).not.toThrow();
    await noSecret.close();
    const noRealm = await createTicketStack({ ...base, keystore, digestNonceSecret: NONCE_SECRET, users: { path: join(dir, 'd.json') } });
    expect(() => noRealm.protect('digest')).toThrow(/digestRealms: \["ticketstack"\]/);
    await noRealm.close();
  });

  it('a short secret or bad Digest store options are refused at start, naming the option', async () => {
    await expect(createTicketStack({ ...base, keystore, digestNonceSecret: 'short' })).rejects.toThrow(/option "digestNonceSecret" must be a string of at least 32 bytes/);
    vi.stubEnv('DIGEST_NONCE_SECRET', 'short');
    await expect(createTicketStack({ ...base, keystore })).rejects.toThrow(/it comes from DIGEST_NONCE_SECRET/);
    vi.unstubAllEnvs();
    await expect(createTicketStack({ ...base, keystore, users: { digestRealms: ['a"b'] } })).rejects.toThrow(/option "users": digestRealms/);
  });
});
