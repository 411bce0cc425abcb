import { Command } from 'commander';
import type { CliIo } from '../../src/cli/io.js';
import { registerKeystoreCommands } from '../../src/cli/keystore-commands.js';
import { registerTicketCommands } from '../../src/cli/ticket-commands.js';

class CliExit extends Error {
  constructor(readonly exitCode: number) {
    super(`exit ${exitCode}`);
  }
}

export interface CliResult {
  stdout: string;
  stderr: string;
  exitCode: number;
  json(): Record<string, unknown>;
}

/** Runs `ticketstack <args>` in process, with output and exit status captured. */
export async function runCli(args: string[], env: Record<string, string> = {}): Promise<CliResult> {
  let stdout = '';
  let stderr = '';
  let exitCode = -1;
  const io: CliIo = {
    stdout: (t) => {
      stdout += t;
    },
    stderr: (t) => {
      stderr += t;
    },
    setExitCode: (c) => {
      exitCode = c;
    },
    exit: (c) => {
      throw new CliExit(c);
    },
    env,
    stderrIsTTY: false,
  };
  const program = new Command('ticketstack').exitOverride();
  registerKeystoreCommands(program, io);
  registerTicketCommands(program, io);
  try {
    await program.parseAsync(['node', 'ticketstack', ...args]);
  } catch (err) {
    if (!(err instanceof CliExit)) throw err;
    exitCode = err.exitCode;
  }
  return { stdout, stderr, exitCode, json: () => JSON.parse(stdout) as Record<string, unknown> };
}
