/**
 * `ticketstack users …`, in process: output and exit status captured through a CliIo.
 */
import { mkdtempSync, rmSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildProgram } from '../../src/cli/main.js';
import { runCli } from './harness.js';
import { FileUserStore } from '../../src/users/file-user-store.js';
import { computeDigestHa1 } from '../../src/users/digest-credentials.js';
import { assertPostgresReachable, databaseUrl, freePort, uniqueSuffix } from '../support/services.js';

const users = (args: string[], options: { stdin?: string; env?: Record<string, string> } = {}) =>
  runCli(['users', ...args], options.env ?? {}, options.stdin ?? '');

const dir = mkdtempSync(join(tmpdir(), 'ticketstack-cli-users-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('ticketstack users (embedded file store)', () => {
  const file = join(dir, 'users.json');
  const store = ['--store', file];

  it('is registered in buildProgram()', () => {
    expect(buildProgram().commands.map((c) => c.name())).toContain('users');
  });

  it('--help explains the store selection and the exit status', async () => {
    const r = await users(['add', '--help']);
    expect(r.exitCode).toBe(0);
    expect(r.stdout).toContain('--password-stdin');
    expect(r.stdout).toContain('DATABASE_URL');
    expect(r.stdout).toContain('Exit status');
    const group = await users(['--help']);
    expect(group.stdout).toMatch(/migrate[\s\S]*add[\s\S]*revoke[\s\S]*restore[\s\S]*list/);
  });

  it('add --password-stdin creates a user; the file holds only a hash', async () => {
    const r = await users(['add', 'Alice', '--password-stdin', '--group', 'staff', 'admins', '--display-name', 'Alice A.', ...store, '--json'], { stdin: 'sesame-42\n' });
    expect(r.exitCode).toBe(0);
    expect(r.json()).toEqual({ ok: true, user: { id: 'Alice', displayName: 'Alice A.', groups: ['staff', 'admins'], revoked: false } });
    expect(await new FileUserStore({ path: file }).verifyPassword('alice', 'sesame-42')).toBe(true);
    expect(readFileSync(file, 'utf8')).not.toContain('sesame-42');
  });

  it('add --password works too; an existing id is refused with exit 1', async () => {
    expect((await users(['add', 'bob', '--password', 'pw-bob', ...store])).stdout).toBe('added bob\n');
    const again = await users(['add', 'BOB', '--password', 'x', ...store, '--json']);
    expect(again.exitCode).toBe(1);
    expect(again.json()).toMatchObject({ ok: false, code: 'ERR_USER_EXISTS' });
  });

  it('revoke / restore / list, case-insensitively', async () => {
    const revoked = await users(['revoke', 'ALICE', ...store, '--json']);
    expect(revoked.exitCode).toBe(0);
    expect(revoked.json()).toMatchObject({ ok: true, user: { id: 'Alice', revoked: true } });
    const list = await users(['list', ...store]);
    expect(list.stdout).toMatch(/^ID\s+STATUS\s+GROUPS\s+NAME\nAlice\s+REVOKED\s+staff,admins\s+Alice A\.\nbob\s+active/);
    expect((await users(['restore', 'alice', ...store])).stdout).toBe('restored Alice\n');
    const json = await users(['list', ...store, '--json']);
    expect(json.json().users.map((u: { id: string; revoked: boolean }) => [u.id, u.revoked])).toEqual([['Alice', false], ['bob', false]]);
    expect(json.stdout).not.toContain('scrypt');
  });

  it('passwd changes the password', async () => {
    expect((await users(['passwd', 'bob', '--password-stdin', ...store], { stdin: 'new-pw' })).exitCode).toBe(0);
    expect(await new FileUserStore({ path: file }).verifyPassword('bob', 'new-pw')).toBe(true);
  });

  it('add / passwd --digest-realm keep HTTP Digest HA1 values for the application\'s Digest module', async () => {
    const digest = ['--digest-realm', 'portal', '--digest-algorithm', 'SHA-256', 'MD5'];
    expect((await users(['add', 'Dana', '--password-stdin', ...digest, ...store], { stdin: 'pw-dana' })).exitCode).toBe(0);
    const app = new FileUserStore({ path: file, digestRealms: ['portal'], digestAlgorithms: ['SHA-256', 'MD5'] });
    for (const algorithm of ['SHA-256', 'MD5'] as const) {
      expect(await app.findDigestCredential({ realm: 'portal', algorithm, username: 'Dana' })).toEqual({ id: 'Dana', ha1: computeDigestHa1(algorithm, 'Dana', 'portal', 'pw-dana') });
    }
    expect((await users(['passwd', 'dana', '--password-stdin', '--digest-realm', 'portal', ...store], { stdin: 'pw-dana-2' })).exitCode).toBe(0);
    expect(await app.findDigestCredential({ realm: 'portal', algorithm: 'SHA-256', username: 'Dana' })).toMatchObject({ ha1: computeDigestHa1('SHA-256', 'Dana', 'portal', 'pw-dana-2') });
    expect(await app.findDigestCredential({ realm: 'portal', algorithm: 'MD5', username: 'Dana' })).toBeNull();
    const help = await users(['passwd', '--help']);
    expect(help.stdout).toMatch(/--digest-realm[\s\S]*password-equivalent/);
    const bad = await users(['add', 'eve', '--password', 'x', '--digest-realm', 'p', '--digest-algorithm', 'SHA-1', ...store, '--json']);
    expect(bad.exitCode).toBe(2);
    expect(bad.json()).toMatchObject({ ok: false, code: 'ERR_INVALID_OPTION', message: expect.stringContaining('digestAlgorithms') });
  });

  it('unknown user: exit 1, ERR_USER_UNKNOWN', async () => {
    const r = await users(['revoke', 'ghost', ...store]);
    expect(r.exitCode).toBe(1);
    expect(r.stderr).toBe('refused: ERR_USER_UNKNOWN: no user with this id\n');
  });

  it('usage errors exit 2: no password, both password options, empty stdin, both stores, missing argument', async () => {
    expect((await users(['add', 'carol', ...store])).exitCode).toBe(2);
    expect((await users(['add', 'carol', '--password', 'a', '--password-stdin', ...store], { stdin: 'b' })).exitCode).toBe(2);
    expect((await users(['add', 'carol', '--password-stdin', ...store], { stdin: '\n' })).stderr).toContain('empty');
    expect((await users(['list', '--store', file, '--database-url', 'postgres://x/y'])).exitCode).toBe(2);
    expect((await users(['revoke'])).exitCode).toBe(2);
    expect((await users(['add', ' carol', '--password', 'x', ...store, '--json'])).json()).toMatchObject({ ok: false, code: 'ERR_INVALID_OPTION' });
  });

  it('TICKETSTACK_USERS_FILE selects the file when --store is absent', async () => {
    const other = join(dir, 'env.json');
    expect((await users(['add', 'dora', '--password', 'x'], { env: { TICKETSTACK_USERS_FILE: other } })).exitCode).toBe(0);
    expect(await new FileUserStore({ path: other }).findUser('dora')).not.toBeNull();
  });

  it('migrate without a database URL is a usage error (exit 2)', async () => {
    const r = await users(['migrate']);
    expect(r.exitCode).toBe(2);
    expect(r.stderr).toContain('--database-url');
  });

  it('PostgreSQL unreachable: exit 1 with ERR_USER_STORE_UNAVAILABLE, the URL password not shown', async () => {
    const url = `postgres://postgres:hunter2@127.0.0.1:${await freePort()}/test`;
    const r = await users(['list', '--database-url', url]);
    expect(r.exitCode).toBe(1);
    expect(r.stderr).toContain('ERR_USER_STORE_UNAVAILABLE');
    expect(r.stderr + r.stdout).not.toContain('hunter2');
  });
});

