/**
 * `verifyTicket`: decode, find the signer in the keystore, check algorithm, key size, digest and signature, the ACL,
 * the recipient and the validity window (sap-logon-ticket.md §1.3, §1.4, §2, §3.2, §7).
 *
 * Order of checks: structure → signer in keystore → algorithm allow-list → key size → messageDigest → signature →
 * ACL → recipient / assertion → validity. Cryptography comes before the clock so that `ERR_TICKET_EXPIRED` means
 * "genuine but expired", never "forged and also old".
 *
 * @module
 */
import { createHash, hash } from 'node:crypto';
import { Keystore, sameSystemId, type CertificateInfo, type TrustedEntry } from '../keystore/index.js';
import { checkOptionKeys } from '../option-keys.js';
import { DEFAULT_MIN_KEY_BITS, type MinKeyBits } from '../keystore/key-strength.js';
import { signatureAlgorithmName, TICKET_ALGORITHMS, verifyCmsSignature, type CmsSignature, type TicketAlgorithm } from './cms.js';
import { children, readElement, readInteger } from './der.js';
import { parseTicketStructure, type InfoUnit } from './codec.js';
import { decodeTicket, type DecodeTicketOptions } from './decode.js';
import { TicketError } from './errors.js';
import { checkMaxLength, DEFAULT_MAX_TICKET_TEXT_LENGTH } from './text-form.js';
import { checkValidity, DEFAULT_TOLERANCE_MINUTES, readClock, type Clock } from './validity.js';
import { checkCacheOption, VerifiedTicketLru, type VerifiedTicketCache, type VerifiedTicketCacheOptions } from './verified-ticket-cache.js';

// The key-size policy lives with the keystore, which refuses weak keys on import too (issue 8).
export { DEFAULT_MIN_KEY_BITS, type MinKeyBits };

export interface VerifyTicketOptions extends DecodeTicketOptions {
  /** The trust store: own identity and trusted certificates with their ACL entries. */
  keystore: Keystore;
  /** The clock; default the system clock. */
  now?: Clock;
  /** Tolerance on both ends of the validity window, in minutes (default 3, SAP's `timetolerance`). */
  toleranceMinutes?: number;
  /** Accepted signature algorithms; default all of `TICKET_ALGORITHMS`. */
  allowedAlgorithms?: readonly TicketAlgorithm[];
  /** Require an authentication assertion ticket: flags bit 0x01 and recipient == own SID and client (§2). */
  assertion?: boolean;
  /** Minimum key sizes; default `DEFAULT_MIN_KEY_BITS`. */
  minKeyBits?: MinKeyBits;
  /** Accept keys below `minKeyBits` (e.g. old DSA-512 ABAP certificates). Default false. */
  allowWeakKeys?: boolean;
}

/** Who signed a verified ticket, and why that signer is trusted. */
export interface TicketSigner {
  readonly subjectDn: string;
  readonly issuerDn: string;
  /** Serial number, lowercase hex. */
  readonly serial: string;
  /** `own`: the system's own certificate for its own SID/client; `trusted`: an ACL entry matched. */
  readonly trust: 'own' | 'trusted';
  /** The matching trusted entry's name (`trust === 'trusted'`). */
  readonly entry: string | undefined;
  readonly algorithm: TicketAlgorithm;
  readonly keyBits: number;
}

