/** Callers can switch on `err.code` across every area, with narrowing to the area's error class. */
import { describe, expect, expectTypeOf, it } from 'vitest';
import type { AnyTicketStackError, TicketStackErrorCode } from '../../src/index.js';
import { isTicketStackError, StateError, TicketError } from '../../src/index.js';

function describeRefusal(err: AnyTicketStackError): string {
  switch (err.code) {
    case 'ERR_TICKET_EXPIRED':
      expectTypeOf(err).toEqualTypeOf<TicketError>();
      return 'log on again';
    case 'ERR_STATE_UNAVAILABLE':
      expectTypeOf(err).toEqualTypeOf<StateError>();
      return 'try later';
    default:
      return err.code;
  }
}

describe('the closed error-code union', () => {
  it('covers the codes of every area', () => {
    expectTypeOf<'ERR_STACK_ALL_IGNORED'>().toExtend<TicketStackErrorCode>();
    expectTypeOf<'ERR_TICKET_SIGNER_UNKNOWN'>().toExtend<TicketStackErrorCode>();
    expectTypeOf<'ERR_KEYSTORE_ENTRY_NOT_FOUND'>().toExtend<TicketStackErrorCode>();
    expectTypeOf<'ERR_PASSTICKET_REFUSED'>().toExtend<TicketStackErrorCode>();
    expectTypeOf<'ERR_CICS_INVREQ_257'>().toExtend<TicketStackErrorCode>();
    expectTypeOf<'ERR_USER_REVOKED'>().toExtend<TicketStackErrorCode>();
    expectTypeOf<'ERR_USER_STORE_UNAVAILABLE'>().toExtend<TicketStackErrorCode>();
    expectTypeOf<'ERR_DIGEST_REPLAYED'>().toExtend<TicketStackErrorCode>();
    expectTypeOf<'ERR_CLIENT_CERT_UNTRUSTED'>().toExtend<TicketStackErrorCode>();
    // every login module's refusal codes, not only the newest modules'
    expectTypeOf<'ERR_PASSWORD_REFUSED'>().toExtend<TicketStackErrorCode>();
    expectTypeOf<'ERR_PASSWORD_MISSING_CREDENTIALS'>().toExtend<TicketStackErrorCode>();
    expectTypeOf<'ERR_PASSTICKET_MISSING_CREDENTIALS'>().toExtend<TicketStackErrorCode>();
    expectTypeOf<'ERR_TICKET_AUTHSCHEME_TOO_LOW'>().toExtend<TicketStackErrorCode>();
    expectTypeOf<'ERR_TICKET_NO_USER'>().toExtend<TicketStackErrorCode>();
    expectTypeOf<'ERR_TICKET_MISSING'>().toExtend<TicketStackErrorCode>();
    expectTypeOf<'ERR_TICKET_REPLAYED'>().toExtend<TicketStackErrorCode>();
    expectTypeOf<'ERR_CREDENTIALS_TOO_LARGE'>().toExtend<TicketStackErrorCode>();
    expectTypeOf<'ERR_NOT_A_CODE'>().not.toExtend<TicketStackErrorCode>();
  });

  it('narrows at run time by code, and errors keep their status', () => {
    const expired = new TicketError('ERR_TICKET_EXPIRED', 'expired');
    const down = new StateError('ERR_STATE_UNAVAILABLE', 'redis down', { status: 503 });
    expect(describeRefusal(expired)).toBe('log on again');
    expect(describeRefusal(down)).toBe('try later');
    expect(isTicketStackError(expired)).toBe(true);
    expect(isTicketStackError(Object.assign(new Error('node'), { code: 'ERR_INVALID_ARG_TYPE' }))).toBe(false);
    expect(down.status).toBe(503);
  });
});
