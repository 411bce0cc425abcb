// The backend: a second system that accepts the portal's logon tickets. It has no password of its own for the
// browser: its keystore trusts the portal's certificate (imported at first start, like STRUSTSSO2's "Add to ACL"),
// and a browser without a ticket is sent to the portal's login page. It also serves
//   GET /api/report   for the portal's server-to-server calls, with an assertion ticket (header MYSAPSSO2), and
//   GET /cics/whoami  a PassTicket sign-on (HTTP Basic with the user ID and a PassTicket for CICSAPP1), and
//   /inspector        its own inspector, read only (the demo users exist here too, with unknown passwords).
import { join } from 'node:path';
import express from 'express';
import { createTicketStack, defineApplication, inspector } from 'ticketstack';
import { ensureDemoUsers } from './demo-data.js';
import { escapeHtml, sendPage } from './pages.js';

export const BACKEND = { sid: 'BCK', client: '100' };
const SYSTEM = 'Backend (BCK/100)';

/**
 * @param {{ dataDir: string, portalUrl: () => string, portalCertificate: string, portal: { sid: string, client: string },
 *           passTicketKey: string, onEvent?: (event: object) => void }} options
 */
export async function createBackend(options) {
  const keystoreDir = join(options.dataDir, 'backend-keystore');
  const sso = await createTicketStack({
    keystore: { dir: keystoreDir, create: BACKEND },
    // No session of its own: the logon ticket is checked on every request, so signing out at the portal (which
    // removes the ticket) ends access here too. A session would keep the user signed in here until it ended.
    session: false,
    redisUrl: false, // the demo runs on the embedded defaults, whatever the environment says
    databaseUrl: false,
    users: { path: join(options.dataDir, 'backend-users.json') },
    passTickets: {
      profiles: { mayGenerate: false, applications: [defineApplication({ name: 'CICSAPP1', key: options.passTicketKey, algorithm: 'legacy' })] },
    },
    templates: [
      {
        name: 'backend_page',
        description: "The portal's logon ticket only; a browser without one is sent to the portal",
        failureRedirect: '/login',
        modules: [{ module: 'EvaluateTicket', flag: 'REQUIRED', name: 'ticket' }],
      },
      {
        name: 'cics_passticket',
        description: 'A PassTicket for CICSAPP1 in place of the password (HTTP Basic)',
        modules: [{ module: 'PassTicket', flag: 'REQUIRED', name: 'passticket', options: { application: 'CICSAPP1' } }],
      },
    ],
    ...(options.onEvent ? { onEvent: options.onEvent } : {}),
  });

  // The users this system knows (its RACF, so to speak): a PassTicket signs on only a known, unrevoked user.
  await ensureDemoUsers(sso.users);

  // Trust the portal: import its certificate with an ACL entry for its SID and client, once.
  const trusted = sso.keystore.trusted.some((e) => e.acl.sid === options.portal.sid && e.acl.client === options.portal.client);
  if (!trusted) {
    sso.keystore.addTrusted(options.portalCertificate, options.portal);
    await sso.keystore.save(keystoreDir);
  }

  const app = express();
  app.disable('x-powered-by');
  app.use(sso.router);
  // Read only: edits need a session (their anti-CSRF token lives there), and this app has none.
  app.use('/inspector', inspector({ policies: sso.policies, template: 'backend_page', users: sso.users, decisions: sso.decisions, title: 'Backend inspector', allowEdit: false }));

  app.get('/', sso.protect('backend_page'), (req, res) => {
    const u = req.user;
    sendPage(res, {
      system: SYSTEM,
      title: `Hello ${u.id}`,
      body: `<p>You reached the backend <strong>without a password</strong>: it accepted the logon ticket (cookie <code>MYSAPSSO2</code>)
issued by <strong>${escapeHtml(u.issuer.sid)}/${escapeHtml(u.issuer.client)}</strong>, valid until ${escapeHtml(new Date(u.validUntil).toISOString())}.</p>
<p><a href="${escapeHtml(options.portalUrl())}/">Back to the portal</a></p>`,
    });
  });

  // The backend has no login page of its own: the portal issues the tickets.
  app.get('/login', (_req, res) => res.redirect(303, `${options.portalUrl()}/login`));

  // Server to server: the portal calls this with a one-time assertion ticket for this system.
  app.get('/api/report', sso.protect('evaluate_assertion_ticket'), (req, res) => {
    res.set('Cache-Control', 'no-store').json({
      system: `${BACKEND.sid}/${BACKEND.client}`,
      user: req.user.id,
      authMethod: req.user.authMethod,
      issuer: req.user.issuer,
      openOrders: 3,
    });
  });

  // RACF-style sign-on: the user ID and a PassTicket for CICSAPP1 in place of the password.
  app.get('/cics/whoami', sso.protect('cics_passticket'), (req, res) => {
    res.set('Cache-Control', 'no-store').json({ application: req.user.application, user: req.user.id, authMethod: req.user.authMethod });
  });

  app.use(sso.errorHandler);
  return { app, sso };
}
