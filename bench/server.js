// One server process per route (started by run.js with an IPC channel): it listens on 127.0.0.1, says where, and
// reports its own CPU time, the requests it served and its peak RSS for each measured window.
//
//   node bench/server.js <route> <fixture folder>
//
// Every route answers "hello <user>" with Express's res.send, and carries only its own authentication middleware,
// so only the authentication differs:
//   bare             no authentication: the floor
//   ticket-cached    the ticket stack: the built-in `ticket` template through createPolicies().protect()
//                    (EvaluateTicket SUFFICIENT → BasicPassword REQUISITE → CreateTicket OPTIONAL, session: false),
//                    a valid MYSAPSSO2 cookie, the verified-ticket cache on (the default)
//   ticket-uncached  the same with EvaluateTicket's `cache: false`
//   ticket-app       the same ticket template in a createTicketStack app (session: false): its router adds
//                    cookie-parser and passport.initialize() to every request, and its decision log
//   jwt              passport-jwt (passport.authenticate, no session) with an ES256 bearer token, the public key as a
//                    KeyObject, then the same user-store lookup as EvaluateTicket (as passport-jwt's README does)
//   first-login      the ticket stack without a cookie: HTTP Basic password (scrypt ln=15, r=8, p=1: 32 MiB, this
//                    package's default), then CreateTicket issues a ticket (Set-Cookie)
// Users live in a MemoryUserStore everywhere (a FileUserStore adds a stat per lookup, PostgreSQL a query).
import { createPublicKey } from 'node:crypto';
import express from 'express';
import { Passport } from 'passport';
import { ExtractJwt, Strategy as JwtStrategy } from 'passport-jwt';
import { createPolicies, createTicketStack, DEFAULT_SCRYPT_PARAMS, Keystore, MemoryStateStore, MemoryUserStore, SignOnGuard, TICKET_TEMPLATE } from 'ticketstack';
import { PASSWORD, readFixtures, USER } from './fixtures.js';

const [route, fixtureDir] = process.argv.slice(2);
const fixtures = await readFixtures(fixtureDir);

const users = new MemoryUserStore({ hashParams: DEFAULT_SCRYPT_PARAMS });
await users.createUser({ id: USER, password: PASSWORD });
let served = 0;

const app = express();
app.use((_req, _res, next) => {
  served++;
  next();
});
const hello = (req, res) => void res.send(`hello ${req.user?.id ?? USER}`);

if (route === 'bare') {
  app.get('/', hello);
} else if (route === 'jwt') {
  const passport = new Passport();
  passport.use(
    // A KeyObject, not the PEM string: jsonwebtoken would parse a string key again on every request. The peer gets
    // its fastest configuration.
    new JwtStrategy({ jwtFromRequest: ExtractJwt.fromAuthHeaderAsBearerToken(), secretOrKey: createPublicKey(fixtures.jwtPublicKey), algorithms: ['ES256'] }, (payload, done) => {
      users.findUser(payload.sub).then((user) => done(null, user !== null && !user.revoked ? user : false), done);
    }),
  );
  app.get('/', passport.authenticate('jwt', { session: false }), hello);
} else if (route === 'ticket-app') {
  // What the README's first route runs, without sessions (an API backend) and on the embedded stores.
  const sso = await createTicketStack({ keystore: await Keystore.load(fixtures.keystoreDir), session: false, redisUrl: false, databaseUrl: false, users });
  app.use(sso.router);
  app.get('/', sso.protect('ticket'), hello);
} else if (route === 'ticket-cached' || route === 'ticket-uncached' || route === 'first-login') {
  const keystore = await Keystore.load(fixtures.keystoreDir);
  const state = new MemoryStateStore();
  const policies = createPolicies({
    dependencies: { keystore, users, guard: new SignOnGuard({ users, state }), state, passport: new Passport() },
    stackOptions: { session: false },
  });
  if (route === 'ticket-uncached') {
    policies.defineTemplate({
      ...TICKET_TEMPLATE,
      modules: TICKET_TEMPLATE.modules.map((m) => (m.module === 'EvaluateTicket' ? { ...m, options: { cache: false } } : m)),
    });
  }
  app.get('/', policies.protect('ticket'), hello);
} else {
  throw new Error(`unknown route ${route}`);
}

let window;
process.on('message', (message) => {
  if (message.type === 'reset') {
    window = { cpu: process.cpuUsage(), started: process.hrtime.bigint(), served };
    process.send({ type: 'reset' });
  } else if (message.type === 'report') {
    const cpu = process.cpuUsage(window.cpu);
    process.send({
      type: 'report',
      cpuUs: cpu.user + cpu.system,
      wallUs: Number(process.hrtime.bigint() - window.started) / 1000,
      served: served - window.served,
      maxRssKb: process.resourceUsage().maxRSS,
    });
  }
});
process.on('disconnect', () => process.exit(0));

const server = app.listen(0, '127.0.0.1', () => process.send({ type: 'ready', port: server.address().port }));
