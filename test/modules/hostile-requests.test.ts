/**
 * What a hostile client can send to the login modules beyond random bytes (issue 8, item 4): repeated tickets,
 * arrays and objects where strings are expected, `__proto__` keys and a polluted prototype, user IDs no store
 * accepts, odd Basic headers, bodies of every parser. Never a 5xx, never a crash, never someone else's login.
 */
import cookieParser from 'cookie-parser';
import express from 'express';
import { Passport } from 'passport';
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { errorHandler } from '../../src/config/error-handler.js';
import { Keystore } from '../../src/keystore/index.js';
import { createPolicies, type Policies } from '../../src/policy/index.js';
import type { DecisionRecord } from '../../src/stack/decision-record.js';
import { MemoryStateStore } from '../../src/state/memory-state-store.js';
import { issueAssertionTicket, issueTicket } from '../../src/ticket/index.js';
import { MemoryUserStore } from '../../src/users/memory-user-store.js';
import { SignOnGuard } from '../../src/users/sign-on-guard.js';
import { basicAuth, NOW, TEST_HASH_PARAMS } from './helpers.js';

let keystore: Keystore;
let state: MemoryStateStore;
let policies: Policies;
const records: DecisionRecord[] = [];

beforeAll(async () => {
  keystore = await Keystore.generate({ sid: 'ERP', client: '100' });
  const users = new MemoryUserStore({ hashParams: TEST_HASH_PARAMS });
  await users.createUser({ id: 'alice', password: 'correct horse' });
  await users.createUser({ id: 'bob', password: 'battery staple' });
  state = new MemoryStateStore();
  policies = createPolicies({
    dependencies: { keystore, users, guard: new SignOnGuard({ users, state }), state, passport: new Passport(), now: NOW },
    stackOptions: { session: false, onDecision: (r) => records.push(r) },
  });
});
afterAll(() => state.close());

/** Every built-in template on its own route, behind the parsers an app would mount. */
function server(parsers: { cookies?: boolean; extended?: boolean } = {}): express.Express {
  const a = express();
  if (parsers.cookies) a.use(cookieParser());
  a.use(express.urlencoded({ extended: parsers.extended ?? true }));
  a.use(express.json());
  a.use(express.text());
  for (const t of ['ticket', 'form', 'basic', 'evaluate_assertion_ticket']) a.all(`/${t}`, policies.protect(t), (req, res) => void res.json({ user: req.user }));
  a.use(errorHandler());
  return a;
}

