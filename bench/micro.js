// The in-process measurements (started by run.js in its own process, with no server running):
//   - the crypto floor: Node's raw crypto.verify for a ticket's signature next to a whole verifyTicket;
//   - PassTickets: generation per second, and rejecting a wrong ticket within ±10 minutes next to generating one.
// Each case is timed in CPU time of this process (process.cpuUsage), which a busy machine disturbs far less than wall
// time, in many short interleaved rounds (A B C A B C ...); the median is reported with the spread.
//
//   node bench/micro.js <fixture folder> [--quick]   → one JSON object on stdout
import { randomBytes, verify as cryptoVerify } from 'node:crypto';
import { createTicketVerifier, decodeTicket, defineApplication, issueTicket, Keystore, verifyTicket } from 'ticketstack';
import { readFixtures } from './fixtures.js';

const [fixtureDir, ...flags] = process.argv.slice(2);
const quick = flags.includes('--quick');
const ROUNDS = quick ? 7 : 21;
const ROUND_MS = quick ? 40 : 80;

const cpuUs = () => {
  const u = process.cpuUsage();
  return u.user + u.system;
};

/** Runs `fn` for about ROUND_MS of CPU; returns µs per call. */
function timeRound(fn) {
  let n = 0;
  const started = cpuUs();
  let elapsed = 0;
  while (elapsed < ROUND_MS * 1000) {
    for (let i = 0; i < 20; i++) fn();
    n += 20;
    elapsed = cpuUs() - started;
  }
  return elapsed / n;
}

const median = (xs) => [...xs].sort((a, b) => a - b)[xs.length >> 1];
const summary = (xs) => ({ median: median(xs), min: Math.min(...xs), max: Math.max(...xs) });

/** Interleaved rounds of every case; per-round ratios are taken within one round (same machine state). */
function measure(cases, ratios = {}) {
  for (const fn of Object.values(cases)) timeRound(fn); // warm-up: JIT, caches
  const samples = Object.fromEntries(Object.keys(cases).map((k) => [k, []]));
  for (let r = 0; r < ROUNDS; r++) for (const [k, fn] of Object.entries(cases)) samples[k].push(timeRound(fn));
  return {
    us: Object.fromEntries(Object.entries(samples).map(([k, xs]) => [k, summary(xs)])),
    ratios: Object.fromEntries(Object.entries(ratios).map(([name, [a, b]]) => [name, summary(samples[a].map((x, i) => x / samples[b][i]))])),
  };
}

async function cryptoFloor(keystore, text, label) {
  const decoded = decodeTicket(text);
  const { digestAlgorithm: hash, signature } = decoded.cms;
  const signedAttributes = decoded.cms.signedAttributes.der;
  const key = keystore.own.certificate.publicKey;
  const uncached = createTicketVerifier({ keystore, cache: false });
  const cached = createTicketVerifier({ keystore });
  const result = measure(
    {
      rawVerify: () => {
        if (!cryptoVerify(hash, signedAttributes, key, signature)) throw new Error('raw verify failed');
      },
      verifyTicket: () => verifyTicket(text, { keystore }),
      verifierUncached: () => uncached.verify(text),
      verifierCacheHit: () => cached.verify(text),
    },
    { verifyTicketOverRaw: ['verifyTicket', 'rawVerify'] },
  );
  return { algorithm: label, ticketLength: text.length, ...result };
}

function passTickets(algorithm) {
  const app = defineApplication(
    algorithm === 'legacy'
      ? { name: 'CICSAPP1', key: randomBytes(8).toString('hex'), algorithm: 'legacy', validitySeconds: 600 }
      : { name: 'CICSAPP1', key: randomBytes(64).toString('hex'), algorithm: 'enhanced', type: 'UPPER', validitySeconds: 600 },
  );
  const now = Math.floor(Date.now() / 1000);
  // Wrong tickets that cost the most to refuse: genuine tickets of the same user, generated 20 minutes to a day
  // outside the ±10 minute window, so every one is well formed and must be followed back through the time-coder.
  // (A random string is refused sooner: it rarely has a preimage.)
  const wrong = Array.from({ length: 64 }, (_, i) => app.generateAt('MIKEM', now + (i % 2 ? 1 : -1) * (1200 + ((i * 1337) % 85_000))));
  if (wrong.some((t) => app.evaluate('MIKEM', t, now).valid)) throw new Error('a wrong ticket was accepted');
  let t = now;
  let w = 0;
  const result = measure(
    {
      generate: () => app.generateAt('MIKEM', t++),
      rejectWrong: () => app.evaluate('MIKEM', wrong[w++ & 63], now),
    },
    { rejectOverGenerate: ['rejectWrong', 'generate'] },
  );
  return { algorithm: algorithm === 'legacy' ? 'legacy (DES)' : 'enhanced UPPER (HMAC-SHA-512)', windowSeconds: 600, generatePerSecond: 1e6 / result.us.generate.median, ...result };
}

const fixtures = await readFixtures(fixtureDir);
const keystore = await Keystore.load(fixtures.keystoreDir);
const crypto = [await cryptoFloor(keystore, fixtures.ticket, 'DSA-1024 / SHA-1 (SAP)')];
if (!quick) {
  // For information: the shapes SAP may also accept (§1.4); the target is on the DSA ticket above.
  for (const [alg, label] of [['ecdsa', 'ECDSA P-256 / SHA-256'], ['rsa', 'RSA-2048 / SHA-256']]) {
    const other = await Keystore.generate({ sid: 'BEN', client: '000', alg });
    crypto.push(await cryptoFloor(other, issueTicket({ keystore: other, user: 'ALICE', portalUser: 'alice', hash: 'sha256' }).text, label));
  }
}
process.stdout.write(JSON.stringify({ rounds: ROUNDS, roundMs: ROUND_MS, crypto, passTickets: [passTickets('legacy'), passTickets('enhanced')] }));
