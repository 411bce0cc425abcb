import type { CliIo } from '../../src/cli/io.js';
import { buildProgram } from '../../src/cli/main.js';
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

/** Which of stdout / stderr the run pretends are terminals (default neither, as in a pipe). */
export interface Terminals {
  stdoutIsTTY?: boolean;
  stderrIsTTY?: boolean;
}

/** Runs `ticketstack <args>` in process (the whole program), with output, exit status and standard input under test control. */
export async function runCli(args: string[], env: Record<string, string> = {}, stdin = '', terminals: Terminals = {}): Promise<CliResult> {
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
    stdoutIsTTY: terminals.stdoutIsTTY ?? false,
    stderrIsTTY: terminals.stderrIsTTY ?? false,
  };
  const program = buildProgram(io, Readable.from([Buffer.from(stdin)]));
  try {
    await program.parseAsync(['node', 'ticketstack', ...args]);
  } catch (err) {
    if (!(err instanceof CliExit)) throw err;
    exitCode = err.exitCode;
  }
  return { stdout, stderr, exitCode, json: () => JSON.parse(stdout) };
}
