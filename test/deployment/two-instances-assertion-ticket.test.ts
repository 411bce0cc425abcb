/**
 * Acceptance (issue "several instances"): two app instances sharing one Redis accept an assertion ticket
 * sent to both at once exactly once, over 200 trials. A control run on the embedded state (one memory store
 * per instance) accepts the same tickets twice, which is what the shared store prevents.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Keystore } from '../../src/keystore/index.js';
import { issueAssertionTicket } from '../../src/ticket/index.js';
import { assertPostgresReachable, assertRedisReachable, databaseUrl, redisUrl, uniqueSuffix } from '../support/services.js';
import { call, deleteRedisKeys, dropSchema, portalAndErp, startInstance, TEST_HASH_PARAMS, whoami, type Instance } from './harness.js';

const TRIALS = 200;
const redis = redisUrl();
const database = databaseUrl();

describe.skipIf(redis === undefined || database === undefined)('two instances on one Redis: an assertion ticket is accepted once', () => {
  const suffix = uniqueSuffix();
  const prefix = `ticketstack_test_${suffix}:`;
  const schema = `ticketstack_test_${suffix}`;
  let portal: Keystore;
  let erp: Keystore;
  const instances: Instance[] = [];

  /** Two instances of the same application: same keystore, same Redis prefix, same user schema. */
  async function pair(shared: boolean): Promise<[Instance, Instance]> {
    const started = await Promise.all(
      ['A', 'B'].map((name) =>
        startInstance(
          name,
          {
            keystore: erp,
            redisUrl: shared ? redis! : false,
            databaseUrl: database!,
            state: { prefix },
            users: { schema, migrate: true, hashParams: TEST_HASH_PARAMS },
            session: false,
          },
          (app, sso) => app.get('/assertion', sso.protect('evaluate_assertion_ticket'), whoami(name)),
        ),
      ),
    );
    instances.push(...started);
    return started as [Instance, Instance];
  }

  const ticketFor = (user: string): string => issueAssertionTicket({ keystore: portal, user, recipientSid: 'ERP', recipientClient: '100' }).text;

  beforeAll(async () => {
    await assertRedisReachable(redis!);
    await assertPostgresReachable(database!);
    ({ portal, erp } = await portalAndErp());
  });
  afterAll(async () => {
    await Promise.all(instances.map((i) => i.close()));
    await deleteRedisKeys(redis!, prefix);
    await dropSchema(database!, schema);
  });

  it(`${TRIALS} tickets, each sent to both instances at once: each accepted exactly once, by either instance`, async () => {
    const [a, b] = await pair(true);
    const wins = { A: 0, B: 0 };
    for (let i = 0; i < TRIALS; i++) {
      const ticket = ticketFor(`USER${i}`);
      const headers = { MYSAPSSO2: ticket };
      // Alternate which request leaves first, so neither instance is favoured.
      const [first, second] = i % 2 === 0 ? [a, b] : [b, a];
      const answers = await Promise.all([call(first, '/assertion', { headers }), call(second, '/assertion', { headers })]);
      const accepted = answers.filter((x) => x.status === 200);
      expect(accepted, `trial ${i}`).toHaveLength(1);
      expect(answers.filter((x) => x.status === 401), `trial ${i}`).toHaveLength(1);
      expect(accepted[0]!.body?.user).toMatchObject({ id: `USER${i}`, authMethod: 'assertion-ticket' });
      wins[accepted[0]!.body!.instance as 'A' | 'B'] += 1;
    }
    expect(wins.A + wins.B).toBe(TRIALS);
    // Both instances took part in the races (each won some).
    expect(wins.A).toBeGreaterThan(0);
    expect(wins.B).toBeGreaterThan(0);
    // Every refusal was a replay, decided by the shared store, and each instance's record says so.
    const refusals = [...a.events, ...b.events].flatMap((e) => (e.type === 'decision' && !e.record.ok ? [e.record.calls.find((c) => c.phase === 'login')?.error?.reason] : []));
    expect(refusals).toHaveLength(TRIALS);
    expect(new Set(refusals)).toEqual(new Set(['ERR_TICKET_REPLAYED']));
  });

  it('control: with embedded state (one memory store per instance) the same race accepts a ticket twice', async () => {
    const [a, b] = await pair(false);
    expect(a.sso.services.state).toBe('memory');
    let twice = 0;
    for (let i = 0; i < 10; i++) {
      const headers = { MYSAPSSO2: ticketFor(`CONTROL${i}`) };
      const answers = await Promise.all([call(a, '/assertion', { headers }), call(b, '/assertion', { headers })]);
      if (answers.every((x) => x.status === 200)) twice += 1;
    }
    expect(twice).toBe(10);
  });
});
