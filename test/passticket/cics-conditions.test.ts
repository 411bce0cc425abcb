import { compactDecrypt } from 'jose';
import { describe, expect, it } from 'vitest';
import {
  CicsCondition,
  createPassTicketService,
  jwtTokenVerifier,
  logonTicketTokenVerifier,
  type PassTicketServiceOptions,
} from '../../src/passticket/cics.js';
import { PassTicketVerifier } from '../../src/passticket/verifier.js';
import { StateError } from '../../src/state/errors.js';
import { frozenClock, jwtParties, profiles, TestGuard, TestStateStore } from './helpers.js';
import { defineApplication, PassTicketProfiles } from '../../src/passticket/profiles.js';
import { LEGACY_KEY } from './helpers.js';

const parties = await jwtParties();
const jwt = jwtTokenVerifier({ key: parties.issuer.publicKey, issuer: 'https://idp.example', algorithms: ['ES256'], clock: frozenClock() });
const logonTicket = logonTicketTokenVerifier((text) => {
  if (text !== 'LOGON-TICKET-FOR-BOB') throw new Error('bad signature');
  return { user: 'BOB' };
});

function service(extra: Partial<PassTicketServiceOptions> = {}) {
  return createPassTicketService({
    profiles: profiles(),
    state: new TestStateStore(),
    tokenVerifiers: [jwt, logonTicket],
    clock: frozenClock(),
    ...extra,
  });
}

async function condition(p: Promise<unknown>): Promise<CicsCondition> {
  try {
    await p;
  } catch (err) {
    expect(err).toBeInstanceOf(CicsCondition);
    return err as CicsCondition;
  }
  throw new Error('expected a CicsCondition');
}

const alice = () => ({ user: { id: 'alice' } }) as Record<string, unknown>;

