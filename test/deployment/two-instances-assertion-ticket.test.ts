/**
 * Acceptance (issue "several instances"): two app instances sharing one Redis accept an assertion ticket
 * sent to both at once exactly once, over 200 trials. A control run on the embedded state (one memory store
 * per instance) accepts the same tickets twice, which is what the shared store prevents.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Keystore } from '../../src/keystore/index.js';
import { issueAssertionTicket } from '../../src/ticket/index.js';
import { databaseUrl, redisUrl } from '../support/services.js';
import { call, Deployment, portalAndErp, whoami } from './harness.js';

const TRIALS = 200;
const redis = redisUrl();
const database = databaseUrl();

describe.skipIf(redis === undefined || database === undefined)('two instances on one Redis: an assertion ticket is accepted once', () => {
  let deployment: Deployment;
  let portal: Keystore;
  let erp: Keystore;

  const pair = (shared: boolean) =>
    deployment.pair({ keystore: erp }, (app, sso, name) => app.get('/assertion', sso.protect('evaluate_assertion_ticket'), whoami(name)), { shared });
  const ticketFor = (user: string): string => issueAssertionTicket({ keystore: portal, user, recipientSid: 'ERP', recipientClient: '100' }).text;

  beforeAll(async () => {
    deployment = await Deployment.open(redis!, database!);
    ({ portal, erp } = await portalAndErp());
  });
  afterAll(() => deployment?.dispose());

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
