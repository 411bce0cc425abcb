/**
 * The README as the tests that keep it true to the code read it: its text and its fenced code blocks.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const REPO_ROOT = fileURLToPath(new URL('../../', import.meta.url));

export function readReadme(): string {
  return readFileSync(join(REPO_ROOT, 'README.md'), 'utf8');
}

export interface FencedBlock {
  /** The info string's language (`js`, `ts`, `sh`, …). */
  readonly lang: string;
  readonly code: string;
  /** 1-based line of the opening fence, for messages. */
  readonly line: number;
}

/** Every fenced code block of `readme`, in order. */
export function fencedBlocks(readme: string): FencedBlock[] {
  return [...readme.matchAll(/^```(\w*)\n([\s\S]*?)\n```$/gm)].map((m) => ({
    lang: m[1]!,
    code: `${m[2]!}\n`,
    line: readme.slice(0, m.index).split('\n').length,
  }));
}

/** The fenced code block right after an HTML comment marker such as `<!-- readme-test: first-route -->`. */
export function markedBlock(readme: string, marker: string): FencedBlock {
  const at = readme.indexOf(marker);
  if (at < 0) throw new Error(`README.md has no ${marker}`);
  const markerLine = readme.slice(0, at).split('\n').length;
  const next = fencedBlocks(readme).find((b) => b.line > markerLine);
  const between = next === undefined ? '' : readme.split('\n').slice(markerLine, next.line - 1).join('\n');
  if (next === undefined || between.trim() !== '') throw new Error(`no fenced code block right after ${marker}`);
  return next;
}
