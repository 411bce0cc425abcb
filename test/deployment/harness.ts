/**
 * App-level harness for the deployment tests: an "instance" is a `createTicketStack` plus an Express server
 * listening on a real port of 127.0.0.1, spoken to over HTTP (fetch), as a load balancer would. Two instances in
 * one test share nothing in memory: each has its own stack, Passport, Redis client and PostgreSQL pool.
 */
import express, { type Express } from 'express';
import { once } from 'node:events';
import type { AddressInfo } from 'node:net';
import { createTicketStack, type TicketStack } from '../../src/config/create-ticket-stack.js';
import type { TicketStackEvent } from '../../src/config/events.js';
import type { TicketStackConfig } from '../../src/config/options.js';
import { Keystore } from '../../src/keystore/index.js';
import { PassTicketGenerator } from '../../src/passticket/generator.js';
import { defineApplication, PassTicketProfiles } from '../../src/passticket/profiles.js';
import type { Template } from '../../src/policy/template.js';
import { MemoryStateStore } from '../../src/state/memory-state-store.js';
import { assertPostgresReachable, assertRedisReachable, uniqueSuffix } from '../support/services.js';

export const TEST_HASH_PARAMS = { ln: 4, r: 8, p: 1 };
export const SESSION_SECRET = 'deployment-test-session-secret-0123456789abcdef';

export interface Instance {
  readonly name: string;
  readonly url: string;
  readonly sso: TicketStack;
  readonly events: TicketStackEvent[];
  close(): Promise<void>;
}

/**
 * Starts one instance. `mount` adds the routes (between the stack's router and its error handler). The app
 * trusts the loopback proxy, so `X-Forwarded-Proto: https` makes requests "secure" for the Secure cookie.
 */
export async function startInstance(name: string, config: Omit<TicketStackConfig, 'onEvent'>, mount: (app: Express, sso: TicketStack) => void): Promise<Instance> {
  const events: TicketStackEvent[] = [];
  const sso = await createTicketStack({ ...config, onEvent: (e) => events.push(e) });
  const app = express();
  app.set('trust proxy', 'loopback');
  app.use(express.urlencoded({ extended: false }));
  app.use(sso.router);
  mount(app, sso);
  app.use(sso.errorHandler);
  const server = app.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    name,
    url,
    sso,
    events,
    async close() {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
      await sso.close();
    },
  };
}

/** A route handler answering the instance name and the authenticated user. */
export const whoami =
  (name: string): express.RequestHandler =>
  (req, res) =>
    void res.json({ instance: name, user: req.user ?? null });

export interface Answer {
  status: number;
  body: { instance?: string; user?: { id: string } | null; code?: string; error?: string } | undefined;
  headers: Headers;
  ms: number;
}

/** One HTTP request to an instance; JSON is asked for, so errors come back as `{ error, code }`. */
export async function call(instance: Instance, path: string, init: { method?: string; headers?: Record<string, string>; body?: string } = {}): Promise<Answer> {
  const started = performance.now();
  const res = await fetch(instance.url + path, {
    method: init.method ?? 'GET',
    headers: { accept: 'application/json', ...init.headers },
    ...(init.body === undefined ? {} : { body: init.body }),
    redirect: 'manual',
  });
  const text = await res.text();
  let body: Answer['body'];
  try {
    body = text === '' ? undefined : (JSON.parse(text) as Answer['body']);
  } catch {
    body = undefined;
  }
  return { status: res.status, body, headers: res.headers, ms: performance.now() - started };
}

export const basic = (user: string, password: string): Record<string, string> => ({
  authorization: `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}`,
});

/** The portal (issues assertion tickets for ERP/100) and the ERP system that trusts it. */
export async function portalAndErp(): Promise<{ portal: Keystore; erp: Keystore }> {
  const portal = await Keystore.generate({ sid: 'J2E', client: '000' });
  const erp = await Keystore.generate({ sid: 'ERP', client: '100' });
  erp.addTrusted(portal.own.certificate, { sid: 'J2E', client: '000' });
  return { portal, erp };
}

/** Deletes every Redis key under `prefix` (never FLUSHALL: the server is shared). */
export async function deleteRedisKeys(url: string, prefix: string): Promise<void> {
  const { createClient } = await import('redis');
  const client = createClient({ url });
  client.on('error', () => undefined);
  await client.connect();
  try {
    for await (const keys of client.scanIterator({ MATCH: `${prefix}*`, COUNT: 500 })) {
      if (keys.length > 0) await client.del(keys);
    }
  } finally {
    await client.close();
  }
}

export async function dropSchema(url: string, schema: string): Promise<void> {
  const pg = await import('pg');
  const client = new pg.default.Client({ connectionString: url });
  await client.connect();
  try {
    await client.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
  } finally {
    await client.end();
  }
}