describe('CICS conditions (passticket.md §5)', () => {
  it('success: REQUEST PASSTICKET returns a ticket the target accepts, ESMRESP/ESMREASON 0/0', async () => {
    const p = profiles();
    const state = new TestStateStore();
    const svc = createPassTicketService({ profiles: p, state, clock: frozenClock() });
    const out = await svc.requestPassTicket(alice(), { esmAppName: 'cicsapp1' });
    expect(out).toEqual({ passticket: expect.stringMatching(/^[A-Z0-9]{8}$/), esmResp: 0, esmReason: 0 });
    const ver = new PassTicketVerifier({ profiles: p, state: new TestStateStore(), clock: frozenClock() });
    expect((await ver.verifyPassTicket({ user: 'ALICE', application: 'CICSAPP1', ticket: out.passticket })).valid).toBe(true);
  });

  it('INVREQ 251: security manager not active (switched off, or its state store unavailable)', async () => {
    const off = await condition(service({ esmActive: false }).requestPassTicket(alice(), { esmAppName: 'CICSAPP1' }));
    expect(off).toMatchObject({ condition: 'INVREQ', resp: 16, resp2: 251, code: 'ERR_CICS_INVREQ_251', status: 503 });
    const fnOff = await condition(service({ esmActive: () => false }).verifyToken({}, await parties.token('alice'), { encryptKey: true }));
    expect(fnOff.code).toBe('ERR_CICS_INVREQ_251');
    const broken = new TestStateStore();
    broken.claimOnce = async () => {
      throw new StateError('ERR_STATE_UNAVAILABLE', 'redis down');
    };
    const down = await condition(service({ state: broken }).requestPassTicket(alice(), { esmAppName: 'CICSAPP1' }));
    expect(down.code).toBe('ERR_CICS_INVREQ_251');
    const encOff = await condition(service({ esmActive: false }).requestEncryptedPassTicket(alice(), { encryptKey: '00000000', esmAppName: 'CICSAPP1' }));
    expect(encOff.code).toBe('ERR_CICS_INVREQ_251');
  });

  it('INVREQ 252: unclassified response (no free generation second), with ESMRESP/ESMREASON', async () => {
    const svc = service({ maxSpreadSeconds: 0 });
    await svc.requestPassTicket(alice(), { esmAppName: 'CICSAPP1' });
    const busy = await condition(svc.requestPassTicket(alice(), { esmAppName: 'CICSAPP1' }));
    expect(busy).toMatchObject({ code: 'ERR_CICS_INVREQ_252', resp2: 252, esmResp: 12, esmReason: 4 });
  });

  it('INVREQ 247: invalid ESMAPPNAME; INVREQ 254: no PassTicket profile for the application', async () => {
    expect((await condition(service().requestPassTicket(alice(), { esmAppName: 'NOT VALID' }))).code).toBe('ERR_CICS_INVREQ_247');
    const none = await condition(service().requestPassTicket(alice(), { esmAppName: 'UNKNOWN' }));
    expect(none).toMatchObject({ code: 'ERR_CICS_INVREQ_254', resp: 16, resp2: 254, esmResp: 8, esmReason: 8 });
    expect(none.message).toContain('UNKNOWN'); // actionable: names the application (§6)
  });

  it('INVREQ 256: the default (anonymous) user never gets a PassTicket', async () => {
    expect((await condition(service().requestPassTicket({}, { esmAppName: 'CICSAPP1' }))).code).toBe('ERR_CICS_INVREQ_256');
    expect((await condition(service().requestPassTicket({ user: { id: 'cicsuser' } }, { esmAppName: 'CICSAPP1' }))).code).toBe(
      'ERR_CICS_INVREQ_256',
    );
    const custom = service({ defaultUser: 'GUEST' });
    expect((await condition(custom.requestPassTicket({ user: 'guest' }, { esmAppName: 'CICSAPP1' }))).resp2).toBe(256);
  });

  it('INVREQ 255: invalid ENCRYPTKEY (none, wrong, used once already, superseded by a newer verifyToken)', async () => {
    const svc = service();
    const req = {};
    expect((await condition(svc.requestEncryptedPassTicket(req, { encryptKey: '01020304', esmAppName: 'CICSAPP1' }))).resp2).toBe(255);
    const { encryptKey } = await svc.verifyToken(req, await parties.token('alice'), { encryptKey: true });
    const wrong = Buffer.from(encryptKey!);
    wrong[0]! ^= 1;
    expect((await condition(svc.requestEncryptedPassTicket(req, { encryptKey: wrong, esmAppName: 'CICSAPP1' }))).resp2).toBe(255);
    expect((await condition(svc.requestEncryptedPassTicket(req, { encryptKey: 'zz', esmAppName: 'CICSAPP1' }))).resp2).toBe(255);
    // A failed attempt with a wrong value does not consume the right one; the right one works once (hex accepted).
    const ok = await svc.requestEncryptedPassTicket(req, { encryptKey: encryptKey!.toString('hex'), esmAppName: 'CICSAPP1' });
    expect(ok).toMatchObject({ esmResp: 0, esmReason: 0, flength: ok.encryptedPassTicket.length });
    expect((await condition(svc.requestEncryptedPassTicket(req, { encryptKey: encryptKey!, esmAppName: 'CICSAPP1' }))).code).toBe(
      'ERR_CICS_INVREQ_255',
    );
    const first = await svc.verifyToken(req, await parties.token('alice'), { encryptKey: true });
    const second = await svc.verifyToken(req, await parties.token('alice'), { encryptKey: true });
    expect((await condition(svc.requestEncryptedPassTicket(req, { encryptKey: first.encryptKey!, esmAppName: 'CICSAPP1' }))).resp2).toBe(255);
    const out = await svc.requestEncryptedPassTicket(req, { encryptKey: second.encryptKey!, esmAppName: 'CICSAPP1' });
    const { plaintext } = await compactDecrypt(out.encryptedPassTicket, parties.client.privateKey);
    expect(new TextDecoder().decode(plaintext)).toMatch(/^[A-Z0-9]{8}$/);
    // ENCRYPTKEYs are per request (task): another request cannot use this one.
    const third = await svc.verifyToken(req, await parties.token('alice'), { encryptKey: true });
    expect((await condition(svc.requestEncryptedPassTicket({ user: { id: 'alice' } }, { encryptKey: third.encryptKey!, esmAppName: 'CICSAPP1' }))).resp2).toBe(255);
  });

  it("INVREQ 257: the token's origin supports no confidentiality (no cnf key, an RSA key, a logon ticket)", async () => {
    const svc = service();
    for (const token of [await parties.token('alice', 'none'), await parties.token('alice', 'rsa'), 'LOGON-TICKET-FOR-BOB']) {
      const c = await condition(svc.verifyToken({}, token, { encryptKey: true }));
      expect(c).toMatchObject({ condition: 'INVREQ', resp2: 257, code: 'ERR_CICS_INVREQ_257' });
    }
    // Without ENCRYPTKEY the same tokens are fine: they make their user the request's user.
    const req: Record<string, unknown> = {};
    expect(await svc.verifyToken(req, 'LOGON-TICKET-FOR-BOB')).toEqual({ userId: 'BOB', tokenType: 'logon-ticket' });
    expect(req.user).toEqual({ id: 'BOB' });
  });

  it('NOTAUTH 250: the user is not authorized for that application (IRRPTAUTH.applid.userid)', async () => {
    const p = new PassTicketProfiles({
      applications: [
        defineApplication({ name: 'PAYROLL', key: LEGACY_KEY, algorithm: 'legacy', generators: { users: ['BOB'], groups: ['PAYADM'] } }),
        defineApplication({ name: 'CLOSED', key: LEGACY_KEY, algorithm: 'legacy' }),
      ],
    });
    const svc = service({ profiles: p });
    const c = await condition(svc.requestPassTicket(alice(), { esmAppName: 'PAYROLL' }));
    expect(c).toMatchObject({ condition: 'NOTAUTH', resp: 70, resp2: 250, code: 'ERR_CICS_NOTAUTH_250', esmResp: 8, esmReason: 16, status: 403 });
    expect(c.message).toContain('ALICE');
    expect((await condition(svc.requestPassTicket({ user: { id: 'bob' } }, { esmAppName: 'CLOSED' }))).resp2).toBe(250);
    expect((await svc.requestPassTicket({ user: { id: 'bob' } }, { esmAppName: 'PAYROLL' })).esmResp).toBe(0);
    expect((await svc.requestPassTicket({ user: { id: 'carol', groups: ['payadm'] } }, { esmAppName: 'PAYROLL' })).esmResp).toBe(0);
  });

  it('NOTAUTH 260: this service is not authorized to generate PassTickets', async () => {
    const c = await condition(service({ profiles: profiles({}, false) }).requestPassTicket(alice(), { esmAppName: 'CICSAPP1' }));
    expect(c).toMatchObject({ condition: 'NOTAUTH', resp: 70, resp2: 260, code: 'ERR_CICS_NOTAUTH_260' });
  });

  it('VERIFY TOKEN refusals: NOTAUTH 2 (bad, unknown or reused token), NOTAUTH 19 (revoked user)', async () => {
    const svc = service({ guard: Object.assign(new TestGuard(), { revoked: new Set(['MALLORY']) }) });
    expect((await condition(svc.verifyToken({}, 'garbage'))).code).toBe('ERR_CICS_NOTAUTH_2');
    expect((await condition(svc.verifyToken({}, await parties.token('alice', 'ec', 'https://evil.example')))).code).toBe('ERR_CICS_NOTAUTH_2');
    expect((await condition(svc.verifyToken({}, ''))).code).toBe('ERR_CICS_NOTAUTH_2');
    const token = await parties.token('alice');
    await svc.verifyToken({}, token, { encryptKey: true });
    expect((await condition(svc.verifyToken({}, token, { encryptKey: true }))).code).toBe('ERR_CICS_NOTAUTH_2');
    expect((await condition(svc.verifyToken({}, await parties.token('mallory')))).code).toBe('ERR_CICS_NOTAUTH_19');
  });

  it('conditions serialize without secrets and carry RESP/RESP2', async () => {
    const c = await condition(service().requestPassTicket(alice(), { esmAppName: 'UNKNOWN' }));
    expect(c.toJSON()).toMatchObject({ name: 'CicsCondition', code: 'ERR_CICS_INVREQ_254', condition: 'INVREQ', resp: 16, resp2: 254 });
  });
});
