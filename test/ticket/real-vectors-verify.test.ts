import { beforeAll, describe, expect, it } from 'vitest';
import { Keystore } from '../../src/keystore/index.js';
import { decodeTicket, verifyTicket } from '../../src/ticket/index.js';
import { expectTicketError, minutes, withOwnIdentity } from './helpers.js';
import { expectedFixtures, expectedReal, sharedVectorsExist, SKIP_MESSAGE, vectorFile, vectorText, type ExpectedTicket } from './vectors.js';

/** The signer certificate of each verifiable ticket (embedded ones were extracted to PEM files in ../shared). */
const CERTS: Record<string, string> = {
  'pysapsso2-sapssoext-assertion.b64': 'pysapsso2-signer.crt.pem',
  'sso_sap-javaticket-generated1.txt': 'sso_sap-generated1-signer.cer',
  'sso_sap-javaticket-generated2.txt': 'sso_sap-generated2-signer.cer',
  'ksi-re5-logon-cookie.txt': 'ksi-de4-signer.crt.pem',
  'ksi-re5-assertion.b64': 'ksi-de4-signer.crt.pem',
  'ksi-re5-logon-b.b64': 'ksi-de4-signer.crt.pem',
  'kuleuven-wsp-logon-cookie.txt': 'kuleuven-wsp-signer.crt.pem',
};
/** The old WSP certificate is DSA-512: it verifies only with allowWeakKeys (issue 8 policy). */
const WEAK = new Set(['kuleuven-wsp-logon-cookie.txt']);

let base: Keystore;
beforeAll(async () => {
  base = await Keystore.generate({ sid: 'OWN', client: '001' });
});

function setup(expected: ExpectedTicket) {
  const text = vectorText(expected.file);
  const { fields } = decodeTicket(text);
  const sid = fields.sid!.trim();
  const client = fields.client!.trim();
  // An assertion ticket is for its recipient: be that system. A logon ticket: be some other system.
  const own = fields.recipientSid !== undefined ? withOwnIdentity(base, fields.recipientSid.trim(), fields.recipientClient!.trim()) : withOwnIdentity(base, 'OWN', '001');
  const cert = vectorFile(CERTS[expected.file]!);
  const from = new Date(expected.validity_utc!.from);
  const until = new Date(expected.validity_utc!.until);
  const weak = WEAK.has(expected.file) ? { allowWeakKeys: true } : {};
  // The keystore refuses a weak certificate too unless told otherwise (issue 8).
  const trust = (sidOf: string, clientOf: string) => own.addTrusted(cert, { sid: sidOf, client: clientOf, ...(WEAK.has(expected.file) ? { allowWeakKey: true } : {}) });
  return { text, sid, client, own, cert, from, until, weak, trust };
}

