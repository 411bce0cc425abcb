/**
 * An assertion ticket is accepted once, however its holder rewrites the parts of the CMS that no key protects: an
 * embedded certificate added, or an ECDSA signature's `s` replaced by `n − s` (which verifies too). Each rewrite is a
 * valid ticket on its own (shown first), and a replay once the original was used. Two genuine tickets issued in the
 * same second for the same user are both accepted.
 */
import { Passport } from 'passport';
import request from 'supertest';
import { beforeAll, describe, expect, it } from 'vitest';
import { Keystore } from '../../src/keystore/index.js';
import { createEvaluateAssertionTicketStrategy } from '../../src/modules/evaluate-assertion-ticket-module.js';
import { loginStack } from '../../src/stack/passport-adapter.js';
import { MemoryStateStore } from '../../src/state/memory-state-store.js';
import { decodeTicket, issueAssertionTicket } from '../../src/ticket/index.js';
import { withCertificate, withOtherS } from '../ticket/cms-rewrite.js';
import { app, NOW } from './helpers.js';

let portal: Keystore;
let erp: Keystore;
beforeAll(async () => {
  portal = await Keystore.generate({ sid: 'J2E', client: '000', alg: 'ecdsa' });
  erp = await Keystore.generate({ sid: 'ERP', client: '100' });
  erp.addTrusted(portal.own.certificate, { sid: 'J2E', client: '000' });
}, 60_000);

function server(state: MemoryStateStore, refusals: string[]) {
  const strategy = createEvaluateAssertionTicketStrategy({ keystore: erp, state, now: NOW, onRefusal: (e) => refusals.push(e.code) });
  return app(loginStack([{ name: 'assertion', flag: 'REQUIRED', module: strategy }], { session: false, passport: new Passport() }));
}

const assertion = () => issueAssertionTicket({ keystore: portal, user: 'ALICE', recipientSid: 'ERP', recipientClient: '100', now: NOW }).text;

describe('an assertion ticket rewritten without the key', () => {
  it.each([
    ['an embedded certificate added', (text: string) => withCertificate(text, portal)],
    ["the ECDSA signature's s replaced by n − s", withOtherS],
  ])('%s: a valid ticket by itself, a replay after the original', async (_name, rewrite) => {
    const text = assertion();
    const variant = rewrite(text);
    expect(variant).not.toBe(text);

    const alone: string[] = [];
    expect((await request(server(new MemoryStateStore(), alone)).get('/login').set('MYSAPSSO2', variant)).status).toBe(200);

    const refusals: string[] = [];
    const s = server(new MemoryStateStore(), refusals);
    expect((await request(s).get('/login').set('MYSAPSSO2', text)).status).toBe(200);
    expect((await request(s).get('/login').set('MYSAPSSO2', variant)).status).toBe(401);
    expect(refusals).toEqual(['ERR_TICKET_REPLAYED']);
  });

  it('two genuine tickets for the same user, recipient and second are two tickets', async () => {
    const refusals: string[] = [];
    const s = server(new MemoryStateStore(), refusals);
    const [a, b] = [assertion(), assertion()];
    expect(decodeTicket(a).signedBytes).toEqual(decodeTicket(b).signedBytes); // the same signed content…
    expect((await request(s).get('/login').set('MYSAPSSO2', a)).status).toBe(200);
    expect((await request(s).get('/login').set('MYSAPSSO2', b)).status).toBe(200); // …signed twice
    expect(refusals).toEqual([]);
  });
});
