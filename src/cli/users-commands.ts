/**
 * `ticketstack users …`: manage the user store (embedded file or PostgreSQL) from the command line.
 *
 * Store selection, for every subcommand: `--database-url URL` (or `DATABASE_URL`) → PostgreSQL;
 * `--store PATH` (or `TICKETSTACK_USERS_FILE`) → the embedded file store; neither → `./ticketstack-users.json`.
 *
 * Exit status: 0 success; 1 refused or not possible now (unknown user, existing user, store unreachable);
 * 2 usage or configuration error (bad options, schema not migrated).
 *
 * @module
 */
import type { Command } from 'commander';
import { configureCommand, printJson, processIo, runAction, UsageError, withExamples, withProgress, type CliIo } from './io.js';
import { FileUserStore } from '../users/file-user-store.js';
import { PostgresUserStore } from '../users/postgres-user-store.js';
import { DEFAULT_USERS_FILE } from '../users/create-user-store.js';
import { SignOnGuard } from '../users/sign-on-guard.js';
import { RedisStateStore } from '../state/redis-state-store.js';
import type { UserRecord, UserStore } from '../users/user-store.js';
import type { DigestHashAlgorithm } from '../users/digest-credentials.js';

interface StoreOptions {
  store?: string;
  databaseUrl?: string;
  schema?: string;
  json?: boolean;
  /** add / passwd: also keep HTTP Digest HA1 values for these realms. */
  digestRealm?: string[];
  digestAlgorithm?: string[];
}

const DIGEST_HELP = `
HTTP Digest: --digest-realm keeps an HA1 value per realm (and --digest-algorithm) next to the scrypt hash, so the
Digest login module can check the user. An HA1 is password-equivalent for its realm. Give the same realms as the
application's user store (digestRealms); a password set without them removes the user's HA1 values.`;

/** The options of the commands that set a password: which HTTP Digest HA1 values to keep. */
function digestOptions(command: Command): Command {
  return command
    .option('--digest-realm <realm...>', 'also keep an HTTP Digest HA1 for this realm (password-equivalent for it)')
    .option('--digest-algorithm <algorithm...>', 'hash algorithm(s) of those HA1 values: SHA-256 (default), SHA-512-256, MD5')
    .addHelpText('after', DIGEST_HELP);
}

const STORE_HELP = `
The store: --database-url (or DATABASE_URL) selects PostgreSQL; --store (or TICKETSTACK_USERS_FILE) the embedded
file store; without either, ./${DEFAULT_USERS_FILE}.
Exit status: 0 success, 1 refused or store unreachable, 2 usage or configuration error.`;

function storeOptions(command: Command): Command {
  return command
    .option('--store <path>', 'the embedded users file (JSON, mode 0600)')
    .option('--database-url <url>', 'PostgreSQL connection URL (default: $DATABASE_URL)')
    .option('--schema <name>', 'PostgreSQL schema', 'ticketstack')
    .option('--json', 'print JSON on stdout')
    .addHelpText('after', STORE_HELP);
}

