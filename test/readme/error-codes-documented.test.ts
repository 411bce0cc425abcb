/**
 * The README documents every error code, and no code that does not exist (brief: "add new codes there and to the
 * README tables"). The codes are read from the type `TicketStackErrorCode` itself, by the TypeScript compiler, so a
 * code added to any area's union (or a new union added to it) is seen here without a list to keep up to date.
 */
import { join } from 'node:path';
import ts from 'typescript';
import { beforeAll, describe, expect, it } from 'vitest';
import { readReadme, REPO_ROOT } from '../support/readme.js';
import { sourceProgram } from '../support/typescript.js';

/** The members of `TicketStackErrorCode` as the compiler resolves them (a non-literal member is returned as its type text). */
function errorCodeUnion(): string[] {
  const file = join(REPO_ROOT, 'src', 'error-codes.ts');
  const program = sourceProgram([file]);
  const checker = program.getTypeChecker();
  const alias = program
    .getSourceFile(file)
    ?.statements.find((s): s is ts.TypeAliasDeclaration => ts.isTypeAliasDeclaration(s) && s.name.text === 'TicketStackErrorCode');
  if (alias === undefined) throw new Error('src/error-codes.ts has no type TicketStackErrorCode');
  const type = checker.getTypeAtLocation(alias.name);
  return (type.isUnion() ? type.types : [type]).map((t) => (t.isStringLiteral() ? t.value : `<${checker.typeToString(t)}>`));
}

describe('README error codes', () => {
  const readme = readReadme();
  let codes: string[];
  beforeAll(() => {
    codes = errorCodeUnion();
  }, 60_000);

  it('TicketStackErrorCode is a closed union of string literals', () => {
    expect(codes.filter((c) => !/^ERR_[A-Z0-9_]+$/.test(c))).toEqual([]);
    expect(codes.length).toBeGreaterThan(50); // the imports resolved: not an empty or `any` union
  });

  it('every code of the union is in the README', () => {
    expect(codes.filter((c) => !readme.includes(`\`${c}\``))).toEqual([]);
  });

  it('every code the README names is in the union', () => {
    const named = new Set([...readme.matchAll(/`(ERR_[A-Z0-9_]*[A-Z0-9])`/g)].map((m) => m[1]!));
    expect([...named].filter((c) => !codes.includes(c))).toEqual([]);
  });
});
