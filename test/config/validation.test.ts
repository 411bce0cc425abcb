/**
 * `createTicketStack` reads every option once: a TypeError naming the option for a mistake, unknown keys
 * refused, and a TicketStackWarning for each risky-but-legal setting. The URLs and secrets never appear in a
 * message.
 */
import { afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { createTicketStack, type TicketStack } from '../../src/config/create-ticket-stack.js';
import { resolveConfig, type TicketStackConfig } from '../../src/config/options.js';
import { Keystore } from '../../src/keystore/index.js';
import { MemoryStateStore } from '../../src/state/memory-state-store.js';
import { MemoryUserStore } from '../../src/users/memory-user-store.js';

let keystore: Keystore;
beforeAll(async () => {
  keystore = await Keystore.generate({ sid: 'J2E', client: '000' });
});
afterEach(() => {
  vi.unstubAllEnvs();
});

const SECRET = 'a-long-random-session-secret-of-48-characters-xx';
/** Embedded parts that open nothing. */
const base = (): TicketStackConfig => ({
  keystore,
  redisUrl: false,
  databaseUrl: false,
  state: new MemoryStateStore(),
  users: new MemoryUserStore(),
  session: { secret: SECRET },
});

async function warningsOf(config: TicketStackConfig): Promise<string[]> {
  const seen: string[] = [];
  const listener = (w: Error): void => {
    if (w.name === 'TicketStackWarning') seen.push(w.message);
  };
  process.on('warning', listener);
  let sso: TicketStack | undefined;
  try {
    sso = await createTicketStack(config);
    await new Promise((r) => setImmediate(r)); // warnings are emitted on the next tick
  } finally {
    process.off('warning', listener);
    await sso?.close();
  }
  return seen;
}

describe('createTicketStack: mistakes are TypeErrors naming the option', () => {
  it.each([
    [{ sesion: {} }, /unknown option "sesion"/],
    [{ session: { secret: SECRET, cookie: { sameSight: 'lax' } } }, /unknown option "session\.cookie\.sameSight" \(allowed: secure, sameSite/],
    [{ state: { prefx: 'x' } }, /unknown option "state\.prefx"/],
    [{ users: { file: 'x.json' } }, /unknown option "users\.file"/],
    [{ signOn: { maxFailures: 0 } }, /option "signOn\.maxFailures" must be an integer from 1 to 1000/],
    [{ signOn: { windowMs: '15m' } }, /option "signOn\.windowMs"/],
    [{ stackOptions: { passport: {} } }, /unknown option "stackOptions\.passport"/],
    [{ session: false, stackOptions: { session: true } }, /option "stackOptions\.session" cannot be true with session: false/],
    [{ session: { secret: SECRET, cookie: { httpOnly: false } } }, /"session\.cookie\.httpOnly" cannot be set/],
    [{ session: { secret: SECRET, cookie: { secure: 'yes' } } }, /"session\.cookie\.secure" must be true, false or "auto"/],
    [{ session: { secret: SECRET, cookie: { secure: false, sameSite: 'none' } } }, /"session\.cookie\.sameSite" "none" needs session\.cookie\.secure: true/],
    [{ session: { secret: SECRET, name: '__Host-sid', cookie: { domain: 'example.com' } } }, /"session\.name" with the __Host- prefix/],
    [{ session: { secret: SECRET, name: 'bad name;' } }, /"session\.name" must be a cookie name/],
    [{ session: { secret: [] } }, /"session\.secret" must be a non-empty string or a non-empty array/],
    [{ session: { secret: SECRET, store: {} } }, /"session\.store" must be an express-session store/],
    [{ decisionLogSize: 0 }, /"decisionLogSize" must be an integer from 1 to 100000/],
    [{ onEvent: 'console' }, /"onEvent" must be a function/],
    [{ templates: {} }, /"templates" must be an array/],
    [{ passTickets: { profiles: { applications: [{ name: 'CICSAPP1', key: 'short', algorithm: 'legacy' }] } } }, /option "passTickets\.profiles": /],
    [{ passTickets: {} }, /"passTickets\.profiles" is required/],
  ])('%j', async (patch, message) => {
    const error = await createTicketStack({ ...base(), ...(patch as object) } as TicketStackConfig).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TypeError);
    expect((error as Error).message).toMatch(/^createTicketStack: /);
    expect((error as Error).message).toMatch(message);
  });

  it('the keystore is required, as a Keystore or { dir }', async () => {
    const { keystore: _, ...rest } = base();
    await expect(createTicketStack(rest as TicketStackConfig)).rejects.toThrow(/option "keystore" is required/);
    await expect(createTicketStack({ ...base(), keystore: { create: { sid: 'J2E', client: '000' } } as never })).rejects.toThrow(/"keystore\.dir" is required/);
    await expect(createTicketStack({ ...base(), keystore: { dir: '/tmp/x', create: { sid: 'J2E' } } as never })).rejects.toThrow(/"keystore\.create" needs sid and client/);
  });

  it('a session secret is required unless session: false (SESSION_SECRET is the default)', async () => {
    vi.stubEnv('SESSION_SECRET', '');
    await expect(createTicketStack({ ...base(), session: undefined })).rejects.toThrow(/"session\.secret" is required when sessions are on \(or set SESSION_SECRET\)/);
    vi.stubEnv('SESSION_SECRET', SECRET);
    const sso = await createTicketStack({ ...base(), session: undefined });
    expect(sso.services.sessions).toBe('memory');
    await sso.close();
    const stateless = await createTicketStack({ ...base(), session: false });
    expect(stateless.services.sessions).toBe('off');
    await stateless.close();
  });

  it('a bad URL is refused without echoing it (it may hold a password); from the environment, the variable is named', async () => {
    const error = (await createTicketStack({ ...base(), databaseUrl: 'mysql://app:hunter2@db/app' }).catch((e: unknown) => e)) as Error;
    expect(error.message).toBe('createTicketStack: option "databaseUrl" must be a postgres:// or postgresql:// URL or false');
    vi.stubEnv('REDIS_URL', 'http://:hunter2@cache:6379');
    const fromEnv = (await createTicketStack({ ...base(), redisUrl: undefined }).catch((e: unknown) => e)) as Error;
    expect(fromEnv.message).toMatch(/option "redisUrl" must be a redis:\/\/ or rediss:\/\/ URL or false \(it comes from the environment variable REDIS_URL\)/);
    expect(fromEnv.message).not.toContain('hunter2');
  });

  it('an invalid template is refused whole at start, naming the template', async () => {
    await expect(createTicketStack({ ...base(), templates: [{ name: 'mine', modules: [{ module: 'BasicPassword', flag: 'MANDATORY' as never }] }] })).rejects.toThrow(
      /policy template 'mine'.*unknown flag "MANDATORY"/,
    );
  });
});

describe('createTicketStack: risky-but-legal settings warn', () => {
  it('a short secret and a cookie without Secure warn, without showing the secret', async () => {
    const warnings = await warningsOf({ ...base(), session: { secret: 'short-secret-42', cookie: { secure: false } } });
    expect(warnings).toEqual([
      expect.stringMatching(/session\.secret is shorter than 32 characters/),
      expect.stringMatching(/session\.cookie\.secure is false: .*development only/),
    ]);
    expect(warnings.join()).not.toContain('short-secret-42');
  });

  it('SameSite=None warns about CSRF', async () => {
    expect(await warningsOf({ ...base(), session: { secret: SECRET, cookie: { sameSite: 'none' } } })).toEqual([expect.stringMatching(/sameSite is "none".*CSRF/)]);
  });

  it('with NODE_ENV=production: the memory session store, the memory state store and an unencrypted new keystore warn', async () => {
    vi.stubEnv('NODE_ENV', 'production');
    const { state: _, ...rest } = base();
    const warnings = await warningsOf(rest);
    expect(warnings).toEqual([
      expect.stringMatching(/state store is in memory \(no REDIS_URL\)/),
      expect.stringMatching(/MemoryStore \(no REDIS_URL\)/),
    ]);
    // Validation alone (nothing is generated): a keystore created without a passphrase.
    const { warnings: keystoreWarnings } = resolveConfig({ ...base(), keystore: { dir: '/tmp/never-opened', create: { sid: 'J2E', client: '000' } } }, { NODE_ENV: 'production' });
    expect(keystoreWarnings).toEqual([expect.stringMatching(/unencrypted.*TICKETSTACK_KEYSTORE_PASSPHRASE/), expect.stringMatching(/MemoryStore/)]);
    expect(resolveConfig({ ...base(), keystore: { dir: '/tmp/never-opened', create: { sid: 'J2E', client: '000' }, passphrase: 'pw' } }, { NODE_ENV: 'production' }).warnings).toEqual([
      expect.stringMatching(/MemoryStore/),
    ]);
  });

  it('the safe defaults warn about nothing', async () => {
    expect(await warningsOf(base())).toEqual([]);
  });
});
