/**
 * Random bytes in every field the templates parse, through a real Express app and real HTTP (issue 8, item 4):
 * the MYSAPSSO2 cookie (text and binary), the assertion header, the Basic header, form and JSON bodies, and a
 * PassTicket sign-on, in an app built with createTicketStack. Never a 5xx, never a stack trace, never a login.
 *
 * Each request carries an abort signal of 10 s. That is a hang detector only (a request that never answers fails
 * with its input as the counterexample), not a timing assertion: a normal answer takes milliseconds.
 */
import express from 'express';
import fc from 'fast-check';
import type { Server } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTicketStack, type TicketStack } from '../../src/config/create-ticket-stack.js';
import { Keystore } from '../../src/keystore/index.js';
import { MemoryStateStore } from '../../src/state/memory-state-store.js';
import { encodeTicketText, issueAssertionTicket, issueTicket } from '../../src/ticket/index.js';
import { MemoryUserStore } from '../../src/users/memory-user-store.js';
import { NOW, TEST_HASH_PARAMS } from '../modules/helpers.js';
import { profiles } from '../passticket/helpers.js';

const HANG_DETECTOR_MS = 10_000;
let server: Server;
let base: string;
let keystore: Keystore;
let state: MemoryStateStore;
let genuineTicket: Uint8Array;
let genuineAssertion: Uint8Array;
let sso: TicketStack;

beforeAll(async () => {
  keystore = await Keystore.generate({ sid: 'ERP', client: '100' });
  const users = new MemoryUserStore({ hashParams: TEST_HASH_PARAMS });
  await users.createUser({ id: 'alice', password: 'correct horse' });
  state = new MemoryStateStore();
  // The app as a user builds it: one createTicketStack, its router, its templates, its error handler.
  sso = await createTicketStack({
    keystore,
    users,
    state,
    session: false,
    passTickets: { profiles: profiles() },
    now: NOW,
    templates: [
      { name: 'passticket', modules: [{ module: 'PassTicket', flag: 'REQUIRED', options: { application: 'CICSAPP1' } }] },
      { name: 'passticket_enhanced', modules: [{ module: 'PassTicket', flag: 'REQUIRED', options: { application: 'TSOSYS1' } }] },
    ],
  });
  const app = express();
  app.use(express.urlencoded({ extended: true }));
  app.use(express.json());
  app.use(sso.router);
  for (const t of ['ticket', 'form', 'basic', 'evaluate_assertion_ticket', 'passticket', 'passticket_enhanced']) {
    app.all(`/${t}`, sso.protect(t), (req, res) => void res.json({ user: req.user }));
  }
  app.use(sso.errorHandler);
  server = app.listen(0, '127.0.0.1');
  await new Promise((r) => server.once('listening', r));
  base = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
  genuineTicket = issueTicket({ keystore, user: 'ALICE', now: NOW, codePage: '4103' }).bytes;
  genuineAssertion = issueAssertionTicket({ keystore, user: 'ALICE', recipientSid: 'ERP', recipientClient: '100', now: NOW }).bytes;
});
afterAll(async () => {
  server.close();
  await sso?.close();
  await state.close();
});