const dbUrl = databaseUrl();

describe.skipIf(dbUrl === undefined)('ticketstack users (PostgreSQL)', () => {
  const schema = `ticketstack_test_${uniqueSuffix()}`;
  beforeAll(async () => {
    await assertPostgresReachable(dbUrl!);
  });
  afterAll(async () => {
    const pool = new pg.Pool({ connectionString: dbUrl! });
    await pool.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
    await pool.end();
  });

  it('before migrate: exit 2, ERR_USER_STORE_NOT_MIGRATED naming the command', async () => {
    const r = await users(['list', '--schema', schema], { env: { DATABASE_URL: dbUrl! } });
    expect(r.exitCode).toBe(2);
    expect(r.stderr).toContain('ticketstack users migrate');
  });

  it('migrate, then add / revoke / list via DATABASE_URL', async () => {
    const m = await users(['migrate', '--database-url', dbUrl!, '--schema', schema, '--json']);
    expect(m.exitCode).toBe(0);
    expect(m.json()).toEqual({ ok: true, schema, version: 2 }); // POSTGRES_SCHEMA_VERSION: 2 added the Digest HA1 table
    expect((await users(['migrate', '--schema', schema], { env: { DATABASE_URL: dbUrl! } })).exitCode).toBe(0);
    const env = { DATABASE_URL: dbUrl! };
    expect((await users(['add', 'Erin', '--password-stdin', '--schema', schema], { stdin: 'pw-erin', env })).exitCode).toBe(0);
    expect((await users(['revoke', 'erin', '--schema', schema], { env })).stdout).toBe('revoked Erin\n');
    const list = await users(['list', '--schema', schema, '--json'], { env });
    expect(list.json()).toEqual({ ok: true, users: [{ id: 'Erin', groups: [], revoked: true }] });
  });
});
