/**
 * Two systems, each with its own keystore (issue 4 acceptance): the backend accepts the portal's logon tickets only
 * once the portal's certificate is imported with the portal's SID and client (sap-logon-ticket.md §3.2, the
 * trustedsys/trustediss/trusteddn rule), and a trust change takes effect at the next request.
 */
import request from 'supertest';
import { Passport } from 'passport';
import { beforeAll, describe, expect, it } from 'vitest';
import { Keystore } from '../../src/keystore/keystore.js';
import { createBasicPasswordStrategy } from '../../src/modules/basic-password-module.js';
import { createCreateTicketStrategy } from '../../src/modules/create-ticket-module.js';
import { createEvaluateTicketStrategy } from '../../src/modules/evaluate-ticket-module.js';
import { loginStack } from '../../src/stack/passport-adapter.js';
import type { DecisionRecord } from '../../src/stack/decision-record.js';
import { MemoryUserStore } from '../../src/users/memory-user-store.js';
import { app, basicAuth, NOW, TEST_HASH_PARAMS } from './helpers.js';

let portalKeystore: Keystore;
let backendKeystore: Keystore;
let portal: ReturnType<typeof app>;
let backend: ReturnType<typeof app>;
const backendRecords: DecisionRecord[] = [];

beforeAll(async () => {
  portalKeystore = await Keystore.generate({ sid: 'POR', client: '000', now: NOW });
  backendKeystore = await Keystore.generate({ sid: 'BCK', client: '100', now: NOW });
  const users = new MemoryUserStore({ hashParams: TEST_HASH_PARAMS });
  await users.createUser({ id: 'alice', password: 'correct horse' });
  const create = createCreateTicketStrategy({ keystore: portalKeystore, now: NOW });
  portal = app(
    loginStack(
      [
        { name: 'password', flag: 'REQUISITE', module: createBasicPasswordStrategy({ users }) },
        { name: 'createTicket', flag: 'OPTIONAL', module: create, commit: create.commit },
      ],
      { session: false, passport: new Passport() },
    ),
  );
  backend = app(
    loginStack([{ name: 'ticket', flag: 'REQUIRED', module: createEvaluateTicketStrategy({ keystore: backendKeystore, now: NOW }) }], {
      session: false,
      passport: new Passport(),
      onDecision: (r) => backendRecords.push(r),
    }),
  );
}, 60_000);

const refusalReason = () => backendRecords.at(-1)?.calls.find((c) => c.phase === 'login')?.error?.reason;

describe("the backend and the portal's tickets", () => {
  it('trusts them only after the certificate is imported for the right SID and client', async () => {
    const login = await request(portal).get('/login').set('Authorization', basicAuth('alice', 'correct horse'));
    expect(login.status).toBe(200);
    const cookie = ([] as string[]).concat(login.headers['set-cookie'] ?? []).find((c) => c.startsWith('MYSAPSSO2='))!;
    const ticketCookie = cookie.split(';')[0]!;

    // Not imported: the signer is unknown to the backend.
    let res = await request(backend).get('/other').set('Cookie', ticketCookie);
    expect(res.status).toBe(401);
    expect(refusalReason()).toBe('ERR_TICKET_SIGNER_UNKNOWN');

    // Imported, but the ACL names another system: refused.
    const wrong = backendKeystore.addTrusted(portalKeystore.own.certificate, { sid: 'XYZ', client: '000' });
    res = await request(backend).get('/other').set('Cookie', ticketCookie);
    expect(res.status).toBe(401);
    expect(refusalReason()).toBe('ERR_TICKET_ACL_MISMATCH');

    // Imported with the portal's SID and client: admitted as the ticket's user.
    const right = backendKeystore.addTrusted(portalKeystore.own.certificate, { sid: 'POR', client: '000' });
    res = await request(backend).get('/other').set('Cookie', ticketCookie);
    expect(res.status).toBe(200);
    expect(res.body.user).toMatchObject({ id: 'alice' });

    // Removing the entry is honoured at the next request.
    backendKeystore.removeTrusted(right.name);
    backendKeystore.removeTrusted(wrong.name);
    res = await request(backend).get('/other').set('Cookie', ticketCookie);
    expect(res.status).toBe(401);
  });
});