/** A ticket that passed every check. */
export interface VerifiedTicket {
  /** 0x01 ABAP user, else the 0x0A UTF-8 user, without trailing blanks (ABAP's padding, U+0000–U+0020); `undefined` if neither. */
  readonly user: string | undefined;
  /** 0x20 portal user without its `portal:` prefix. */
  readonly portalUser: string | undefined;
  /** 0x88 authscheme, `default` when absent (§3.2). */
  readonly authScheme: string;
  /** Issuing SID, trimmed. */
  readonly sid: string;
  /** Issuing client, trimmed. */
  readonly client: string;
  readonly createdAt: Date;
  /** Creation + hours + minutes, without tolerance. */
  readonly validUntil: Date;
  readonly language: string | undefined;
  /** Recipient of an assertion ticket (0x10/0x0F), trimmed. */
  readonly recipient: { readonly sid: string; readonly client: string } | undefined;
  readonly flags: number;
  /** True if flags bit 0x01 (one-time, do not cache) is set. */
  readonly assertion: boolean;
  readonly codePage: string;
  readonly signer: TicketSigner;
  readonly infoUnits: readonly InfoUnit[];
  /**
   * With `assertion: true` only: what makes this ticket this ticket, for a once-only check (§2, §7 item 4). SHA-256
   * (hex) over the signed bytes, the signed attributes and the signature — of a DSA or ECDSA signature only its `r`,
   * because an ECDSA `(r, n−s)` verifies too. What a holder can change without the key (the text form, embedded
   * certificates, unsigned attributes, the other ECDSA `s`) leaves it the same; two genuine tickets never share it.
   */
  readonly replayId?: string;
}

interface CheckedOptions {
  keystore: Keystore;
  now: Clock | undefined;
  toleranceMinutes: number;
  allowed: ReadonlySet<TicketAlgorithm>;
  assertion: boolean;
  minKeyBits: Readonly<Required<MinKeyBits>>;
  allowWeakKeys: boolean;
  maxLength: number;
}

const ALL_ALGORITHMS: ReadonlySet<TicketAlgorithm> = new Set(TICKET_ALGORITHMS);

const VERIFY_OPTION_KEYS = ['keystore', 'now', 'toleranceMinutes', 'allowedAlgorithms', 'assertion', 'minKeyBits', 'allowWeakKeys', 'maxLength'];

function checkOptions(options: VerifyTicketOptions, where = 'verifyTicket', extraKeys: readonly string[] = []): CheckedOptions {
  checkOptionKeys(where, options, extraKeys.length === 0 ? VERIFY_OPTION_KEYS : [...VERIFY_OPTION_KEYS, ...extraKeys]);
  const { keystore, now, toleranceMinutes = DEFAULT_TOLERANCE_MINUTES, allowedAlgorithms = TICKET_ALGORITHMS, assertion = false, minKeyBits, allowWeakKeys = false } = options;
  if (!(keystore instanceof Keystore)) throw new TypeError('keystore must be a Keystore');
  if (now !== undefined && typeof now !== 'function' && !(now instanceof Date && !Number.isNaN(now.getTime()))) {
    throw new TypeError('now must be a valid Date or a function returning one');
  }
  if (typeof toleranceMinutes !== 'number' || !Number.isFinite(toleranceMinutes) || toleranceMinutes < 0) {
    throw new TypeError('toleranceMinutes must be a finite number ≥ 0');
  }
  if (allowedAlgorithms !== TICKET_ALGORITHMS && (!Array.isArray(allowedAlgorithms) || allowedAlgorithms.some((a) => !(TICKET_ALGORITHMS as readonly string[]).includes(a)))) {
    throw new TypeError(`allowedAlgorithms must be an array of ${TICKET_ALGORITHMS.join(', ')}`);
  }
  if (typeof assertion !== 'boolean') throw new TypeError('assertion must be a boolean');
  if (typeof allowWeakKeys !== 'boolean') throw new TypeError('allowWeakKeys must be a boolean');
  return {
    keystore,
    now,
    toleranceMinutes,
    // The defaults are shared objects, so a one-shot verifyTicket with default options builds nothing per call.
    allowed: allowedAlgorithms === TICKET_ALGORITHMS ? ALL_ALGORITHMS : new Set(allowedAlgorithms),
    assertion,
    minKeyBits: minKeyBits === undefined ? DEFAULT_MIN_KEY_BITS : checkMinKeyBits(minKeyBits),
    allowWeakKeys,
    maxLength: checkMaxLength(options.maxLength, DEFAULT_MAX_TICKET_TEXT_LENGTH),
  };
}

