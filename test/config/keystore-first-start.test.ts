/**
 * `keystore: { dir, create }`: generated and saved on first start, loaded afterwards; the passphrase comes
 * from TICKETSTACK_KEYSTORE_PASSPHRASE and is never logged; instances starting together on one folder end up
 * with one and the same keystore.
 */
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, describe, expect, it, vi } from 'vitest';
import { createTicketStack, type TicketStack } from '../../src/config/create-ticket-stack.js';
import type { TicketStackEvent } from '../../src/config/events.js';
import type { TicketStackConfig } from '../../src/config/options.js';
import { Keystore } from '../../src/keystore/index.js';

const root = mkdtempSync(join(tmpdir(), 'ticketstack-keystore-start-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));
afterEach(() => vi.unstubAllEnvs());

async function start(keystore: TicketStackConfig['keystore'], events: TicketStackEvent[] = []): Promise<TicketStack> {
  return createTicketStack({ keystore, redisUrl: false, databaseUrl: false, users: { path: join(root, 'users.json') }, session: false, onEvent: (e) => events.push(e) });
}

describe('keystore on first start', () => {
  it('is generated and saved once, then loaded: the same certificate on the next start', async () => {
    const dir = join(root, 'portal', 'keystore');
    const events: TicketStackEvent[] = [];
    const first = await start({ dir, create: { sid: 'J2E', client: '000' } }, events);
    const fingerprint = first.keystore.own.certificate.fingerprint;
    expect(first.keystore.own).toMatchObject({ sid: 'J2E', client: '000' });
    expect(events).toEqual([{ type: 'keystore.created', dir, sid: 'J2E', client: '000', fingerprint, encrypted: false }]);
    expect(statSync(join(dir, 'own.key.pem')).mode & 0o777).toBe(0o600);
    await first.close();

    const again: TicketStackEvent[] = [];
    const second = await start({ dir, create: { sid: 'J2E', client: '000' } }, again);
    expect(second.keystore.own.certificate.fingerprint).toBe(fingerprint);
    expect(again).toEqual([]);
    await second.close();
  });

  it('without create, a missing keystore is an error (ERR_KEYSTORE_NOT_FOUND), and nothing is created', async () => {
    const dir = join(root, 'missing');
    await expect(start({ dir })).rejects.toMatchObject({ code: 'ERR_KEYSTORE_NOT_FOUND' });
    expect(readdirSync(root)).not.toContain('missing');
  });

  it('the passphrase comes from TICKETSTACK_KEYSTORE_PASSPHRASE, encrypts the key, and is in no event or warning', async () => {
    const passphrase = 'correct-horse-battery-staple-passphrase';
    vi.stubEnv('TICKETSTACK_KEYSTORE_PASSPHRASE', passphrase);
    const dir = join(root, 'encrypted');
    const events: TicketStackEvent[] = [];
    const warnings: string[] = [];
    const onWarning = (w: Error): void => void warnings.push(w.message);
    process.on('warning', onWarning);
    try {
      const sso = await start({ dir, create: { sid: 'ERP', client: '100' } }, events);
      await sso.close();
    } finally {
      process.off('warning', onWarning);
    }
    expect(readFileSync(join(dir, 'own.key.pem'), 'utf8')).toContain('ENCRYPTED PRIVATE KEY');
    expect(events).toEqual([expect.objectContaining({ type: 'keystore.created', encrypted: true })]);
    expect(JSON.stringify(events) + warnings.join()).not.toContain(passphrase);

    vi.stubEnv('TICKETSTACK_KEYSTORE_PASSPHRASE', '');
    await expect(start({ dir })).rejects.toMatchObject({ code: 'ERR_KEYSTORE_PASSPHRASE_REQUIRED' });
    await expect(start({ dir, passphrase: 'wrong' })).rejects.toMatchObject({ code: 'ERR_KEYSTORE_BAD_PASSPHRASE' });
    const sso = await start({ dir, passphrase });
    expect(sso.keystore.own.sid).toBe('ERP');
    await sso.close();
  });

  it('four instances starting together on one new folder all get the one keystore that landed on disk', async () => {
    const dir = join(root, 'shared');
    const events: TicketStackEvent[] = [];
    const stacks = await Promise.all(Array.from({ length: 4 }, () => start({ dir, create: { sid: 'J2E', client: '000', alg: 'ecdsa' } }, events)));
    const onDisk = await Keystore.load(dir);
    expect(new Set(stacks.map((s) => s.keystore.own.certificate.fingerprint))).toEqual(new Set([onDisk.own.certificate.fingerprint]));
    expect(events.filter((e) => e.type === 'keystore.created')).toHaveLength(1);
    expect(readdirSync(root).filter((name) => name.startsWith('.shared.new-'))).toEqual([]);
    await Promise.all(stacks.map((s) => s.close()));
  });
});
