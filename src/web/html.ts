/**
 * Server-rendered HTML for the web pages: escaping and one page shell with the security headers every page
 * sends. No template engine: the pages are small, and every interpolated value goes through `escapeHtml`.
 *
 * @module
 */
import { randomBytes } from 'node:crypto';
import type { Response } from 'express';

const ENTITIES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

/** Escapes text for HTML element content and double- or single-quoted attribute values. */
export function escapeHtml(value: unknown): string {
  return String(value).replace(/[&<>"']/g, (c) => ENTITIES[c]!);
}

/**
 * The pages' stylesheet. Colours meet WCAG 2.1 AA contrast (4.5:1 for text) on their backgrounds; the browser
 * test measures the rendered ones. Focus is always visible.
 */
const CSS = `
:root { color-scheme: light; --fg: #1b1b1f; --muted: #4a4a55; --bg: #ffffff; --panel: #f4f5f7; --line: #c4c7cf;
  --accent: #0b57d0; --accent-fg: #ffffff; --error: #b3261e; --error-bg: #fdecea; --ok: #146c2e; --ok-bg: #e7f4ea; }
* { box-sizing: border-box; }
body { margin: 0; font: 16px/1.5 system-ui, -apple-system, "Segoe UI", Roboto, "Noto Sans", sans-serif; color: var(--fg); background: var(--bg); }
main { max-width: 72rem; margin: 0 auto; padding: 1.5rem; }
main.narrow { max-width: 26rem; padding-top: 4rem; }
h1 { font-size: 1.6rem; margin: 0 0 1rem; } h2 { font-size: 1.25rem; margin: 2rem 0 .75rem; } h3 { font-size: 1.05rem; margin: 1.25rem 0 .5rem; }
p.lead, .muted { color: var(--muted); }
label { display: block; font-weight: 600; margin: 1rem 0 .25rem; }
input[type=text], input[type=password], textarea { width: 100%; padding: .6rem .7rem; font: inherit; color: var(--fg); background: var(--bg);
  border: 1px solid #6b6e78; border-radius: 4px; }
textarea { font-family: ui-monospace, SFMono-Regular, Menlo, Consolas, monospace; font-size: .9rem; min-height: 14rem; }
input[aria-invalid=true] { border-color: var(--error); }
button { margin-top: 1.25rem; padding: .6rem 1.2rem; font: inherit; font-weight: 600; color: var(--accent-fg); background: var(--accent);
  border: 0; border-radius: 4px; cursor: pointer; }
:focus-visible { outline: 3px solid #1b1b1f; outline-offset: 2px; }
.alert { padding: .75rem 1rem; border-radius: 4px; margin: 1rem 0; }
.alert.error { color: var(--error); background: var(--error-bg); border: 1px solid var(--error); }
.alert.ok { color: var(--ok); background: var(--ok-bg); border: 1px solid var(--ok); }
table { border-collapse: collapse; width: 100%; margin: .5rem 0 1rem; font-size: .92rem; }
th, td { text-align: left; vertical-align: top; padding: .4rem .6rem; border-bottom: 1px solid var(--line); }
th { background: var(--panel); }
caption { text-align: left; padding: .25rem 0; }
code, pre { font-family: ui-monospace, SFMono-Regular, Menlo, Consolas, monospace; font-size: .88rem; }
pre { margin: 0; white-space: pre-wrap; word-break: break-word; }
section.template { border: 1px solid var(--line); border-radius: 6px; padding: .25rem 1rem 1rem; margin: 1rem 0; }
details > summary { cursor: pointer; font-weight: 600; margin-top: .5rem; }
.badge { display: inline-block; padding: 0 .45rem; border-radius: 3px; font-size: .8rem; font-weight: 600; background: var(--panel); border: 1px solid var(--line); }
.outcome-success, .outcome-succeeded { color: var(--ok); } .outcome-failure, .outcome-failed, .outcome-error, .outcome-halted { color: var(--error); }
`;

export interface PageOptions {
  readonly title: string;
  /** The `<main>` element's content (already escaped HTML). */
  readonly body: string;
  /** A class for `<main>` (`narrow` for a form page). */
  readonly mainClass?: string;
  readonly status?: number;
}

/**
 * Sends a complete HTML page: `Cache-Control: no-store` (pages show personal or security data), a Content
 * Security Policy that allows no script at all and only this page's own style (by nonce), no framing
 * (clickjacking), no MIME sniffing, no Referer (return paths and errors never leak to other sites).
 */
export function sendPage(res: Response, page: PageOptions): void {
  const nonce = randomBytes(16).toString('base64');
  res.status(page.status ?? 200);
  res.setHeader('Content-Type', 'text/html; charset=utf-8');
  res.setHeader('Cache-Control', 'no-store');
  res.setHeader(
    'Content-Security-Policy',
    `default-src 'none'; style-src 'nonce-${nonce}'; img-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'`,
  );
  res.setHeader('X-Frame-Options', 'DENY');
  res.setHeader('X-Content-Type-Options', 'nosniff');
  res.setHeader('Referrer-Policy', 'no-referrer');
  res.send(
    `<!doctype html>\n<html lang="en">\n<head>\n<meta charset="utf-8">\n<meta name="viewport" content="width=device-width, initial-scale=1">\n` +
      `<title>${escapeHtml(page.title)}</title>\n<style nonce="${nonce}">${CSS}</style>\n</head>\n<body>\n` +
      `<main${page.mainClass ? ` class="${escapeHtml(page.mainClass)}"` : ''}>\n${page.body}\n</main>\n</body>\n</html>\n`,
  );
}

/**
 * Answers a refusal by content negotiation: `{ error, code }` for a JSON client, else a short HTML page with
 * the message and the code. Never a stack trace.
 */
export function sendRefusal(res: Response, status: number, code: string, message: string, title = 'Request refused'): void {
  const req = res.req;
  if (req.accepts(['text/html', 'application/json']) === 'application/json') {
    res.status(status).setHeader('Cache-Control', 'no-store');
    res.vary('Accept').json({ error: title.toLowerCase().replace(/[^a-z0-9]+/g, '_'), code });
    return;
  }
  res.vary('Accept');
  sendPage(res, {
    status,
    title,
    mainClass: 'narrow',
    body: `<h1>${escapeHtml(title)}</h1>\n<p class="alert error" role="alert">${escapeHtml(message)}</p>\n<p class="muted">Code: <code>${escapeHtml(code)}</code></p>`,
  });
}
