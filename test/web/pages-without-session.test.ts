/** Without a session (the session store is down, or express-session is missing) the pages fail closed: 503 ERR_STATE_UNAVAILABLE. */
import express, { type ErrorRequestHandler } from 'express';
import request from 'supertest';
import { describe, expect, it } from 'vitest';
import { inspector, loginPage } from '../../src/web/index.js';
import { setup } from '../policy/helpers.js';
import { basicAuth } from '../modules/helpers.js';

describe('pages without a session', () => {
  it('the login page and the inspector answer 503 with the state code, never a form without a token', async () => {
    const { policies } = await setup({ templates: [{ name: 'admin', modules: [{ module: 'BasicPassword', flag: 'REQUIRED' }] }] });
    const app = express();
    app.use(loginPage({ policies }));
    app.use('/inspector', inspector({ policies, template: 'admin', authorize: () => true }));
    const onError: ErrorRequestHandler = (err, _req, res, _next) => void res.status(err.status ?? 500).json({ code: err.code });
    app.use(onError);
    const page = await request(app).get('/login');
    expect(page.status).toBe(503);
    expect(page.body).toEqual({ code: 'ERR_STATE_UNAVAILABLE' });
    const post = await request(app).post('/login').type('form').send({ _csrf: 'x', j_username: 'alice', j_password: 'correct horse' });
    expect(post.status).toBe(503);
    const inspectorPage = await request(app).get('/inspector').set('Authorization', basicAuth('alice', 'correct horse'));
    expect(inspectorPage.status).toBe(503);
    expect(inspectorPage.text).toContain('ERR_STATE_UNAVAILABLE');
  });

  it('a read-only inspector (allowEdit: false) needs no session', async () => {
    const { policies } = await setup({ templates: [{ name: 'admin', modules: [{ module: 'BasicPassword', flag: 'REQUIRED' }] }] });
    const app = express();
    app.use('/inspector', inspector({ policies, template: 'admin', authorize: () => true, allowEdit: false }));
    const res = await request(app).get('/inspector').set('Authorization', basicAuth('alice', 'correct horse'));
    expect(res.status).toBe(200);
    expect(res.text).not.toContain('<form');
  });
});
