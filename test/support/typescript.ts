/**
 * The TypeScript compiler, for the tests that read this package's types (the error-code union, the public API,
 * the README's code blocks): the options `tsconfig.json` compiles `src/` with, as far as they matter to them.
 */
import ts from 'typescript';

export const COMPILER_OPTIONS: ts.CompilerOptions = {
  target: ts.ScriptTarget.ES2022,
  module: ts.ModuleKind.NodeNext,
  moduleResolution: ts.ModuleResolutionKind.NodeNext,
  strict: true,
  esModuleInterop: true,
  skipLibCheck: true,
  types: ['node'],
  noEmit: true,
};

/** A program over `files` and what they import. */
export function sourceProgram(files: readonly string[]): ts.Program {
  return ts.createProgram(files, COMPILER_OPTIONS);
}
