/**
 * VERIFY TOKEN with this project's own logon tickets (issue 5, item 5): a real ticket issued by `issueTicket` and
 * checked by `verifyTicket` against a keystore makes its user the task's user; it carries no client key, so an
 * ENCRYPTKEY request is INVREQ 257, and a forged ticket is NOTAUTH.
 */
import { describe, expect, it } from 'vitest';
import { CicsCondition, createPassTicketService, logonTicketTokenVerifier } from '../../src/passticket/cics.js';
import { Keystore } from '../../src/keystore/keystore.js';
import { issueTicket, verifyTicket } from '../../src/ticket/index.js';
import { frozenClock, NOW, profiles, TestStateStore } from './helpers.js';

const now = new Date(NOW * 1000);
const keystore = await Keystore.generate({ sid: 'TS1', client: '000', now });
const logonTicket = logonTicketTokenVerifier((text) => verifyTicket(text, { keystore, now }));

function service() {
  return createPassTicketService({ profiles: profiles(), state: new TestStateStore(), tokenVerifiers: [logonTicket], clock: frozenClock() });
}

describe('VERIFY TOKEN with a logon ticket', () => {
  it("makes the ticket's user the task's user, who can then REQUEST PASSTICKET", async () => {
    const ticket = issueTicket({ keystore, user: 'CAROL', now });
    const svc = service();
    const req = {};
    const verified = await svc.verifyToken(req, ticket.text);
    expect(verified).toMatchObject({ userId: 'CAROL', tokenType: 'logon-ticket' });
    const out = await svc.requestPassTicket(req, { esmAppName: 'CICSAPP1' });
    expect(out.passticket).toMatch(/^[A-Z0-9]{8}$/);
  });

  it('takes the portal user over the ABAP user, as EvaluateTicket does', async () => {
    const ticket = issueTicket({ keystore, user: 'CAROL', portalUser: 'carol.smith', now });
    expect((await service().verifyToken({}, ticket.text)).userId).toBe('carol.smith');
  });

  it('refuses ENCRYPTKEY for a logon ticket: its origin supports no confidentiality (INVREQ 257)', async () => {
    const ticket = issueTicket({ keystore, user: 'CAROL', now });
    const err = await service().verifyToken({}, ticket.text, { encryptKey: true }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(CicsCondition);
    expect(err).toMatchObject({ condition: 'INVREQ', resp2: 257 });
  });

  it('refuses a ticket signed by a system the keystore does not trust', async () => {
    const stranger = await Keystore.generate({ sid: 'XX1', client: '100', now });
    const forged = issueTicket({ keystore: stranger, user: 'CAROL', now });
    const err = await service().verifyToken({}, forged.text).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(CicsCondition);
    expect((err as CicsCondition).condition).toBe('NOTAUTH');
  });
});
