/**
 * The newcomer's journey in a real browser, against the real example (`npm start`'s code): log in on the portal,
 * see the logon ticket cookie's attributes, reach the backend without a password, use the server-to-server
 * assertion ticket and a PassTicket, see the inspector (screenshot kept in test-artifacts/), log out, be asked again.
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chromiumAvailability, launchChromium } from './browser.js';
import { startExampleProcess, type RunningExample } from './example-process.js';

const ARTIFACTS = fileURLToPath(new URL('../../test-artifacts/', import.meta.url));
const availability = chromiumAvailability();
if (availability.status === 'skip') console.log(`[e2e] skipped: ${availability.message}`);

describe.skipIf(availability.status === 'skip')('single sign-on in a real browser (Chromium)', () => {
  let example: RunningExample;
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;

  beforeAll(async () => {
    if (availability.status === 'fail') throw new Error(`CI=true and ${availability.message}`);
    example = await startExampleProcess();
    browser = await launchChromium();
    context = await browser.newContext();
    page = await context.newPage();
    page.setDefaultTimeout(20_000);
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    await example?.stop();
  });

  const ticketCookie = async () => (await context.cookies(example.portalUrl)).find((c) => c.name === 'MYSAPSSO2');

  it('npm start printed both URLs and the demo users with their passwords', () => {
    expect(example.portalUrl).toMatch(/^http:\/\/localhost:\d+$/);
    expect(example.backendUrl).toMatch(/^http:\/\/localhost:\d+$/);
    expect(Object.keys(example.passwords).sort()).toEqual(['alice', 'bob']);
    expect(example.output()).toContain('DEMO users');
  });

  it('asks for a password first, then logs in with the form and issues the logon ticket', async () => {
    await page.goto(`${example.portalUrl}/`);
    expect(new URL(page.url()).pathname).toBe('/login');
    await page.getByLabel('User ID').fill('alice');
    await page.getByLabel('Password').fill(example.passwords.alice!);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.waitForURL(`${example.portalUrl}/`);
    await expect(page.getByRole('heading', { level: 1 }).textContent()).resolves.toBe('Welcome, alice');
  }, 60_000);

  it('the ticket cookie is HttpOnly, Secure, SameSite=Lax, Path=/, host-only (no Domain), a session cookie', async () => {
    const cookie = await ticketCookie();
    expect(cookie).toMatchObject({ httpOnly: true, secure: true, sameSite: 'Lax', path: '/', domain: 'localhost', expires: -1 });
    // HttpOnly for real: the page's script cannot read it.
    expect(await page.evaluate(() => (globalThis as unknown as { document: { cookie: string } }).document.cookie)).not.toContain('MYSAPSSO2');
    // The session cookie is the portal's own, and renewed at login.
    const session = (await context.cookies(example.portalUrl)).find((c) => c.name === 'portal.sid');
    expect(session).toMatchObject({ httpOnly: true, sameSite: 'Lax', path: '/' });
  });

  it('reaches the backend without a password: it accepts the portal\'s ticket', async () => {
    await page.getByRole('link', { name: 'Open the backend' }).click();
    await page.waitForURL(`${example.backendUrl}/`);
    await expect(page.getByRole('heading', { level: 1 }).textContent()).resolves.toBe('Hello alice');
    await expect(page.locator('main').textContent()).resolves.toContain('issued by POR/000');
    // The backend's own inspector: its templates (assertion ticket, PassTicket) and its decisions.
    await page.goto(`${example.backendUrl}/inspector`);
    await expect(page.getByRole('heading', { level: 1 }).textContent()).resolves.toBe('Backend inspector');
    await expect(page.locator('#template-cics_passticket').textContent()).resolves.toContain('PassTicket');
    expect(await page.locator('textarea').count()).toBe(0); // read only: the backend has no session for the forms' token
    await page.goto(`${example.portalUrl}/`);
  }, 60_000);

  it('the portal calls the backend server to server with an assertion ticket', async () => {
    await page.goto(`${example.portalUrl}/report`);
    const report = JSON.parse((await page.locator('#report').textContent())!);
    expect(report).toEqual({ system: 'BCK/100', user: 'alice', authMethod: 'assertion-ticket', issuer: { sid: 'POR', client: '000' }, openOrders: 3 });
  }, 60_000);

  it('gets a PassTicket for CICSAPP1, which the backend accepts once in place of the password', async () => {
    await page.goto(`${example.portalUrl}/passticket`);
    const passticket = (await page.locator('#passticket').textContent())!;
    expect(passticket).toMatch(/^[A-Z0-9]{8}$/);
    const signOn = () => fetch(`${example.backendUrl}/cics/whoami`, { headers: { Authorization: `Basic ${Buffer.from(`ALICE:${passticket}`).toString('base64')}`, Accept: 'application/json' } });
    const first = await signOn();
    expect(first.status).toBe(200);
    expect(await first.json()).toEqual({ application: 'CICSAPP1', user: 'alice', authMethod: 'passticket' });
    expect((await signOn()).status).toBe(401); // replay protection: one use
  }, 60_000);

  it('shows the inspector to the administrator (screenshot kept as a test artifact)', async () => {
    await page.goto(`${example.portalUrl}/inspector`);
    await expect(page.getByRole('heading', { level: 1 }).textContent()).resolves.toBe('TicketStack inspector');
    const routes = await page.locator('#routes + table tbody tr').allTextContents();
    for (const path of ['/login', '/', '/passticket', '/report', '/inspector']) expect(routes.some((r) => r.includes(path))).toBe(true);
    // The decisions so far: the first visit without a ticket (redirected to the login page), then the form login.
    const decisions = await page.locator('#decisions + table tbody tr').allTextContents();
    expect(decisions.some((d) => d.includes('portal_login') && d.includes('POST /login') && d.includes('success'))).toBe(true);
    expect(decisions.some((d) => d.includes('portal_page') && d.includes('GET /') && d.includes('ERR_STACK_ALL_IGNORED'))).toBe(true);
    await expect(page.locator('#template-portal_login').textContent()).resolves.toContain('CreateTicket');
    mkdirSync(ARTIFACTS, { recursive: true });
    await page.screenshot({ path: join(ARTIFACTS, 'inspector.png'), fullPage: true });
  }, 60_000);

  it('logs out: the ticket is gone, the portal asks for the password again and so does the backend', async () => {
    await page.goto(`${example.portalUrl}/`);
    await page.getByRole('button', { name: 'Sign out' }).click();
    await page.waitForURL(`${example.portalUrl}/login?signed_out=1`);
    await expect(page.getByRole('status').textContent()).resolves.toBe('You have signed out.');
    expect(await ticketCookie()).toBeUndefined();
    await page.goto(`${example.portalUrl}/`);
    expect(new URL(page.url()).pathname).toBe('/login');
    await expect(page.getByLabel('Password').isVisible()).resolves.toBe(true);
    await page.goto(`${example.backendUrl}/`);
    expect(page.url()).toBe(`${example.portalUrl}/login`);
  }, 60_000);

  it('an ordinary user is refused by the inspector', async () => {
    const other = await browser.newContext();
    try {
      const p = await other.newPage();
      await p.goto(`${example.portalUrl}/login`);
      await p.getByLabel('User ID').fill('bob');
      await p.getByLabel('Password').fill(example.passwords.bob!);
      await p.getByRole('button', { name: 'Sign in' }).click();
      await p.waitForURL(`${example.portalUrl}/`);
      const res = await p.goto(`${example.portalUrl}/inspector`);
      expect(res?.status()).toBe(403);
      await expect(p.locator('main').textContent()).resolves.toContain('ERR_INSPECTOR_FORBIDDEN');
    } finally {
      await other.close();
    }
  }, 60_000);
});
