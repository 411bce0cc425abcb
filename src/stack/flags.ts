/**
 * JAAS control flags (javax.security.auth.login.Configuration) and the shared entry checks.
 *
 * @module
 */

/** The four JAAS control flags. Semantics: login-stack-semantics.md §1–§3. */
export type ControlFlag = 'REQUIRED' | 'REQUISITE' | 'SUFFICIENT' | 'OPTIONAL';

/** The control flags in their canonical order. */
export const CONTROL_FLAGS: readonly ControlFlag[] = Object.freeze(['REQUIRED', 'REQUISITE', 'SUFFICIENT', 'OPTIONAL']);

export function isControlFlag(value: unknown): value is ControlFlag {
  return typeof value === 'string' && (CONTROL_FLAGS as readonly string[]).includes(value);
}

/** `loginStack entry 2 ("BasicPassword")`: how configuration errors name an entry (1-based, as people count). */
export function describeEntry(label: string, index: number, entry: unknown): string {
  const name = typeof entry === 'object' && entry !== null ? (entry as { name?: unknown }).name : undefined;
  return typeof name === 'string' && name.trim() !== ''
    ? `${label} entry ${index + 1} (${JSON.stringify(name)})`
    : `${label} entry ${index + 1}`;
}

/**
 * Checks the parts common to engine and adapter entries: an array of objects, each with a unique non-empty
 * `name` and a known `flag`. Throws a `TypeError` naming the entry.
 */
export function checkEntryShapes(label: string, entries: unknown): asserts entries is readonly { name: string; flag: ControlFlag }[] {
  if (!Array.isArray(entries)) throw new TypeError(`${label}: entries must be an array of { name, flag, module }`);
  if (entries.length === 0) throw new TypeError(`${label}: the stack is empty; give at least one entry`);
  const seen = new Map<string, number>();
  entries.forEach((entry: unknown, i) => {
    const where = (): string => describeEntry(label, i, entry); // formatted only for an error
    if (typeof entry !== 'object' || entry === null) throw new TypeError(`${where()}: must be an object { name, flag, module }`);
    const { name, flag } = entry as { name?: unknown; flag?: unknown };
    if (typeof name !== 'string' || name.trim() === '') throw new TypeError(`${where()}: missing "name" (a non-empty string)`);
    const earlier = seen.get(name);
    if (earlier !== undefined) throw new TypeError(`${where()}: duplicate name; entry ${earlier + 1} has the same name`);
    seen.set(name, i);
    if (!isControlFlag(flag)) {
      throw new TypeError(`${where()}: unknown flag ${JSON.stringify(flag)}; expected one of ${CONTROL_FLAGS.join(', ')}`);
    }
  });
}
