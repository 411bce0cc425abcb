/**
 * Where the SAP ticket vectors are: the test-key tickets are copied into `test/fixtures/sap/`; the real tickets of
 * real systems stay in `../shared/vectors/sap/` (see that folder's README, "Using them in the project") and the tests
 * that need them are skipped, with a message, when it is absent.
 */
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
export const fixturesDir = path.join(repoRoot, 'test/fixtures/sap');
export const sharedVectorsDir = path.resolve(repoRoot, '../shared/vectors/sap');
export const sharedVectorsExist = existsSync(path.join(sharedVectorsDir, 'expected.json'));
export const SKIP_MESSAGE = `real SAP tickets are read from ${sharedVectorsDir}, which is absent: those tests are skipped`;

export interface ExpectedUnit {
  id: string;
  name: string;
  length: number;
  hex?: string;
  value?: string | number;
}
export interface ExpectedTicket {
  file: string;
  decoded_length: number;
  version: number;
  codepage: string;
  info_units: ExpectedUnit[];
  signed_bytes?: { sha1: string };
  cms?: {
    certificates_included: boolean;
    signer_issuer: string;
    signer_serial: string;
    signing_time: string[];
    messageDigest_attr: string;
    digest_algorithm: string;
  };
  verify_with: string | null;
  signature_verifies: boolean | string;
  validity_utc?: { from: string; until: string };
  parse_error?: string;
}

/** The test-key tickets, always available. */
export const TEST_KEY_TICKETS = ['pysapsso2-sapssoext-assertion.b64', 'sso_sap-javaticket-generated1.txt', 'sso_sap-javaticket-generated2.txt'];

export function expectedFixtures(): ExpectedTicket[] {
  return JSON.parse(readFileSync(path.join(fixturesDir, 'expected.json'), 'utf8')) as ExpectedTicket[];
}

/** The real tickets' expectations (empty when ../shared is absent). */
export function expectedReal(): ExpectedTicket[] {
  if (!sharedVectorsExist) return [];
  const all = JSON.parse(readFileSync(path.join(sharedVectorsDir, 'expected.json'), 'utf8')) as ExpectedTicket[];
  return all.filter((t) => !TEST_KEY_TICKETS.includes(t.file));
}

/** Reads a vector file (ticket text or certificate) from the fixtures, else from ../shared. */
export function vectorFile(file: string): Buffer {
  const local = path.join(fixturesDir, file);
  return readFileSync(existsSync(local) ? local : path.join(sharedVectorsDir, file));
}

export function vectorText(file: string): string {
  return vectorFile(file).toString('utf8');
}
