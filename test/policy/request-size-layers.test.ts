/**
 * The layers that bound a request before and around the login stack (README "Security notes → Limits"): Node's
 * HTTP parser (header size, malformed framing, a body that never comes), the body parsers (size, parameter count,
 * depth), then the modules' own `maxTicketLength` / `maxCredentialLength`. Each layer answers a 4xx and the stack
 * never runs on what an outer layer refused. Raw sockets, so the bytes are exactly what a hostile client sends.
 */
import express from 'express';
import { createServer, type Server } from 'node:http';
import { createConnection } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { errorHandler } from '../../src/config/error-handler.js';
import type { DecisionRecord } from '../../src/stack/decision-record.js';
import { setup } from './helpers.js';

const records: DecisionRecord[] = [];
let handled = 0;
let defaultServer: Server;
let roomyServer: Server;

beforeAll(async () => {
  const { policies } = await setup({ stackOptions: { session: false, onDecision: (r) => records.push(r) } });
  const app = express();
  app.use((_req, _res, next) => {
    handled++; // the request reached Express
    next();
  });
  app.use(express.urlencoded({ extended: true }));
  app.all('/ticket', policies.protect('ticket'), (req, res) => void res.json({ user: req.user }));
  app.all('/form', policies.protect('form'), (req, res) => void res.json({ user: req.user }));
  app.use(errorHandler()); // the package's own: a stable code for each parser error, never a stack trace
  // Node's defaults, except a short request timeout so that a body that never arrives is ended quickly.
  defaultServer = createServer({ requestTimeout: 1000, connectionsCheckingInterval: 100 }, app).listen(0, '127.0.0.1');
  // A server that lets larger headers through: then the module's own limit is what refuses the ticket.
  roomyServer = createServer({ maxHeaderSize: 64 * 1024 }, app).listen(0, '127.0.0.1');
  await Promise.all([defaultServer, roomyServer].map((s) => new Promise((r) => s.once('listening', r))));
});
afterAll(() => {
  defaultServer.close();
  roomyServer.close();
});

/** Writes `text` and resolves with the response (the connection is dropped once it is complete). */
function exchange(server: Server, text: string): Promise<string> {
  const { port } = server.address() as { port: number };
  return new Promise((resolve, reject) => {
    let data = '';
    const socket = createConnection({ port, host: '127.0.0.1' }, () => socket.write(text));
    socket.setEncoding('latin1');
    socket.on('data', (d) => {
      data += d;
      const end = data.indexOf('\r\n\r\n');
      const length = Number(/\r\ncontent-length: *(\d+)/i.exec(data.slice(0, end))?.[1] ?? 0);
      if (end >= 0 && data.length >= end + 4 + length) socket.destroy();
    });
    socket.on('close', () => resolve(data));
    socket.on('error', reject);
  });
}
const statusOf = (response: string): number => Number(/^HTTP\/1\.1 (\d{3})/.exec(response)?.[1]);

/** Runs `fn` and reports whether the request reached Express and whether the login stack ran. */
async function layers(fn: () => Promise<string>): Promise<{ status: number; reachedExpress: boolean; stackRan: boolean; response: string }> {
  const [h, r] = [handled, records.length];
  const response = await fn();
  return { status: statusOf(response), reachedExpress: handled > h, stackRan: records.length > r, response };
}

const form = (body: string, extra = '') =>
  `POST /form HTTP/1.1\r\nHost: x\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: ${Buffer.byteLength(body)}\r\n${extra}\r\n${body}`;

