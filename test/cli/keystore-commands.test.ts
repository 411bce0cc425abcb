import { existsSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildProgram } from '../../src/cli/main.js';
import { runCli } from './harness.js';

let root: string;
beforeAll(() => {
  root = mkdtempSync(path.join(os.tmpdir(), 'ticketstack-cli-ks-'));
});
afterAll(() => rmSync(root, { recursive: true, force: true }));

describe('ticketstack keystore', () => {
  it('is registered in buildProgram()', () => {
    expect(buildProgram().commands.map((c) => c.name())).toEqual(expect.arrayContaining(['keystore', 'ticket']));
  });

  it('init creates the folder, refuses to overwrite without --force', async () => {
    const dir = path.join(root, 'j2e');
    const r = await runCli(['keystore', 'init', dir, '--sid', 'J2E', '--client', '000', '--json']);
    expect(r.exitCode).toBe(0);
    expect(r.json()).toMatchObject({ ok: true, sid: 'J2E', client: '000', encrypted: false, certificate: { subjectDn: 'CN=J2E, OU=ticketstack', keyType: 'dsa', keyBits: 1024 } });
    expect(statSync(path.join(dir, 'own.key.pem')).mode & 0o777).toBe(0o600);
    const again = await runCli(['keystore', 'init', dir, '--sid', 'J2E', '--client', '000', '--json']);
    expect(again.exitCode).toBe(2);
    expect(again.json()).toMatchObject({ ok: false, code: 'ERR_KEYSTORE_EXISTS' });
    const forced = await runCli(['keystore', 'init', dir, '--sid', 'J2E', '--client', '000', '--alg', 'ecdsa', '--force']);
    expect(forced.exitCode).toBe(0);
    expect(forced.stdout).toContain('created keystore');
    expect(forced.stdout).toContain('STRUSTSSO2');
  });

  it('usage errors exit 2, --help exits 0 with a description', async () => {
    const missing = await runCli(['keystore', 'init', path.join(root, 'x')]);
    expect(missing.exitCode).toBe(2);
    expect(missing.stderr).toContain('--sid');
    const badAlg = await runCli(['keystore', 'init', path.join(root, 'x'), '--sid', 'A', '--client', '1', '--alg', 'des']);
    expect(badAlg.exitCode).toBe(2);
    const help = await runCli(['keystore', 'import', '--help']);
    expect(help.exitCode).toBe(0);
    expect(help.stdout).toContain('STRUSTSSO2');
  });

  it('export prints the own certificate; import trusts it in another keystore; list shows the ACL', async () => {
    const portal = path.join(root, 'portal');
    const backend = path.join(root, 'backend');
    await runCli(['keystore', 'init', portal, '--sid', 'EP4', '--client', '000']);
    await runCli(['keystore', 'init', backend, '--sid', 'ERP', '--client', '100', '--alg', 'rsa']);
    const exported = await runCli(['keystore', 'export', portal]);
    expect(exported.exitCode).toBe(0);
    expect(exported.stdout).toMatch(/^-----BEGIN CERTIFICATE-----\n[\s\S]+-----END CERTIFICATE-----\n$/);
    const certFile = path.join(root, 'EP4.crt.pem');
    writeFileSync(certFile, exported.stdout);

    const imported = await runCli(['keystore', 'import', backend, certFile, '--sid', 'EP4', '--client', '000', '--json']);
    expect(imported.exitCode).toBe(0);
    expect(imported.json()).toMatchObject({ ok: true, name: 'EP4-000', acl: { sid: 'EP4', client: '000', subjectDn: 'CN=EP4, OU=ticketstack' } });
    expect(existsSync(path.join(backend, 'trusted', 'EP4-000.crt.pem'))).toBe(true);

    const list = await runCli(['keystore', 'list', backend, '--json']);
    expect(list.json()).toMatchObject({ ok: true, own: { sid: 'ERP', client: '100' }, trusted: [{ name: 'EP4-000', acl: { sid: 'EP4', client: '000' } }] });
    const human = await runCli(['keystore', 'list', backend]);
    expect(human.stdout).toContain('trusted EP4-000: EP4/000');

    const dup = await runCli(['keystore', 'import', backend, certFile, '--sid', 'EP4', '--client', '000', '--json']);
    expect(dup.json()).toMatchObject({ ok: false, code: 'ERR_KEYSTORE_DUPLICATE_ENTRY' });
    writeFileSync(path.join(root, 'junk.pem'), 'junk');
    const junk = await runCli(['keystore', 'import', backend, path.join(root, 'junk.pem'), '--sid', 'X', '--client', '1', '--json']);
    expect(junk.exitCode).toBe(2);
    expect(junk.json()).toMatchObject({ ok: false, code: 'ERR_KEYSTORE_CERTIFICATE_INVALID' });

    const removed = await runCli(['keystore', 'remove', backend, 'EP4-000']);
    expect(removed.exitCode).toBe(0);
    expect((await runCli(['keystore', 'list', backend, '--json'])).json()).toMatchObject({ trusted: [] });
  });

  it('export --out writes a file; a missing keystore exits 2', async () => {
    const dir = path.join(root, 'portal');
    const out = path.join(root, 'out.pem');
    expect((await runCli(['keystore', 'export', dir, '--out', out])).exitCode).toBe(0);
    expect(readFileSync(out, 'utf8')).toContain('BEGIN CERTIFICATE');
    const missing = await runCli(['keystore', 'list', path.join(root, 'nope'), '--json']);
    expect(missing.exitCode).toBe(2);
    expect(missing.json()).toMatchObject({ code: 'ERR_KEYSTORE_NOT_FOUND' });
  });

  it(`encrypts the private key when TICKETSTACK_KEYSTORE_PASSPHRASE is set`, async () => {
    const dir = path.join(root, 'enc');
    const env = { TICKETSTACK_KEYSTORE_PASSPHRASE: 's3cret' };
    expect((await runCli(['keystore', 'init', dir, '--sid', 'ENC', '--client', '001', '--json'], env)).json()).toMatchObject({ encrypted: true });
    expect(readFileSync(path.join(dir, 'own.key.pem'), 'utf8')).toContain('ENCRYPTED PRIVATE KEY');
    expect((await runCli(['keystore', 'list', dir, '--json'])).json()).toMatchObject({ ok: false, code: 'ERR_KEYSTORE_PASSPHRASE_REQUIRED' });
    expect((await runCli(['keystore', 'list', dir, '--json'], env)).exitCode).toBe(0);
  });
});
