import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseLifetime } from '../../src/cli/ticket-commands.js';
import { fixturesDir } from '../ticket/vectors.js';
import { runCli } from './harness.js';

let root: string;
let portal: string;
let backend: string;
let certFile: string;
const NOW = '2025-03-04T10:20:30Z';

beforeAll(async () => {
  root = mkdtempSync(path.join(os.tmpdir(), 'ticketstack-cli-ticket-'));
  portal = path.join(root, 'portal');
  backend = path.join(root, 'backend');
  await runCli(['keystore', 'init', portal, '--sid', 'EP4', '--client', '000']);
  await runCli(['keystore', 'init', backend, '--sid', 'ERP', '--client', '100']);
  certFile = path.join(root, 'EP4.crt.pem');
  await runCli(['keystore', 'export', portal, '--out', certFile]);
});
afterAll(() => rmSync(root, { recursive: true, force: true }));

describe('ticketstack ticket', () => {
  it('issue → verify: refused (exit 1, code) until the issuer is trusted, then accepted (exit 0)', async () => {
    const issued = await runCli(['ticket', 'issue', '--keystore', portal, '--user', 'DCHQ04', '--portal-user', 'dchq04', '--now', NOW, '--json']);
    expect(issued.exitCode).toBe(0);
    const text = issued.json().ticket as string;
    expect(text.startsWith('AjExMDA')).toBe(true);
    expect(issued.json()).toMatchObject({ ok: true, assertion: false, createdAt: '2025-03-04T10:20:00.000Z', validUntil: '2025-03-04T18:20:00.000Z' });

    const refused = await runCli(['ticket', 'verify', text, '--keystore', backend, '--now', NOW, '--json']);
    expect(refused.exitCode).toBe(1);
    expect(refused.json()).toMatchObject({ ok: false, code: 'ERR_TICKET_SIGNER_UNKNOWN' });

    await runCli(['keystore', 'import', backend, certFile, '--sid', 'EP4', '--client', '000']);
    const accepted = await runCli(['ticket', 'verify', text, '--keystore', backend, '--now', NOW, '--json']);
    expect(accepted.exitCode).toBe(0);
    expect(accepted.json()).toMatchObject({ ok: true, ticket: { user: 'DCHQ04', portalUser: 'dchq04', sid: 'EP4', client: '000', signer: { trust: 'trusted', entry: 'EP4-000', algorithm: 'dsa-sha1' } } });

    const human = await runCli(['ticket', 'verify', text, '--keystore', backend, '--now', NOW]);
    expect(human.stdout).toMatch(/^accepted: user DCHQ04/);

    const expired = await runCli(['ticket', 'verify', text, '--keystore', backend, '--now', '2025-03-04T18:24:00Z']);
    expect(expired.exitCode).toBe(1);
    expect(expired.stderr).toContain('refused: ERR_TICKET_EXPIRED');
    const tolerant = await runCli(['ticket', 'verify', text, '--keystore', backend, '--now', '2025-03-04T18:24:00Z', '--tolerance', '5', '--json']);
    expect(tolerant.exitCode).toBe(0);
    const notAllowed = await runCli(['ticket', 'verify', text, '--keystore', backend, '--now', NOW, '--algorithms', 'rsa-sha256,dsa-sha256', '--json']);
    expect(notAllowed.json()).toMatchObject({ ok: false, code: 'ERR_TICKET_ALGORITHM_NOT_ALLOWED' });
  });

  it('issue --recipient makes an assertion ticket; verify --assertion checks the recipient', async () => {
    const issued = await runCli(['ticket', 'issue', '--keystore', portal, '--user', 'ALICE', '--recipient', 'ERP/100', '--code-page', '4103', '--now', NOW, '--json']);
    expect(issued.json()).toMatchObject({ ok: true, assertion: true, recipient: { sid: 'ERP', client: '100' }, validUntil: '2025-03-04T10:22:00.000Z' });
    const text = issued.json().ticket as string;
    const file = path.join(root, 'assertion.txt');
    writeFileSync(file, `${text}\n`);
    const ok = await runCli(['ticket', 'verify', `@${file}`, '--keystore', backend, '--now', NOW, '--assertion', '--json']);
    expect(ok.json()).toMatchObject({ ok: true, ticket: { assertion: true, recipient: { sid: 'ERP', client: '100' } } });
    const wrong = await runCli(['ticket', 'verify', text, '--keystore', portal, '--now', NOW, '--assertion', '--json']);
    expect(wrong.exitCode).toBe(1);
    expect(wrong.json()).toMatchObject({ code: 'ERR_TICKET_WRONG_RECIPIENT' });
    const logon = (await runCli(['ticket', 'issue', '--keystore', portal, '--user', 'ALICE', '--now', NOW, '--json'])).json().ticket as string;
    const notAssertion = await runCli(['ticket', 'verify', logon, '--keystore', backend, '--now', NOW, '--assertion', '--json']);
    expect(notAssertion.json()).toMatchObject({ code: 'ERR_TICKET_NOT_ASSERTION' });
  });

  it('decode shows a SAP-made ticket from a file (human and JSON); garbage is refused with exit 1', async () => {
    const file = `@${path.join(fixturesDir, 'pysapsso2-sapssoext-assertion.b64')}`;
    const json = await runCli(['ticket', 'decode', file, '--json']);
    expect(json.exitCode).toBe(0);
    expect(json.json()).toMatchObject({ ok: true, codePage: '4110', fields: { user: 'SAPUSER', sid: 'SAP', client: '000', recipientSid: 'ERP', flags: 1 }, cms: { signerIssuer: 'CN=pysapsso2', detached: true } });
    const human = await runCli(['ticket', 'decode', file]);
    expect(human.stdout).toContain('0x01 USER');
    expect(human.stdout).toContain('not verified');
    const garbage = await runCli(['ticket', 'decode', 'not-a-ticket', '--json']);
    expect(garbage.exitCode).toBe(1);
    expect(garbage.json()).toMatchObject({ ok: false, code: 'ERR_TICKET_MALFORMED' });
    const missing = await runCli(['ticket', 'decode', `@${path.join(root, 'none.txt')}`, '--json']);
    expect(missing.exitCode).toBe(2);
  });

  it('verifies the SAPSSOEXT test-key ticket after `keystore import` with the right SID and client', async () => {
    const erp = path.join(root, 'erp');
    await runCli(['keystore', 'init', erp, '--sid', 'ERP', '--client', '100']);
    const ticket = `@${path.join(fixturesDir, 'pysapsso2-sapssoext-assertion.b64')}`;
    const now = '2023-12-17T15:27:00Z';
    expect((await runCli(['ticket', 'verify', ticket, '--keystore', erp, '--now', now, '--json'])).json()).toMatchObject({ code: 'ERR_TICKET_SIGNER_UNKNOWN' });
    await runCli(['keystore', 'import', erp, path.join(fixturesDir, 'pysapsso2-signer.crt.pem'), '--sid', 'SAP', '--client', '000']);
    const ok = await runCli(['ticket', 'verify', ticket, '--keystore', erp, '--now', now, '--assertion', '--json']);
    expect(ok.exitCode).toBe(0);
    expect(ok.json()).toMatchObject({ ok: true, ticket: { user: 'SAPUSER', portalUser: 'PORTALUSER', authScheme: 'basicauthentication' } });
  });

  it('decode --save-cert extracts an embedded certificate', async () => {
    const issued = (await runCli(['ticket', 'issue', '--keystore', portal, '--user', 'U', '--include-cert', '--json'])).json().ticket as string;
    const out = path.join(root, 'embedded.pem');
    const r = await runCli(['ticket', 'decode', issued, '--save-cert', out, '--json']);
    expect(r.exitCode).toBe(0);
    const exported = (await runCli(['keystore', 'export', portal, '--json'])).json();
    expect((r.json().cms as { certificates: { fingerprint: string }[] }).certificates[0]!.fingerprint).toBe((exported.certificate as { fingerprint: string }).fingerprint);
  });

  it('usage errors exit 2', async () => {
    for (const args of [
      ['ticket', 'verify', 'x', '--keystore', backend, '--now', 'yesterday', '--json'],
      ['ticket', 'issue', '--keystore', portal, '--user', 'U', '--lifetime', '1:75', '--json'],
      ['ticket', 'issue', '--keystore', portal, '--user', 'U', '--recipient', 'ERP', '--json'],
      ['ticket', 'verify', 'x', '--json'],
    ]) {
      expect((await runCli(args)).exitCode, args.join(' ')).toBe(2);
    }
  });

  it('parses --lifetime as H or H:MM', () => {
    expect(parseLifetime('8')).toBe(480);
    expect(parseLifetime('0:02')).toBe(2);
    expect(parseLifetime('1:30')).toBe(90);
    expect(() => parseLifetime('0')).toThrow();
    expect(() => parseLifetime('x')).toThrow();
  });
});