/** Sends one request; asserts the answer is a refusal (4xx or the form's redirect), without a user or a stack trace. */
async function refused(path: string, init: RequestInit): Promise<void> {
  const res = await fetch(`${base}${path}`, { ...init, redirect: 'manual', signal: AbortSignal.timeout(HANG_DETECTOR_MS) });
  const body = await res.text();
  expect(res.status, `${path} ${JSON.stringify(init.headers)} → ${res.status} ${body.slice(0, 200)}`).toBeLessThan(500);
  expect([302, 400, 401, 413, 415]).toContain(res.status);
  expect(body).not.toMatch(/"user":\{|\bat \S+ \(|Error:/);
}

/**
 * Text HTTP allows in a header value: tab, visible ASCII and the bytes 0x80–0xFF (obs-text). Control characters
 * are refused by the client here and by Node's parser on the server (see request-size-layers.test.ts).
 */
const headerText = (maxLength: number) =>
  fc.string({ unit: fc.oneof(fc.constant(0x09), fc.integer({ min: 0x20, max: 0x7e }), fc.integer({ min: 0x80, max: 0xff })).map((c) => String.fromCharCode(c)), maxLength }).map((s) => s.trim());
const b64 = (bytes: Uint8Array) => Buffer.from(bytes).toString('base64');
/** A genuine ticket with 1–4 bytes replaced, or cut short. */
const mutated = (genuine: () => Uint8Array) =>
  fc.tuple(fc.array(fc.tuple(fc.nat(), fc.integer({ min: 1, max: 255 })), { minLength: 1, maxLength: 4 }), fc.nat({ max: 40 })).map(([flips, cut]) => {
    const bytes = genuine().slice(0, genuine().length - cut);
    for (const [at, xor] of flips) bytes[at % bytes.length] = bytes[at % bytes.length]! ^ xor;
    return encodeTicketText(bytes);
  });

const RUNS = { numRuns: 150 };

describe('random input through every template: never a 5xx', () => {
  it('the MYSAPSSO2 cookie: random text, random bytes, mutated genuine tickets', async () => {
    await fc.assert(
      fc.asyncProperty(fc.oneof(headerText(600), fc.uint8Array({ maxLength: 1200 }).map(b64), mutated(() => genuineTicket)), async (value) => {
        await refused('/ticket', { headers: { cookie: `MYSAPSSO2=${value.replace(/;/g, '')}` } });
      }),
      RUNS,
    );
  });

  it('the MYSAPSSO2 assertion header: random text, random bytes, mutated genuine assertion tickets', async () => {
    await fc.assert(
      fc.asyncProperty(fc.oneof(headerText(600), fc.uint8Array({ maxLength: 1200 }).map(b64), mutated(() => genuineAssertion)), async (value) => {
        await refused('/evaluate_assertion_ticket', { headers: { MYSAPSSO2: value } });
      }),
      RUNS,
    );
  });

  it('the Basic header, for the password and the PassTicket templates: random bytes and random text', async () => {
    const header = fc.oneof(fc.uint8Array({ maxLength: 300 }).map((b) => `Basic ${b64(b)}`), headerText(300).map((t) => `Basic ${t}`), headerText(100));
    await fc.assert(
      fc.asyncProperty(fc.constantFrom('/basic', '/ticket', '/passticket', '/passticket_enhanced'), header, async (path, authorization) => {
        await refused(path, { headers: { authorization } });
      }),
      RUNS,
    );
  });

  it('credential-shaped input: random user IDs and passwords, over Basic and as form fields, for every password template', async () => {
    // Near-misses of real IDs (blanks, tabs, colons, non-ASCII, control characters) and arbitrary strings.
    const id = fc.oneof(fc.string({ unit: fc.constantFrom(...'alice', ' ', '\t', ':', 'é', '€', '\u0000', '\u007f'), minLength: 1, maxLength: 12 }), fc.string({ maxLength: 300 }));
    const password = fc.oneof(fc.constant('correct horse'), fc.string({ maxLength: 60 }), fc.string({ unit: 'binary', maxLength: 60 }));
    await fc.assert(
      fc.asyncProperty(id, password, async (user, pass) => {
        if (user === 'alice' && pass === 'correct horse') return;
        const authorization = `Basic ${Buffer.from(`${user}:${pass}`).toString('base64')}`;
        await refused('/basic', { headers: { authorization } });
        await refused('/ticket', { headers: { authorization } });
        await refused('/form', { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: new URLSearchParams({ j_username: user, j_password: pass }).toString() });
        await refused('/passticket', { headers: { authorization } });
      }),
      RUNS,
    );
  });

  it('PassTicket sign-ons with plausible users and random 8-character tickets', async () => {
    const racf = fc.string({ unit: fc.constantFrom(...'ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789@#$'), minLength: 1, maxLength: 8 });
    const ticket = fc.string({ unit: fc.constantFrom(...'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789'), minLength: 8, maxLength: 8 });
    await fc.assert(
      fc.asyncProperty(fc.constantFrom('/passticket', '/passticket_enhanced'), racf, ticket, async (path, user, pt) => {
        await refused(path, { headers: { authorization: `Basic ${Buffer.from(`${user}:${pt}`).toString('base64')}` } });
      }),
      RUNS,
    );
  });

  it('form bodies: random urlencoded text (with brackets, __proto__ and repeats) for the form and PassTicket templates', async () => {
    const key = fc.constantFrom('j_username', 'j_password', 'username', 'password', '__proto__', 'constructor', 'j_username[]', 'j_password[x]', 'a[b][c]', '');
    const value = fc.oneof(fc.string({ maxLength: 40 }), fc.string({ unit: 'binary', maxLength: 40 }));
    const pairs = fc.array(fc.tuple(key, value), { maxLength: 8 }).map((ps) => ps.map(([k, v]) => `${k}=${encodeURIComponent(v)}`).join('&'));
    await fc.assert(
      fc.asyncProperty(fc.constantFrom('/form', '/passticket'), fc.oneof(pairs, fc.string({ maxLength: 300 })), async (path, body) => {
        await refused(path, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body });
      }),
      RUNS,
    );
  });

  it('JSON bodies of any shape, and random bytes under random content types', async () => {
    const json = fc.oneof(
      fc.jsonValue().map((v) => JSON.stringify(v)),
      fc.dictionary(fc.constantFrom('j_username', 'j_password', '__proto__', 'constructor'), fc.jsonValue()).map((v) => JSON.stringify(v)),
    );
    await fc.assert(
      fc.asyncProperty(json, fc.uint8Array({ maxLength: 300 }), fc.constantFrom('application/json', 'application/x-www-form-urlencoded; charset=utf-16', 'text/plain', 'application/octet-stream', 'multipart/form-data; boundary=x'), async (body, bytes, type) => {
        await refused('/form', { method: 'POST', headers: { 'content-type': 'application/json' }, body });
        await refused('/form', { method: 'POST', headers: { 'content-type': type }, body: bytes });
      }),
      RUNS,
    );
  });
});