function checkMinKeyBits(minKeyBits: MinKeyBits): Required<MinKeyBits> {
  if (minKeyBits === null || typeof minKeyBits !== 'object') throw new TypeError('minKeyBits must be an object { dsa?, rsa?, ec? }');
  for (const [key, value] of Object.entries(minKeyBits)) {
    if (!['dsa', 'rsa', 'ec'].includes(key) || (value !== undefined && (!Number.isInteger(value) || (value as number) < 0))) {
      throw new TypeError('minKeyBits must be { dsa?, rsa?, ec? } with non-negative integers');
    }
  }
  return { ...DEFAULT_MIN_KEY_BITS, ...Object.fromEntries(Object.entries(minKeyBits).filter(([, v]) => v !== undefined)) };
}

/**
 * Verifies a ticket (text form or bytes) against a keystore. Returns the verified fields, or throws a `TicketError`
 * whose `code` says why the ticket is refused. Invalid options throw a `TypeError` naming the option. For many
 * tickets with the same options, `createTicketVerifier` checks the options once and can cache verified tickets.
 */
export function verifyTicket(input: string | Uint8Array, options: VerifyTicketOptions): VerifiedTicket {
  const opts = checkOptions(options);
  return verifyOnce(input, opts, readClock(opts.now)).ticket;
}

function verifyOnce(input: string | Uint8Array, opts: CheckedOptions, now: Date, withIdentity = false): Verified {
  try {
    return verifyChecked(input, opts, now, withIdentity);
  } catch (err) {
    if (err instanceof TicketError) throw err;
    // Never let a library exception escape as the reason for a refusal.
    throw new TicketError('ERR_TICKET_MALFORMED', 'the ticket could not be processed', { cause: err });
  }
}

/** Options of `createTicketVerifier`: those of `verifyTicket`, plus the verified-ticket cache. */
export interface TicketVerifierOptions extends VerifyTicketOptions {
  /**
   * The verified-ticket cache: `{ maxEntries }` (default 10 000 entries) or `false` for none. On by default; off, and
   * not allowed, with `assertion: true` (an assertion ticket is accepted once, §2).
   */
  cache?: false | VerifiedTicketCacheOptions;
}

/** Verifies tickets with options checked once (`createTicketVerifier`). */
export interface TicketVerifier {
  /** As `verifyTicket(input, options)`: the verified fields (frozen), or a `TicketError`. */
  verify(input: string | Uint8Array): VerifiedTicket;
  /** The verified-ticket cache, `undefined` when off. */
  readonly cache: VerifiedTicketCache | undefined;
}

/**
 * A ticket verifier for a batch job or a login module: the options are checked once (a `TypeError` names a bad
 * one), and with the cache on, a ticket verified before is answered from the cache: no decoding and no signature
 * check, but the validity window is checked again on every hit, and a change of the keystore's trust
 * (`addTrusted`, `removeTrusted`) empties the cache before the next lookup. Every ticket it returns is frozen.
 */
