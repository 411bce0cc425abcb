/**
 * An assertion ticket (flags 0x01: one use, for one recipient) in the MYSAPSSO2 cookie is not a logon ticket: taken
 * as one it would log in again and again for its lifetime, past EvaluateAssertionTicket's once-only check.
 */
import { Passport } from 'passport';
import request from 'supertest';
import { beforeAll, describe, expect, it } from 'vitest';
import { Keystore } from '../../src/keystore/index.js';
import { createEvaluateTicketStrategy } from '../../src/modules/evaluate-ticket-module.js';
import { loginStack } from '../../src/stack/passport-adapter.js';
import { issueAssertionTicket, issueTicket } from '../../src/ticket/index.js';
import { app, NOW } from './helpers.js';

let portal: Keystore;
let erp: Keystore;
beforeAll(async () => {
  portal = await Keystore.generate({ sid: 'J2E', client: '000' });
  erp = await Keystore.generate({ sid: 'ERP', client: '100' });
  erp.addTrusted(portal.own.certificate, { sid: 'J2E', client: '000' });
});

describe('EvaluateTicket and an assertion ticket in the cookie', () => {
  it('refuses it with ERR_TICKET_IS_ASSERTION, every time; a logon ticket of the same issuer passes', async () => {
    const refusals: string[] = [];
    const evaluate = createEvaluateTicketStrategy({ keystore: erp, now: NOW, onRefusal: (e) => refusals.push(e.code) });
    const s = app(loginStack([{ name: 'ticket', flag: 'REQUIRED', module: evaluate }], { session: false, passport: new Passport() }));
    const assertion = issueAssertionTicket({ keystore: portal, user: 'ALICE', recipientSid: 'ERP', recipientClient: '100', now: NOW }).text;
    for (let i = 0; i < 2; i++) expect((await request(s).get('/login').set('Cookie', `MYSAPSSO2=${assertion}`)).status).toBe(401);
    expect(refusals).toEqual(['ERR_TICKET_IS_ASSERTION', 'ERR_TICKET_IS_ASSERTION']);
    const logon = issueTicket({ keystore: portal, user: 'ALICE', now: NOW }).text;
    expect((await request(s).get('/login').set('Cookie', `MYSAPSSO2=${logon}`)).status).toBe(200);
  });
});
