/**
 * A small HTTP Digest client (RFC 7616) for the tests, written from the RFC independently of src/modules: it
 * reads every `WWW-Authenticate` line separately (from `rawHeaders`), picks the first challenge whose algorithm it
 * supports, answers with qop=auth, counts nc up per nonce, retries once on `stale=true`, and checks `rspauth`.
 */
import { createHash, randomBytes } from 'node:crypto';
import { request as httpRequest, type IncomingHttpHeaders } from 'node:http';

const HASH: Record<string, string> = { 'SHA-256': 'sha256', 'SHA-512-256': 'sha512-256', MD5: 'md5' };

export interface Challenge {
  realm: string;
  nonce: string;
  opaque?: string;
  algorithm: string;
  qop?: string;
  userhash: boolean;
  stale: boolean;
}

export interface DigestResponse {
  status: number;
  headers: IncomingHttpHeaders;
  /** Each `WWW-Authenticate` line as sent. */
  challenges: string[];
  body: string;
}

/** Parses one `Digest k=v, k="v"` challenge line (quoted-pairs unescaped). */
export function parseChallenge(line: string): Challenge | undefined {
  const m = /^Digest\s+(.*)$/i.exec(line);
  if (m === null) return undefined;
  const params = new Map<string, string>();
  for (const p of (m[1] as string).matchAll(/([A-Za-z0-9_*-]+)\s*=\s*(?:"((?:[^"\\]|\\.)*)"|([^\s,]+))/g)) {
    params.set((p[1] as string).toLowerCase(), p[2] !== undefined ? p[2].replace(/\\(.)/g, '$1') : (p[3] as string));
  }
  const realm = params.get('realm');
  const nonce = params.get('nonce');
  if (realm === undefined || nonce === undefined) return undefined;
  return {
    realm,
    nonce,
    ...(params.has('opaque') ? { opaque: params.get('opaque') } : {}),
    algorithm: params.get('algorithm') ?? 'MD5',
    ...(params.has('qop') ? { qop: params.get('qop') } : {}),
    userhash: params.get('userhash')?.toLowerCase() === 'true',
    stale: params.get('stale')?.toLowerCase() === 'true',
  };
}

export class DigestClient {
  challenge: Challenge | undefined;
  nc = 0;
  cnonce = '';
  /** The last `Authorization` header sent. */
  lastAuthorization: string | undefined;

  constructor(
    readonly username: string,
    readonly password: string,
    readonly options: { algorithms?: readonly string[]; useUserhash?: boolean; extendedUsername?: boolean } = {},
  ) {}

  /** Takes the first challenge (in the server's order) with an algorithm this client supports. */
  accept(lines: readonly string[]): boolean {
    const supported = this.options.algorithms ?? ['SHA-256', 'SHA-256-sess', 'SHA-512-256', 'SHA-512-256-sess', 'MD5', 'MD5-sess'];
    for (const line of lines) {
      const c = parseChallenge(line);
      if (c !== undefined && supported.includes(c.algorithm)) {
        this.challenge = c;
        this.nc = 0;
        return true;
      }
    }
    return false;
  }

  /** The `Authorization` header for the next request on the current nonce (nc counts up). */
  authorization(method: string, uri: string, override: { nc?: number; cnonce?: string } = {}): string {
    const c = this.challenge;
    if (c === undefined) throw new Error('no challenge yet');
    const base = c.algorithm.replace(/-sess$/i, '');
    const H = (s: string) => createHash(HASH[base] as string).update(s, 'utf8').digest('hex');
    this.nc = override.nc ?? this.nc + 1;
    this.cnonce = override.cnonce ?? randomBytes(12).toString('base64url');
    const nc = this.nc.toString(16).padStart(8, '0');
    let ha1 = H(`${this.username}:${c.realm}:${this.password}`);
    if (c.algorithm.toLowerCase().endsWith('-sess')) ha1 = H(`${ha1}:${c.nonce}:${this.cnonce}`);
    const ha2 = H(`${method}:${uri}`);
    const response = H(`${ha1}:${c.nonce}:${nc}:${this.cnonce}:auth:${ha2}`);
    const hashed = this.options.useUserhash === true && c.userhash;
    const user = hashed
      ? `username="${H(`${this.username}:${c.realm}`)}", userhash=true`
      : this.options.extendedUsername === true
        ? `username*=UTF-8''${encodeURIComponent(this.username)}`
        : `username="${Buffer.from(this.username, 'utf8').toString('latin1')}"`; // header bytes are UTF-8
    this.lastAuthorization =
      `Digest ${user}, realm="${c.realm}", uri="${uri}", algorithm=${c.algorithm}, nonce="${c.nonce}", nc=${nc}, ` +
      `cnonce="${this.cnonce}", qop=auth, response="${response}"${c.opaque !== undefined ? `, opaque="${c.opaque}"` : ''}`;
    return this.lastAuthorization;
  }

  /** The `rspauth` the server must send back for the last request (RFC 7616 §3.5). */
  expectedRspauth(uri: string): string {
    const c = this.challenge!;
    const base = c.algorithm.replace(/-sess$/i, '');
    const H = (s: string) => createHash(HASH[base] as string).update(s, 'utf8').digest('hex');
    let ha1 = H(`${this.username}:${c.realm}:${this.password}`);
    if (c.algorithm.toLowerCase().endsWith('-sess')) ha1 = H(`${ha1}:${c.nonce}:${this.cnonce}`);
    return H(`${ha1}:${c.nonce}:${this.nc.toString(16).padStart(8, '0')}:${this.cnonce}:auth:${H(`:${uri}`)}`);
  }

  /**
   * GET (or `method`) `path` on `base`: without credentials first if there is no challenge yet, then with them;
   * a 401 with `stale=true` is retried once on the new nonce, as RFC 7616 §3.3 lets a client do.
   */
  async fetch(base: string, path: string, method = 'GET', headers: Record<string, string> = {}): Promise<DigestResponse> {
    let res = this.challenge === undefined ? await send(base, path, method, headers) : await send(base, path, method, { ...headers, authorization: this.authorization(method, path) });
    for (let tries = 0; res.status === 401 && tries < 2; tries++) {
      const stale = res.challenges.map(parseChallenge).some((c) => c?.stale === true);
      if (this.challenge !== undefined && !stale) break; // refused: do not guess again
      if (!this.accept(res.challenges)) break;
      res = await send(base, path, method, { ...headers, authorization: this.authorization(method, path) });
    }
    return res;
  }
}

/** One plain HTTP request; keeps each `WWW-Authenticate` line apart. */
export function send(base: string, path: string, method: string, headers: Record<string, string>): Promise<DigestResponse> {
  return new Promise((resolve, reject) => {
    const url = new URL(path, base);
    const req = httpRequest({ host: url.hostname, port: url.port, path, method, headers, agent: false }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => {
        const challenges: string[] = [];
        for (let i = 0; i < res.rawHeaders.length; i += 2) {
          if ((res.rawHeaders[i] as string).toLowerCase() === 'www-authenticate') challenges.push(res.rawHeaders[i + 1] as string);
        }
        resolve({ status: res.statusCode ?? 0, headers: res.headers, challenges, body: Buffer.concat(chunks).toString('utf8') });
      });
    });
    req.on('error', reject);
    req.end();
  });
}