describe('Node HTTP parser (before Express)', () => {
  it('headers over maxHeaderSize (16 KiB by default): 431', async () => {
    const r = await layers(() => exchange(defaultServer, `GET /ticket HTTP/1.1\r\nHost: x\r\nCookie: MYSAPSSO2=${'A'.repeat(17_000)}\r\n\r\n`));
    expect(r).toMatchObject({ status: 431, reachedExpress: false, stackRan: false });
  });

  it.each([
    ['a Content-Length that overflows', 'Content-Length: 99999999999999999999999999\r\n'],
    ['a negative Content-Length', 'Content-Length: -1\r\n'],
    ['two different Content-Lengths', 'Content-Length: 3\r\nContent-Length: 4\r\n'],
    ['Content-Length with Transfer-Encoding', 'Content-Length: 3\r\nTransfer-Encoding: chunked\r\n'],
    ['a NUL byte in a header value', 'MYSAPSSO2: ab\u0000cd\r\n'],
    ['a DEL byte in a header value', 'MYSAPSSO2: ab\u007fcd\r\n'],
  ])('%s: 400', async (_label, headers) => {
    const r = await layers(() => exchange(defaultServer, `POST /form HTTP/1.1\r\nHost: x\r\n${headers}\r\nabcd`));
    expect(r).toMatchObject({ status: 400, reachedExpress: false, stackRan: false });
  });

  it('a declared body that never arrives (an absurd Content-Length): 408 at the request timeout, never a hang or a 5xx', async () => {
    // body-parser reads off the whole declared body before it answers, so only Node's requestTimeout ends this.
    for (const length of ['99999999999', '200000']) {
      const r = await layers(() => exchange(defaultServer, `POST /form HTTP/1.1\r\nHost: x\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: ${length}\r\n\r\nabc`));
      expect(r).toMatchObject({ status: 408, stackRan: false });
    }
  });
});

describe('body parser (express.urlencoded), before the stack', () => {
  it('a body over the limit (100 kB by default): 413', async () => {
    const r = await layers(() => exchange(defaultServer, form(`j_username=alice&j_password=${'x'.repeat(120_000)}`, 'Connection: close\r\n')));
    expect(r).toMatchObject({ status: 413, reachedExpress: true, stackRan: false });
    expect(r.response).toContain('ERR_REQUEST_TOO_LARGE');
  });

  it('more parameters than parameterLimit (1000): 413; nesting deeper than the depth limit: 400', async () => {
    const many = await layers(() => exchange(defaultServer, form(Array.from({ length: 1500 }, (_, i) => `p${i}=1`).join('&'), 'Connection: close\r\n')));
    expect(many).toMatchObject({ status: 413, stackRan: false });
    expect(many.response).toContain('ERR_REQUEST_TOO_LARGE');
    const deep = await layers(() => exchange(defaultServer, form(`j_username${'[a]'.repeat(60)}=alice`, 'Connection: close\r\n')));
    expect(deep).toMatchObject({ status: 400, stackRan: false });
    expect(deep.response).toContain('ERR_REQUEST_MALFORMED');
  });
});

describe('the modules, last', () => {
  it('a MYSAPSSO2 cookie that Node lets through but is over maxTicketLength: the ticket module refuses it (401)', async () => {
    const r = await layers(() => exchange(roomyServer, `GET /ticket HTTP/1.1\r\nHost: x\r\nCookie: MYSAPSSO2=${'A'.repeat(20_000)}\r\nConnection: close\r\n\r\n`));
    expect(r).toMatchObject({ status: 401, stackRan: true });
    expect(records.at(-1)!.calls.find((c) => c.module === 'ticket')?.error?.reason).toBe('ERR_TICKET_TOO_LARGE');
  });

  it('bytes 0x80–0xFF in a header are legal HTTP (obs-text): they reach the module, which refuses them (401)', async () => {
    const r = await layers(() => exchange(defaultServer, `GET /ticket HTTP/1.1\r\nHost: x\r\nCookie: MYSAPSSO2=Aj\u00ff\u0080xyz\r\nConnection: close\r\n\r\n`));
    expect(r).toMatchObject({ status: 401, stackRan: true });
    expect(records.at(-1)!.calls.find((c) => c.module === 'ticket')?.error?.reason).toBe('ERR_TICKET_MALFORMED');
  });

  it('a form field over maxCredentialLength inside the body limit: the password module refuses it (redirect to the login page)', async () => {
    const r = await layers(() => exchange(defaultServer, form(`j_username=alice&j_password=${'x'.repeat(5000)}`, 'Connection: close\r\n')));
    expect(r).toMatchObject({ status: 302, stackRan: true });
    expect(records.at(-1)!.calls.find((c) => c.module === 'password')?.error?.reason).toBe('ERR_CREDENTIALS_TOO_LARGE');
  });
});
