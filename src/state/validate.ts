/**
 * Small option-value and argument checks shared by the state stores (unknown option keys: `../option-keys.ts`). Configuration mistakes are `TypeError`s
 * that name the option; they are raised once, at construction or at the call that received them.
 *
 * @internal
 * @module
 */

export function assertPositiveInteger(where: string, name: string, value: unknown): asserts value is number {
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value <= 0) {
    throw new TypeError(`${where}: ${name} must be a positive integer (milliseconds or a count), got ${describe(value)}`);
  }
}

export function assertKey(where: string, key: unknown): asserts key is string {
  if (typeof key !== 'string' || key.length === 0 || key.length > 1024) {
    throw new TypeError(`${where}: key must be a non-empty string of at most 1024 characters`);
  }
}

function describe(value: unknown): string {
  return typeof value === 'number' ? String(value) : typeof value;
}
