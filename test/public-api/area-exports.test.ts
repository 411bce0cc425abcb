/**
 * The public API (`src/index.ts`) is one flat list of named exports, and it keeps up with the areas: whatever an
 * area's own `index.ts` exports (ticket, keystore, policy, web) is exported from the package too, as the same
 * declaration. An export added to an area's index but forgotten in `src/index.ts` fails here.
 */
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';
import { beforeAll, describe, expect, it } from 'vitest';
import { sourceProgram } from '../support/typescript.js';

const REPO_ROOT = fileURLToPath(new URL('../../', import.meta.url));
const AREAS = ['ticket', 'keystore', 'policy', 'web'];

/** Each module's exports, by name, resolved to the declaration they name. */
function exportsOf(files: string[]): Map<string, Map<string, ts.Symbol>> {
  const program = sourceProgram([join(REPO_ROOT, 'src', 'index.ts')]);
  const checker = program.getTypeChecker();
  return new Map(
    files.map((file) => {
      const sourceFile = program.getSourceFile(file);
      if (sourceFile === undefined) throw new Error(`${file} is not part of the public API's program`);
      const symbols = checker.getExportsOfModule(checker.getSymbolAtLocation(sourceFile)!);
      return [file, new Map(symbols.map((s) => [s.name, s.flags & ts.SymbolFlags.Alias ? checker.getAliasedSymbol(s) : s]))];
    }),
  );
}

describe('the public API', () => {
  const index = join(REPO_ROOT, 'src', 'index.ts');
  const areaFiles = AREAS.map((area) => join(REPO_ROOT, 'src', area, 'index.ts'));
  let exports: Map<string, Map<string, ts.Symbol>>;
  beforeAll(() => {
    exports = exportsOf([index, ...areaFiles]);
  }, 60_000);

  it('has named exports only', () => {
    expect(exports.get(index)!.has('default')).toBe(false);
    expect(exports.get(index)!.size).toBeGreaterThan(200);
  });

  it.each(AREAS)("exports everything src/%s/index.ts exports, as the same declaration", (area) => {
    const publicApi = exports.get(index)!;
    const missing = [...exports.get(join(REPO_ROOT, 'src', area, 'index.ts'))!].filter(([name, symbol]) => publicApi.get(name) !== symbol).map(([name]) => name);
    expect(missing).toEqual([]);
  });
});
