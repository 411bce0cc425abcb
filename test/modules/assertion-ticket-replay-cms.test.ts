/**
 * An assertion ticket is accepted once, however its holder rewrites the parts of the CMS that no key protects: an
 * embedded certificate added, or an ECDSA signature's `s` replaced by `n − s` (which verifies too). Each rewrite is a
 * valid ticket on its own (shown first), and a replay once the original was used. Two genuine tickets issued in the
 * same second for the same user are both accepted.
 */
import * as asn1js from 'asn1js';
import { Passport } from 'passport';
import * as pkijs from 'pkijs';
import request from 'supertest';
import { beforeAll, describe, expect, it } from 'vitest';
import { Keystore } from '../../src/keystore/index.js';
import { createEvaluateAssertionTicketStrategy } from '../../src/modules/evaluate-assertion-ticket-module.js';
import { loginStack } from '../../src/stack/passport-adapter.js';
import { MemoryStateStore } from '../../src/state/memory-state-store.js';
import { appendSignatureUnit, decodeTicket, encodeTicketText, issueAssertionTicket } from '../../src/ticket/index.js';
import { app, NOW } from './helpers.js';

/** The order n of P-256. */
const P256_N = 0xffffffff00000000ffffffffffffffffbce6faada7179e84f3b9cac2fc632551n;

let portal: Keystore;
let erp: Keystore;
beforeAll(async () => {
  portal = await Keystore.generate({ sid: 'J2E', client: '000', alg: 'ecdsa' });
  erp = await Keystore.generate({ sid: 'ERP', client: '100' });
  erp.addTrusted(portal.own.certificate, { sid: 'J2E', client: '000' });
}, 60_000);

function server(state: MemoryStateStore, refusals: string[]) {
  const strategy = createEvaluateAssertionTicketStrategy({ keystore: erp, state, now: NOW, onRefusal: (e) => refusals.push(e.code) });
  return app(loginStack([{ name: 'assertion', flag: 'REQUIRED', module: strategy }], { session: false, passport: new Passport() }));
}

const assertion = () => issueAssertionTicket({ keystore: portal, user: 'ALICE', recipientSid: 'ERP', recipientClient: '100', now: NOW }).text;

/** The same ticket with its CMS SignedData changed by `change` (no key involved), in SAP's text form. */
function rewriteCms(text: string, change: (signedData: pkijs.SignedData) => void): string {
  const decoded = decodeTicket(text);
  const cmsBytes = decoded.signature;
  const contentInfo = new pkijs.ContentInfo({ schema: asn1js.fromBER(Uint8Array.from(cmsBytes)).result });
  const signedData = new pkijs.SignedData({ schema: contentInfo.content });
  change(signedData);
  contentInfo.content = signedData.toSchema(true);
  const der = new Uint8Array(contentInfo.toSchema().toBER(false));
  return encodeTicketText(appendSignatureUnit(decoded.signedBytes, der));
}

const withCertificate = (text: string) =>
  rewriteCms(text, (sd) => {
    sd.certificates = [pkijs.Certificate.fromBER(Uint8Array.from(portal.own.certificate.der))];
  });

const withOtherS = (text: string) =>
  rewriteCms(text, (sd) => {
    const signerInfo = sd.signerInfos[0]!;
    const seq = asn1js.fromBER(signerInfo.signature.valueBlock.valueHexView.slice()).result as asn1js.Sequence;
    const [r, s] = seq.valueBlock.value as [asn1js.Integer, asn1js.Integer];
    const flipped = new asn1js.Sequence({ value: [r, asn1js.Integer.fromBigInt(P256_N - s.toBigInt())] });
    signerInfo.signature = new asn1js.OctetString({ valueHex: flipped.toBER(false) });
  });

describe('an assertion ticket rewritten without the key', () => {
  it.each([
    ['an embedded certificate added', withCertificate],
    ["the ECDSA signature's s replaced by n − s", withOtherS],
  ])('%s: a valid ticket by itself, a replay after the original', async (_name, rewrite) => {
    const text = assertion();
    const variant = rewrite(text);
    expect(variant).not.toBe(text);

    const alone: string[] = [];
    expect((await request(server(new MemoryStateStore(), alone)).get('/login').set('MYSAPSSO2', variant)).status).toBe(200);

    const refusals: string[] = [];
    const s = server(new MemoryStateStore(), refusals);
    expect((await request(s).get('/login').set('MYSAPSSO2', text)).status).toBe(200);
    expect((await request(s).get('/login').set('MYSAPSSO2', variant)).status).toBe(401);
    expect(refusals).toEqual(['ERR_TICKET_REPLAYED']);
  });

  it('two genuine tickets for the same user, recipient and second are two tickets', async () => {
    const refusals: string[] = [];
    const s = server(new MemoryStateStore(), refusals);
    const [a, b] = [assertion(), assertion()];
    expect(decodeTicket(a).signedBytes).toEqual(decodeTicket(b).signedBytes); // the same signed content…
    expect((await request(s).get('/login').set('MYSAPSSO2', a)).status).toBe(200);
    expect((await request(s).get('/login').set('MYSAPSSO2', b)).status).toBe(200); // …signed twice
    expect(refusals).toEqual([]);
  });
});
