/**
 * What the CLI does differently on a terminal: colours and a live status line. Both only when the stream is a
 * terminal, so pipes, files and scripts get plain, stable text.
 *
 * Colours follow the common conventions: `NO_COLOR` (any non-empty value) turns them off, `FORCE_COLOR` (any value
 * but `0`) turns them on even when piped, `TERM=dumb` turns them off.
 *
 * @module
 */

/** The ANSI styles the CLI uses: green for an accepted result, red for a refusal or error, yellow for warnings. */
export interface Style {
  readonly ok: (text: string) => string;
  readonly refused: (text: string) => string;
  readonly warn: (text: string) => string;
  readonly dim: (text: string) => string;
}

const sgr = (open: number, close: number) => (text: string) => `\x1b[${open}m${text}\x1b[${close}m`;
const plain = (text: string): string => text;

export const NO_STYLE: Style = { ok: plain, refused: plain, warn: plain, dim: plain };
const ANSI_STYLE: Style = { ok: sgr(32, 39), refused: sgr(31, 39), warn: sgr(33, 39), dim: sgr(2, 22) };

/** Whether to colour a stream that is (or is not) a terminal, under the environment's conventions. */
export function colourEnabled(isTTY: boolean, env: Readonly<Record<string, string | undefined>>): boolean {
  if (env.NO_COLOR !== undefined && env.NO_COLOR !== '') return false;
  if (env.FORCE_COLOR !== undefined) return env.FORCE_COLOR !== '0';
  if (env.TERM === 'dumb') return false;
  return isTTY;
}

export function styleFor(isTTY: boolean, env: Readonly<Record<string, string | undefined>>): Style {
  return colourEnabled(isTTY, env) ? ANSI_STYLE : NO_STYLE;
}

const FRAMES = ['⠋', '⠙', '⠹', '⠸', '⠼', '⠴', '⠦', '⠧', '⠇', '⠏'];

/**
 * Runs `work` while a status line (`⠋ generating a DSA-2048 key pair… 1.4 s`) turns on `write`'s terminal, then
 * erases the line. Off a terminal it writes nothing and just runs `work`. The work must be asynchronous (key
 * generation runs in libuv's thread pool), or the line cannot move.
 */
export async function withStatusLine<T>(isTTY: boolean, write: (text: string) => void, label: string, work: () => Promise<T>): Promise<T> {
  if (!isTTY) return work();
  const started = Date.now();
  let frame = 0;
  const draw = (): void => {
    const seconds = ((Date.now() - started) / 1000).toFixed(1);
    write(`\r\x1b[2K${FRAMES[frame++ % FRAMES.length]} ${label}… ${seconds} s`);
  };
  draw();
  const timer = setInterval(draw, 100);
  try {
    return await work();
  } finally {
    clearInterval(timer);
    write('\r\x1b[2K');
  }
}
