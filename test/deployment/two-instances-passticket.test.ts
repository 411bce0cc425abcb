/**
 * Acceptance (issue "several instances", passticket.md §2.3): two app instances sharing one Redis accept a
 * PassTicket sent to both at once exactly once, over 200 trials (RACF replay protection across instances).
 * The users live in PostgreSQL, shared. A control on embedded state accepts the same tickets twice.
 *
 * One user per trial: a replay-protected PassTicket is granular to one second per user and application, so one
 * user cannot get 200 distinct tickets within the test's few seconds (the generator would run out of seconds).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Keystore } from '../../src/keystore/index.js';
import { databaseUrl, redisUrl } from '../support/services.js';
import { basic, call, Deployment, PassTicketFixture, portalAndErp, whoami } from './harness.js';

const TRIALS = 200;
const redis = redisUrl();
const database = databaseUrl();

describe.skipIf(redis === undefined || database === undefined)('two instances on one Redis: a PassTicket is accepted once', () => {
  let deployment: Deployment;
  const passTickets = new PassTicketFixture();
  let erp: Keystore;

  const pair = (shared: boolean) =>
    deployment.pair(
      { keystore: erp, ...passTickets.config },
      (app, sso, name) => app.get('/cics', sso.protect('passticket'), whoami(name)),
      { shared },
    );

  beforeAll(async () => {
    deployment = await Deployment.open(redis!, database!);
    ({ erp } = await portalAndErp());
  });
  afterAll(async () => {
    await deployment?.dispose();
    await passTickets.close();
  });

  it(`${TRIALS} PassTickets, each sent to both instances at once: each accepted exactly once`, async () => {
    const [a, b] = await pair(true);
    await Promise.all(Array.from({ length: TRIALS }, (_, i) => a.sso.users.createUser({ id: `U${i}`, password: 'not-used-here' })));
    const wins = { A: 0, B: 0 };
    for (let i = 0; i < TRIALS; i++) {
      const ticket = await passTickets.ticketFor(`U${i}`);
      const headers = basic(`U${i}`, ticket);
      const [first, second] = i % 2 === 0 ? [a, b] : [b, a];
      const answers = await Promise.all([call(first, '/cics', { headers }), call(second, '/cics', { headers })]);
      const accepted = answers.filter((x) => x.status === 200);
      expect(accepted, `trial ${i}`).toHaveLength(1);
      expect(answers.filter((x) => x.status === 401), `trial ${i}`).toHaveLength(1);
      expect(accepted[0]!.body?.user).toMatchObject({ id: `U${i}`, authMethod: 'passticket', application: 'CICSAPP1' });
      wins[accepted[0]!.body!.instance as 'A' | 'B'] += 1;
    }
    expect(wins.A + wins.B).toBe(TRIALS);
    expect(wins.A).toBeGreaterThan(0);
    expect(wins.B).toBeGreaterThan(0);
    // The losing replay counted as one failed sign-on (§2.4), never enough to revoke anyone.
    expect((await a.sso.users.listUsers()).filter((u) => u.revoked)).toEqual([]);
  });

  it('control: with embedded state the same race accepts a PassTicket twice', async () => {
    const [a, b] = await pair(false);
    let twice = 0;
    for (let i = 0; i < 10; i++) {
      const ticket = await passTickets.ticketFor(`U${i}`);
      const headers = basic(`U${i}`, ticket);
      const answers = await Promise.all([call(a, '/cics', { headers }), call(b, '/cics', { headers })]);
      if (answers.every((x) => x.status === 200)) twice += 1;
    }
    expect(twice).toBe(10);
  });
});
