/**
 * `errorHandler()`: ticketstack errors answer their status and code, client errors of body parsers their 4xx,
 * everything else a generic 500; never a stack trace or an error's message; one `http.error` event each.
 */
import express, { type RequestHandler } from 'express';
import request from 'supertest';
import { describe, expect, it } from 'vitest';
import { errorHandler } from '../../src/config/error-handler.js';
import type { TicketStackEvent } from '../../src/config/events.js';
import { KeystoreError } from '../../src/keystore/errors.js';
import { StateError } from '../../src/state/errors.js';
import { UserStoreError } from '../../src/users/errors.js';

function app(route: RequestHandler, options: Parameters<typeof errorHandler>[0] = {}) {
  const events: TicketStackEvent[] = [];
  const a = express();
  a.post('/json', express.json({ limit: '64b' }), (_req, res) => void res.json({ ok: true }));
  a.post('/form', express.urlencoded({ extended: false, parameterLimit: 3 }), (_req, res) => void res.json({ ok: true }));
  a.all('/x', route);
  a.use(errorHandler({ onEvent: (e) => events.push(e), ...options }));
  return { app: a, events };
}

const fails = (err: unknown): RequestHandler => (_req, _res, next) => next(err);

describe('errorHandler: this package\'s errors', () => {
  it('503 ERR_STATE_UNAVAILABLE: JSON by negotiation, Retry-After, no-store, no message', async () => {
    const { app: a, events } = app(fails(new StateError('ERR_STATE_UNAVAILABLE', 'Redis state store unavailable (claimOnce: ClientOfflineError)')));
    const res = await request(a).get('/x?ticket=secret').set('Accept', 'application/json');
    expect(res.status).toBe(503);
    expect(res.body).toEqual({ error: 'service_unavailable', code: 'ERR_STATE_UNAVAILABLE' });
    expect(res.headers['retry-after']).toBe('5');
    expect(res.headers['cache-control']).toBe('no-store');
    expect(res.headers['x-content-type-options']).toBe('nosniff');
    expect(res.text).not.toContain('Redis');
    expect(events).toEqual([
      {
        type: 'http.error',
        status: 503,
        code: 'ERR_STATE_UNAVAILABLE',
        route: 'GET /x',
        error: { name: 'StateError', code: 'ERR_STATE_UNAVAILABLE', message: 'Redis state store unavailable (claimOnce: ClientOfflineError)' },
      },
    ]);
  });

  it('plain text for other clients, with the code; the Retry-After value is configurable', async () => {
    const { app: a } = app(fails(new UserStoreError('ERR_USER_STORE_UNAVAILABLE', 'PostgreSQL user store unavailable (findUser: ECONNREFUSED)')), { retryAfterSeconds: 30 });
    const res = await request(a).get('/x');
    expect(res.status).toBe(503);
    expect(res.headers['content-type']).toMatch(/^text\/plain/);
    expect(res.text).toBe('Service Unavailable (ERR_USER_STORE_UNAVAILABLE)\n');
    expect(res.headers['retry-after']).toBe('30');
    expect(res.headers.vary).toMatch(/Accept/);
  });

  it('a 500 of ours (a keystore misconfiguration) is a generic 500 to the client; the real code is in the event', async () => {
    const { app: a, events } = app(fails(new KeystoreError('ERR_KEYSTORE_BAD_PASSPHRASE', 'the passphrase does not decrypt the private key')));
    const res = await request(a).get('/x').set('Accept', 'application/json');
    expect(res.status).toBe(500);
    expect(res.body).toEqual({ error: 'internal_server_error', code: 'ERR_INTERNAL' });
    expect(res.headers['retry-after']).toBeUndefined();
    expect(events[0]).toMatchObject({ status: 500, code: 'ERR_INTERNAL', error: { code: 'ERR_KEYSTORE_BAD_PASSPHRASE' } });
  });
});

