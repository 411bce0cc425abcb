/**
 * Single DES in ECB mode, no padding (passticket.md §1.2).
 *
 * Why `des-ede3-ecb` with the key K‖K‖K: Node 20's OpenSSL 3 keeps `des-ecb` in its legacy provider, so
 * `createCipheriv('des-ecb', …)` fails with "unsupported". Triple DES EDE with three equal keys is
 * E_K(D_K(E_K(x))) = E_K(x), i.e. single DES (checked on the DES sanity vector in legacy.json).
 * Auto-padding is off: every input is a whole number of 8-byte blocks.
 *
 * One cipher object is kept per key and fed block after block with `update()` (ECB without padding returns each
 * block at once and is never finalized): creating a cipher costs about 4 times a block encryption.
 *
 * @module
 */
import { createCipheriv, type Cipher } from 'node:crypto';

export class SingleDes {
  readonly #cipher: Cipher;

  /** `key`: 8 bytes. The parity bits are ignored by DES itself (§1.1). The key is not kept beyond the cipher. */
  constructor(key: Uint8Array) {
    if (key.length !== 8) throw new TypeError('a DES key must be 8 bytes');
    const k = Buffer.from(key);
    const k3 = Buffer.concat([k, k, k]);
    this.#cipher = createCipheriv('des-ede3-ecb', k3, null);
    this.#cipher.setAutoPadding(false);
    k3.fill(0);
    k.fill(0);
  }

  /** Encrypts one or more 8-byte blocks independently (ECB). */
  encrypt(blocks: Uint8Array): Buffer {
    if (blocks.length === 0 || blocks.length % 8 !== 0) throw new RangeError('DES input must be whole 8-byte blocks');
    return this.#cipher.update(blocks);
  }

  /** Never reveal the key material, even through `util.inspect`. */
  toJSON(): string {
    return '[SingleDes]';
  }
  [Symbol.for('nodejs.util.inspect.custom')](): string {
    return '[SingleDes]';
  }
}