export function createTicketVerifier(options: TicketVerifierOptions): TicketVerifier {
  const where = 'createTicketVerifier';
  let opts: CheckedOptions;
  try {
    opts = checkOptions(options, where, ['cache']);
  } catch (err) {
    throw new TypeError((err as Error).message.startsWith(`${where}: `) ? (err as Error).message : `${where}: ${(err as Error).message}`);
  }
  const cacheOption = options.cache;
  if (opts.assertion && cacheOption !== undefined && cacheOption !== false) {
    throw new TypeError(`${where}: option 'cache' cannot be used with assertion: true (an assertion ticket is accepted once)`);
  }
  const maxEntries = opts.assertion ? undefined : checkCacheOption(where, cacheOption);
  if (maxEntries === undefined) {
    return { verify: (input) => new FrozenTicket(verifyOnce(input, opts, readClock(opts.now))), cache: undefined };
  }
  const cache = new VerifiedTicketLru(maxEntries);
  const tolerance = opts.toleranceMinutes * 60_000;
  let generation = opts.keystore.generation;
  return {
    cache,
    verify(input: string | Uint8Array): VerifiedTicket {
      // Oversized or odd input goes straight to the full check (which refuses it) and is never hashed.
      if ((typeof input !== 'string' && !(input instanceof Uint8Array)) || input.length > opts.maxLength) return verifyOnce(input, opts, readClock(opts.now)).ticket;
      if (opts.keystore.generation !== generation) {
        cache.clear(); // the trust changed: nothing verified under the old trust is served again
        generation = opts.keystore.generation;
      }
      // Without an injected clock, a hit needs only the milliseconds, not a Date.
      const now = opts.now === undefined ? undefined : readClock(opts.now);
      const key = cacheKey(input);
      const hit = cache.lookup(key, now === undefined ? Date.now() : now.getTime());
      if (hit !== undefined) return hit;
      const verified = verifyOnce(input, opts, now ?? new Date(), true);
      const ticket = new FrozenTicket(verified);
      // One ticket arrives under many inputs (its text form spelled another way, certificates embedded or dropped,
      // unsigned attributes, the other ECDSA `s`): the cache keeps a few of them per ticket, by the identity the
      // assertion module's once-only check uses, so that one ticket's holder cannot push everyone else's out.
      cache.store(key, ticket, ticket.createdAt.getTime() - tolerance, ticket.validUntil.getTime() + tolerance, verified.identity!);
      return ticket;
    },
  };
}

/**
 * SHA-256 of the whole input, in base64. Text is hashed as its UTF-8; bytes behind a 0xFF byte, which no UTF-8
 * encoding contains, so a text and a byte array never share a key.
 */
function cacheKey(input: string | Uint8Array): string {
  return typeof input === 'string' ? hash('sha256', input, 'base64') : createHash('sha256').update(BYTES_KEY_PREFIX).update(input).digest('base64');
}
const BYTES_KEY_PREFIX = Uint8Array.of(0xff);

/**
 * A verified ticket as a verifier returns it: deep-frozen (a cached one is shared by every request that presents the
 * ticket, so no caller may change what the others get) and compact. It keeps one copy of the ticket's bytes, not
 * the request's buffer (nor Node's pooled one), and rebuilds the InfoUnits from it on first access: a cached entry
 * then costs about 1.9 KB instead of about 4.5 KB (measured). Its fields are VerifiedTicket's (declaration merging).
 */
// eslint-disable-next-line @typescript-eslint/no-unsafe-declaration-merging
interface FrozenTicket extends Omit<VerifiedTicket, 'infoUnits'> {}
// eslint-disable-next-line @typescript-eslint/no-unsafe-declaration-merging
class FrozenTicket implements VerifiedTicket {
  readonly #bytes: Uint8Array;
  #infoUnits: readonly InfoUnit[] | undefined;

  constructor({ ticket, bytes }: Verified) {
    const { infoUnits: _units, ...fields } = ticket;
    Object.assign(this, fields, {
      createdAt: new ImmutableDate(ticket.createdAt),
      validUntil: new ImmutableDate(ticket.validUntil),
      recipient: ticket.recipient === undefined ? undefined : Object.freeze({ ...ticket.recipient }),
      signer: Object.freeze({ ...ticket.signer }),
    });
    this.#bytes = bytes.slice();
    Object.freeze(this);
  }

