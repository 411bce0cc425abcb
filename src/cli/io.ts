/**
 * Output plumbing shared by the ticket and keystore commands: where text goes, how the exit status is set, and how
 * refusals and errors are reported. Tests pass their own `CliIo` to capture output and exit codes in process.
 *
 * Exit status: 0 success, 1 refused ticket, 2 usage or configuration error (see `main.ts`).
 *
 * @module
 */
import type { Command, CommanderError } from 'commander';
import { isTicketStackError } from '../errors.js';
import { TicketError } from '../ticket/index.js';
import { styleFor, withStatusLine, type Style } from './terminal.js';

export interface CliIo {
  stdout(text: string): void;
  stderr(text: string): void;
  setExitCode(code: number): void;
  /** Ends the program after commander printed help or a usage error (`process.exit` by default). */
  exit(code: number): never;
  readonly env: Readonly<Record<string, string | undefined>>;
  /** Colours on stdout only when it is a terminal (see terminal.ts for NO_COLOR / FORCE_COLOR). */
  readonly stdoutIsTTY: boolean;
  /** Status lines and colours on stderr only when it is a terminal. */
  readonly stderrIsTTY: boolean;
}

export const processIo: CliIo = {
  stdout: (text) => process.stdout.write(text),
  stderr: (text) => process.stderr.write(text),
  setExitCode: (code) => {
    process.exitCode = code;
  },
  exit: (code) => process.exit(code),
  env: process.env,
  stdoutIsTTY: process.stdout.isTTY === true,
  stderrIsTTY: process.stderr.isTTY === true,
};

/** The styles for stdout and stderr: colours only where the stream is a terminal. */
export function stylesOf(io: CliIo): { out: Style; err: Style } {
  return { out: styleFor(io.stdoutIsTTY, io.env), err: styleFor(io.stderrIsTTY, io.env) };
}

/** Runs long work (key generation, password hashing) under a status line on stderr when it is a terminal. */
export function withProgress<T>(io: CliIo, label: string, work: () => Promise<T>): Promise<T> {
  return withStatusLine(io.stderrIsTTY, (text) => io.stderr(text), label, work);
}

/** A usage mistake found after parsing (a bad `--now`, `--lifetime`, …): exit status 2. */
export class UsageError extends Error {
  readonly code = 'ERR_USAGE';
}

/** Routes commander's output and exits through `io`: help exits 0, usage errors exit 2 (not commander's 1). */
export function configureCommand(command: Command, io: CliIo): Command {
  return command
    .configureOutput({ writeOut: (s) => io.stdout(s), writeErr: (s) => io.stderr(s), outputError: (s, write) => write(s) })
    .exitOverride((err: CommanderError) => io.exit(err.exitCode === 0 ? 0 : 2));
}

/** Appends an "Examples:" block to a command's `--help`. */
export function withExamples(command: Command, ...examples: string[]): Command {
  return command.addHelpText('after', `\nExamples:\n${examples.map((e) => `  ${e}`).join('\n')}`);
}

export function printJson(io: CliIo, value: unknown): void {
  io.stdout(`${JSON.stringify(value, null, 2)}\n`);
}

/**
 * Runs a command action and reports failures: a refusal (by default a refused ticket) → exit 1 with its code; a
 * keystore, option or usage error → exit 2. In JSON mode the failure is `{ ok: false, code, message }` on stdout.
 */
export async function runAction(
  io: CliIo,
  json: boolean,
  action: () => Promise<void> | void,
  isRefusal: (err: unknown, code: string) => boolean = (err) => err instanceof TicketError,
): Promise<void> {
  try {
    await action();
    io.setExitCode(0);
  } catch (err) {
    const code = isTicketStackError(err) ? err.code : err instanceof UsageError ? err.code : err instanceof TypeError ? 'ERR_INVALID_OPTION' : 'ERR_UNEXPECTED';
    const refused = isRefusal(err, code);
    const message = err instanceof Error ? err.message : String(err);
    if (json) printJson(io, { ok: false, code, message });
    else io.stderr(`${stylesOf(io).err.refused(refused ? 'refused' : 'error')}: ${code}: ${message}\n`);
    io.setExitCode(refused ? 1 : 2);
  }
}

/** Parses an ISO 8601 `--now`. */
export function parseNow(value: string | undefined): Date | undefined {
  if (value === undefined) return undefined;
  const date = new Date(value);
  if (!/^\d{4}-\d{2}-\d{2}/.test(value) || Number.isNaN(date.getTime())) throw new UsageError(`--now must be an ISO 8601 date-time, got "${value}"`);
  return date;
}

/** The keystore passphrase, from the environment (never from the command line, where `ps` would show it). */
export const PASSPHRASE_ENV = 'TICKETSTACK_KEYSTORE_PASSPHRASE';
export function passphraseOption(io: CliIo): { passphrase?: string } {
  const value = io.env[PASSPHRASE_ENV];
  return value === undefined || value === '' ? {} : { passphrase: value };
}
