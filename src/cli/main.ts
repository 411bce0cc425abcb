#!/usr/bin/env node
/**
 * The `ticketstack` command. Each area registers its subcommands here; nothing imports this file.
 *
 * Output: human-readable by default, JSON on stdout with `--json`. Exit status 0 on success, 1 on a
 * refusal (a ticket or PassTicket that does not verify), 2 on a usage or configuration error.
 */
import { Command } from 'commander';
import { createRequire } from 'node:module';
import { registerKeystoreCommands } from './keystore-commands.js';
import { registerPassticketCommands } from './passticket-commands.js';
import { registerTicketCommands } from './ticket-commands.js';
import { registerUsersCommands } from './users-commands.js';

const require = createRequire(import.meta.url);
const { version } = require('../../package.json') as { version: string };

export function buildProgram(): Command {
  const program = new Command('ticketstack')
    .description('SAP-compatible logon tickets, keystores with access control entries, and RACF-compatible PassTickets')
    .version(version)
    .showHelpAfterError()
    .configureOutput({ outputError: (text, write) => write(text) });
  // Subcommands are registered below, one line per area.
  registerKeystoreCommands(program);
  registerTicketCommands(program);
  registerPassticketCommands(program);
  registerUsersCommands(program);
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
