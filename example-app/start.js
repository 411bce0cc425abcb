// A minimal ticketstack example: one route behind a JAAS login stack of two passport-custom strategies.
//   1. ApiKey        SUFFICIENT  header `x-api-key: demo-key` -> the service account, stack stops here
//   2. BasicPassword REQUISITE   HTTP Basic against two hard-coded demo users
// Imports only the package's public entry (`ticketstack` resolves to ./dist through package.json "exports").
import { timingSafeEqual } from 'node:crypto';
import express from 'express';
import passport from 'passport';
import CustomStrategy from 'passport-custom';
import { loginStack } from 'ticketstack';

const DEMO_USERS = { alice: 'wonderland', bob: 'builder' }; // demo only: never hard-code real credentials
const DEMO_API_KEY = 'demo-key';

const same = (a, b) => {
  const x = Buffer.from(String(a));
  const y = Buffer.from(String(b));
  return x.length === y.length && timingSafeEqual(x, y);
};

// No API key header: pass() ("ignore me"), so the next module decides.
passport.use(
  'ApiKey',
  new CustomStrategy(function (req, done) {
    const key = req.get('x-api-key');
    if (key === undefined) return this.pass();
    return same(key, DEMO_API_KEY) ? done(null, { id: 'service-account' }) : done(null, false);
  }),
);

// No Authorization header, or a wrong password: fail with a Basic challenge.
passport.use(
  'BasicPassword',
  new CustomStrategy(function (req, done) {
    const match = /^Basic ([A-Za-z0-9+/=]+)$/.exec(req.get('authorization') ?? '');
    if (!match) return this.fail('Basic realm="ticketstack-demo"', 401);
    const decoded = Buffer.from(match[1], 'base64').toString('utf8');
    const colon = decoded.indexOf(':');
    const [name, password] = [decoded.slice(0, colon), decoded.slice(colon + 1)];
    const expected = Object.hasOwn(DEMO_USERS, name) ? DEMO_USERS[name] : undefined;
    if (colon < 0 || expected === undefined || !same(password, expected)) return this.fail('Basic realm="ticketstack-demo"', 401);
    return done(null, { id: name });
  }),
);

const app = express();
app.get('/', (_req, res) => res.type('text/plain').send('ticketstack demo: GET /private\n'));
app.get(
  '/private',
  loginStack(
    [
      { name: 'ApiKey', flag: 'SUFFICIENT', module: 'ApiKey' },
      { name: 'BasicPassword', flag: 'REQUISITE', module: 'BasicPassword' },
    ],
    {
      name: 'demo',
      session: false, // stateless API: no express-session needed
      onDecision: (record) => console.log(JSON.stringify({ event: 'ticketstack.decision', ...record })),
    },
  ),
  (req, res) => res.json({ hello: req.user.id, creditedModule: req.ticketstack?.decision?.creditedModule }),
);

const port = Number(process.env.PORT ?? 3000);
const server = app.listen(port, '127.0.0.1', () => {
  const url = `http://127.0.0.1:${server.address().port}`;
  console.log(`ticketstack example listening on ${url}`);
  console.log(`  curl -u alice:wonderland ${url}/private     (demo users: alice/wonderland, bob/builder)`);
  console.log(`  curl -H 'x-api-key: ${DEMO_API_KEY}' ${url}/private`);
});
