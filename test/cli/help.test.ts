import type { Command } from 'commander';
import { describe, expect, it } from 'vitest';
import { buildProgram } from '../../src/cli/main.js';
import { runCli } from './harness.js';

/** Every command path of the program, e.g. ['keystore'], ['keystore', 'init'], … */
function commandPaths(command: Command, prefix: string[] = []): { path: string[]; leaf: boolean }[] {
  return command.commands.flatMap((c) => {
    const path = [...prefix, c.name()];
    return [{ path, leaf: c.commands.length === 0 }, ...commandPaths(c, path)];
  });
}

const paths = commandPaths(buildProgram());

describe('--help for every command', () => {
  it('covers every command group and subcommand', () => {
    expect(paths.filter((p) => !p.leaf).map((p) => p.path.join(' '))).toEqual(['keystore', 'ticket', 'passticket', 'users']);
    expect(paths.filter((p) => p.leaf).length).toBeGreaterThanOrEqual(15);
  });

  it('the program help lists the environment variables and exit statuses', async () => {
    const r = await runCli(['--help']);
    expect(r.exitCode).toBe(0);
    expect(r.stdout).toMatch(/^Usage: ticketstack /);
    for (const v of ['TICKETSTACK_KEYSTORE_PASSPHRASE', 'TICKETSTACK_PASSTICKET_KEY', 'DATABASE_URL', 'NO_COLOR']) expect(r.stdout).toContain(v);
    expect(r.stdout).toContain('Exit status: 0 success, 1 refused');
  });

  it.each(paths.map((p) => [p.path.join(' '), p] as const))('ticketstack %s --help', async (_name, { path, leaf }) => {
    const r = await runCli([...path, '--help']);
    expect(r.exitCode).toBe(0);
    expect(r.stderr).toBe('');
    expect(r.stdout.startsWith(`Usage: ticketstack ${path.join(' ')} `)).toBe(true);
    // A description under the usage line, and for a subcommand an example that runs that very subcommand.
    expect(r.stdout.split('\n')[2]?.trim()).not.toBe('');
    if (leaf) expect(r.stdout).toMatch(new RegExp(`Examples:\\n(.*\\n)*.*ticketstack ${path.join(' ')} `));
  });

  it('a usage mistake exits 2 and shows the command\'s help on stderr', async () => {
    const r = await runCli(['keystore', 'init']);
    expect(r.exitCode).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr).toMatch(/^error: required option '--sid <sid>' not specified\n\nUsage: ticketstack keystore init /);
  });
});
