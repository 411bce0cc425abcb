import { expect } from 'vitest';
import { Keystore } from '../../src/keystore/index.js';
import { TicketError, type TicketErrorCode } from '../../src/ticket/index.js';

/** Runs `fn` and asserts it throws a TicketError with `code`; returns the error. */
export function expectTicketError(fn: () => unknown, code: TicketErrorCode): TicketError {
  let error: unknown;
  try {
    fn();
  } catch (err) {
    error = err;
  }
  expect(error, `expected ${code}`).toBeInstanceOf(TicketError);
  expect((error as TicketError).code).toBe(code);
  return error as TicketError;
}

/** A keystore with the same key pair as `base` but another own SID/client and no trusted entries. */
export function withOwnIdentity(base: Keystore, sid: string, client: string): Keystore {
  return Keystore.fromKeyPair({ sid, client, certificate: base.own.certificate, privateKey: base.own.privateKey });
}

export const minutes = (date: Date | string, n: number): Date => new Date(new Date(date).getTime() + n * 60_000);
