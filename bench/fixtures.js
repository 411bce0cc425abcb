// The keys, tickets and tokens every bench process shares: made once by run.js, written to a temporary folder, and
// read by each server process, so that every route sees the same ticket and the same keys.
import { generateKeyPairSync } from 'node:crypto';
import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { SignJWT } from 'jose';
import { issueTicket, Keystore } from 'ticketstack';

export const USER = 'alice';
export const PASSWORD = 'correct horse battery staple';

/**
 * Creates the fixtures: a DSA-1024 keystore (the shape of every real SAP ticket), a logon ticket for alice issued by
 * it (AS Java portal shape, 8 hours), and an ES256 key pair with a JWT for alice (the passport-jwt peer).
 * @returns {Promise<string>} the fixture folder
 */
export async function createFixtures() {
  const dir = await mkdtemp(path.join(tmpdir(), 'ticketstack-bench-'));
  const keystore = await Keystore.generate({ sid: 'BEN', client: '000' });
  await keystore.save(path.join(dir, 'keystore'));
  const ticket = issueTicket({ keystore, user: USER.toUpperCase(), portalUser: USER, lifetimeMinutes: 480 });
  const { publicKey, privateKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  const jwt = await new SignJWT({ sub: USER }).setProtectedHeader({ alg: 'ES256' }).setIssuedAt().setExpirationTime('8h').sign(privateKey);
  const fixtures = {
    keystoreDir: path.join(dir, 'keystore'),
    ticket: ticket.text,
    jwt,
    jwtPublicKey: publicKey.export({ type: 'spki', format: 'pem' }).toString(),
  };
  await writeFile(path.join(dir, 'fixtures.json'), JSON.stringify(fixtures));
  return dir;
}

/**
 * @param {string} dir
 * @returns {Promise<{ keystoreDir: string, ticket: string, jwt: string, jwtPublicKey: string }>}
 */
export async function readFixtures(dir) {
  return JSON.parse(await readFile(path.join(dir, 'fixtures.json'), 'utf8'));
}
