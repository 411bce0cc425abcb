/**
 * Validity window (sap-logon-ticket.md §1.3): from CREATE_TIME (UTC, minute resolution) to CREATE_TIME + hours
 * (0x05) + minutes (0x07), with a tolerance on both sides (SAP's `DEFAULT_TIME_TOL = 3`, minutes).
 *
 * @module
 */
import { TicketError } from './errors.js';

export const DEFAULT_TOLERANCE_MINUTES = 3;
const MINUTE = 60_000;

/** A clock: a fixed instant or a function returning the current one. */
export type Clock = Date | (() => Date);

/** Reads a clock option (TypeError naming `now` when it is not a valid Date or function). */
export function readClock(now: Clock | undefined): Date {
  const value = typeof now === 'function' ? now() : (now ?? new Date());
  if (!(value instanceof Date) || Number.isNaN(value.getTime())) throw new TypeError('now must be a valid Date or a function returning one');
  return value;
}

/** Parses `YYYYMMDDHHMM` (UTC) into a Date; `ERR_TICKET_MALFORMED` if it is not a real instant. */
export function parseCreateTime(text: string): Date {
  // Read digit by digit (this runs on every verification); same result as /^(\d{4})(\d{2}){4}$/ and Date.UTC.
  const ok = text.length === 12;
  const y = ok ? digitsAt(text, 0, 4) : -1;
  const mo = ok ? digitsAt(text, 4, 2) : -1;
  const d = ok ? digitsAt(text, 6, 2) : -1;
  const h = ok ? digitsAt(text, 8, 2) : -1;
  const mi = ok ? digitsAt(text, 10, 2) : -1;
  if (y < 0 || mo < 0 || d < 0 || h < 0 || mi < 0) throw new TicketError('ERR_TICKET_MALFORMED', `CREATE_TIME "${text}" is not YYYYMMDDHHMM`);
  const date = new Date(Date.UTC(y, mo - 1, d, h, mi));
  if (date.getUTCFullYear() !== y || date.getUTCMonth() !== mo - 1 || date.getUTCDate() !== d || date.getUTCHours() !== h || date.getUTCMinutes() !== mi) {
    throw new TicketError('ERR_TICKET_MALFORMED', `CREATE_TIME "${text}" is not a valid date`);
  }
  return date;
}

/** The decimal number of `count` digits at `from`, or -1 if any is not a digit. */
function digitsAt(text: string, from: number, count: number): number {
  let n = 0;
  for (let i = from; i < from + count; i++) {
    const digit = text.charCodeAt(i) - 0x30;
    if (!(digit >= 0 && digit <= 9)) return -1;
    n = n * 10 + digit;
  }
  return n;
}

/** Formats a Date as `YYYYMMDDHHMM` in UTC (seconds dropped). */
export function formatCreateTime(date: Date): string {
  const p = (n: number, w = 2) => String(n).padStart(w, '0');
  return `${p(date.getUTCFullYear(), 4)}${p(date.getUTCMonth() + 1)}${p(date.getUTCDate())}${p(date.getUTCHours())}${p(date.getUTCMinutes())}`;
}

/**
 * End of validity: creation + hours + minutes (a missing unit counts as 0). Both units are 4-byte integers, so a
 * ticket can claim a validity beyond the last date a `Date` can hold: that is `ERR_TICKET_MALFORMED`, never an
 * Invalid Date (which every comparison would take as "not expired": a ticket valid for ever).
 */
export function validUntil(createdAt: Date, hours: number, minutes: number): Date {
  const until = new Date(createdAt.getTime() + (hours * 60 + minutes) * MINUTE);
  if (Number.isNaN(until.getTime())) {
    throw new TicketError('ERR_TICKET_MALFORMED', `the validity (${hours} h ${minutes} min from ${createdAt.toISOString()}) ends past the last representable date`);
  }
  return until;
}

/** Throws `ERR_TICKET_NOT_YET_VALID` / `ERR_TICKET_EXPIRED` if `now` is outside [from − tol, until + tol]. */
export function checkValidity(from: Date, until: Date, now: Date, toleranceMinutes: number): void {
  const tol = toleranceMinutes * MINUTE;
  if (now.getTime() < from.getTime() - tol) {
    throw new TicketError('ERR_TICKET_NOT_YET_VALID', `ticket is valid from ${from.toISOString()} (tolerance ${toleranceMinutes} min); now is ${now.toISOString()}`);
  }
  if (now.getTime() > until.getTime() + tol) {
    throw new TicketError('ERR_TICKET_EXPIRED', `ticket expired at ${until.toISOString()} (tolerance ${toleranceMinutes} min); now is ${now.toISOString()}`);
  }
}
