/**
 * Password hashes: scrypt from node:crypto, as a PHC-like string `$scrypt$ln=15,r=8,p=1$<salt>$<hash>`
 * (salt and hash in unpadded base64). Verification parses the parameters from the string, so hashes made
 * with other parameters keep working after the defaults change. Comparison is constant-time.
 *
 * @module
 */
import { randomBytes, scrypt as scryptCallback, timingSafeEqual, type ScryptOptions } from 'node:crypto';

export interface ScryptParams {
  /** log2 of the CPU/memory cost N (default 15: N = 32768, 32 MiB with r = 8). */
  ln: number;
  /** Block size (default 8). */
  r: number;
  /** Parallelism (default 1). */
  p: number;
}

export const DEFAULT_SCRYPT_PARAMS: Readonly<ScryptParams> = Object.freeze({ ln: 15, r: 8, p: 1 });

const SALT_BYTES = 16;
const HASH_BYTES = 32;
/** Longest accepted password, in UTF-8 bytes (a bound on work, far above any real password). */
export const MAX_PASSWORD_BYTES = 4096;
const PHC = /^\$scrypt\$ln=(\d{1,2}),r=(\d{1,2}),p=(\d{1,2})\$([A-Za-z0-9+/]+)\$([A-Za-z0-9+/]+)$/;

/** Checks scrypt parameters; a `TypeError` names the offending one. */
export function assertScryptParams(where: string, params: unknown): asserts params is ScryptParams {
  if (params === null || typeof params !== 'object') throw new TypeError(`${where}: hashParams must be an object { ln, r, p }`);
  const { ln, r, p } = params as Record<string, unknown>;
  for (const key of Object.keys(params)) {
    if (!['ln', 'r', 'p'].includes(key)) throw new TypeError(`${where}: unknown hashParams option "${key}" (allowed: ln, r, p)`);
  }
  if (!Number.isInteger(ln) || (ln as number) < 1 || (ln as number) > 20) throw new TypeError(`${where}: hashParams.ln must be an integer from 1 to 20`);
  if (!Number.isInteger(r) || (r as number) < 1 || (r as number) > 32) throw new TypeError(`${where}: hashParams.r must be an integer from 1 to 32`);
  if (!Number.isInteger(p) || (p as number) < 1 || (p as number) > 16) throw new TypeError(`${where}: hashParams.p must be an integer from 1 to 16`);
}

/** Throws a `TypeError` unless `password` is a non-empty string of at most MAX_PASSWORD_BYTES. */
export function assertPassword(where: string, password: unknown): asserts password is string {
  if (typeof password !== 'string' || password.length === 0) throw new TypeError(`${where}: password must be a non-empty string`);
  if (Buffer.byteLength(password, 'utf8') > MAX_PASSWORD_BYTES) throw new TypeError(`${where}: password is longer than ${MAX_PASSWORD_BYTES} bytes`);
}

function derive(password: string, salt: Buffer, params: ScryptParams): Promise<Buffer> {
  const N = 2 ** params.ln;
  const options: ScryptOptions = { N, r: params.r, p: params.p, maxmem: 256 * N * params.r + 1024 * 1024 };
  return new Promise((resolve, reject) => {
    scryptCallback(password.normalize('NFC'), salt, HASH_BYTES, options, (err, key) => (err ? reject(err) : resolve(key)));
  });
}

/** Hashes a password into a `$scrypt$…` string. */
export async function hashPassword(password: string, params: ScryptParams = DEFAULT_SCRYPT_PARAMS): Promise<string> {
  assertPassword('hashPassword', password);
  assertScryptParams('hashPassword', params);
  const salt = randomBytes(SALT_BYTES);
  const hash = await derive(password, salt, params);
  return `$scrypt$ln=${params.ln},r=${params.r},p=${params.p}$${b64(salt)}$${b64(hash)}`;
}

/**
 * True if `password` matches `encoded`. A malformed `encoded` never matches (and costs a dummy check, so it
 * is not faster). Over-long passwords are refused without hashing.
 */
export async function verifyPasswordHash(password: string, encoded: string): Promise<boolean> {
  if (typeof password !== 'string' || Buffer.byteLength(password, 'utf8') > MAX_PASSWORD_BYTES) return false;
  const match = typeof encoded === 'string' ? PHC.exec(encoded) : null;
  if (match === null) {
    await verifyPasswordHash(password, await dummyHash(DEFAULT_SCRYPT_PARAMS));
    return false;
  }
  const params = { ln: Number(match[1]), r: Number(match[2]), p: Number(match[3]) };
  try {
    assertScryptParams('verifyPasswordHash', params);
  } catch {
    return false;
  }
  const salt = Buffer.from(match[4]!, 'base64');
  const expected = Buffer.from(match[5]!, 'base64');
  const actual = await derive(password, salt, params);
  return actual.length === expected.length && timingSafeEqual(actual, expected);
}

/** True when `encoded` was made with other parameters than `params` (time to rehash on the next sign-on). */
export function needsRehash(encoded: string, params: ScryptParams = DEFAULT_SCRYPT_PARAMS): boolean {
  const match = PHC.exec(encoded);
  return match === null || Number(match[1]) !== params.ln || Number(match[2]) !== params.r || Number(match[3]) !== params.p;
}

const dummies = new Map<string, Promise<string>>();

/**
 * A hash of a random password with `params`, made once per parameter set: verifying against it costs the
 * same as verifying a real user's password, so an unknown user is not answered faster.
 */
export function dummyHash(params: ScryptParams = DEFAULT_SCRYPT_PARAMS): Promise<string> {
  const id = `${params.ln},${params.r},${params.p}`;
  let dummy = dummies.get(id);
  if (dummy === undefined) {
    dummy = hashPassword(randomBytes(18).toString('base64'), params);
    dummies.set(id, dummy);
  }
  return dummy;
}

function b64(bytes: Buffer): string {
  return bytes.toString('base64').replace(/=+$/, '');
}
