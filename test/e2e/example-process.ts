/** Runs the real example (`node example-app/start.js`, what `npm start` runs) on free ports in a fresh data folder. */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('../../', import.meta.url));

export interface RunningExample {
  portalUrl: string;
  backendUrl: string;
  passwords: Record<string, string>;
  /** Everything the process printed so far. */
  output(): string;
  stop(): Promise<void>;
}

/** Starts the example and resolves once it printed its URLs and demo users; rejects if it exits or takes too long. */
export async function startExampleProcess(dataDir = mkdtempSync(join(tmpdir(), 'ticketstack-example-'))): Promise<RunningExample> {
  const child: ChildProcess = spawn(process.execPath, [join(root, 'example-app', 'start.js')], {
    cwd: root,
    env: { ...process.env, PORTAL_PORT: '0', BACKEND_PORT: '0', EXAMPLE_DATA_DIR: dataDir, NODE_NO_WARNINGS: '1' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  child.stdout!.on('data', (d) => (out += d));
  child.stderr!.on('data', (d) => (out += d));
  const stop = async () => {
    if (child.exitCode === null && child.signalCode === null) {
      const exited = new Promise((resolve) => child.once('exit', resolve));
      child.kill('SIGTERM');
      await exited;
    }
    rmSync(dataDir, { recursive: true, force: true });
  };
  try {
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`the example did not start within 60 s:\n${out}`)), 60_000);
      child.once('exit', (code) => reject(new Error(`the example exited with ${code}:\n${out}`)));
      child.stdout!.on('data', () => {
        if (out.includes('Ctrl-C stops both apps.')) {
          clearTimeout(timer);
          resolve();
        }
      });
    });
  } catch (err) {
    await stop();
    throw err;
  }
  const url = (label: string) => new RegExp(`${label}:\\s+(http://localhost:\\d+)/`).exec(out)?.[1];
  const passwords = Object.fromEntries([...out.matchAll(/^ {4}(alice|bob)\s+(\S+)\s/gm)].map((m) => [m[1]!, m[2]!]));
  return { portalUrl: url('Portal')!, backendUrl: url('Backend')!, passwords, output: () => out, stop };
}
