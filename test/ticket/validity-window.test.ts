import { beforeAll, describe, expect, it } from 'vitest';
import { Keystore } from '../../src/keystore/index.js';
import { issueTicket, verifyTicket, type IssuedTicket } from '../../src/ticket/index.js';
import { expectTicketError, minutes } from './helpers.js';

// sap-logon-ticket.md §1.3: valid from CREATE_TIME (minute, UTC) to + hours + minutes, tolerance 3 min both sides.
const ISSUED_AT = new Date('2025-03-04T10:20:45Z');
const FROM = new Date('2025-03-04T10:20:00Z');
const UNTIL = new Date('2025-03-04T12:05:00Z');
let keystore: Keystore;
let ticket: IssuedTicket;
beforeAll(async () => {
  keystore = await Keystore.generate({ sid: 'J2E', client: '000' });
  ticket = issueTicket({ keystore, user: 'U', lifetimeMinutes: 105, now: ISSUED_AT });
});

describe('validity window', () => {
  it('is creation time (to the minute) + hours + minutes', () => {
    expect(ticket.createdAt).toEqual(FROM);
    expect(ticket.validUntil).toEqual(UNTIL);
    expect(verifyTicket(ticket.text, { keystore, now: ISSUED_AT }).validUntil).toEqual(UNTIL);
  });

  it.each([
    [-3, 'ok'],
    [-3.01, 'ERR_TICKET_NOT_YET_VALID'],
    [-4, 'ERR_TICKET_NOT_YET_VALID'],
    [0, 'ok'],
  ] as const)('from %d minutes: %s (default tolerance 3)', (offset, want) => {
    const now = minutes(FROM, offset);
    if (want === 'ok') expect(verifyTicket(ticket.text, { keystore, now }).user).toBe('U');
    else expectTicketError(() => verifyTicket(ticket.text, { keystore, now }), want);
  });

  it.each([
    [0, 'ok'],
    [3, 'ok'],
    [3.01, 'ERR_TICKET_EXPIRED'],
    [4, 'ERR_TICKET_EXPIRED'],
  ] as const)('until %d minutes: %s (default tolerance 3)', (offset, want) => {
    const now = minutes(UNTIL, offset);
    if (want === 'ok') expect(verifyTicket(ticket.text, { keystore, now }).user).toBe('U');
    else expectTicketError(() => verifyTicket(ticket.text, { keystore, now }), want);
  });

  it('the tolerance is configurable, 0 included', () => {
    expectTicketError(() => verifyTicket(ticket.text, { keystore, now: minutes(UNTIL, 1), toleranceMinutes: 0 }), 'ERR_TICKET_EXPIRED');
    expect(verifyTicket(ticket.text, { keystore, now: minutes(UNTIL, 9), toleranceMinutes: 10 }).user).toBe('U');
    expectTicketError(() => verifyTicket(ticket.text, { keystore, now: minutes(FROM, -11), toleranceMinutes: 10 }), 'ERR_TICKET_NOT_YET_VALID');
  });

  it('the clock is injectable as a function, read once per verification', () => {
    let calls = 0;
    const clock = () => {
      calls++;
      return minutes(UNTIL, 5);
    };
    expectTicketError(() => verifyTicket(ticket.text, { keystore, now: clock }), 'ERR_TICKET_EXPIRED');
    expect(calls).toBe(1);
  });

  it('a ticket created in the future (issuer clock ahead) is not yet valid', () => {
    const future = issueTicket({ keystore, user: 'U', now: minutes(ISSUED_AT, 10) });
    expectTicketError(() => verifyTicket(future.text, { keystore, now: ISSUED_AT }), 'ERR_TICKET_NOT_YET_VALID');
  });

  it('invalid options are TypeErrors naming the option', () => {
    expect(() => verifyTicket(ticket.text, { keystore, toleranceMinutes: -1 })).toThrow(/toleranceMinutes/);
    expect(() => verifyTicket(ticket.text, { keystore, toleranceMinutes: Number.NaN })).toThrow(/toleranceMinutes/);
    expect(() => verifyTicket(ticket.text, { keystore, now: new Date('nope') })).toThrow(/now/);
    expect(() => verifyTicket(ticket.text, { keystore, now: () => new Date(Number.NaN) })).toThrow(/now/);
    expect(() => verifyTicket(ticket.text, { keystore: {} as Keystore })).toThrow(/keystore/);
    expect(() => verifyTicket(ticket.text, { keystore, assertion: 'yes' as unknown as boolean })).toThrow(/assertion/);
    expect(() => issueTicket({ keystore, user: 'U', lifetimeMinutes: 0 })).toThrow(/lifetimeMinutes/);
  });
});
