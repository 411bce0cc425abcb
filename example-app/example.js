// Starts the example: the backend, then the portal (which calls the backend), on embedded defaults.
// Used by start.js (`npm start`) and by the browser test, which starts it on free ports in a fresh data folder.
import { randomBytes } from 'node:crypto';
import { once } from 'node:events';
import { createBackend, BACKEND } from './backend.js';
import { DEMO_USERS, loadDemoSecrets } from './demo-data.js';
import { createPortal, PORTAL } from './portal.js';

/**
 * @param {{ dataDir: string, host?: string, portalPort?: number, backendPort?: number, onEvent?: (app: string, event: object) => void }} options
 * @returns {Promise<{ portalUrl: string, backendUrl: string, users: { id: string, password: string, note: string }[], firstStart: boolean, close: () => Promise<void> }>}
 */
export async function startExample(options) {
  const host = options.host ?? 'localhost';
  const secrets = await loadDemoSecrets(options.dataDir);
  const sessionSecret = () => randomBytes(48).toString('base64'); // the portal's, per start: its sessions end at a restart anyway (memory store)
  const urlOf = (server) => `http://${host}:${server.address().port}`;
  const listen = async (app, port) => {
    const server = app.listen(port, host === 'localhost' ? '127.0.0.1' : host);
    await once(server, 'listening');
    return server;
  };

  // The portal first: its keystore (created on first start) holds the certificate the backend trusts.
  let backendUrl = '';
  const portal = await createPortal({
    dataDir: options.dataDir,
    backendUrl: () => backendUrl,
    backend: BACKEND,
    passwords: secrets.passwords,
    passTicketKey: secrets.passTicketKey,
    sessionSecret: sessionSecret(),
    ...(options.onEvent ? { onEvent: (e) => options.onEvent('portal', e) } : {}),
  });
  let portalUrl = '';
  const backend = await createBackend({
    dataDir: options.dataDir,
    portalUrl: () => portalUrl,
    portalCertificate: portal.sso.keystore.own.certificate.pem,
    portal: PORTAL,
    passTicketKey: secrets.passTicketKey,
    ...(options.onEvent ? { onEvent: (e) => options.onEvent('backend', e) } : {}),
  });
  const backendServer = await listen(backend.app, options.backendPort ?? 3001);
  backendUrl = urlOf(backendServer);
  const portalServer = await listen(portal.app, options.portalPort ?? 3000);
  portalUrl = urlOf(portalServer);

  const close = async () => {
    for (const server of [portalServer, backendServer]) {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    }
    await portal.sso.close();
    await backend.sso.close();
  };
  return {
    portalUrl,
    backendUrl,
    users: DEMO_USERS.map((u) => ({ id: u.id, password: secrets.passwords[u.id], note: u.note })),
    firstStart: secrets.created,
    close,
  };
}