/** Polls `probe` every 100 ms until it resolves true (or throws after `timeoutMs`). */
export async function eventually(probe: () => Promise<boolean>, timeoutMs = 15_000): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!(await probe().catch(() => false))) {
    if (Date.now() > end) throw new Error(`not true within ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/**
 * Two or more instances of one application on the shared Redis and PostgreSQL, under this test file's own key
 * prefix and schema (so files run in parallel), and the cleanup of all of it.
 */
export class Deployment {
  readonly prefix: string;
  readonly schema: string;
  readonly #instances: Instance[] = [];

  private constructor(
    readonly redisUrl: string,
    readonly databaseUrl: string,
  ) {
    const suffix = uniqueSuffix();
    this.prefix = `ticketstack_test_${suffix}:`;
    this.schema = `ticketstack_test_${suffix}`;
  }

  /** Fails clearly (naming the variable) unless both services answer. */
  static async open(redisUrl: string, databaseUrl: string): Promise<Deployment> {
    await assertRedisReachable(redisUrl);
    await assertPostgresReachable(databaseUrl);
    return new Deployment(redisUrl, databaseUrl);
  }

  /**
   * Instances A and B with the same keystore, Redis prefix and user schema (`shared: false`: each with its own
   * memory state instead, the control). `session: false` unless `config` says otherwise.
   */
  async pair(
    config: Omit<TicketStackConfig, 'onEvent' | 'redisUrl' | 'databaseUrl' | 'state' | 'users'>,
    mount: (app: Express, sso: TicketStack, name: string) => void,
    { shared = true } = {},
  ): Promise<[Instance, Instance]> {
    const started = await Promise.all(
      ['A', 'B'].map((name) =>
        startInstance(
          name,
          {
            session: false,
            ...config,
            redisUrl: shared ? this.redisUrl : false,
            databaseUrl: this.databaseUrl,
            state: { prefix: this.prefix },
            users: { schema: this.schema, migrate: true, hashParams: TEST_HASH_PARAMS },
          },
          (app, sso) => mount(app, sso, name),
        ),
      ),
    );
    this.#instances.push(...started);
    return started as [Instance, Instance];
  }

  async dispose(): Promise<void> {
    await Promise.all(this.#instances.map((i) => i.close()));
    await deleteRedisKeys(this.redisUrl, this.prefix);
    await dropSchema(this.databaseUrl, this.schema);
  }
}

/** RACF application CICSAPP1 (legacy algorithm, replay protection on), its template, and a generating side. */
export class PassTicketFixture {
  readonly profiles = new PassTicketProfiles({
    applications: [defineApplication({ name: 'CICSAPP1', key: 'E001193519561977', algorithm: 'legacy', generators: { users: ['*'] } })],
  });
  /** A template of one PassTicket module for CICSAPP1. */
  readonly template: Template = { name: 'passticket', modules: [{ module: 'PassTicket', flag: 'REQUIRED', options: { application: 'CICSAPP1' } }] };
  // The generating side (a portal or a CICS region) keeps its own state: it only hands out distinct seconds.
  readonly #state = new MemoryStateStore();
  readonly #generator = new PassTicketGenerator({ profiles: this.profiles, state: this.#state });

  /** The `createTicketStack` options that enable the PassTicket module with the template. */
  get config(): Pick<TicketStackConfig, 'passTickets' | 'templates'> {
    return { passTickets: { profiles: this.profiles }, templates: [this.template] };
  }

  async ticketFor(user: string): Promise<string> {
    return (await this.#generator.generate({ user, application: 'CICSAPP1' })).ticket;
  }

  close(): Promise<void> {
    return this.#state.close();
  }
}

/**
 * One instance with a route for each kind of decision: `/cics` (PassTicket), `/assertion` (one-time assertion
 * ticket), `/orders` (the `ticket` template) and `/api` (`basic`). Users alice ("correct horse") and CICSUSR
 * exist; alice's first password login on `/orders` issued the logon ticket returned as `ticketCookie`.
 */
export async function startEveryRouteApp(
  config: Omit<TicketStackConfig, 'onEvent' | 'passTickets' | 'templates' | 'session'>,
  passTickets: PassTicketFixture,
): Promise<{ app: Instance; ticketCookie: string }> {
  const app = await startInstance('A', { ...config, ...passTickets.config, session: false }, (a, sso) => {
    a.get('/cics', sso.protect('passticket'), whoami('A'));
    a.get('/assertion', sso.protect('evaluate_assertion_ticket'), whoami('A'));
    a.get('/orders', sso.protect('ticket'), whoami('A'));
    a.get('/api', sso.protect('basic'), whoami('A'));
  });
  await app.sso.users.createUser({ id: 'alice', password: 'correct horse' });
  await app.sso.users.createUser({ id: 'CICSUSR', password: 'not-used-here' });
  // A first login with the password issues the logon ticket (CreateTicket), used by /orders from then on.
  const first = await call(app, '/orders', { headers: basic('alice', 'correct horse') });
  const ticketCookie = first.headers.getSetCookie().find((c) => c.startsWith('MYSAPSSO2='))?.split(';')[0];
  if (first.status !== 200 || ticketCookie === undefined) throw new Error(`the first login answered ${first.status} without a ticket`);
  return { app, ticketCookie };
}
