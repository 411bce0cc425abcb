/**
 * The login page in a real browser: every field has an accessible name, text meets WCAG AA contrast as rendered,
 * a failed login is announced and tied to the fields, and the form works with JavaScript turned off.
 */
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chromiumAvailability, launchChromium } from './browser.js';
import { startExampleProcess, type RunningExample } from './example-process.js';

const availability = chromiumAvailability();
if (availability.status === 'skip') console.log(`[e2e] skipped: ${availability.message}`);

/** WCAG 2.1 contrast ratio of an element's text against the first opaque background behind it. */
function contrastOf(page: Page, selector: string): Promise<number> {
  // Runs in the page (this project type-checks without the DOM library, hence the small structural types).
  type Styled = { parentElement: Styled | null };
  return page.locator(selector).first().evaluate((el: Styled) => {
    const { getComputedStyle } = globalThis as unknown as { getComputedStyle(n: Styled): { color: string; backgroundColor: string } };
    const rgb = (s: string) => (s.match(/[\d.]+/g) ?? []).map(Number);
    const lum = ([r, g, b]: number[]) =>
      [r!, g!, b!].map((c) => {
        const v = c / 255;
        return v <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4;
      }).reduce((sum, v, i) => sum + v * [0.2126, 0.7152, 0.0722][i]!, 0);
    let bg: number[] = [255, 255, 255];
    for (let n: Styled | null = el; n; n = n.parentElement) {
      const c = rgb(getComputedStyle(n).backgroundColor);
      if (c.length === 3 || (c.length === 4 && c[3] === 1)) {
        bg = c;
        break;
      }
    }
    const [a, b] = [lum(rgb(getComputedStyle(el).color)), lum(bg)];
    return (Math.max(a, b) + 0.05) / (Math.min(a, b) + 0.05);
  });
}

describe.skipIf(availability.status === 'skip')('the login page in Chromium', () => {
  let example: RunningExample;
  let browser: Browser;

  beforeAll(async () => {
    if (availability.status === 'fail') throw new Error(`CI=true and ${availability.message}`);
    example = await startExampleProcess();
    browser = await launchChromium();
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    await example?.stop();
  });

  it('names every field, uses a main landmark, and meets AA contrast', async () => {
    const page = await browser.newPage();
    await page.goto(`${example.portalUrl}/login`);
    expect(await page.getByRole('main').count()).toBe(1);
    expect(await page.getByRole('textbox', { name: 'User ID' }).getAttribute('autocomplete')).toBe('username');
    expect(await page.getByLabel('Password').getAttribute('autocomplete')).toBe('current-password');
    for (const selector of ['h1', 'label', 'p.lead', 'button']) expect(await contrastOf(page, selector)).toBeGreaterThanOrEqual(4.5);
    await page.close();
  }, 60_000);

  it('announces a failed login as an alert tied to both fields, in the same words whatever was wrong', async () => {
    const page = await browser.newPage();
    const texts: string[] = [];
    for (const [user, password] of [['alice', 'wrong password'], ['nobody', 'whatever']]) {
      await page.goto(`${example.portalUrl}/login`);
      await page.getByLabel('User ID').fill(user!);
      await page.getByLabel('Password').fill(password!);
      await page.getByRole('button', { name: 'Sign in' }).click();
      await page.waitForURL(`${example.portalUrl}/login?error=1`);
      const alert = page.getByRole('alert');
      texts.push((await alert.textContent())!);
      const id = await alert.getAttribute('id');
      expect(await page.getByLabel('User ID').getAttribute('aria-describedby')).toBe(id);
      expect(await page.getByLabel('Password').getAttribute('aria-describedby')).toBe(id);
      expect(await page.getByLabel('Password').getAttribute('aria-invalid')).toBe('true');
      expect(await contrastOf(page, '[role=alert]')).toBeGreaterThanOrEqual(4.5);
    }
    expect(texts[0]).toBe(texts[1]);
    await page.close();
  }, 60_000);

  it('works without JavaScript', async () => {
    const context = await browser.newContext({ javaScriptEnabled: false });
    const page = await context.newPage();
    await page.goto(`${example.portalUrl}/login`);
    await page.getByLabel('User ID').fill('bob');
    await page.getByLabel('Password').fill(example.passwords.bob!);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.waitForURL(`${example.portalUrl}/`);
    await expect(page.getByRole('heading', { level: 1 }).textContent()).resolves.toBe('Welcome, bob');
    await context.close();
  }, 60_000);
});
