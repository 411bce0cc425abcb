import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Keystore } from '../../src/keystore/index.js';
import { decodeTicket, issueAssertionTicket, issueTicket, type IssueCodePage, type TicketHash } from '../../src/ticket/index.js';
import { vectorFile, vectorText } from './vectors.js';

const OPENSSL = '/usr/bin/openssl';
const NOW = new Date('2025-03-04T10:20:30Z');
let dir: string;
const keystores: Partial<Record<'dsa' | 'rsa' | 'ecdsa', Keystore>> = {};

beforeAll(async () => {
  dir = mkdtempSync(path.join(os.tmpdir(), 'ticketstack-openssl-'));
  for (const alg of ['dsa', 'rsa', 'ecdsa'] as const) keystores[alg] = await Keystore.generate({ sid: 'J2E', client: '000', alg });
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Saves the signature unit as DER and the signed bytes as a file, then runs `openssl cms -verify`. */
function opensslVerifies(text: string, certPem: string | undefined, name: string): string {
  const ticket = decodeTicket(text);
  const sig = path.join(dir, `${name}.sig.der`);
  const signed = path.join(dir, `${name}.signed`);
  writeFileSync(sig, ticket.signature);
  writeFileSync(signed, ticket.signedBytes);
  const args = ['cms', '-verify', '-binary', '-inform', 'DER', '-in', sig, '-content', signed, '-noverify', '-out', path.join(dir, `${name}.out`)];
  if (certPem !== undefined) {
    const cert = path.join(dir, `${name}.crt.pem`);
    writeFileSync(cert, certPem);
    args.push('-certfile', cert);
  }
  // Throws (non-zero exit) if OpenSSL refuses the signature.
  return execFileSync(OPENSSL, args, { stdio: ['ignore', 'pipe', 'pipe'] }).toString() + 'ok';
}

describe.skipIf(!existsSync(OPENSSL))('OpenSSL accepts the signatures of tickets issued here', () => {
  for (const codePage of ['1100', '4102', '4103', '4110'] as IssueCodePage[]) {
    for (const alg of ['dsa', 'rsa', 'ecdsa'] as const) {
      for (const hash of ['sha1', 'sha256'] as TicketHash[]) {
        it(`code page ${codePage}, ${alg}-${hash}, certificate ${alg === 'rsa' ? 'embedded' : 'given with -certfile'}`, () => {
          const keystore = keystores[alg]!;
          const embed = alg === 'rsa';
          const issued = issueTicket({ keystore, user: 'MÜLLER', codePage, hash, includeCertificate: embed, now: NOW });
          expect(opensslVerifies(issued.text, embed ? undefined : keystore.own.certificate.pem, `${codePage}-${alg}-${hash}`)).toMatch(/ok$/);
        });
      }
    }
  }
  it('an assertion ticket', () => {
    const issued = issueAssertionTicket({ keystore: keystores.dsa!, user: 'U', recipientSid: 'ERP', recipientClient: '100', now: NOW });
    expect(opensslVerifies(issued.text, keystores.dsa!.own.certificate.pem, 'assertion')).toMatch(/ok$/);
  });
  it('and, as a control, a test-key ticket made by SAP (and refuses it with the wrong content)', () => {
    const der = vectorFile('pysapsso2-signer.crt.pem').toString();
    expect(opensslVerifies(vectorText('pysapsso2-sapssoext-assertion.b64'), der, 'pysapsso2')).toMatch(/ok$/);
    const issued = issueTicket({ keystore: keystores.dsa!, user: 'A', now: NOW });
    const other = issueTicket({ keystore: keystores.dsa!, user: 'B', now: NOW });
    const ticket = decodeTicket(issued.text);
    writeFileSync(path.join(dir, 'mix.sig.der'), ticket.signature);
    writeFileSync(path.join(dir, 'mix.signed'), decodeTicket(other.text).signedBytes);
    writeFileSync(path.join(dir, 'mix.crt.pem'), keystores.dsa!.own.certificate.pem);
    expect(() =>
      execFileSync(OPENSSL, ['cms', '-verify', '-binary', '-inform', 'DER', '-in', path.join(dir, 'mix.sig.der'), '-content', path.join(dir, 'mix.signed'), '-noverify', '-certfile', path.join(dir, 'mix.crt.pem'), '-out', '/dev/null'], { stdio: 'pipe' }),
    ).toThrow();
  });
});
