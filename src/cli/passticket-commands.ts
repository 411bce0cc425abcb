/**
 * `ticketstack passticket generate | verify` (issue 5 item 7): RACF PassTickets from the command line.
 *
 * The key is read from `--key-file FILE` (hex), the `TICKETSTACK_PASSTICKET_KEY` environment variable (hex) or
 * `--key HEX`; `--key` is visible to other users in `ps` and in shell history, so prefer the other two. The key is
 * never printed back, not even in error messages.
 *
 * `verify` is a computational check (window ±`--window`, default 600 s): no replay cache and no revocation, like
 * R_GenSec's evaluate (passticket.md §2.4). Exit status 0 valid, 1 invalid, 2 usage error.
 *
 * @module
 */
import { readFile } from 'node:fs/promises';
import type { Command } from 'commander';
import { defineApplication } from '../passticket/profiles.js';
import { configureCommand, printJson, processIo, runAction, stylesOf, UsageError, withExamples, type CliIo } from './io.js';

export const PASSTICKET_KEY_ENV = 'TICKETSTACK_PASSTICKET_KEY';

interface CommonOptions {
  user: string;
  app: string;
  key?: string;
  keyFile?: string;
  time?: string;
  enhanced?: boolean;
  mixed?: boolean;
  json?: boolean;
}

async function readKey(io: CliIo, opts: CommonOptions): Promise<string> {
  const env = io.env[PASSTICKET_KEY_ENV];
  const given = [opts.key !== undefined, opts.keyFile !== undefined, env !== undefined && env !== ''].filter(Boolean).length;
  if (given !== 1) throw new UsageError(`give the key exactly once: --key-file FILE, $${PASSTICKET_KEY_ENV} or --key HEX`);
  if (opts.keyFile !== undefined) {
    try {
      return (await readFile(opts.keyFile, 'utf8')).trim();
    } catch (cause) {
      throw new UsageError(`cannot read --key-file ${opts.keyFile}: ${(cause as NodeJS.ErrnoException).code ?? 'error'}`);
    }
  }
  return (opts.key ?? env!).trim();
}

function parseTime(value: string | undefined): number {
  if (value === undefined) return Math.floor(Date.now() / 1000);
  if (!/^\d{1,15}$/.test(value)) throw new UsageError('--time must be epoch seconds (a non-negative integer)');
  return Number(value);
}

async function application(io: CliIo, opts: CommonOptions, validitySeconds?: number) {
  if (opts.mixed === true && opts.enhanced !== true) throw new UsageError('--mixed needs --enhanced');
  try {
    return defineApplication({
      name: opts.app,
      key: await readKey(io, opts),
      algorithm: opts.enhanced === true ? 'enhanced' : 'legacy',
      ...(opts.enhanced === true ? { type: opts.mixed === true ? 'MIXED' : 'UPPER' } : {}),
      ...(validitySeconds === undefined ? {} : { validitySeconds }),
    });
  } catch (err) {
    // defineApplication's messages name the option, never the key; rephrase them for the command line.
    throw new UsageError((err as Error).message.replace(/^defineApplication: option '(\w+)'/, (_, o: string) => `--${o === 'name' ? 'app' : o}`));
  }
}

function userOf(user: string): string {
  if (!/^[A-Za-z0-9@#$]{1,8}$/.test(user)) throw new UsageError('--user must be 1 to 8 characters from A-Z 0-9 @ # $');
  return user.toUpperCase();
}

function common(cmd: Command): Command {
  return cmd
    .requiredOption('--user <userid>', 'RACF user ID (1-8 characters A-Z 0-9 @ # $)')
    .requiredOption('--app <name>', 'application name (PTKTDATA profile, e.g. the CICS APPLID)')
    .option('--key <hex>', `secured signon key in hex (visible in ps: prefer --key-file or $${PASSTICKET_KEY_ENV})`)
    .option('--key-file <file>', 'file holding the key in hex')
    .option('--time <epoch>', 'epoch seconds (default: now)')
    .option('--enhanced', 'enhanced algorithm (HMAC-SHA-512, 32-256 byte key; not yet confirmed against RACF)')
    .option('--mixed', 'with --enhanced: TYPE(MIXED) tickets')
    .option('--json', 'print JSON');
}

export function registerPassticketCommands(program: Command, io: CliIo = processIo): Command {
  const pt = configureCommand(program.command('passticket'), io).description(
    'Generate and verify RACF-compatible PassTickets (legacy DES, or enhanced HMAC-SHA-512)',
  );

  withExamples(
    common(pt.command('generate').description('Print the PassTicket for a user, application and time')),
    'ticketstack passticket generate --user MIKEM --app TSOSYS1 --key-file key.hex --time 1111111',
    `${PASSTICKET_KEY_ENV}=... ticketstack passticket generate --user IBMUSER --app CICSAPP1 --enhanced --mixed --json`,
  )
    .action(async (opts: CommonOptions) =>
      runAction(io, opts.json === true, async () => {
        const user = userOf(opts.user);
        const time = parseTime(opts.time);
        const app = await application(io, opts);
        const passticket = app.generateAt(user, time);
        if (opts.json === true) {
          printJson(io, { ok: true, passticket, user, application: app.name, algorithm: app.algorithm, ...(app.type ? { type: app.type } : {}), time });
        } else io.stdout(`${passticket}\n`);
      }),
    );

  withExamples(
    common(pt.command('verify').description('Check a PassTicket within ± --window seconds of --time (exit 0 valid, 1 invalid)')),
    'ticketstack passticket verify --user MIKEM --app TSOSYS1 --key-file key.hex --ticket AEPRRZ3S --time 1111411',
  )
    .requiredOption('--ticket <passticket>', 'the PassTicket to check')
    .option('--window <seconds>', 'validity window in seconds (default 600)')
    .action(async (opts: CommonOptions & { ticket: string; window?: string }) => {
      let refused = false;
      await runAction(io, opts.json === true, async () => {
        const user = userOf(opts.user);
        const now = parseTime(opts.time);
        if (opts.window !== undefined && !/^\d{1,5}$/.test(opts.window)) throw new UsageError('--window must be a number of seconds');
        const app = await application(io, opts, opts.window === undefined ? undefined : Number(opts.window));
        const result = app.evaluate(user, opts.ticket, now);
        refused = !result.valid;
        if (opts.json === true) {
          printJson(
            io,
            result.valid
              ? { ok: true, valid: true, user, application: app.name, generatedAt: result.time }
              : { ok: false, valid: false, code: 'ERR_PASSTICKET_REFUSED', user, application: app.name },
          );
        } else {
          const style = stylesOf(io).out;
          io.stdout(result.valid ? `${style.ok('valid')}: generated at ${result.time} (${new Date(result.time! * 1000).toISOString()})\n` : `${style.refused('invalid')}\n`);
        }
      });
      if (refused) io.setExitCode(1); // runAction set 0 for a completed check (or 2 for a usage error)
    });
  return pt;
}
