#!/usr/bin/env node
/**
 * The `ticketstack` command. Each area registers its subcommands here; nothing imports this file.
 *
 * Output: human-readable by default, JSON on stdout with `--json`. Exit status 0 on success, 1 on a
 * refusal (a ticket or PassTicket that does not verify), 2 on a usage or configuration error.
 */
import { Command } from 'commander';
import { createRequire } from 'node:module';
import { configureCommand, processIo, type CliIo } from './io.js';
import { registerKeystoreCommands } from './keystore-commands.js';
import { registerPassticketCommands } from './passticket-commands.js';
import { registerTicketCommands } from './ticket-commands.js';
import { registerUsersCommands } from './users-commands.js';

const require = createRequire(import.meta.url);
const { version } = require('../../package.json') as { version: string };

export const PROGRAM_HELP = `
Every command takes --help; most take --json (JSON on stdout, { "ok": false, "code", "message" } on failure).

Environment:
  TICKETSTACK_KEYSTORE_PASSPHRASE  encrypts / decrypts the keystore's private key (never a command-line argument)
  TICKETSTACK_PASSTICKET_KEY       the secured signon key, in hex, for passticket commands without --key-file
  DATABASE_URL                     the PostgreSQL user store for users commands (else --store or ./ticketstack-users.json)
  TICKETSTACK_USERS_FILE           the embedded users file for users commands
  REDIS_URL                        the apps' shared state, whose failed sign-on counter users restore resets too
  NO_COLOR / FORCE_COLOR           colours are used only on a terminal; NO_COLOR turns them off, FORCE_COLOR on

Exit status: 0 success, 1 refused (a ticket or PassTicket that does not verify, an unknown user), 2 usage or
configuration error.`;

/** The whole command. `io` and `stdin` default to the process's; tests pass their own to run it in process. */
export function buildProgram(io: CliIo = processIo, stdin: NodeJS.ReadableStream = process.stdin): Command {
  const program = configureCommand(new Command('ticketstack'), io)
    .description('SAP-compatible logon tickets, keystores with access control entries, and RACF-compatible PassTickets')
    .version(version)
    .showHelpAfterError()
    .addHelpText('after', PROGRAM_HELP);
  // Subcommands are registered below, one line per area.
  registerKeystoreCommands(program, io);
  registerTicketCommands(program, io);
  registerPassticketCommands(program, io);
  registerUsersCommands(program, io, stdin);
  return program;
}

const invokedDirectly = process.argv[1] !== undefined && import.meta.url === new URL(`file://${process.argv[1]}`).href;
if (invokedDirectly) {
  buildProgram()
    .parseAsync(process.argv)
    .catch((err: unknown) => {
      process.stderr.write(`ticketstack: ${err instanceof Error ? err.message : String(err)}\n`);
      process.exitCode = 2;
    });
}
