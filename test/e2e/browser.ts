/**
 * The browser for the end-to-end tests: Debian's Chromium driven by playwright-core (never a browser download).
 * Outside CI a missing Chromium skips the tests with a message; in CI (`CI=true`) it fails them.
 */
import { existsSync } from 'node:fs';
import { chromium, type Browser } from 'playwright-core';

export const CHROMIUM = process.env.TICKETSTACK_CHROMIUM ?? '/usr/bin/chromium';
export const CHROMIUM_ARGS = ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'];

/** `'ok'`, or why the browser tests cannot run here (`'skip'` outside CI, `'fail'` in CI). */
export function chromiumAvailability(): { status: 'ok' } | { status: 'skip' | 'fail'; message: string } {
  if (existsSync(CHROMIUM)) return { status: 'ok' };
  const message = `Chromium not found at ${CHROMIUM} (install Debian's package: apt-get install -y chromium)`;
  return process.env.CI === 'true' ? { status: 'fail', message } : { status: 'skip', message };
}

export function launchChromium(): Promise<Browser> {
  return chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS, timeout: 60_000 });
}
