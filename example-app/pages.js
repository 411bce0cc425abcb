// The example's own pages: plain server-rendered HTML. Every value is escaped; no script on any page.
const ENTITIES = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };
export const escapeHtml = (value) => String(value).replace(/[&<>"']/g, (c) => ENTITIES[c]);

const CSS = `
body { margin: 0; font: 16px/1.5 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; color: #1b1b1f; background: #fff; }
header { background: #0b57d0; color: #fff; padding: .75rem 1.5rem; } header strong { font-size: 1.1rem; }
main { max-width: 52rem; margin: 0 auto; padding: 1.5rem; }
a { color: #0b57d0; } code, pre { font-family: ui-monospace, Menlo, Consolas, monospace; font-size: .9rem; }
pre { background: #f4f5f7; border: 1px solid #c4c7cf; border-radius: 4px; padding: .75rem; white-space: pre-wrap; word-break: break-all; }
ul.actions li { margin: .4rem 0; }
button { padding: .5rem 1rem; font: inherit; font-weight: 600; color: #fff; background: #0b57d0; border: 0; border-radius: 4px; cursor: pointer; }
:focus-visible { outline: 3px solid #1b1b1f; outline-offset: 2px; }
.ticket { font-size: 1.6rem; letter-spacing: .15em; font-weight: 700; }
`;

/** Sends a page: no-store (it shows a user's data), no script, no framing. */
export function sendPage(res, { title, system, body, status = 200 }) {
  res.status(status);
  res.set({
    'Content-Type': 'text/html; charset=utf-8',
    'Cache-Control': 'no-store',
    'Content-Security-Policy': "default-src 'none'; style-src 'unsafe-inline'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'",
    'X-Content-Type-Options': 'nosniff',
    'Referrer-Policy': 'no-referrer',
  });
  res.send(`<!doctype html>
<html lang="en">
<head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(title)} · ${escapeHtml(system)}</title><style>${CSS}</style></head>
<body>
<header><strong>${escapeHtml(system)}</strong> · ticketstack example</header>
<main>
<h1>${escapeHtml(title)}</h1>
${body}
</main>
</body>
</html>
`);
}
