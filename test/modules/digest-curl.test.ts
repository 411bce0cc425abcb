/**
 * Acceptance: curl's `--digest` (Debian's curl, installed by .ci/run) logs in against a real HTTP server, as an
 * independent RFC 7616 client: SHA-256, SHA-256-sess, userhash, and MD5 only when enabled.
 */
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';
import { digestServer, type DigestServer } from './digest-setup.js';

const run = promisify(execFile);
const servers: DigestServer[] = [];
afterAll(async () => Promise.all(servers.map((s) => s.close())));

/** `curl --digest -u user:password URL`: the final status, body and response headers. */
async function curl(url: string, credentials: string): Promise<{ status: number; body: string; headers: string }> {
  const { stdout } = await run('curl', ['--silent', '--show-error', '--digest', '--user', credentials, '--dump-header', '-', '--write-out', '\n%{http_code}', url], {
    encoding: 'utf8',
    timeout: 10_000,
  });
  const lines = stdout.trimEnd().split('\n');
  const status = Number(lines.pop());
  const text = lines.join('\n');
  const lastHeaders = text.lastIndexOf('HTTP/1.1 ');
  const split = text.indexOf('\r\n\r\n', lastHeaders);
  return { status, headers: text.slice(lastHeaders, split), body: text.slice(split + 4) };
}

describe('curl --digest', () => {
  it('SHA-256: logs in, with a query string in the uri; Authentication-Info comes back', async () => {
    const server = await digestServer();
    servers.push(server);
    const res = await curl(`${server.base}/login?from=curl&x=%2F`, 'alice:correct horse');
    expect(res.status).toBe(200);
    expect(JSON.parse(res.body).user).toEqual({ id: 'alice', authMethod: 'digest', groups: ['staff'] });
    expect(res.headers).toMatch(/^Authentication-Info: qop=auth, rspauth="[0-9a-f]{64}"/m);
  });

  it('a wrong password: 401, ERR_DIGEST_REFUSED in the decision record', async () => {
    const server = await digestServer();
    servers.push(server);
    const res = await curl(`${server.base}/login`, 'alice:wrong');
    expect(res.status).toBe(401);
    expect(res.body).toBe('Unauthorized');
    expect(server.reason()).toBe('ERR_DIGEST_REFUSED');
  });

  it('SHA-256-sess and userhash=true', async () => {
    for (const options of [{ algorithms: ['SHA-256-sess' as const] }, { userhash: true }]) {
      const server = await digestServer(options);
      servers.push(server);
      const res = await curl(`${server.base}/login`, 'alice:correct horse');
      expect(res.status).toBe(200);
      expect(JSON.parse(res.body).user.id).toBe('alice');
    }
  });

  it('curl answers the first challenge it understands: SHA-256 when offered before MD5; MD5 alone for old clients', async () => {
    const both = await digestServer({ algorithms: ['SHA-256', 'MD5'] });
    servers.push(both);
    expect((await curl(`${both.base}/login`, 'alice:correct horse')).status).toBe(200);
    expect(both.records.at(-1)?.outcome).toBe('success');
    const md5 = await digestServer({ algorithms: ['MD5'] });
    servers.push(md5);
    expect((await curl(`${md5.base}/login`, 'alice:correct horse')).status).toBe(200);
  });
});