/** Registers `users` on the program. `stdin` is where `--password-stdin` reads (tests pass their own). */
export function registerUsersCommands(program: Command, io: CliIo = processIo, stdin: NodeJS.ReadableStream = process.stdin): Command {
  const users = configureCommand(program.command('users'), io).description(
    'Manage users of the embedded or PostgreSQL user store: create the schema, add, revoke, restore, list',
  );

  const migrate = users
    .command('migrate')
    .description('Create the PostgreSQL schema and tables of the user store, or bring an older schema up to date (idempotent; safe to repeat)')
    .option('--database-url <url>', 'PostgreSQL connection URL (default: $DATABASE_URL)')
    .option('--schema <name>', 'PostgreSQL schema', 'ticketstack')
    .option('--json', 'print JSON on stdout');
  withExamples(migrate, 'ticketstack users migrate --database-url postgres://postgres@127.0.0.1:5432/app').action(async (opts: StoreOptions) =>
      run(io, opts, async () => {
        const url = opts.databaseUrl ?? nonEmpty(io.env.DATABASE_URL);
        if (url === undefined) throw new UsageError('users migrate needs --database-url or DATABASE_URL (the embedded file store needs no migration)');
        const store = new PostgresUserStore({ connectionString: url, schema: opts.schema ?? 'ticketstack' });
        try {
          const version = await store.migrate();
          if (opts.json === true) printJson(io, { ok: true, schema: store.schema, version });
          else io.stdout(`schema "${store.schema}" is at version ${version}\n`);
        } finally {
          await store.close();
        }
      }),
    );

  withExamples(digestOptions(storeOptions(
    users
      .command('add')
      .description('Create a user (the password is stored only as a scrypt hash)')
      .argument('<id>', 'logon ID (case-insensitive, case kept for display)')
      .option('--password-stdin', 'read the password from standard input (recommended)')
      .option('--password <password>', 'the password (visible in the process list and shell history: prefer --password-stdin)')
      .option('--display-name <name>', 'display name')
      .option('--group <group...>', 'group(s) the user belongs to'),
  )), 'printf %s "$PW" | ticketstack users add alice --password-stdin --group staff --store ./users.json')
    .action(async (id: string, opts: StoreOptions & { passwordStdin?: boolean; password?: string; displayName?: string; group?: string[] }) =>
      run(io, opts, async () => {
        const password = await passwordFrom(opts, stdin);
        await withStore(io, opts, async (store) => {
          const user = await withProgress(io, 'hashing the password (scrypt)', () =>
            store.createUser({ id, password, ...(opts.displayName !== undefined && { displayName: opts.displayName }), groups: opts.group ?? [] }),
          );
          if (opts.json === true) printJson(io, { ok: true, user });
          else io.stdout(`added ${user.id}\n`);
        });
      }),
    );

  withExamples(digestOptions(storeOptions(
    users.command('passwd')
      .description("Change a user's password")
      .argument('<id>', 'logon ID')
      .option('--password-stdin', 'read the new password from standard input (recommended)')
      .option('--password <password>', 'the new password (visible in the process list: prefer --password-stdin)'),
  )), 'printf %s "$NEW_PW" | ticketstack users passwd alice --password-stdin').action(async (id: string, opts: StoreOptions & { passwordStdin?: boolean; password?: string }) =>
    run(io, opts, async () => {
      const password = await passwordFrom(opts, stdin);
      await withStore(io, opts, async (store) => {
        await withProgress(io, 'hashing the password (scrypt)', () => store.changePassword(id, password));
        if (opts.json === true) printJson(io, { ok: true, id });
        else io.stdout(`password of ${id} changed\n`);
      });
    }),
  );

  withExamples(
    storeOptions(users.command('revoke').description('Revoke a user (RACF REVOKE): every sign-on is refused until restored').argument('<id>', 'logon ID')),
    'ticketstack users revoke alice',
    'DATABASE_URL=postgres://app@db/app ticketstack users revoke alice --json',
  ).action(async (id: string, opts: StoreOptions) =>
    run(io, opts, async () => {
      await withStore(io, opts, async (store) => {
        await store.revoke(id);
        const user = await store.findUser(id);
        if (opts.json === true) printJson(io, { ok: true, user });
        else io.stdout(`revoked ${user?.id ?? id}\n`);
      });
    }),
  );

  withExamples(
    storeOptions(
      users
        .command('restore')
        .description('Restore a revoked user (RACF RESUME); with Redis, also reset the failed sign-on counter the instances share')
        .argument('<id>', 'logon ID')
        .option('--redis-url <url>', "the apps' shared state store, whose failure counter is reset too (default: $REDIS_URL)")
        .option('--redis-prefix <prefix>', "the apps' state key prefix (createStateStore's `prefix`)", 'ticketstack:'),
    ),
    'ticketstack users restore alice',
    'DATABASE_URL=postgres://app@db/app REDIS_URL=redis://cache:6379 ticketstack users restore alice --json',
  ).action(async (id: string, opts: StoreOptions & { redisUrl?: string; redisPrefix: string }) =>
    run(io, opts, async () => {
      const redisUrl = opts.redisUrl ?? nonEmpty(io.env.REDIS_URL);
      await withStore(io, opts, async (store) => {
        let counterReset = false;
        if (redisUrl === undefined) await store.restore(id);
        else {
          // The same RESUME as an instance's SignOnGuard.restore: the revoke mark and the shared failure counter.
          const state = new RedisStateStore({ url: redisUrl, prefix: opts.redisPrefix });
          try {
            await new SignOnGuard({ users: store, state }).restore(id);
            counterReset = true;
          } finally {
            await state.close();
          }
        }
        const user = await store.findUser(id);
        if (opts.json === true) printJson(io, { ok: true, user, counterReset });
        else io.stdout(`restored ${user?.id ?? id}${counterReset ? ' (failed sign-on counter reset)' : ''}\n`);
      });
    }),
  );

  withExamples(
    storeOptions(users.command('list').description('List the users (never their password hashes)')),
    'ticketstack users list --store ./users.json',
    'ticketstack users list --json',
  ).action(async (opts: StoreOptions) =>
    run(io, opts, async () => {
      await withStore(io, opts, async (store) => {
        const list = await store.listUsers();
        if (opts.json === true) printJson(io, { ok: true, users: list });
        else io.stdout(formatTable(list));
      });
    }),
  );

  return users;
}

