/**
 * Server nonces for HTTP Digest (RFC 7616 §3.3 `nonce`, §5.4 "limited use nonce values", §5.5 replay): self-contained
 * and unforgeable, so any instance that shares the secret can check a nonce another instance minted, without a
 * shared list of issued nonces.
 *
 * `nonce = base64url( issuedAt (8 bytes, ms) ‖ random (12 bytes) ‖ HMAC-SHA256(secret, label ‖ realm ‖ issuedAt ‖ random)[0..16) )`
 *
 * The MAC binds the nonce to this realm; the timestamp lets it expire (a stale nonce gets a fresh challenge with
 * `stale=true`); the random part makes every nonce unique, so the once-only claim of each (nonce, nc) pair in the
 * shared `StateStore` (done by the module) refuses a replay on any instance. `opaque` is a MAC of the realm, the
 * same on every instance.
 *
 * @module
 */
import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';

const TIME_BYTES = 8;
const RANDOM_BYTES = 12;
const MAC_BYTES = 16;
const NONCE_BYTES = TIME_BYTES + RANDOM_BYTES + MAC_BYTES;
/** A nonce minted up to this far in the future (another instance's clock running ahead) is still accepted. */
export const CLOCK_SKEW_MS = 60_000;

export type NonceCheck =
  | { readonly valid: false }
  | { readonly valid: true; readonly issuedAt: number; readonly expiresAt: number; readonly stale: boolean };

export class DigestNonces {
  readonly #key: Buffer;
  readonly #realm: string;
  readonly #lifetimeMs: number;

  /** `secret`: at least 32 bytes, the same on every instance that serves the realm. */
  constructor(secret: Uint8Array, realm: string, lifetimeMs: number) {
    this.#key = Buffer.from(secret);
    this.#realm = realm;
    this.#lifetimeMs = lifetimeMs;
  }

  /** A fresh nonce, minted at `now`. */
  mint(now: number): string {
    const body = Buffer.alloc(TIME_BYTES + RANDOM_BYTES);
    body.writeBigUInt64BE(BigInt(Math.max(0, Math.floor(now))), 0);
    randomBytes(RANDOM_BYTES).copy(body, TIME_BYTES);
    return Buffer.concat([body, this.#mac(body)]).toString('base64url');
  }

  /** Checks the MAC (constant time) and the age of a nonce at `now`. */
  check(nonce: string, now: number): NonceCheck {
    if (nonce.length !== Math.ceil((NONCE_BYTES * 4) / 3) || !/^[A-Za-z0-9_-]+$/.test(nonce)) return { valid: false };
    const bytes = Buffer.from(nonce, 'base64url');
    if (bytes.length !== NONCE_BYTES) return { valid: false };
    const body = bytes.subarray(0, TIME_BYTES + RANDOM_BYTES);
    if (!timingSafeEqual(bytes.subarray(TIME_BYTES + RANDOM_BYTES), this.#mac(body))) return { valid: false };
    const issuedAt = Number(body.readBigUInt64BE(0));
    if (issuedAt > now + CLOCK_SKEW_MS) return { valid: false };
    const expiresAt = issuedAt + this.#lifetimeMs;
    return { valid: true, issuedAt, expiresAt, stale: now > expiresAt };
  }

  /** The `opaque` value of this realm (RFC 7616 §3.3: returned unchanged by the client). */
  opaque(): string {
    return createHmac('sha256', this.#key).update(`ticketstack digest opaque\0${this.#realm}`).digest().subarray(0, 18).toString('base64url');
  }

  #mac(body: Buffer): Buffer {
    return createHmac('sha256', this.#key).update(`ticketstack digest nonce\0${this.#realm}\0`).update(body).digest().subarray(0, MAC_BYTES);
  }
}