  get infoUnits(): readonly InfoUnit[] {
    // Private fields are not properties: the instance stays frozen while the units are remembered.
    return (this.#infoUnits ??= Object.freeze(parseTicketStructure(this.#bytes).infoUnits.map(frozenUnit)));
  }

  toJSON(): VerifiedTicket {
    return { ...this, infoUnits: this.infoUnits };
  }
}

/**
 * An InfoUnit of a shared verified ticket: frozen, and its `data` a fresh copy on every read, because a typed array
 * cannot be frozen and a caller writing into the bytes must not change them for the next request with this ticket.
 */
function frozenUnit({ id, name, data, value }: InfoUnit): InfoUnit {
  return Object.freeze({
    id,
    name,
    get data(): Uint8Array {
      return data.slice();
    },
    value,
  });
}

/** A Date whose setters throw: a cached ticket's times are shared by every request that gets it. */
class ImmutableDate extends Date {
  constructor(date: Date) {
    super(date.getTime());
    Object.freeze(this);
  }
}
for (const name of Object.getOwnPropertyNames(Date.prototype)) {
  if (name.startsWith('set')) {
    Object.defineProperty(ImmutableDate.prototype, name, {
      value(): never {
        throw new TypeError(`a verified ticket's dates are read-only (Date.prototype.${name})`);
      },
    });
  }
}

/** The verified fields and the ticket's bytes (which a frozen copy keeps instead of the InfoUnits). */
interface Verified {
  readonly ticket: VerifiedTicket;
  readonly bytes: Uint8Array;
  /** What makes the ticket this ticket, whatever its text form or unsigned CMS parts (see `VerifiedTicket.replayId`); when asked for. */
  readonly identity: string | undefined;
}

function verifyChecked(input: string | Uint8Array, opts: CheckedOptions, now: Date, withIdentity: boolean): Verified {
  const ticket = decodeTicket(input, { maxLength: opts.maxLength });
  const { fields, cms } = ticket;
  if (fields.sid === undefined || fields.client === undefined || fields.createdAt === undefined || fields.validUntil === undefined) {
    throw new TicketError('ERR_TICKET_MALFORMED', 'the ticket lacks its issuing SID (0x03), client (0x02) or creation time (0x04)');
  }
  const user = trimTrailingBlanks(fields.user ?? fields.userUtf8);
  if (user === undefined && fields.portalUser === undefined) throw new TicketError('ERR_TICKET_MALFORMED', 'the ticket names no user (0x01, 0x0A or 0x20)');
  const sid = fields.sid.trim();
  const client = fields.client.trim();

  // §3.2 step 1: the signer is looked up in the keystore by issuerAndSerialNumber, never taken from the ticket.
  const candidates = opts.keystore.findCertificates(cms.signerIssuerDer, cms.signerSerial);
  if (candidates.length === 0) {
    throw new TicketError('ERR_TICKET_SIGNER_UNKNOWN', `no certificate in the keystore has issuer "${cms.signerIssuer}" and serial ${cms.signerSerial}`);
  }
  const algorithm = signatureAlgorithmName(cms);
  if (algorithm === undefined) {
    throw new TicketError('ERR_TICKET_ALGORITHM_NOT_ALLOWED', `unsupported signature algorithm ${cms.signatureAlgorithmOid} with digest ${cms.digestAlgorithm}`);
  }
  if (!opts.allowed.has(algorithm)) throw new TicketError('ERR_TICKET_ALGORITHM_NOT_ALLOWED', `signature algorithm ${algorithm} is not in allowedAlgorithms`);

  let signer: CertificateInfo | undefined;
  let firstError: unknown;
  for (const cert of candidates) {
    try {
      checkKey(cert, algorithm, opts);
      verifyCmsSignature(cms, ticket.signedBytes, algorithm, cert.publicKey);
      signer = cert;
      break;
    } catch (err) {
      firstError ??= err;
    }
  }
  if (signer === undefined) throw firstError;

  // §3.2 steps 2–4: own tickets, else an ACL entry for the ticket's SID and client.
  const authorization = opts.keystore.authorize(signer, sid, client);
  if (authorization === null) {
    throw new TicketError('ERR_TICKET_ACL_MISMATCH', `the signer "${signer.subjectDn}" is not allowed to issue tickets for ${sid}/${client}`);
  }

  // §2: recipient units, when present, must name this system — in every mode, so that an assertion ticket meant for
  // another system is never accepted as a logon ticket here.
  const own = opts.keystore.own;
  const recipient = fields.recipientSid !== undefined || fields.recipientClient !== undefined
    ? { sid: (fields.recipientSid ?? '').trim(), client: (fields.recipientClient ?? '').trim() }
    : undefined;
  if (recipient !== undefined && !(sameSystemId(recipient.sid, own.sid) && sameSystemId(recipient.client, own.client))) {
    throw new TicketError('ERR_TICKET_WRONG_RECIPIENT', `the ticket is for ${recipient.sid}/${recipient.client}, not ${own.sid}/${own.client}`);
  }
  if (opts.assertion) {
    if ((fields.flags & 0x01) === 0) throw new TicketError('ERR_TICKET_NOT_ASSERTION', 'not an assertion ticket (flags bit 0x01 is not set)');
    if (recipient === undefined) throw new TicketError('ERR_TICKET_WRONG_RECIPIENT', 'the assertion ticket names no recipient (0x10/0x0F)');
  }

  checkValidity(fields.createdAt, fields.validUntil, now, opts.toleranceMinutes);

  const entry: TrustedEntry | undefined = authorization.kind === 'trusted' ? authorization.entry : undefined;
  // Only where something keys on it (the once-only check, the cache's bound): a SHA-256 over the signed content.
  const identity = opts.assertion || withIdentity ? replayId(ticket.signedBytes, cms, algorithm) : undefined;
  const verified: VerifiedTicket = {
    user,
    portalUser: fields.portalUser?.replace(/^portal:/, ''),
    authScheme: fields.authScheme ?? 'default',
    sid,
    client,
    createdAt: fields.createdAt,
    validUntil: fields.validUntil,
    language: fields.language?.trim() || undefined,
    recipient,
    flags: fields.flags,
    assertion: (fields.flags & 0x01) !== 0,
    codePage: ticket.codePage,
    signer: {
      subjectDn: signer.subjectDn,
      issuerDn: signer.issuerDn,
      serial: signer.serialNumber,
      trust: authorization.kind,
      entry: entry?.name,
      algorithm,
      keyBits: signer.keyBits,
    },
    infoUnits: ticket.infoUnits,
    ...(opts.assertion ? { replayId: identity } : {}),
  };
  return { ticket: verified, bytes: ticket.bytes, identity };
}

/**
 * The user without ABAP's blank padding (§1.2: SAP trims it when reading), as Java's `String.trim` trims: characters
 * up to U+0020. Not `trimEnd()`, which also drops U+00A0, U+3000, U+FEFF and other Unicode spaces that belong to the
 * name the issuer signed ("ADMIN\u3000" is not "ADMIN").
 */
function trimTrailingBlanks(name: string | undefined): string | undefined {
  if (name === undefined) return undefined;
  let end = name.length;
  while (end > 0 && name.charCodeAt(end - 1) <= 0x20) end--;
  return end === name.length ? name : name.slice(0, end);
}

/** See `VerifiedTicket.replayId`. */
function replayId(signedBytes: Uint8Array, cms: CmsSignature, algorithm: TicketAlgorithm): string {
  const h = createHash('sha256').update(signedBytes);
  if (cms.signedAttributes !== undefined) h.update(cms.signedAttributes.der);
  // DSA and ECDSA: Dss-Sig-Value ::= SEQUENCE { r INTEGER, s INTEGER }, strict DER (checked when it verified).
  const sig = cms.signature;
  if (algorithm.startsWith('rsa-')) h.update(sig);
  else h.update(readInteger(sig, children(sig, readElement(sig, 0, sig.length))[0]!, 'signature r'));
  return h.digest('hex');
}

function checkKey(cert: CertificateInfo, algorithm: TicketAlgorithm, opts: CheckedOptions): void {
  const family = algorithm.slice(0, algorithm.indexOf('-'));
  const keyFamily = cert.keyType === 'ec' ? 'ecdsa' : cert.keyType;
  if (family !== keyFamily) {
    throw new TicketError('ERR_TICKET_SIGNATURE_INVALID', `the ticket says ${algorithm} but the signer certificate has a ${cert.keyType.toUpperCase()} key`);
  }
  const bits = cert.keyBits;
  const min = opts.minKeyBits[cert.keyType];
  if (!opts.allowWeakKeys && bits < min) {
    throw new TicketError('ERR_TICKET_KEY_TOO_WEAK', `the signer's ${cert.keyType.toUpperCase()} key has ${bits} bits, fewer than ${min} (set allowWeakKeys to accept it)`);
  }
}
