/**
 * The README's "Protect your first route" example, pasted into a new file of a new project with this package
 * installed, runs as written (issue 7 acceptance). The package is installed as a user gets it: `npm pack` (so only
 * the published `files`), unpacked into the project's node_modules, next to its dependencies. The README's shell
 * steps are replayed: add a user with the package's CLI, start the app, call the route with curl's requests.
 */
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { markedBlock, readReadme, REPO_ROOT as root } from '../support/readme.js';
import { freePort } from '../support/services.js';

const MARKER = '<!-- readme-test: first-route -->';

describe("the README's first-route example", () => {
  const { lang, code } = markedBlock(readReadme(), MARKER);
  let project: string;
  let app: ChildProcess | undefined;
  let base: string;
  // A user's shell: none of this repository's service variables (a first route needs no Redis, no PostgreSQL).
  const env = Object.fromEntries(
    Object.entries(process.env).filter(([k]) => !['REDIS_URL', 'DATABASE_URL', 'TICKETSTACK_USERS_FILE', 'SESSION_SECRET', 'NODE_ENV', 'PORT'].includes(k)),
  );

  beforeAll(() => {
    project = mkdtempSync(join(tmpdir(), 'ticketstack-readme-'));
    // npm install ticketstack express: the packed package, and its dependencies as npm would hoist them.
    const modules = join(project, 'node_modules');
    mkdirSync(join(modules, 'ticketstack'), { recursive: true });
    const [packed] = JSON.parse(execFileSync('npm', ['pack', '--json', '--pack-destination', project], { cwd: root, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }));
    execFileSync('tar', ['-xzf', join(project, packed.filename), '-C', join(modules, 'ticketstack'), '--strip-components=1']);
    for (const entry of readdirSync(join(root, 'node_modules'))) {
      if (entry === '.bin' || entry === 'ticketstack' || entry.startsWith('.')) continue;
      symlinkSync(join(root, 'node_modules', entry), join(modules, entry));
    }
    writeFileSync(join(project, 'package.json'), JSON.stringify({ name: 'my-first-route', private: true }));
    writeFileSync(join(project, 'app.mjs'), code);
  }, 120_000);

  afterAll(async () => {
    if (app && app.exitCode === null) {
      const exited = new Promise((r) => app!.once('exit', r));
      app.kill('SIGTERM');
      await exited;
    }
    rmSync(project, { recursive: true, force: true });
  });

  async function start(): Promise<void> {
    const port = await freePort();
    base = `http://127.0.0.1:${port}`;
    app = spawn(process.execPath, ['app.mjs'], { cwd: project, env: { ...env, PORT: String(port) }, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    app.stdout!.on('data', (d) => (out += d));
    app.stderr!.on('data', (d) => (out += d));
    const deadline = Date.now() + 30_000;
    for (;;) {
      if (app.exitCode !== null) throw new Error(`app.mjs exited with ${app.exitCode}:\n${out}`);
      if (Date.now() > deadline) throw new Error(`app.mjs did not answer within 30 s:\n${out}`);
      try {
        await fetch(`${base}/`);
        return;
      } catch {
        await new Promise((r) => setTimeout(r, 100));
      }
    }
  }

  async function stop(): Promise<void> {
    const exited = new Promise((r) => app!.once('exit', r));
    app!.kill('SIGTERM');
    await exited;
  }

  it('is a JavaScript block of under 15 lines that imports only the public package', () => {
    expect(lang).toBe('js');
    expect(code.trimEnd().split('\n').length).toBeLessThan(15);
    expect(code).toMatch(/from 'ticketstack'/);
    expect(code).toContain('createTicketStack');
  });

  it('runs as written: the route asks for a password, answers the user, issues a logon ticket, and accepts it', async () => {
    // printf %s 'correct horse' | npx ticketstack users add alice --password-stdin
    execFileSync(process.execPath, [join(project, 'node_modules', 'ticketstack', 'dist', 'cli', 'main.js'), 'users', 'add', 'alice', '--password-stdin'], {
      cwd: project,
      env,
      input: 'correct horse',
      stdio: ['pipe', 'ignore', 'pipe'],
    });
    await start();
    const anonymous = await fetch(`${base}/orders`);
    expect(anonymous.status).toBe(401);
    expect(anonymous.headers.get('www-authenticate')).toMatch(/^Basic realm=/);
    const wrong = await fetch(`${base}/orders`, { headers: { Authorization: `Basic ${Buffer.from('alice:wrong').toString('base64')}` } });
    expect(wrong.status).toBe(401);
    const ok = await fetch(`${base}/orders`, { headers: { Authorization: `Basic ${Buffer.from('alice:correct horse').toString('base64')}` } });
    expect(ok.status).toBe(200);
    expect(await ok.text()).toBe('hello alice\n');
    const cookie = ok.headers.getSetCookie().find((c) => c.startsWith('MYSAPSSO2='))!;
    expect(cookie).toMatch(/; Path=\/; HttpOnly; Secure; SameSite=Lax$/);
    const ticket = cookie.split(';')[0]!;
    const withTicket = await fetch(`${base}/orders`, { headers: { Cookie: ticket } });
    expect(withTicket.status).toBe(200);
    expect(await withTicket.text()).toBe('hello alice\n');

    // Restarted, it reuses the keystore it created on first start: the ticket is still accepted.
    await stop();
    await start();
    expect((await fetch(`${base}/orders`, { headers: { Cookie: ticket } })).status).toBe(200);
  }, 120_000);
});
