/** After login the browser goes back only to a local path; anything else falls back to the default. */
import request from 'supertest';
import { describe, expect, it } from 'vitest';
import { safeReturnPath } from '../../src/web/return-path.js';
import { formFields, Jar, logIn, portal } from './helpers.js';

const ACCEPTED: [string, string][] = [
  ['/x', '/x'],
  ['/inspector', '/inspector'],
  ['/orders/42?tab=items#top', '/orders/42?tab=items#top'],
  ['/a/../b', '/b'],
  ['/./x?y=1', '/x?y=1'],
  ['/search?q=a%20b', '/search?q=a%20b'],
  ['/x?next=%2F%2Fevil', '/x?next=%2F%2Fevil'], // a query value is not a path
];

const REFUSED = [
  '//evil.example',
  '///evil.example',
  '/\\evil.example',
  '\\\\evil.example',
  'https://evil.example/',
  'http:evil.example',
  'javascript:alert(1)',
  'evil.example',
  '',
  ' /x',
  '/\t/evil.example',
  '/\n/evil.example',
  '/%2F%2Fevil.example',
  '/%2f/evil.example',
  '%2F%2Fevil.example',
  '/%5Cevil.example',
  '/%255Cevil.example', // double-encoded backslash
  '/%252F%252Fevil.example', // double-encoded slashes
  '/%09/evil.example',
  '/x%E0%A4%A', // malformed encoding
  `/${'a'.repeat(2100)}`,
];

/** Dot segments that normalise to `//host` (`new URL('/..//evil', base).pathname` is `//evil`): refused too. */
const DOT_SEGMENT_REDIRECTS = [
  '/..//evil.example',
  '/.//evil.example',
  '/a/..//evil.example',
  '/a/b/../..//evil.example',
  '/%2e%2e//evil.example',
  '/%2E//evil.example',
  '/x/%2e%2E//evil.example/path?q=1',
];

describe('the return URL after login', () => {
  it.each(ACCEPTED)('accepts the local path %s', (input, expected) => {
    expect(safeReturnPath(input)).toBe(expected);
  });

  it.each([...REFUSED, ...DOT_SEGMENT_REDIRECTS])('refuses %j', (input) => {
    expect(safeReturnPath(input)).toBeUndefined();
  });

  it('refuses what is not a string', () => {
    for (const v of [undefined, null, 1, ['/x'], { toString: () => '/x' }]) expect(safeReturnPath(v)).toBeUndefined();
  });

  it('a login posted with a local return path goes there', async () => {
    const { app } = await portal();
    const jar = new Jar();
    const page = await request(app).get('/login?returnTo=%2Finspector%3Fview%3D1');
    jar.take(page);
    expect(formFields(page.text).returnTo).toBe('/inspector?view=1');
    const res = await request(app).post('/login').set('Cookie', jar.header()).type('form')
      .send({ _csrf: formFields(page.text).csrf, returnTo: '/inspector?view=1', j_username: 'alice', j_password: 'correct horse' });
    expect(res.status).toBe(303);
    expect(res.headers.location).toBe('/inspector?view=1');
  });

  it.each(['//evil.example', '/\\evil.example', 'https://evil.example', '/%2F%2Fevil.example', '%2F%2Fevil.example', ...DOT_SEGMENT_REDIRECTS])(
    'a login posted with %j goes to the default instead',
    async (returnTo) => {
      const { app } = await portal({ login: { defaultReturnTo: '/home' } });
      const res = await logIn(app, new Jar(), 'alice', 'correct horse', { returnTo });
      expect(res.status).toBe(303);
      expect(res.headers.location).toBe('/home');
    },
  );

  it('the page never renders a refused return path, and keeps a good one across a failed attempt', async () => {
    const { app } = await portal();
    expect(formFields((await request(app).get('/login?returnTo=%2F%2Fevil.example')).text).returnTo).toBeUndefined();
    expect(formFields((await request(app).get('/login?returnTo=%2F..%2F%2Fevil.example')).text).returnTo).toBeUndefined();
    const jar = new Jar();
    const failed = await logIn(app, jar, 'alice', 'wrong', { returnTo: '/inspector' });
    expect(failed.headers.location).toBe('/login?error=1');
    const again = await request(app).get(failed.headers.location!).set('Cookie', jar.header());
    jar.take(again);
    expect(formFields(again.text).returnTo).toBe('/inspector');
    const ok = await request(app).post('/login').set('Cookie', jar.header()).type('form')
      .send({ _csrf: formFields(again.text).csrf, returnTo: formFields(again.text).returnTo, j_username: 'alice', j_password: 'correct horse' });
    expect(ok.headers.location).toBe('/inspector');
  });
});
