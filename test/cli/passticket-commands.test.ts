import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { buildProgram } from '../../src/cli/main.js';
import { runCli } from './harness.js';

const KEY = 'E001193519561977';
const ENHANCED_KEY = Buffer.from(Array.from({ length: 64 }, (_, i) => i)).toString('hex');

/** `ticketstack passticket …` in process, output and exit status captured. */
const run = (args: string[], env: Record<string, string> = {}) => runCli(['passticket', ...args], env);

const dir = mkdtempSync(path.join(os.tmpdir(), 'ticketstack-pt-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('ticketstack passticket', () => {
  it('is registered in buildProgram()', () => {
    expect(buildProgram().commands.map((c) => c.name())).toContain('passticket');
  });

  it('generate: the published vector, plain and --json; the key is never echoed', async () => {
    const plain = await run(['generate', '--user', 'MIKEM', '--app', 'TSOSYS1', '--key', KEY, '--time', '1111111']);
    expect(plain).toMatchObject({ exitCode: 0, stdout: 'AEPRRZ3S\n' });
    const json = await run(['generate', '--user', 'mikem', '--app', 'tsosys1', '--key', KEY, '--time', '1111111', '--json']);
    expect(json.json()).toEqual({ ok: true, passticket: 'AEPRRZ3S', user: 'MIKEM', application: 'TSOSYS1', algorithm: 'legacy', time: 1111111 });
    expect(json.stdout + json.stderr).not.toContain(KEY);
  });

  it('generate --enhanced [--mixed] reproduces enhanced.json (key from --key-file and from the environment)', async () => {
    const file = path.join(dir, 'enhanced.key');
    writeFileSync(file, `${ENHANCED_KEY}\n`);
    const upper = await run(['generate', '--user', 'IBMUSER', '--app', 'TSOSYS1', '--key-file', file, '--time', '1700000000', '--enhanced']);
    expect(upper.stdout).toBe('QZJ9IYZO\n');
    const mixed = await run(['generate', '--user', 'IBMUSER', '--app', 'TSOSYS1', '--time', '1700000000', '--enhanced', '--mixed', '--json'], {
      TICKETSTACK_PASSTICKET_KEY: ENHANCED_KEY,
    });
    expect(mixed.json()).toMatchObject({ passticket: 'TsqyDNjg', algorithm: 'enhanced', type: 'MIXED' });
  });

  it('verify: exit 0 within the window, 1 outside or wrong, JSON with --json', async () => {
    const base = ['verify', '--user', 'MIKEM', '--app', 'TSOSYS1', '--key', KEY, '--ticket', 'AEPRRZ3S'];
    const ok = await run([...base, '--time', '1111411', '--json']);
    expect(ok.exitCode).toBe(0);
    expect(ok.json()).toEqual({ ok: true, valid: true, user: 'MIKEM', application: 'TSOSYS1', generatedAt: 1111111 });
    const late = await run([...base, '--time', '1111712', '--json']);
    expect(late.exitCode).toBe(1);
    expect(late.json()).toMatchObject({ ok: false, valid: false, code: 'ERR_PASSTICKET_REFUSED' });
    const narrow = await run([...base, '--time', '1111131', '--window', '10']);
    expect(narrow).toMatchObject({ exitCode: 1, stdout: 'invalid\n' });
    const human = await run([...base, '--time', '1111111']);
    expect(human.exitCode).toBe(0);
    expect(human.stdout).toContain('valid: generated at 1111111');
  });

  it('usage errors exit 2 and never echo the key', async () => {
    const missing = await run(['generate', '--app', 'TSOSYS1', '--key', KEY]);
    expect(missing.exitCode).toBe(2);
    expect(missing.stderr).toContain('--user');
    const badKey = await run(['generate', '--user', 'A', '--app', 'B', '--key', 'DEADBEEFCAFE', '--json']);
    expect(badKey.exitCode).toBe(2);
    expect(badKey.json()).toMatchObject({ ok: false, code: 'ERR_USAGE' });
    expect(badKey.stdout + badKey.stderr).not.toMatch(/DEADBEEF/i);
    const twoKeys = await run(['generate', '--user', 'A', '--app', 'B', '--key', KEY], { TICKETSTACK_PASSTICKET_KEY: KEY });
    expect(twoKeys.exitCode).toBe(2);
    expect(twoKeys.stdout + twoKeys.stderr).not.toContain(KEY);
    const noKey = await run(['generate', '--user', 'A', '--app', 'B']);
    expect(noKey.exitCode).toBe(2);
    expect((await run(['generate', '--user', 'A!', '--app', 'B', '--key', KEY])).exitCode).toBe(2);
    expect((await run(['generate', '--user', 'A', '--app', 'B', '--key', KEY, '--time', '-5'])).exitCode).toBe(2);
    expect((await run(['generate', '--user', 'A', '--app', 'B', '--key', KEY, '--mixed'])).exitCode).toBe(2);
    expect((await run(['generate', '--user', 'A', '--app', 'B', '--key-file', path.join(dir, 'nope')])).exitCode).toBe(2);
    const help = await run(['generate', '--help']);
    expect(help.exitCode).toBe(0);
    expect(help.stdout).toContain('--key-file');
  });
});
