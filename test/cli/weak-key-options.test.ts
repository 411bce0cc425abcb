/**
 * The CLI follows the key-size policy of the library (issue 8): `keystore import` refuses a weak certificate unless
 * `--allow-weak-key`, `ticket verify` refuses a weak signer unless `--allow-weak-keys`, `keystore init` never makes
 * a weak key.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { issueTicket } from '../../src/ticket/index.js';
import { weakSignerKeystore } from '../support/weak-keys.js';
import { expectedReal, sharedVectorsDir, sharedVectorsExist, SKIP_MESSAGE } from '../ticket/vectors.js';
import { runCli } from './harness.js';

let root: string;
let backend: string;
beforeAll(async () => {
  root = mkdtempSync(path.join(os.tmpdir(), 'ticketstack-cli-weak-'));
  backend = path.join(root, 'backend');
  expect((await runCli(['keystore', 'init', backend, '--sid', 'ERP', '--client', '100'])).exitCode).toBe(0);
});
afterAll(() => rmSync(root, { recursive: true, force: true }));

/** Import refused without the flag, accepted with it; verify refused without its flag, accepted with it. */
async function weakFlow(certFile: string, sid: string, client: string, ticket: string, now: string): Promise<void> {
  const refusedImport = await runCli(['keystore', 'import', backend, certFile, '--sid', sid, '--client', client, '--json']);
  expect(refusedImport.exitCode).toBe(2);
  expect(refusedImport.json()).toMatchObject({ ok: false, code: 'ERR_KEYSTORE_WEAK_KEY' });

  const imported = await runCli(['keystore', 'import', backend, certFile, '--sid', sid, '--client', client, '--allow-weak-key', '--json']);
  expect(imported.exitCode).toBe(0);
  expect(imported.json()).toMatchObject({ ok: true, weakKeyAllowed: true });
  const list = (await runCli(['keystore', 'list', backend, '--json'])).json() as { trusted: { name: string; weakKeyAllowed: boolean }[] };
  expect(list.trusted.find((e) => e.name === `${sid}-${client}`)?.weakKeyAllowed).toBe(true);
  expect((await runCli(['keystore', 'list', backend])).stdout).toContain('weak key:    accepted at import');

  const refused = await runCli(['ticket', 'verify', ticket, '--keystore', backend, '--now', now, '--json']);
  expect(refused.exitCode).toBe(1);
  expect(refused.json()).toMatchObject({ ok: false, code: 'ERR_TICKET_KEY_TOO_WEAK' });
  const accepted = await runCli(['ticket', 'verify', ticket, '--keystore', backend, '--now', now, '--allow-weak-keys', '--json']);
  expect(accepted.exitCode).toBe(0);
  expect(accepted.json()).toMatchObject({ ok: true, ticket: { sid, client } });
}

describe('weak keys on the command line', () => {
  it.each(['dsa-512', 'rsa-1024'] as const)('a generated %s signer: import and verify need their explicit flags', async (alg) => {
    const signer = weakSignerKeystore(alg, alg === 'dsa-512' ? 'OLD' : 'RSA', '200');
    const certFile = path.join(root, `${alg}.crt.pem`);
    writeFileSync(certFile, signer.own.certificate.pem);
    const now = '2026-03-04T10:20:30Z';
    await weakFlow(certFile, signer.own.sid, '200', issueTicket({ keystore: signer, user: 'ALICE', now: new Date(now) }).text, now);
  });

  it('keystore init never makes a weak key (exit 2)', async () => {
    for (const [alg, bits] of [['dsa', '512'], ['rsa', '1024']]) {
      const r = await runCli(['keystore', 'init', path.join(root, `weak-${alg}`), '--sid', 'X', '--client', '000', '--alg', alg!, '--key-bits', bits!, '--json']);
      expect(r.exitCode).toBe(2);
      expect(r.json()).toMatchObject({ ok: false, message: expect.stringMatching(/keyBits/) });
    }
  });

  describe.skipIf(!sharedVectorsExist)(`the real DSA-512 ABAP ticket (WSP/200, from ${sharedVectorsDir})${sharedVectorsExist ? '' : ` (skipped: ${SKIP_MESSAGE})`}`, () => {
    it('needs --allow-weak-key to import its certificate and --allow-weak-keys to verify', async () => {
      const expected = expectedReal().find((t) => t.file === 'kuleuven-wsp-logon-cookie.txt')!;
      const now = new Date(new Date(expected.validity_utc!.from).getTime() + 60_000).toISOString();
      await weakFlow(path.join(sharedVectorsDir, 'kuleuven-wsp-signer.crt.pem'), 'WSP', '200', `@${path.join(sharedVectorsDir, expected.file)}`, now);
    });
  });
});
