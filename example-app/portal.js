// The portal: logs users in with the login form and issues SAP logon tickets (cookie MYSAPSSO2), which the
// backend accepts. Also: a PassTicket for the demo application CICSAPP1 (the CICS-style REQUEST PASSTICKET),
// a server-to-server call to the backend with an assertion ticket, and the inspector for administrators.
import { join } from 'node:path';
import express from 'express';
import {
  createPassTicketService,
  createTicketStack,
  defineApplication,
  inspector,
  issueAssertionTicket,
  loginPage,
  logoutHandler,
  PassTicketProfiles,
} from 'ticketstack';
import { ensureDemoUsers } from './demo-data.js';
import { escapeHtml, sendPage } from './pages.js';

export const PORTAL = { sid: 'POR', client: '000' };
const SYSTEM = 'Portal (POR/000)';

/**
 * @param {{ dataDir: string, backendUrl: () => string, backend: { sid: string, client: string }, passwords: Record<string, string>,
 *           passTicketKey: string, sessionSecret: string, onEvent?: (event: object) => void }} options
 */
export async function createPortal(options) {
  const sso = await createTicketStack({
    keystore: { dir: join(options.dataDir, 'portal-keystore'), create: PORTAL },
    // express-session sends a Secure cookie only over HTTPS, so 'auto' for this plain-HTTP demo; keep the default
    // (true) in production behind TLS. The logon ticket cookie is Secure anyway (browsers accept it on localhost).
    session: { secret: options.sessionSecret, name: 'portal.sid', cookie: { secure: 'auto' } },
    redisUrl: false, // the demo runs on the embedded defaults, whatever the environment says
    databaseUrl: false,
    users: { path: join(options.dataDir, 'portal-users.json') },
    templates: [
      {
        name: 'portal_login',
        description: 'The login form: user ID and password, then a logon ticket for the other systems',
        failureRedirect: '/login?error=1',
        modules: [
          { module: 'BasicPassword', flag: 'REQUISITE', name: 'password', options: { usernameField: 'j_username', passwordField: 'j_password' } },
          { module: 'CreateTicket', flag: 'OPTIONAL', name: 'createTicket' },
        ],
      },
      {
        name: 'portal_page',
        description: 'Pages of the portal: the logon ticket; without one, the login page',
        failureRedirect: '/login',
        modules: [{ module: 'EvaluateTicket', flag: 'REQUIRED', name: 'ticket' }],
      },
    ],
    ...(options.onEvent ? { onEvent: options.onEvent } : {}),
  });
  await ensureDemoUsers(sso.users, options.passwords);

  // The CICS-style PassTicket service: every signed-on user may get a PassTicket for CICSAPP1.
  const cics = createPassTicketService({
    profiles: new PassTicketProfiles({
      applications: [defineApplication({ name: 'CICSAPP1', key: options.passTicketKey, algorithm: 'legacy', generators: { users: ['*'] } })],
    }),
    state: sso.state,
    guard: sso.guard,
  });

  const app = express();
  app.disable('x-powered-by');
  app.use(sso.router);
  app.use(loginPage({ policies: sso.policies, template: 'portal_login', title: 'Sign in to the portal', description: SYSTEM }));
  app.post('/logout', logoutHandler({ redirectTo: '/login?signed_out=1' }));
  app.use('/inspector', inspector({ policies: sso.policies, template: 'portal_page', users: sso.users, decisions: sso.decisions }));

  app.get('/', sso.protect('portal_page'), (req, res) => {
    sendPage(res, {
      system: SYSTEM,
      title: `Welcome, ${req.user.id}`,
      body: `<p>You are signed in. Your browser holds a logon ticket (cookie <code>MYSAPSSO2</code>, HttpOnly) signed by this portal.</p>
<ul class="actions">
<li><a href="${escapeHtml(options.backendUrl())}/">Open the backend</a>: it accepts the ticket, no password asked.</li>
<li><a href="/report">Ask the backend for a report</a>: the portal calls it server to server with a one-time assertion ticket.</li>
<li><a href="/passticket">Get a PassTicket for CICSAPP1</a>: a one-time password for a mainframe-style application.</li>
<li><a href="/inspector">Inspector</a>: routes, templates and the last decisions (administrators only).</li>
</ul>
<form method="post" action="/logout"><button type="submit">Sign out</button></form>`,
    });
  });

  // CICS REQUEST PASSTICKET for the task's user (passticket.md §5.1).
  app.get('/passticket', sso.protect('portal_page'), async (req, res) => {
    const { passticket } = await cics.requestPassTicket(req, { esmAppName: 'CICSAPP1' });
    const user = req.user.id.toUpperCase();
    sendPage(res, {
      system: SYSTEM,
      title: 'PassTicket for CICSAPP1',
      body: `<p>User <strong>${escapeHtml(user)}</strong>, application <strong>CICSAPP1</strong>. Valid for about ten minutes, once:</p>
<p class="ticket" id="passticket">${escapeHtml(passticket)}</p>
<p>Sign on to the backend's CICSAPP1 with it in place of the password:</p>
<pre>curl -u ${escapeHtml(user)}:${escapeHtml(passticket)} ${escapeHtml(options.backendUrl())}/cics/whoami</pre>
<p><a href="/">Back</a></p>`,
    });
  });

  // Server to server: an assertion ticket for the backend in the MYSAPSSO2 header (single use, 2 minutes).
  app.get('/report', sso.protect('portal_page'), async (req, res) => {
    const assertion = issueAssertionTicket({
      keystore: sso.keystore,
      user: req.user.id,
      recipientSid: options.backend.sid,
      recipientClient: options.backend.client,
    });
    const answer = await fetch(`${options.backendUrl()}/api/report`, { headers: { MYSAPSSO2: assertion.text, Accept: 'application/json' } });
    const report = await answer.json();
    sendPage(res, {
      system: SYSTEM,
      title: 'Report from the backend',
      status: answer.ok ? 200 : 502,
      body: `<p>The portal called <code>GET ${escapeHtml(options.backendUrl())}/api/report</code> with an assertion ticket for
${escapeHtml(options.backend.sid)}/${escapeHtml(options.backend.client)}. The backend answered ${answer.status}:</p>
<pre id="report">${escapeHtml(JSON.stringify(report, null, 2))}</pre>
<p><a href="/">Back</a></p>`,
    });
  });

  app.use(sso.errorHandler);
  return { app, sso };
}