function verifiable(expected: ExpectedTicket): void {
  it('verifies once its certificate is imported with the right SID and client', () => {
    const { text, sid, client, own, from, weak, trust } = setup(expected);
    trust(sid, client);
    const verified = verifyTicket(text, { keystore: own, now: minutes(from, 1), ...weak });
    expect(verified.sid).toBe(sid);
    expect(verified.client).toBe(client);
    expect(verified.signer.trust).toBe('trusted');
    expect(verified.signer.algorithm).toBe('dsa-sha1');
    const user = expected.info_units.find((u) => u.name === 'USER')!.value as string;
    expect(verified.user).toBe(user.trimEnd());
    expect(verified.assertion).toBe(expected.info_units.some((u) => u.name === 'FLAGS'));
    if (verified.assertion) expect(verifyTicket(text, { keystore: own, now: minutes(from, 1), assertion: true, ...weak }).assertion).toBe(true);
  });
  it('is refused when its certificate is not in the keystore (the embedded one is not trusted by itself)', () => {
    const { text, own, from, weak } = setup(expected);
    expectTicketError(() => verifyTicket(text, { keystore: own, now: minutes(from, 1), ...weak }), 'ERR_TICKET_SIGNER_UNKNOWN');
  });
  it('is refused when the ACL names another SID', () => {
    const { text, client, own, from, weak, trust } = setup(expected);
    trust('XYZ', client);
    expectTicketError(() => verifyTicket(text, { keystore: own, now: minutes(from, 1), ...weak }), 'ERR_TICKET_ACL_MISMATCH');
  });
  it('is refused as expired one minute past the tolerance, and accepted at the edge', () => {
    const { text, sid, client, own, until, weak, trust } = setup(expected);
    trust(sid, client);
    expect(verifyTicket(text, { keystore: own, now: minutes(until, 3), ...weak }).sid).toBe(sid);
    expectTicketError(() => verifyTicket(text, { keystore: own, now: minutes(until, 4), ...weak }), 'ERR_TICKET_EXPIRED');
  });
  it('is refused as not yet valid one minute before the tolerance', () => {
    const { text, sid, client, own, from, weak, trust } = setup(expected);
    trust(sid, client);
    expect(verifyTicket(text, { keystore: own, now: minutes(from, -3), ...weak }).sid).toBe(sid);
    expectTicketError(() => verifyTicket(text, { keystore: own, now: minutes(from, -4), ...weak }), 'ERR_TICKET_NOT_YET_VALID');
  });
  if (WEAK.has(expected.file)) {
    it('is refused as ERR_TICKET_KEY_TOO_WEAK (DSA-512) without allowWeakKeys', () => {
      const { text, sid, client, own, from, trust } = setup(expected);
      trust(sid, client);
      const err = expectTicketError(() => verifyTicket(text, { keystore: own, now: minutes(from, 1) }), 'ERR_TICKET_KEY_TOO_WEAK');
      expect(err.message).toContain('512');
      expect(verifyTicket(text, { keystore: own, now: minutes(from, 1), minKeyBits: { dsa: 512 } }).sid).toBe('WSP');
    });
  }
}

describe('test-key tickets verify with their certificates', () => {
  for (const expected of expectedFixtures()) {
    describe(expected.file, () => verifiable(expected));
  }
  it("each SAP-Java ticket fails against the other's certificate", () => {
    const own = withOwnIdentity(base, 'OWN', '001');
    own.addTrusted(vectorFile('sso_sap-generated2-signer.cer'), { sid: 'system', client: 'client' });
    expectTicketError(() => verifyTicket(vectorText('sso_sap-javaticket-generated1.txt'), { keystore: own, now: new Date('2012-05-07T21:00:00Z') }), 'ERR_TICKET_SIGNER_UNKNOWN');
  });
  it('the SAPSSOEXT assertion ticket is refused by a system that is not its recipient', () => {
    const own = withOwnIdentity(base, 'OWN', '001');
    own.addTrusted(vectorFile('pysapsso2-signer.crt.pem'), { sid: 'SAP', client: '000' });
    expectTicketError(
      () => verifyTicket(vectorText('pysapsso2-sapssoext-assertion.b64'), { keystore: own, now: new Date('2023-12-17T15:27:00Z'), assertion: true }),
      'ERR_TICKET_WRONG_RECIPIENT',
    );
  });
});

describe.skipIf(!sharedVectorsExist)(`real tickets with a certificate verify${sharedVectorsExist ? '' : ` (skipped: ${SKIP_MESSAGE})`}`, () => {
  const real = expectedReal();
  for (const expected of real.filter((t) => t.signature_verifies === true)) {
    describe(expected.file, () => verifiable(expected));
  }
  it('four verifiable real tickets (seven with the test-key ones)', () => {
    expect(real.filter((t) => t.signature_verifies === true).length).toBe(4);
  });
  for (const expected of real.filter((t) => t.signature_verifies !== true && t.parse_error === undefined)) {
    it(`${expected.file} (no certificate available) is refused as ERR_TICKET_SIGNER_UNKNOWN`, () => {
      const own = withOwnIdentity(base, 'OWN', '001');
      expectTicketError(() => verifyTicket(vectorText(expected.file), { keystore: own, now: new Date(expected.validity_utc!.from) }), 'ERR_TICKET_SIGNER_UNKNOWN');
    });
  }
  it('the truncated ticket is refused as ERR_TICKET_TRUNCATED', () => {
    const own = withOwnIdentity(base, 'OWN', '001');
    expectTicketError(() => verifyTicket(vectorText('negative-sso_sap-truncated.txt'), { keystore: own }), 'ERR_TICKET_TRUNCATED');
  });
});
