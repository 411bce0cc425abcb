/**
 * The keystore: this system's own key pair and certificate (with its SID and client) and the trusted certificates,
 * each with its access control entry (sap-logon-ticket.md §3.2, the `trustedsysN` / `trustedissN` / `trusteddnN`
 * options; ABAP's STRUSTSSO2 certificate list plus TWPSSO2ACL).
 *
 * On disk it is a folder a person can read and back up:
 *
 * ```
 * DIR/keystore.json            own SID/client/alias, trusted entries with their ACL and certificate file
 * DIR/own.crt.pem              own certificate
 * DIR/own.key.pem              own private key, PKCS#8, mode 0600, encrypted when a passphrase is given
 * DIR/trusted/<name>.crt.pem   one file per trusted entry
 * ```
 *
 * This module knows nothing about tickets; the ticket verifier asks it two questions: which certificates have this
 * issuer and serial number (`findCertificates`), and may this certificate issue for this SID and client (`authorize`).
 *
 * @module
 */
import { createPrivateKey, createPublicKey, type KeyObject } from 'node:crypto';
import { chmod, mkdir, readFile, readdir, rename, rm, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { dnEquals, parseDn } from './distinguished-name.js';
import { generateSelfSignedCertificate, parseCertificate, type CertificateInfo, type KeyAlgorithm } from './certificates.js';
import { KeystoreError } from './errors.js';
import { describeKey, isWeakKey } from './key-strength.js';
import { checkOptionKeys } from '../option-keys.js';

/** The access control entry of a trusted certificate (§3.2): who may issue tickets for which system. */
export interface AclEntry {
  /** The issuing system ID the certificate may sign for (`trustedsysN`, first part). */
  readonly sid: string;
  /** The issuing client (`trustedsysN`, second part). */
  readonly client: string;
  /** The signer certificate's subject DN (`trusteddnN`). */
  readonly subjectDn: string;
  /** The signer certificate's issuer DN (`trustedissN`). */
  readonly issuerDn: string;
}

export interface TrustedEntry {
  /** File-safe name, unique in the keystore (default `<SID>-<client>`). */
  readonly name: string;
  readonly certificate: CertificateInfo;
  readonly acl: AclEntry;
  /** True if the certificate's key is weak and was trusted anyway (`allowWeakKey` at import). */
  readonly weakKeyAllowed: boolean;
}

export interface OwnIdentity {
  readonly sid: string;
  readonly client: string;
  /** Alias of the key pair (AS Java `login.ticket_keyalias`, default `SAPLogonTicketKeypair`). */
  readonly alias: string;
  readonly certificate: CertificateInfo;
  readonly privateKey: KeyObject;
}

/** The outcome of `authorize`: the own identity, or the trusted entry whose ACL matched. */
export type Authorization = { readonly kind: 'own' } | { readonly kind: 'trusted'; readonly entry: TrustedEntry };

export interface GenerateKeystoreOptions {
  /** Own system ID. */
  sid: string;
  /** Own client (AS Java default `000`). */
  client: string;
  /** Key algorithm; default `dsa` (DSA-1024, the shape every real SAP ticket has, §1.4). */
  alg?: KeyAlgorithm;
  keyBits?: number;
  /** Subject DN of the self-signed certificate; default `CN=<SID>, OU=ticketstack`. */
  subjectDn?: string;
  alias?: string;
  now?: Date;
}

export interface AddTrustedOptions {
  sid: string;
  client: string;
  /** Entry name; default `<SID>-<client>` (with a suffix if taken). */
  name?: string;
  /** ACL subject DN; default the certificate's subject. */
  subjectDn?: string;
  /** ACL issuer DN; default the certificate's issuer. */
  issuerDn?: string;
  /**
   * Trust a certificate whose key is weak (DSA < 1024, RSA < 2048, EC < 256 bits), e.g. an old ABAP system's
   * DSA-512 certificate. Default false: such a certificate is refused with `ERR_KEYSTORE_WEAK_KEY`. Tickets it signs
   * still need `allowWeakKeys` at verification.
   */
  allowWeakKey?: boolean;
}

export interface KeystoreFileOptions {
  /** Passphrase for the own private key file (PKCS#8 encrypted with AES-256-CBC). */
  passphrase?: string;
}

export const KEYSTORE_FILE = 'keystore.json';
const OWN_CERT_FILE = 'own.crt.pem';
const OWN_KEY_FILE = 'own.key.pem';
const TRUSTED_DIR = 'trusted';
const FORMAT = 'ticketstack-keystore';
export const DEFAULT_ALIAS = 'SAPLogonTicketKeypair';

interface KeystoreJson {
  format: typeof FORMAT;
  version: 1;
  own: { sid: string; client: string; alias: string; certificate: string; privateKey: string; encrypted: boolean; subjectDn: string; serial: string; allowWeakKey?: true };
  trusted: { name: string; certificate: string; acl: AclEntry; serial: string; fingerprint: string; allowWeakKey?: true }[];
}

/** SID/client comparison of §3.2: case-insensitive after trimming. */
export function sameSystemId(a: string, b: string): boolean {
  // ASCII case only: SAP system IDs and clients are A–Z and digits, and Unicode case mapping makes "ſAP" equal "SAP".
  return asciiUpper(a.trim()) === asciiUpper(b.trim());
}

const asciiUpper = (s: string): string => s.replace(/[a-z]+/g, (m) => m.toUpperCase());

function checkId(what: string, value: unknown): string {
  if (typeof value !== 'string' || value.trim() === '' || value.length > 32 || /[\x00-\x1f\x7f]/.test(value)) {
    throw new TypeError(`${what} must be a non-empty string of at most 32 printable characters`);
  }
  return value.trim();
}

function checkName(value: string): string {
  if (!/^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/.test(value)) {
    throw new TypeError(`entry name "${value}" must be 1-64 letters, digits, ".", "_" or "-"`);
  }
  return value;
}

function checkDn(what: string, value: string): string {
  try {
    parseDn(value);
  } catch (err) {
    throw new TypeError(`${what}: ${(err as Error).message}`);
  }
  return value;
}

/** Refuses a weak key unless it is explicitly allowed (issue 8: weak keys only by an explicit option). */
function checkKeyStrength(what: string, cert: CertificateInfo, allowWeakKey: unknown): boolean {
  if (allowWeakKey !== undefined && typeof allowWeakKey !== 'boolean') throw new TypeError('allowWeakKey must be a boolean');
  if (!isWeakKey(cert)) return false;
  if (allowWeakKey !== true) {
    throw new KeystoreError('ERR_KEYSTORE_WEAK_KEY', `${what} has a weak ${describeKey(cert)} key (minimum DSA-1024, RSA-2048, EC-256); set allowWeakKey to accept it`);
  }
  return true;
}

function samePublicKey(certificate: CertificateInfo, privateKey: KeyObject): boolean {
  const a = certificate.publicKey.export({ type: 'spki', format: 'der' });
  const b = createPublicKey(privateKey).export({ type: 'spki', format: 'der' });
  return a.equals(b);
}

export class Keystore {
  readonly own: OwnIdentity;
  readonly #trusted: TrustedEntry[] = [];
  #generation = 0;
  /** The own key is weak and was accepted with `allowWeakKey` (recorded in keystore.json). */
  #ownWeakKeyAllowed = false;
  /** The private key file as last read or written (kept so a save does not rewrite it needlessly). */
  #keyPem: { pem: string; encrypted: boolean; passphrase: string | undefined } | undefined;

  private constructor(own: OwnIdentity) {
    this.own = own;
  }

  /** A new keystore with a freshly generated key pair and self-signed certificate (not yet saved). */
  static async generate(options: GenerateKeystoreOptions): Promise<Keystore> {
    checkOptionKeys('Keystore.generate', options, ['sid', 'client', 'alg', 'keyBits', 'subjectDn', 'alias', 'now']);
    const sid = checkId('sid', options.sid);
    const client = checkId('client', options.client);
    const subjectDn = checkDn('subjectDn', options.subjectDn ?? `CN=${sid}, OU=ticketstack`);
    const { certificate, privateKey } = await generateSelfSignedCertificate({
      alg: options.alg ?? 'dsa',
      subjectDn,
      ...(options.keyBits === undefined ? {} : { keyBits: options.keyBits }),
      ...(options.now === undefined ? {} : { now: options.now }),
    });
    return new Keystore({ sid, client, alias: options.alias ?? DEFAULT_ALIAS, certificate, privateKey });
  }

  /**
   * A keystore around an existing key pair (PEM/DER certificate, KeyObject or PEM private key). A weak key (DSA <
   * 1024, RSA < 2048, EC < 256 bits) is refused with `ERR_KEYSTORE_WEAK_KEY` unless `allowWeakKey` is true.
   */
  static fromKeyPair(options: { sid: string; client: string; certificate: string | Uint8Array | CertificateInfo; privateKey: KeyObject | string; passphrase?: string; alias?: string; allowWeakKey?: boolean }): Keystore {
    const certificate = isCertificateInfo(options.certificate) ? options.certificate : parseCertificate(options.certificate);
    const weak = checkKeyStrength('the own certificate', certificate, options.allowWeakKey);
    const privateKey = typeof options.privateKey === 'string'
      ? createPrivateKey(options.passphrase === undefined ? options.privateKey : { key: options.privateKey, passphrase: options.passphrase })
      : options.privateKey;
    if (!samePublicKey(certificate, privateKey)) throw new KeystoreError('ERR_KEYSTORE_KEY_MISMATCH', 'the private key does not belong to the certificate');
    const keystore = new Keystore({ sid: checkId('sid', options.sid), client: checkId('client', options.client), alias: options.alias ?? DEFAULT_ALIAS, certificate, privateKey });
    keystore.#ownWeakKeyAllowed = weak;
    return keystore;
  }

  /** True if `dir` holds a `keystore.json`. */
  static async exists(dir: string): Promise<boolean> {
    try {
      await stat(path.join(dir, KEYSTORE_FILE));
      return true;
    } catch {
      return false;
    }
  }

  /** Loads a keystore folder. */
  static async load(dir: string, options: KeystoreFileOptions = {}): Promise<Keystore> {
    let json: KeystoreJson;
    try {
      json = JSON.parse(await readFile(path.join(dir, KEYSTORE_FILE), 'utf8')) as KeystoreJson;
    } catch (cause) {
      if ((cause as NodeJS.ErrnoException).code === 'ENOENT') throw new KeystoreError('ERR_KEYSTORE_NOT_FOUND', `no ${KEYSTORE_FILE} in ${dir}`, { cause });
      throw new KeystoreError('ERR_KEYSTORE_INVALID', `${KEYSTORE_FILE} is not valid JSON`, { cause });
    }
    const invalid = (message: string, cause?: unknown): KeystoreError =>
      new KeystoreError('ERR_KEYSTORE_INVALID', `${path.join(dir, KEYSTORE_FILE)}: ${message}`, cause === undefined ? {} : { cause });
    if (json === null || typeof json !== 'object' || json.format !== FORMAT || json.version !== 1 || typeof json.own !== 'object' || json.own === null || !Array.isArray(json.trusted)) {
      throw invalid(`not a ${FORMAT} version 1 file`);
    }
    const read = async (file: unknown): Promise<string> => {
      if (typeof file !== 'string' || path.isAbsolute(file) || file.split(/[\\/]/).includes('..')) throw invalid(`bad file name ${String(file)}`);
      try {
        return await readFile(path.join(dir, file), 'utf8');
      } catch (cause) {
        throw invalid(`cannot read ${file}`, cause);
      }
    };
    const certificate = parseCertificate(await read(json.own.certificate));
    // A weak key loads only if it was accepted explicitly (allowWeakKey) when it entered, and recorded so.
    const weakKey = (cause: unknown): KeystoreError | undefined =>
      cause instanceof KeystoreError && cause.code === 'ERR_KEYSTORE_WEAK_KEY'
        ? new KeystoreError('ERR_KEYSTORE_WEAK_KEY', `${path.join(dir, KEYSTORE_FILE)}: ${cause.message} (it is not recorded as accepted)`, { cause })
        : undefined;
    let ownWeak: boolean;
    try {
      ownWeak = checkKeyStrength('the own certificate', certificate, json.own.allowWeakKey === true);
    } catch (cause) {
      throw weakKey(cause) ?? cause;
    }
    const keyPem = await read(json.own.privateKey);
    const encrypted = keyPem.includes('ENCRYPTED PRIVATE KEY');
    if (encrypted && options.passphrase === undefined) {
      throw new KeystoreError('ERR_KEYSTORE_PASSPHRASE_REQUIRED', 'the private key is encrypted: give a passphrase');
    }
    let privateKey: KeyObject;
    try {
      privateKey = createPrivateKey(encrypted ? { key: keyPem, passphrase: options.passphrase as string } : keyPem);
    } catch (cause) {
      if (encrypted) throw new KeystoreError('ERR_KEYSTORE_BAD_PASSPHRASE', 'the passphrase does not decrypt the private key', { cause });
      throw invalid(`${json.own.privateKey} is not a private key`, cause);
    }
    if (!samePublicKey(certificate, privateKey)) throw new KeystoreError('ERR_KEYSTORE_KEY_MISMATCH', 'the own private key does not belong to the own certificate');
    let keystore: Keystore;
    try {
      keystore = new Keystore({ sid: checkId('own.sid', json.own.sid), client: checkId('own.client', json.own.client), alias: typeof json.own.alias === 'string' ? json.own.alias : DEFAULT_ALIAS, certificate, privateKey });
    } catch (cause) {
      throw invalid((cause as Error).message, cause);
    }
    keystore.#keyPem = { pem: keyPem, encrypted, passphrase: options.passphrase };
    keystore.#ownWeakKeyAllowed = ownWeak;
    for (const entry of json.trusted) {
      if (entry === null || typeof entry !== 'object' || entry.acl === null || typeof entry.acl !== 'object') throw invalid('bad trusted entry');
      const cert = parseCertificate(await read(entry.certificate));
      try {
        keystore.addTrusted(cert, {
          name: entry.name,
          sid: entry.acl.sid,
          client: entry.acl.client,
          subjectDn: entry.acl.subjectDn,
          issuerDn: entry.acl.issuerDn,
          // A weak certificate loads only if it was accepted explicitly at import (recorded as allowWeakKey).
          allowWeakKey: entry.allowWeakKey === true,
        });
      } catch (cause) {
        throw weakKey(cause) ?? invalid(`trusted entry ${String(entry.name)}: ${(cause as Error).message}`, cause);
      }
    }
    return keystore;
  }

  /** The trusted entries, in the order they were added. */
  get trusted(): readonly TrustedEntry[] {
    return [...this.#trusted];
  }

  /**
   * A number that changes whenever the trust configuration changes (`addTrusted`, `removeTrusted`). A verified-ticket
   * cache compares it on every lookup, so nothing it holds survives a trust change. Entries are frozen, so this is
   * the only way the trust can change.
   */
  get generation(): number {
    return this.#generation;
  }

  /**
   * Trusts a certificate for tickets issued by `sid`/`client` (an ACL entry, §3.2). The same certificate may be
   * added again for another SID or client (ABAP systems sign for all their clients with one key). A certificate with
   * a weak key is refused with `ERR_KEYSTORE_WEAK_KEY` unless `allowWeakKey` is true.
   */
  addTrusted(certificate: string | Uint8Array | CertificateInfo, options: AddTrustedOptions): TrustedEntry {
    checkOptionKeys('addTrusted', options, ['sid', 'client', 'name', 'subjectDn', 'issuerDn', 'allowWeakKey']);
    // A CertificateInfo is read again from its DER: its key size, key and fingerprint are never taken as given.
    const cert = parseCertificate(isCertificateInfo(certificate) ? certificate.der : certificate);
    const weakKeyAllowed = checkKeyStrength(`the certificate "${cert.subjectDn}"`, cert, options.allowWeakKey);
    const sid = checkId('sid', options.sid);
    const client = checkId('client', options.client);
    const acl: AclEntry = {
      sid,
      client,
      subjectDn: checkDn('subjectDn', options.subjectDn ?? cert.subjectDn),
      issuerDn: checkDn('issuerDn', options.issuerDn ?? cert.issuerDn),
    };
    if (this.#trusted.some((e) => e.certificate.fingerprint === cert.fingerprint && sameSystemId(e.acl.sid, sid) && sameSystemId(e.acl.client, client))) {
      throw new KeystoreError('ERR_KEYSTORE_DUPLICATE_ENTRY', `this certificate is already trusted for ${sid}/${client}`);
    }
    let name = options.name;
    if (name === undefined) {
      const base = `${sid}-${client}`.replace(/[^A-Za-z0-9._-]/g, '_').replace(/^[._-]/, 'x');
      name = base;
      for (let i = 2; this.#trusted.some((e) => e.name === name); i++) name = `${base}-${i}`;
    }
    checkName(name);
    if (this.#trusted.some((e) => e.name === name)) throw new KeystoreError('ERR_KEYSTORE_DUPLICATE_ENTRY', `a trusted entry named ${name} exists`);
    const entry: TrustedEntry = Object.freeze({ name, certificate: cert, acl: Object.freeze(acl), weakKeyAllowed });
    this.#trusted.push(entry);
    this.#generation++;
    return entry;
  }

  /** Removes a trusted entry by name. */
  removeTrusted(name: string): void {
    const index = this.#trusted.findIndex((e) => e.name === name);
    if (index < 0) throw new KeystoreError('ERR_KEYSTORE_ENTRY_NOT_FOUND', `no trusted entry named ${name}`);
    this.#trusted.splice(index, 1);
    this.#generation++;
  }

  /**
   * Every certificate in the keystore (own and trusted, each once) with this issuer and serial number: how a
   * CMS SignerInfo's issuerAndSerialNumber is resolved (§3.2 step 1). Give the issuer as the encoded Name (exact
   * byte match, as the verifier does) or as a DN string (RDN-wise match).
   */
  findCertificates(issuer: string | Uint8Array, serialNumber: string): CertificateInfo[] {
    const serial = serialNumber.toLowerCase().replace(/^0+(?=.)/, '');
    // Bytes: exact match of the encoded Name (what a CMS SignerInfo carries); a string: RDN-wise DN comparison.
    const view = (b: Uint8Array): Buffer => Buffer.from(b.buffer, b.byteOffset, b.byteLength);
    const sameIssuer = typeof issuer === 'string'
      ? (cert: CertificateInfo) => dnEquals(cert.issuerDn, issuer)
      : (cert: CertificateInfo) => view(cert.issuerNameDer).equals(issuer);
    // Own first, then the trusted entries; a certificate trusted for several clients is listed once.
    const found: CertificateInfo[] = [];
    const consider = (cert: CertificateInfo): void => {
      if (cert.serialNumber === serial && !found.some((f) => f.fingerprint === cert.fingerprint) && sameIssuer(cert)) found.push(cert);
    };
    consider(this.own.certificate);
    for (const entry of this.#trusted) consider(entry.certificate);
    return found;
  }

  /**
   * May `certificate` sign tickets of `sid`/`client`? (§3.2 steps 2–4.) The own certificate for the own SID and
   * client; otherwise a trusted entry with that certificate whose ACL SID and client match (case-insensitive, after
   * trim) and whose subject and issuer DNs match the certificate's (RDN-wise). `null` if nothing matches.
   */
  authorize(certificate: CertificateInfo, sid: string, client: string): Authorization | null {
    if (certificate.fingerprint === this.own.certificate.fingerprint && sameSystemId(sid, this.own.sid) && sameSystemId(client, this.own.client)) {
      return { kind: 'own' };
    }
    const entry = this.#trusted.find(
      (e) =>
        e.certificate.fingerprint === certificate.fingerprint &&
        sameSystemId(e.acl.sid, sid) &&
        sameSystemId(e.acl.client, client) &&
        dnEquals(e.acl.subjectDn, certificate.subjectDn) &&
        dnEquals(e.acl.issuerDn, certificate.issuerDn),
    );
    return entry === undefined ? null : { kind: 'trusted', entry };
  }

  /**
   * Writes the keystore to `dir` (created with mode 0700 if missing). The private key file gets mode 0600 and is
   * encrypted when a passphrase is given here or was given to `load`. Trusted certificate files no longer referenced
   * are removed.
   */
  async save(dir: string, options: KeystoreFileOptions = {}): Promise<void> {
    await mkdir(path.join(dir, TRUSTED_DIR), { recursive: true, mode: 0o700 });
    const passphrase = options.passphrase ?? this.#keyPem?.passphrase;
    let keyPem = this.#keyPem;
    if (keyPem === undefined || keyPem.passphrase !== passphrase) {
      const pem = passphrase === undefined
        ? this.own.privateKey.export({ type: 'pkcs8', format: 'pem' })
        : this.own.privateKey.export({ type: 'pkcs8', format: 'pem', cipher: 'aes-256-cbc', passphrase });
      keyPem = { pem: pem.toString(), encrypted: passphrase !== undefined, passphrase };
    }
    await writeAtomic(path.join(dir, OWN_KEY_FILE), keyPem.pem, 0o600);
    this.#keyPem = keyPem;
    await writeAtomic(path.join(dir, OWN_CERT_FILE), this.own.certificate.pem, 0o644);
    const trusted: KeystoreJson['trusted'] = [];
    for (const entry of this.#trusted) {
      const file = `${TRUSTED_DIR}/${entry.name}.crt.pem`;
      await writeAtomic(path.join(dir, file), entry.certificate.pem, 0o644);
      trusted.push({
        name: entry.name,
        certificate: file,
        acl: { ...entry.acl },
        serial: entry.certificate.serialDecimal,
        fingerprint: entry.certificate.fingerprint,
        ...(entry.weakKeyAllowed ? { allowWeakKey: true as const } : {}),
      });
    }
    const json: KeystoreJson = {
      format: FORMAT,
      version: 1,
      own: {
        sid: this.own.sid,
        client: this.own.client,
        alias: this.own.alias,
        certificate: OWN_CERT_FILE,
        privateKey: OWN_KEY_FILE,
        encrypted: keyPem.encrypted,
        subjectDn: this.own.certificate.subjectDn,
        serial: this.own.certificate.serialDecimal,
        ...(this.#ownWeakKeyAllowed ? { allowWeakKey: true as const } : {}),
      },
      trusted,
    };
    await writeAtomic(path.join(dir, KEYSTORE_FILE), `${JSON.stringify(json, null, 2)}\n`, 0o644);
    const keep = new Set(this.#trusted.map((e) => `${e.name}.crt.pem`));
    for (const file of await readdir(path.join(dir, TRUSTED_DIR))) {
      if (file.endsWith('.crt.pem') && !keep.has(file)) await rm(path.join(dir, TRUSTED_DIR, file), { force: true });
    }
  }
}

function isCertificateInfo(value: unknown): value is CertificateInfo {
  return typeof value === 'object' && value !== null && !(value instanceof Uint8Array) && 'fingerprint' in value && 'der' in value;
}

async function writeAtomic(file: string, content: string, mode: number): Promise<void> {
  const tmp = `${file}.${process.pid}.tmp`;
  await writeFile(tmp, content, { mode });
  await chmod(tmp, mode);
  await rename(tmp, file);
}
