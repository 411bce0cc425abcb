/**
 * The end-to-end flow of issue 5's acceptance: an Express route calls verifyToken then requestEncryptedPassTicket;
 * the client decrypts the JWE with its private key and signs on to a second app with the PassTicket module.
 */
import express, { type NextFunction, type Request, type Response } from 'express';
import { compactDecrypt } from 'jose';
import { Passport } from 'passport';
import request from 'supertest';
import { describe, expect, it } from 'vitest';
import { createPassTicketStrategy } from '../../src/modules/passticket-module.js';
import { CicsCondition, createPassTicketService, jwtTokenVerifier } from '../../src/passticket/cics.js';
import { defineApplication, PassTicketProfiles } from '../../src/passticket/profiles.js';
import { PassTicketVerifier } from '../../src/passticket/verifier.js';
import { loginStack } from '../../src/stack/passport-adapter.js';
import { MemoryUserStore } from '../../src/users/memory-user-store.js';
import { SignOnGuard } from '../../src/users/sign-on-guard.js';
import { frozenClock, jwtParties, TestStateStore } from './helpers.js';

const KEY = 'A1B2C3D4E5F6A7B8';
const parties = await jwtParties();

/** App A: holds the PTKTDATA profile with generation rights (a "CICS region" issuing PassTickets). */
function issuerApp() {
  const service = createPassTicketService({
    profiles: new PassTicketProfiles({
      applications: [defineApplication({ name: 'BACKEND', key: KEY, algorithm: 'legacy', generators: { users: ['*'] } })],
    }),
    state: new TestStateStore(),
    tokenVerifiers: [jwtTokenVerifier({ key: parties.issuer.publicKey, issuer: 'https://idp.example', clock: frozenClock() })],
    clock: frozenClock(),
  });
  const app = express();
  const bearer = (req: Request) => (req.headers.authorization ?? '').replace(/^Bearer /, '');
  const conditionHandler = (err: unknown, _req: Request, res: Response, next: NextFunction) => {
    if (err instanceof CicsCondition) res.status(err.status).json(err.toJSON());
    else next(err);
  };
  app.post('/passticket', (req, res, next) => {
    (async () => {
      const { encryptKey } = await service.verifyToken(req, bearer(req), { encryptKey: true });
      const out = await service.requestEncryptedPassTicket(req, { encryptKey: encryptKey!, esmAppName: 'BACKEND' });
      res.json({ user: req.user, ...out });
    })().catch(next);
  });
  // The same ENCRYPTKEY twice in one request.
  app.post('/passticket/twice', (req, res, next) => {
    (async () => {
      const { encryptKey } = await service.verifyToken(req, bearer(req), { encryptKey: true });
      await service.requestEncryptedPassTicket(req, { encryptKey: encryptKey!, esmAppName: 'BACKEND' });
      await service.requestEncryptedPassTicket(req, { encryptKey: encryptKey!, esmAppName: 'BACKEND' });
      res.json({ unexpected: true });
    })().catch(next);
  });
  // An ENCRYPTKEY after a newer verifyToken in the same request.
  app.post('/passticket/superseded', (req, res, next) => {
    (async () => {
      const [t1, t2] = String(req.headers['x-tokens']).split(' ');
      const older = await service.verifyToken(req, t1!, { encryptKey: true });
      await service.verifyToken(req, t2!, { encryptKey: true });
      await service.requestEncryptedPassTicket(req, { encryptKey: older.encryptKey!, esmAppName: 'BACKEND' });
      res.json({ unexpected: true });
    })().catch(next);
  });
  app.use(conditionHandler);
  return app;
}