async function withStore(io: CliIo, opts: StoreOptions, action: (store: UserStore) => Promise<void>): Promise<void> {
  const url = opts.databaseUrl ?? (opts.store === undefined ? nonEmpty(io.env.DATABASE_URL) : undefined);
  if (opts.databaseUrl !== undefined && opts.store !== undefined) throw new UsageError('give --store or --database-url, not both');
  const digest = {
    ...(opts.digestRealm !== undefined && { digestRealms: opts.digestRealm }),
    ...(opts.digestAlgorithm !== undefined && { digestAlgorithms: opts.digestAlgorithm as DigestHashAlgorithm[] }),
  };
  const store: UserStore =
    url !== undefined
      ? new PostgresUserStore({ connectionString: url, schema: opts.schema ?? 'ticketstack', ...digest })
      : new FileUserStore({ path: opts.store ?? nonEmpty(io.env.TICKETSTACK_USERS_FILE) ?? DEFAULT_USERS_FILE, ...digest });
  try {
    await action(store);
  } finally {
    await store.close();
  }
}

async function passwordFrom(opts: { passwordStdin?: boolean; password?: string }, stdin: NodeJS.ReadableStream): Promise<string> {
  if (opts.passwordStdin === true && opts.password !== undefined) throw new UsageError('give --password-stdin or --password, not both');
  if (opts.password !== undefined) return opts.password;
  if (opts.passwordStdin !== true) throw new UsageError('a password is needed: --password-stdin (recommended) or --password');
  const chunks: Buffer[] = [];
  for await (const chunk of stdin) chunks.push(typeof chunk === 'string' ? Buffer.from(chunk) : (chunk as Buffer));
  const password = Buffer.concat(chunks).toString('utf8').replace(/\r?\n$/, '');
  if (password === '') throw new UsageError('the password read from standard input is empty');
  return password;
}

const REFUSALS = new Set(['ERR_USER_UNKNOWN', 'ERR_USER_EXISTS', 'ERR_USER_STORE_UNAVAILABLE', 'ERR_STATE_UNAVAILABLE']);

/** `runAction` with the user store's refusals (unknown or existing user, store unreachable: exit 1). */
function run(io: CliIo, opts: { json?: boolean }, action: () => Promise<void>): Promise<void> {
  return runAction(io, opts.json === true, action, (_err, code) => REFUSALS.has(code));
}

function formatTable(users: UserRecord[]): string {
  if (users.length === 0) return 'no users\n';
  const rows = users.map((u) => [u.id, u.revoked ? 'REVOKED' : 'active', u.groups.join(','), u.displayName ?? '']);
  const header = ['ID', 'STATUS', 'GROUPS', 'NAME'];
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  return [header, ...rows].map((r) => r.map((cell, i) => cell.padEnd(widths[i]!)).join('  ').trimEnd()).join('\n') + '\n';
}

function nonEmpty(value: string | undefined): string | undefined {
  return value === undefined || value.trim() === '' ? undefined : value;
}
