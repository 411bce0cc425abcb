// Development data of the example, created on first start under example-app/.data/ and reused after:
// the demo users' passwords (random per first start, kept here only so they can be printed at each start) and
// the PassTicket application key the portal and the backend share (RACF's PTKTDATA profile key).
// DEMO ONLY: a real deployment never keeps passwords in a file, and gets its keys from a secret store.
import { randomBytes } from 'node:crypto';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

export const DEMO_USERS = [
  { id: 'alice', groups: ['ticketstack-admin', 'staff'], note: 'administrator: may use the inspector' },
  { id: 'bob', groups: ['staff'], note: 'ordinary user' },
];

/** Reads `<dataDir>/demo-secrets.json`, or creates it (mode 0600) on first start. */
export async function loadDemoSecrets(dataDir) {
  await mkdir(dataDir, { recursive: true, mode: 0o700 });
  const file = join(dataDir, 'demo-secrets.json');
  try {
    return { ...JSON.parse(await readFile(file, 'utf8')), created: false };
  } catch (err) {
    if (err.code !== 'ENOENT') throw err;
  }
  const secrets = {
    passwords: Object.fromEntries(DEMO_USERS.map((u) => [u.id, randomBytes(9).toString('base64url')])),
    passTicketKey: randomBytes(8).toString('hex'), // legacy DES key of the demo application CICSAPP1
  };
  await writeFile(file, `${JSON.stringify(secrets, null, 2)}\n`, { mode: 0o600, flag: 'wx' });
  return { ...secrets, created: true };
}

/**
 * Creates the demo users in an app's user store when missing (the store is a file next to the secrets). Without
 * `passwords` they get a random password nobody knows: the backend signs nobody on with a password, but a
 * PassTicket sign-on needs the user to exist there, as in RACF.
 */
export async function ensureDemoUsers(users, passwords) {
  for (const u of DEMO_USERS) {
    if ((await users.findUser(u.id)) !== null) continue;
    await users.createUser({ id: u.id, password: passwords?.[u.id] ?? randomBytes(32).toString('base64url'), groups: u.groups });
  }
}