describe('errorHandler: client errors of body parsers and http-errors', () => {
  it('a body over the limit: 413 ERR_REQUEST_TOO_LARGE', async () => {
    const { app: a } = app(fails(new Error('unused')));
    const res = await request(a).post('/json').set('Accept', 'application/json').send({ data: 'x'.repeat(200) });
    expect(res.status).toBe(413);
    expect(res.body).toEqual({ error: 'payload_too_large', code: 'ERR_REQUEST_TOO_LARGE' });
  });

  it('malformed JSON: 400 ERR_REQUEST_MALFORMED, without the parser\'s message', async () => {
    const { app: a } = app(fails(new Error('unused')));
    const res = await request(a).post('/json').set('Content-Type', 'application/json').send('{"a": tru');
    expect(res.status).toBe(400);
    expect(res.text).toBe('Bad Request (ERR_REQUEST_MALFORMED)\n');
  });

  it('too many form parameters: 413; an unsupported charset: 415', async () => {
    const { app: a } = app(fails(new Error('unused')));
    expect((await request(a).post('/form').type('form').send('a=1&b=2&c=3&d=4')).text).toBe('Payload Too Large (ERR_REQUEST_TOO_LARGE)\n');
    const res = await request(a).post('/json').set('Content-Type', 'application/json; charset=koi8-r').send('{}');
    expect(res.status).toBe(415);
    expect(res.text).toBe('Unsupported Media Type (ERR_REQUEST_ENCODING_UNSUPPORTED)\n');
  });

  it('another http-errors 4xx keeps its status, its headers and a code by status', async () => {
    const notAllowed = Object.assign(new Error('Method Not Allowed'), { status: 405, expose: true, headers: { Allow: 'GET, HEAD' } });
    const { app: a } = app(fails(notAllowed));
    const res = await request(a).delete('/x');
    expect(res.status).toBe(405);
    expect(res.headers.allow).toBe('GET, HEAD');
    expect(res.text).toBe('Method Not Allowed (ERR_METHOD_NOT_ALLOWED)\n');
    const teapot = Object.assign(new Error('short and stout'), { statusCode: 418, expose: true });
    expect((await request(app(fails(teapot)).app).get('/x')).text).toBe("I'm a Teapot (ERR_CLIENT_ERROR)\n");
  });
});

describe('errorHandler: anything else', () => {
  it('a foreign error is a generic 500: no message, no stack trace; the event names it without its message', async () => {
    const boom = Object.assign(new Error('connect to postgres://app:hunter2@db failed'), { code: 'ECONNREFUSED' });
    const { app: a, events } = app(fails(boom));
    const res = await request(a).get('/x').set('Accept', 'application/json');
    expect(res.status).toBe(500);
    expect(res.body).toEqual({ error: 'internal_server_error', code: 'ERR_INTERNAL' });
    expect(res.text).not.toMatch(/hunter2|postgres|at .*\.js/);
    expect(events[0]).toEqual({ type: 'http.error', status: 500, code: 'ERR_INTERNAL', route: 'GET /x', error: { name: 'Error', code: 'ECONNREFUSED' } });
    expect(JSON.stringify(events)).not.toContain('hunter2');
  });

  it('a thrown non-error, and a 5xx http-error, are generic 500s', async () => {
    expect((await request(app(fails('a string')).app).get('/x')).status).toBe(500);
    const upstream = Object.assign(new Error('Bad Gateway'), { status: 502, expose: false });
    expect((await request(app(fails(upstream)).app).get('/x')).text).toBe('Internal Server Error (ERR_INTERNAL)\n');
  });

  it("Passport's \"Login sessions require session support\" outside the stack's router is a developer error: 500", async () => {
    const res = await request(app(fails(new Error('Login sessions require session support. Did you forget to use `express-session` middleware?'))).app).get('/x');
    expect(res.status).toBe(500);
  });

  it('when the response has started, the connection is closed instead (the client sees a broken response)', async () => {
    const { app: a, events } = app((_req, res, next) => {
      res.writeHead(200, { 'Content-Type': 'text/plain' });
      res.write('partial');
      next(new StateError('ERR_STATE_UNAVAILABLE', 'down'));
    });
    await expect(request(a).get('/x')).rejects.toThrow();
    expect(events[0]).toMatchObject({ type: 'http.error', status: 503, headersSent: true });
  });

  it('a throwing onEvent does not change the answer (it becomes a process warning)', async () => {
    const warnings: string[] = [];
    const onWarning = (w: Error): void => void warnings.push(w.message);
    process.on('warning', onWarning);
    try {
      const a = express();
      a.get('/x', fails(new StateError('ERR_STATE_UNAVAILABLE', 'down')));
      a.use(errorHandler({ onEvent: () => { throw new Error('logger down'); } }));
      expect((await request(a).get('/x')).status).toBe(503);
      await new Promise((r) => setImmediate(r));
      expect(warnings.some((w) => w.includes('onEvent threw Error'))).toBe(true);
    } finally {
      process.off('warning', onWarning);
    }
  });

  it('options are checked at construction', () => {
    expect(() => errorHandler({ retryAfter: 5 } as never)).toThrow(/unknown option "retryAfter"/);
    expect(() => errorHandler({ retryAfterSeconds: -1 })).toThrow(/retryAfterSeconds/);
    expect(() => errorHandler({ onEvent: 'log' as never })).toThrow(/onEvent/);
  });
});
