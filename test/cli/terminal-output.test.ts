import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { colourEnabled, withStatusLine } from '../../src/cli/terminal.js';
import { runCli } from './harness.js';

const ESC = '\x1b';
const dir = mkdtempSync(join(tmpdir(), 'ticketstack-cli-tty-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('colours only on a terminal', () => {
  it('follows isTTY, NO_COLOR, FORCE_COLOR and TERM=dumb', () => {
    expect(colourEnabled(true, {})).toBe(true);
    expect(colourEnabled(false, {})).toBe(false);
    expect(colourEnabled(true, { NO_COLOR: '1' })).toBe(false);
    expect(colourEnabled(true, { NO_COLOR: '' })).toBe(true); // an empty NO_COLOR does not count
    expect(colourEnabled(false, { FORCE_COLOR: '1' })).toBe(true);
    expect(colourEnabled(true, { FORCE_COLOR: '0' })).toBe(false);
    expect(colourEnabled(true, { TERM: 'dumb' })).toBe(false);
  });

  it('a refusal is coloured on a terminal stderr and plain in a pipe', async () => {
    const args = ['passticket', 'verify', '--user', 'MIKEM', '--app', 'TSOSYS1', '--key', 'E001193519561977', '--ticket', 'AAAAAAAA', '--time', '1111411'];
    const tty = await runCli(args, {}, '', { stdoutIsTTY: true });
    expect(tty.exitCode).toBe(1);
    expect(tty.stdout).toBe(`${ESC}[31minvalid${ESC}[39m\n`);
    const piped = await runCli(args);
    expect(piped.stdout).toBe('invalid\n');
    const noColor = await runCli(args, { NO_COLOR: '1' }, '', { stdoutIsTTY: true });
    expect(noColor.stdout).toBe('invalid\n');
  });
});

describe('a status line while a key pair is generated', () => {
  it('on a terminal: a live line on stderr that is erased at the end; stdout keeps the result', async () => {
    const r = await runCli(['keystore', 'init', join(dir, 'tty'), '--sid', 'J2E', '--client', '000'], {}, '', { stderrIsTTY: true, stdoutIsTTY: true });
    expect(r.exitCode).toBe(0);
    expect(r.stderr).toMatch(/^\r\x1b\[2K. generating a DSA key pair and certificate… \d+\.\d s/);
    expect(r.stderr.endsWith('\r\x1b[2K')).toBe(true);
    expect(r.stdout).toContain(`${ESC}[32mcreated${ESC}[39m keystore`);
  });

  it('in a pipe: no status line and no escape codes at all', async () => {
    const r = await runCli(['keystore', 'init', join(dir, 'pipe'), '--sid', 'J2E', '--client', '000']);
    expect(r.exitCode).toBe(0);
    expect(r.stderr).toBe('');
    expect(r.stdout).not.toContain(ESC);
    expect(r.stdout).toMatch(/^created keystore /);
  });

  it('the line moves while the work runs, and is erased even when the work fails', async () => {
    vi.useFakeTimers();
    try {
      const written: string[] = [];
      let finish!: (v: string) => void;
      const running = withStatusLine(true, (t) => written.push(t), 'working', () => new Promise<string>((r) => (finish = r)));
      await vi.advanceTimersByTimeAsync(350);
      expect(written.length).toBe(4); // the first frame, then one every 100 ms
      expect(new Set(written.map((w) => w.charAt(5))).size).toBe(4); // four different spinner frames
      finish('done');
      await expect(running).resolves.toBe('done');
      expect(written.at(-1)).toBe('\r\x1b[2K');

      const failed: string[] = [];
      await expect(withStatusLine(true, (t) => failed.push(t), 'failing', () => Promise.reject(new Error('boom')))).rejects.toThrow('boom');
      expect(failed.at(-1)).toBe('\r\x1b[2K');
      await vi.advanceTimersByTimeAsync(500);
      expect(failed.at(-1)).toBe('\r\x1b[2K'); // the timer stopped
    } finally {
      vi.useRealTimers();
    }
  });
});