/** A refusal: 401 (400 from a body parser; the form template redirects to the login page), and no user. */
function expectRefused(res: request.Response): void {
  expect(res.status, res.text).toBeLessThan(500);
  expect([302, 400, 401]).toContain(res.status);
  expect(res.body?.user).toBeUndefined();
  expect(res.text).not.toMatch(/\bat \S+ \(|Error:/); // no stack trace
}

describe('user IDs that no user store accepts', () => {
  it.each([' alice', 'alice ', '\talice', 'al\u0000ice', 'a'.repeat(257)])('%j is refused with a 401, not a 500', async (user) => {
    const app = server();
    expectRefused(await request(app).get('/basic').set('Authorization', basicAuth(user, 'correct horse')));
    expectRefused(await request(app).get('/ticket').set('Authorization', basicAuth(user, 'correct horse')));
    expectRefused(await request(app).post('/form').type('form').send({ j_username: user, j_password: 'correct horse' }));
    expect(records.at(-1)?.outcome).toBe('failure');
  });
});

describe('arrays, objects and non-strings where the form expects strings', () => {
  const bodies: [string, string | object][] = [
    ['repeated field (an array with extended: true)', 'j_username=alice&j_username=bob&j_password=correct+horse'],
    ['explicit array', 'j_username[]=alice&j_password[]=correct+horse'],
    ['nested object', 'j_username[toString]=alice&j_password[valueOf]=correct+horse'],
    ['__proto__ in the query string', '__proto__[j_username]=alice&__proto__[j_password]=correct+horse'],
    ['JSON numbers and booleans', { j_username: 42, j_password: true }],
    ['JSON arrays', { j_username: ['alice'], j_password: ['correct horse'] }],
    ['JSON null', { j_username: null, j_password: null }],
    ['JSON __proto__ key', JSON.parse('{"__proto__":{"j_username":"alice","j_password":"correct horse"}}') as object],
    ['JSON constructor.prototype', { constructor: { prototype: { j_username: 'alice', j_password: 'correct horse' } } }],
  ];
  it.each(bodies)('%s: refused, no 5xx', async (_label, body) => {
    const app = server();
    const req = request(app).post('/form');
    const res = typeof body === 'string' ? await req.type('form').send(body) : await req.type('json').send(JSON.stringify(body));
    expectRefused(res);
  });

  it('a text or JSON-array body is not a form: refused, no 5xx', async () => {
    const app = server();
    expectRefused(await request(app).post('/form').type('text/plain').send('j_username=alice&j_password=correct horse'));
    expectRefused(await request(app).post('/form').type('json').send('["alice","correct horse"]'));
    expectRefused(await request(app).post('/form').type('json').send('"alice"'));
  });

  it('a polluted Object.prototype never supplies credentials (only own properties of the body count)', async () => {
    const app = server();
    const proto = Object.prototype as Record<string, unknown>;
    proto.j_username = 'alice';
    proto.j_password = 'correct horse';
    try {
      expectRefused(await request(app).post('/form').type('form').send('other=1'));
      expectRefused(await request(app).post('/form').type('json').send('{}'));
    } finally {
      delete proto.j_username;
      delete proto.j_password;
    }
    // Control: the same credentials as own fields do log in.
    const ok = await request(app).post('/form').type('form').send({ j_username: 'alice', j_password: 'correct horse' });
    expect(ok.status).toBe(200);
  });
});

describe('odd Basic headers', () => {
  it.each([
    'Basic',
    'Basic ',
    'Basic ====',
    'Basic Og==', // ":" alone
    'Basic OmNvcnJlY3QgaG9yc2U=', // ":correct horse", no user
    `Basic ${Buffer.from([0xff, 0xfe, 0x3a, 0xc3, 0x28]).toString('base64')}`, // invalid UTF-8 around the colon
    `Basic ${' '.repeat(2000)}YWxpY2U6eA==`,
    'Basic\tYWxpY2U6Y29ycmVjdCBob3JzZQ==',
    'Basic !!!not-base64!!!',
    'Bearer YWxpY2U6Y29ycmVjdCBob3JzZQ==',
  ])('%j: refused, no 5xx', async (header) => {
    expectRefused(await request(server()).get('/basic').set('Authorization', header));
  });
});

describe('repeated tickets', () => {
  it('two MYSAPSSO2 cookies: the first one counts, the same with and without cookie-parser', async () => {
    const alice = issueTicket({ keystore, user: 'ALICE', now: NOW }).text;
    const bob = issueTicket({ keystore, user: 'BOB', now: NOW }).text;
    for (const cookies of [false, true]) {
      const app = server({ cookies });
      const ab = await request(app).get('/ticket').set('Cookie', `MYSAPSSO2=${alice}; other=1; MYSAPSSO2=${bob}`);
      expect(ab.body.user.id).toBe('ALICE');
      const ba = await request(app).get('/ticket').set('Cookie', [`MYSAPSSO2=${bob}`, `MYSAPSSO2=${alice}`]);
      expect(ba.body.user.id).toBe('BOB');
      // A bad first cookie is not rescued by a good second one.
      expectRefused(await request(app).get('/ticket').set('Cookie', `MYSAPSSO2=garbage; MYSAPSSO2=${alice}`));
    }
  });

  it('a repeated MYSAPSSO2 assertion header is refused as malformed and consumes neither ticket', async () => {
    const app = server();
    const t1 = issueAssertionTicket({ keystore, user: 'ALICE', recipientSid: 'ERP', recipientClient: '100', now: NOW }).text;
    const t2 = issueAssertionTicket({ keystore, user: 'BOB', recipientSid: 'ERP', recipientClient: '100', now: NOW }).text;
    // Node joins repeated unknown headers with ", ": not one ticket, so never a choice between two.
    const raw = await rawRequest(app, `GET /evaluate_assertion_ticket HTTP/1.1\r\nHost: x\r\nMYSAPSSO2: ${t1}\r\nMYSAPSSO2: ${t2}\r\nConnection: close\r\n\r\n`);
    expect(raw).toMatch(/^HTTP\/1\.1 401 /);
    expect(records.at(-1)?.calls.find((c) => c.phase === 'login')?.error?.reason).toBe('ERR_TICKET_MALFORMED');
    expect((await request(app).get('/evaluate_assertion_ticket').set('MYSAPSSO2', t1)).body.user.id).toBe('ALICE');
    expect((await request(app).get('/evaluate_assertion_ticket').set('MYSAPSSO2', t2)).body.user.id).toBe('BOB');
  });

  it('a JSON or signed cookie value from cookie-parser is read as the raw text and refused', async () => {
    const app = server({ cookies: true });
    expectRefused(await request(app).get('/ticket').set('Cookie', 'MYSAPSSO2=j%3A%7B%22a%22%3A1%7D'));
    expectRefused(await request(app).get('/ticket').set('Cookie', 'MYSAPSSO2=s%3Aabc.def'));
    expectRefused(await request(app).get('/ticket').set('Cookie', 'MYSAPSSO2="%zz"'));
  });
});

/** Sends raw bytes to a listening copy of `app` and returns the response head. */
async function rawRequest(app: express.Express, text: string): Promise<string> {
  const { createConnection } = await import('node:net');
  const listening = app.listen(0, '127.0.0.1');
  await new Promise((r) => listening.once('listening', r));
  const { port } = listening.address() as { port: number };
  try {
    return await new Promise<string>((resolve, reject) => {
      let data = '';
      const socket = createConnection({ port, host: '127.0.0.1' }, () => socket.end(text));
      socket.setEncoding('latin1');
      socket.on('data', (d) => (data += d));
      socket.on('end', () => resolve(data));
      socket.on('error', reject);
    });
  } finally {
    listening.close();
  }
}
