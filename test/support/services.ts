/**
 * Real Redis and PostgreSQL for tests (issue "several instances" item 6).
 *
 * - `REDIS_URL` / `DATABASE_URL` unset: the suites are skipped, with one printed line saying so.
 * - `TICKETSTACK_REQUIRE_SERVICES=1` (set by `.ci/run`): an unset variable or an unreachable server is a
 *   FAILING test, never a skip.
 * - Set but unreachable: the suite's `beforeAll` fails with a message naming the variable.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { it } from 'vitest';

const warned = new Set<string>();

export function servicesRequired(): boolean {
  return process.env.TICKETSTACK_REQUIRE_SERVICES === '1';
}

function serviceUrl(variable: 'REDIS_URL' | 'DATABASE_URL', name: string): string | undefined {
  const value = process.env[variable];
  if (value !== undefined && value.trim() !== '') return value;
  if (servicesRequired()) {
    // Registered in the calling file, outside the skipped describe: the run fails instead of skipping.
    it(`${name} is required (TICKETSTACK_REQUIRE_SERVICES=1) but ${variable} is not set`, () => {
      throw new Error(`${variable} is not set, and TICKETSTACK_REQUIRE_SERVICES=1 requires the ${name} tests to run`);
    });
    return undefined;
  }
  if (!warned.has(variable)) {
    warned.add(variable);
    console.warn(`${variable} not set: ${name} tests skipped`);
  }
  return undefined;
}

/** `REDIS_URL`, or `undefined` (then use `describe.skipIf(url === undefined)`). */
export function redisUrl(): string | undefined {
  return serviceUrl('REDIS_URL', 'Redis');
}

/** `DATABASE_URL`, or `undefined` (then use `describe.skipIf(url === undefined)`). */
export function databaseUrl(): string | undefined {
  return serviceUrl('DATABASE_URL', 'PostgreSQL');
}

/** Throws a clear error unless Redis answers PING within 2 s. Call from `beforeAll`. */
export async function assertRedisReachable(url: string): Promise<void> {
  const { createClient } = await import('redis');
  const client = createClient({ url, disableOfflineQueue: true, socket: { connectTimeout: 2000, reconnectStrategy: false } });
  client.on('error', () => undefined);
  try {
    await client.connect();
    await client.ping();
  } catch (err) {
    throw new Error(`REDIS_URL is set but Redis is not reachable: ${(err as Error).message}`);
  } finally {
    if (client.isOpen) client.destroy();
  }
}

/** Throws a clear error unless PostgreSQL answers within 2 s. Call from `beforeAll`. */
export async function assertPostgresReachable(url: string): Promise<void> {
  const pg = await import('pg');
  const client = new pg.default.Client({ connectionString: url, connectionTimeoutMillis: 2000 });
  client.on('error', () => undefined);
  try {
    await client.connect();
    await client.query('select 1');
  } catch (err) {
    throw new Error(`DATABASE_URL is set but PostgreSQL is not reachable: ${(err as Error).message}`);
  } finally {
    await client.end().catch(() => undefined);
  }
}

/** A random suffix for key prefixes and schema names, so test files can run in parallel. */
export function uniqueSuffix(): string {
  return randomBytes(6).toString('hex');
}

/** Deletes the keys a test file wrote under its own `prefix`, and nothing else (never FLUSHALL the shared Redis). */
export async function deleteRedisKeys(url: string, prefix: string): Promise<void> {
  const { createClient } = await import('redis');
  const client = createClient({ url });
  await client.connect();
  try {
    const keys = await client.keys(`${prefix}*`);
    if (keys.length > 0) await client.del(keys);
  } finally {
    client.destroy();
  }
}

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => resolve(typeof address === 'object' && address !== null ? address.port : 0));
    });
  });
}

export async function waitForPort(port: number, timeoutMs = 5000): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (Date.now() < end) {
    const ok = await new Promise<boolean>((resolve) => {
      const socket = connect(port, '127.0.0.1');
      socket.once('connect', () => {
        socket.destroy();
        resolve(true);
      });
      socket.once('error', () => resolve(false));
    });
    if (ok) return;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`nothing listens on 127.0.0.1:${port} after ${timeoutMs} ms`);
}

/**
 * A throwaway redis-server on a free port, so outage tests never stop the shared Redis. With
 * `persistent`, it keeps an append-only file (fsync always) in a temp dir, so data survives a restart.
 */
export class ThrowawayRedis {
  readonly port: number;
  readonly dir: string;
  #child: ChildProcess | undefined;
  readonly #persistent: boolean;

  private constructor(port: number, persistent: boolean) {
    this.port = port;
    this.#persistent = persistent;
    this.dir = mkdtempSync(join(tmpdir(), 'ticketstack-redis-'));
  }

  static async start(options: { persistent?: boolean } = {}): Promise<ThrowawayRedis> {
    const server = new ThrowawayRedis(await freePort(), options.persistent ?? false);
    await server.start();
    return server;
  }

  get url(): string {
    return `redis://127.0.0.1:${this.port}`;
  }

  async start(): Promise<void> {
    const args = ['--port', String(this.port), '--bind', '127.0.0.1', '--save', '', '--dir', this.dir];
    args.push(...(this.#persistent ? ['--appendonly', 'yes', '--appendfsync', 'always'] : ['--appendonly', 'no']));
    const child = spawn('redis-server', args, { stdio: 'ignore' });
    this.#child = child;
    await waitForPort(this.port);
  }

  /** SIGKILL: connections drop at once, like a crash. */
  async kill(): Promise<void> {
    const child = this.#child;
    if (child === undefined || child.exitCode !== null) return;
    const exited = new Promise((resolve) => child.once('exit', resolve));
    child.kill('SIGKILL');
    await exited;
    this.#child = undefined;
  }

  /** SIGSTOP: connections stay open but nothing answers (a hung server). */
  freeze(): void {
    this.#child?.kill('SIGSTOP');
  }

  thaw(): void {
    this.#child?.kill('SIGCONT');
  }

  async dispose(): Promise<void> {
    this.thaw();
    await this.kill();
    rmSync(this.dir, { recursive: true, force: true });
  }
}
