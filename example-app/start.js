// `npm start`: the portal and the backend on embedded defaults (no Redis, no PostgreSQL). First start creates a
// development keystore for each app, the demo users and their passwords under example-app/.data/ (reused after).
// Imports only the package's public API (`ticketstack` resolves to ./dist; `npm start` builds it first).
//
// Environment: PORTAL_PORT (default 3000), BACKEND_PORT (3001), EXAMPLE_DATA_DIR (example-app/.data),
// EXAMPLE_QUIET=1 (no line per login decision).
import { relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startExample } from './example.js';

const port = (name, dflt) => {
  const v = process.env[name];
  if (v === undefined || v === '') return dflt;
  const n = Number(v);
  if (!Number.isInteger(n) || n < 0 || n > 65535) throw new TypeError(`${name} must be a port number (0 to 65535), got ${JSON.stringify(v)}`);
  return n;
};

const quiet = process.env.EXAMPLE_QUIET === '1';
const dataDir = process.env.EXAMPLE_DATA_DIR || fileURLToPath(new URL('./.data/', import.meta.url));
const shownDir = relative(process.cwd(), dataDir) || '.';
const example = await startExample({
  dataDir,
  portalPort: port('PORTAL_PORT', 3000),
  backendPort: port('BACKEND_PORT', 3001),
  onEvent: (app, event) => {
    if (quiet || event.type !== 'decision') return;
    const r = event.record;
    const why = r.ok ? '' : ` ${r.error?.reason ?? r.error?.code ?? ''}`;
    console.log(`[${app}] ${r.stack} ${r.route} → ${r.outcome}${why}`);
  },
});

const width = Math.max(...example.users.map((u) => u.id.length));
console.log(`
ticketstack example${example.firstStart ? ` (first start: keystores, demo users and their passwords created in ${shownDir}/)` : ''}

  Portal:     ${example.portalUrl}/   sign in here
  Backend:    ${example.backendUrl}/   accepts the portal's logon tickets, asks no password
  Inspector:  ${example.portalUrl}/inspector and ${example.backendUrl}/inspector   routes, templates, last decisions (administrators)

  DEMO users, random passwords of this checkout (kept in ${shownDir}/demo-secrets.json):
${example.users.map((u) => `    ${u.id.padEnd(width)}  ${u.password}   ${u.note}`).join('\n')}

  Ctrl-C stops both apps.
`);

let stopping = false;
for (const signal of ['SIGINT', 'SIGTERM']) {
  process.on(signal, () => {
    if (stopping) return;
    stopping = true;
    example.close().then(() => process.exit(0), (err) => {
      console.error(err);
      process.exit(1);
    });
  });
}
