/**
 * Every `ts` and `js` block of the README type-checks against the package's public API (`src/index.ts`, as a user
 * imports it from 'ticketstack'), so a renamed function, a removed option or a wrong option type in an example
 * fails here instead of in a reader's editor.
 *
 * The blocks are fragments: what they take from the surrounding app (`app`, `sso`, `keystore`, `users`, `req`, …)
 * is declared once below with its real type, and a block that does not import from 'ticketstack' gets an import of
 * the package's exports it names. `ts` blocks are checked as strict TypeScript; `js` blocks as strict TypeScript
 * without null checks (JavaScript has no `!`, and `process.env.X` is a string there when it is set).
 */
import { join } from 'node:path';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';
import * as api from '../../src/index.js';
import { fencedBlocks, readReadme, REPO_ROOT } from '../support/readme.js';
import { COMPILER_OPTIONS } from '../support/typescript.js';

const DIR = join(REPO_ROOT, '.readme-blocks'); // virtual: nothing is written

/** What the README's fragments use without declaring it, and the `req.user` shape the README tells TS users to declare. */
const CONTEXT = `
import type { Express, Request, RequestHandler, Response } from 'express';
import type * as ticketstack from 'ticketstack';
declare global {
  namespace Express { interface User { id: string } }
  const app: Express;
  const req: Request;
  const res: Response;
  const handler: RequestHandler;
  const sso: ticketstack.TicketStack;
  const keystore: ticketstack.Keystore;
  const users: ticketstack.UserStore;
  const guard: ticketstack.SignOnGuard;
  const state: ticketstack.StateStore;
  const verifier: ticketstack.PassTicketVerifier;
  const profiles: ticketstack.PassTicketProfiles;
  const logger: { info(event: unknown): void };
  const log: { warn(fields: object, message: string): void };
  const key: string, cert: string, clientCaPem: string, crl: string, token: string, issuer: string;
  const jwksUrl: URL;
  const ctx: object;
  function hasValidTicket(ctx: object): boolean;
  function checkPassword(ctx: object): Promise<boolean>;
  function audit(user: unknown): boolean;
}
export {};
`;

/** Imports a fragment needs from the package and from the libraries it names. */
function prelude(code: string): string {
  const lines: string[] = [];
  if (!/from 'ticketstack'/.test(code)) {
    const named = Object.keys(api).filter((name) => new RegExp(`\\b${name}\\b`).test(code));
    if (named.length > 0) lines.push(`import { ${named.join(', ')} } from 'ticketstack';`);
  }
  if (/\bhttps\./.test(code)) lines.push("import https from 'node:https';");
  if (/\bsession\(\{/.test(code) && !/import session\b/.test(code)) lines.push("import session from 'express-session';");
  if (/\bcreateRemoteJWKSet\b/.test(code)) lines.push("import { createRemoteJWKSet } from 'jose';");
  return lines.join('\n');
}

interface Problem {
  readonly line: number;
  readonly message: string;
}

/** Type-checks the blocks as modules of one program; returns the problems of each block, by README line. */
function check(blocks: readonly { code: string; line: number }[], strictNullChecks: boolean, oldProgram?: ts.Program): { problems: Problem[]; program: ts.Program } {
  const files = new Map<string, string>([[join(DIR, 'context.ts'), CONTEXT]]);
  const lineOf = new Map<string, number>();
  blocks.forEach((b, i) => {
    const name = join(DIR, `block-${i}.ts`);
    const head = prelude(b.code);
    files.set(name, `${head}\n${b.code}export {};\n`);
    lineOf.set(name, b.line + 1 - head.split('\n').length); // README line = this + the line in the file (0-based)
  });
  const options: ts.CompilerOptions = {
    ...COMPILER_OPTIONS,
    lib: ['lib.es2023.d.ts'],
    strictNullChecks,
    baseUrl: REPO_ROOT,
    paths: { ticketstack: ['src/index.ts'] },
  };
  const host = ts.createCompilerHost(options);
  const { getSourceFile, fileExists, readFile } = host;
  host.getSourceFile = (name, language, ...rest) =>
    files.has(name) ? ts.createSourceFile(name, files.get(name)!, language) : getSourceFile.call(host, name, language, ...rest);
  host.fileExists = (name) => files.has(name) || fileExists.call(host, name);
  host.readFile = (name) => files.get(name) ?? readFile.call(host, name);
  const program = ts.createProgram([...files.keys()], options, host, oldProgram);
  const problems: Problem[] = [];
  for (const name of files.keys()) {
    const sourceFile = program.getSourceFile(name)!;
    for (const d of [...program.getSyntacticDiagnostics(sourceFile), ...program.getSemanticDiagnostics(sourceFile)]) {
      const at = sourceFile.getLineAndCharacterOfPosition(d.start ?? 0).line;
      problems.push({ line: (lineOf.get(name) ?? 0) + at, message: ts.flattenDiagnosticMessageText(d.messageText, ' ') });
    }
  }
  return { problems, program };
}

describe("the README's code blocks", () => {
  const blocks = fencedBlocks(readReadme());
  const tsBlocks = blocks.filter((b) => b.lang === 'ts');
  const jsBlocks = blocks.filter((b) => b.lang === 'js');

  it('are there to check', () => {
    expect(tsBlocks.length).toBeGreaterThan(5);
    expect(jsBlocks.length).toBeGreaterThan(5);
  });

  it('type-check against the public API (ts blocks strict, js blocks without null checks)', () => {
    const strict = check(tsBlocks, true);
    const loose = check(jsBlocks, false, strict.program);
    expect([...strict.problems, ...loose.problems].map((p) => `README.md:${p.line}: ${p.message}`)).toEqual([]);
  }, 120_000);
});
