/**
 * The first check of every options object this package takes (jose's `lib/options.ts` style, ecosystem-notes.md
 * §3.1; express-openid-connect's `.unknown(false)`, §3.3): it must be an object, and every key must be one the
 * function knows, so that a misspelt option is a `TypeError` naming it instead of a silent fall back to a default.
 * Each function then checks the values of its own options.
 *
 * @internal
 * @module
 */

/** Throws a `TypeError` unless `options` is an object whose keys are all in `allowed`; names `where` and the key. */
export function checkOptionKeys(where: string, options: unknown, allowed: readonly string[]): asserts options is object {
  if (options === null || typeof options !== 'object') throw new TypeError(`${where}: options must be an object`);
  for (const key of Object.keys(options)) {
    if (!allowed.includes(key)) throw new TypeError(`${where}: unknown option "${key}" (allowed: ${allowed.join(', ')})`);
  }
}