/** App B: the PassTicket target, its own user store, replay cache and SignOnGuard, the module in a login stack. */
async function targetApp() {
  const users = new MemoryUserStore({ hashParams: { ln: 4, r: 8, p: 1 } });
  await users.createUser({ id: 'alice', password: 'unused here' });
  const state = new TestStateStore();
  const verifier = new PassTicketVerifier({
    profiles: new PassTicketProfiles({ applications: [defineApplication({ name: 'BACKEND', key: KEY, algorithm: 'legacy' })] }),
    state,
    users,
    guard: new SignOnGuard({ users, state }),
    clock: frozenClock(),
  });
  const passport = new Passport();
  const app = express();
  app.use(express.urlencoded({ extended: false }));
  app.get(
    '/hello',
    loginStack([{ name: 'passticket', flag: 'REQUIRED', module: createPassTicketStrategy({ application: 'BACKEND', verifier }) }], {
      passport,
      session: false,
    }),
    (req, res) => {
      res.json({ hello: req.user });
    },
  );
  return app;
}

async function decrypt(jwe: string): Promise<string> {
  const { plaintext, protectedHeader } = await compactDecrypt(jwe, parties.client.privateKey);
  expect(protectedHeader).toEqual({ alg: 'ECDH-ES', enc: 'A256GCM', epk: expect.any(Object) });
  return new TextDecoder().decode(plaintext);
}

describe('encrypted PassTicket flow (issue 5 acceptance)', () => {
  it('verifyToken → requestEncryptedPassTicket → client decrypts → signs on to the target once', async () => {
    const a = issuerApp();
    const b = await targetApp();
    const res = await request(a).post('/passticket').set('authorization', `Bearer ${await parties.token('alice')}`);
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ user: { id: 'alice' }, esmResp: 0, esmReason: 0 });
    expect(res.body.flength).toBe(Buffer.byteLength(res.body.encryptedPassTicket));
    const ticket = await decrypt(res.body.encryptedPassTicket);
    expect(ticket).toMatch(/^[A-Z0-9]{8}$/);

    const first = await request(b).get('/hello').auth('alice', ticket);
    expect(first.status).toBe(200);
    expect(first.body.hello).toEqual({ id: 'alice', authMethod: 'passticket', application: 'BACKEND', groups: [] });
    const replay = await request(b).get('/hello').auth('alice', ticket);
    expect(replay.status).toBe(401);
  });

  it('two requests in the same second get two different tickets, each good once', async () => {
    const a = issuerApp();
    const b = await targetApp();
    const [r1, r2] = await Promise.all([
      request(a).post('/passticket').set('authorization', `Bearer ${await parties.token('alice')}`),
      request(a).post('/passticket').set('authorization', `Bearer ${await parties.token('alice')}`),
    ]);
    const [t1, t2] = [await decrypt(r1!.body.encryptedPassTicket), await decrypt(r2!.body.encryptedPassTicket)];
    expect(t1).not.toBe(t2);
    expect((await request(b).get('/hello').auth('alice', t1)).status).toBe(200);
    expect((await request(b).get('/hello').auth('alice', t2)).status).toBe(200);
  });

  it('the ENCRYPTKEY is refused on second use and after a newer verifyToken (INVREQ 255)', async () => {
    const a = issuerApp();
    const twice = await request(a).post('/passticket/twice').set('authorization', `Bearer ${await parties.token('alice')}`);
    expect(twice.status).toBe(400);
    expect(twice.body).toMatchObject({ code: 'ERR_CICS_INVREQ_255', condition: 'INVREQ', resp: 16, resp2: 255 });
    const tokens = `${await parties.token('alice')} ${await parties.token('alice')}`;
    const superseded = await request(a).post('/passticket/superseded').set('x-tokens', tokens);
    expect(superseded.status).toBe(400);
    expect(superseded.body.code).toBe('ERR_CICS_INVREQ_255');
  });

  it('a token without a confirmation key gets INVREQ 257, a forged one NOTAUTH 2', async () => {
    const a = issuerApp();
    const plain = await request(a).post('/passticket').set('authorization', `Bearer ${await parties.token('alice', 'none')}`);
    expect(plain.body).toMatchObject({ code: 'ERR_CICS_INVREQ_257', resp2: 257 });
    const forged = await request(a).post('/passticket').set('authorization', `Bearer ${(await parties.token('alice')).slice(0, -4)}AAAA`);
    expect(forged.status).toBe(401);
    expect(forged.body.code).toBe('ERR_CICS_NOTAUTH_2');
  });
});
