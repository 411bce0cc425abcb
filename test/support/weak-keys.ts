/**
 * Weak signer keys for the key-size policy tests (issue 8): RSA-1024 and DSA-512 key pairs with self-signed
 * certificates, and keystores that sign with them.
 *
 * OpenSSL 3 refuses to *generate* DSA parameters under 1024 bits ("bad ffc parameters") but still loads, signs and
 * verifies with such keys, as old ABAP systems did (sap-logon-ticket.md §1.4, §8). So the DSA-512 domain
 * parameters are made here by hand (FIPS 186 shape: a 160-bit prime q, a 512-bit prime p with q | p − 1, g of order
 * q) with Node's own prime generation and test, and the key is imported as PKCS#8.
 */
import { checkPrimeSync, createPrivateKey, createPublicKey, generateKeyPairSync, generatePrimeSync, randomBytes, type KeyObject } from 'node:crypto';
import * as asn1js from 'asn1js';
import { selfSignCertificate } from '../../src/keystore/certificates.js';
import { Keystore } from '../../src/keystore/index.js';

const DSA_OID = '1.2.840.10040.4.1';

function modPow(base: bigint, exp: bigint, mod: bigint): bigint {
  let result = 1n;
  base %= mod;
  for (; exp > 0n; exp >>= 1n) {
    if (exp & 1n) result = (result * base) % mod;
    base = (base * base) % mod;
  }
  return result;
}

const randomBigInt = (bytes: number): bigint => BigInt(`0x${randomBytes(bytes).toString('hex')}`);

/** A DER INTEGER (positive, minimal) of a bigint. */
function derInteger(value: bigint): asn1js.Integer {
  let hex = value.toString(16);
  if (hex.length % 2 === 1) hex = `0${hex}`;
  if (Number.parseInt(hex[0]!, 16) >= 8) hex = `00${hex}`;
  return new asn1js.Integer({ valueHex: Buffer.from(hex, 'hex') });
}

/** A DSA key pair with a 512-bit p and a 160-bit q. */
export function dsa512KeyPair(): { publicKey: KeyObject; privateKey: KeyObject } {
  const q = generatePrimeSync(160, { bigint: true });
  let p: bigint;
  for (;;) {
    const k = (randomBigInt(64) | (1n << 511n)) / (2n * q);
    p = 2n * k * q + 1n;
    if (p >> 511n === 1n && checkPrimeSync(p)) break;
  }
  let g = 1n;
  for (let h = 2n; g === 1n; h++) g = modPow(h, (p - 1n) / q, p);
  const x = (randomBigInt(20) % (q - 1n)) + 1n;
  const pkcs8 = new asn1js.Sequence({
    value: [
      new asn1js.Integer({ value: 0 }),
      new asn1js.Sequence({ value: [new asn1js.ObjectIdentifier({ value: DSA_OID }), new asn1js.Sequence({ value: [derInteger(p), derInteger(q), derInteger(g)] })] }),
      new asn1js.OctetString({ valueHex: derInteger(x).toBER() }),
    ],
  });
  const privateKey = createPrivateKey({ key: Buffer.from(pkcs8.toBER()), format: 'der', type: 'pkcs8' });
  return { privateKey, publicKey: createPublicKey(privateKey) };
}

/** An RSA-1024 key pair (OpenSSL still generates these). */
export function rsa1024KeyPair(): { publicKey: KeyObject; privateKey: KeyObject } {
  return generateKeyPairSync('rsa', { modulusLength: 1024 });
}

export type WeakAlgorithm = 'dsa-512' | 'rsa-1024';

/** A keystore whose own key pair is weak (accepted with the explicit `allowWeakKey`), signing for `sid`/`client`. */
export function weakSignerKeystore(alg: WeakAlgorithm, sid: string, client: string): Keystore {
  const { publicKey, privateKey } = alg === 'dsa-512' ? dsa512KeyPair() : rsa1024KeyPair();
  const certificate = selfSignCertificate({
    alg: alg === 'dsa-512' ? 'dsa' : 'rsa',
    subjectDn: `CN=${sid} weak ${alg}, OU=ticketstack tests`,
    publicKey,
    privateKey,
    notBefore: new Date('2020-01-01T00:00:00Z'),
    notAfter: new Date('2037-12-31T00:00:00Z'),
  });
  return Keystore.fromKeyPair({ sid, client, certificate, privateKey, allowWeakKey: true });
}
