import { Command } from 'commander';
import type { CliIo } from '../../src/cli/io.js';
import { registerKeystoreCommands } from '../../src/cli/keystore-commands.js';
import { registerTicketCommands } from '../../src/cli/ticket-commands.js';
import { registerPassticketCommands } from '../../src/cli/passticket-commands.js';
import { registerUsersCommands } from '../../src/cli/users-commands.js';
import { Readable } from 'node:stream';

class CliExit extends Error {
  constructor(readonly exitCode: number) {
    super(`exit ${exitCode}`);
  }
}

export interface CliResult {
  stdout: string;
  stderr: string;
  exitCode: number;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- each test reads its own JSON shape
  json(): any;
}

/** Runs `ticketstack <args>` in process (every command group), with output, exit status and standard input under test control. */
export async function runCli(args: string[], env: Record<string, string> = {}, stdin = ''): Promise<CliResult> {
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
  registerPassticketCommands(program, io);
  registerUsersCommands(program, io, Readable.from([Buffer.from(stdin)]));
  try {
    await program.parseAsync(['node', 'ticketstack', ...args]);
  } catch (err) {
    if (!(err instanceof CliExit)) throw err;
    exitCode = err.exitCode;
  }
  return { stdout, stderr, exitCode, json: () => JSON.parse(stdout) };
}
