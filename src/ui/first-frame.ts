/**
 * The TUI's first frame, painted before React and Ink are loaded (~100 ms of a ~200 ms start): the alternate
 * screen with the title bar exactly as Ink then draws it (the same parts, header-line.ts, coloured by the same
 * chalk Ink colours with), cursor hidden and back at the top-left corner, where Ink's first frame starts and
 * writes the same line again over it. Nothing here loads Ink or React.
 * Until runTui takes the terminal over (`release`), a signal restores the screen before the process ends, and
 * `restore` gives the screen back if the TUI never starts.
 */
import chalk from 'chalk';
import { DEFAULT_QUERY } from '../core/fleet/row-filter.js';
import { headerParts, type HeaderPart } from './header-line.js';
import type { Theme } from './theme.js';
import { ENTER_ALT, LEAVE_ALT } from './attach/handover.js';

const HIDE_CURSOR = '\x1b[?25l';
const HOME = '\x1b[H';

/** A painted first frame, until runTui owns the screen. */
export interface FirstFrame {
  /** runTui has its own signal handlers now: drop these. */
  release(): void;
  /** The TUI did not start: leave the alternate screen (once; drops the handlers too). */
  restore(): void;
}

/** The title bar as Ink draws it: Ink's Text colours named colours with chalk[name] and '#rrggbb' with chalk.hex. */
export function styledHeader(parts: readonly HeaderPart[], theme: Theme): string {
  return parts
    .map(({ text, color, bold }) => {
      const c = color && theme.colors[color];
      let s = !c ? text : c.startsWith('#') ? chalk.hex(c)(text) : c in chalk ? chalk[c as 'red'](text) : text;
      if (bold) s = chalk.bold(s);
      return s;
    })
    .join('');
}

/** The first frame's bytes, or null when the title bar would not fit on one line (Ink would truncate it). */
export function firstFrameText(o: { theme: Theme; readOnly: boolean; demo: boolean; columns: number }): string | null {
  const parts = headerParts({ query: DEFAULT_QUERY, shown: 0, total: 0, readOnly: o.readOnly, demo: o.demo });
  const width = parts.reduce((n, p) => n + [...p.text].length, 0);
  if (!(o.columns >= width)) return null;
  return ENTER_ALT + HIDE_CURSOR + styledHeader(parts, o.theme) + HOME;
}

/**
 * Paints the first frame on `out` (a terminal); null, with nothing written, when it would not be the frame Ink
 * draws (a title bar wider than the terminal).
 */
export function paintFirstFrame(
  out: NodeJS.WriteStream,
  o: { theme: Theme; readOnly: boolean; demo: boolean },
): FirstFrame | null {
  const text = firstFrameText({ ...o, columns: out.columns ?? 0 });
  if (text === null) return null;
  out.write(text);
  const signals = { SIGINT: 130, SIGTERM: 143, SIGHUP: 129 } as const;
  const handlers = Object.entries(signals).map(([sig, code]) => {
    const h = () => {
      restore();
      process.exit(code);
    };
    process.on(sig, h);
    return [sig, h] as const;
  });
  let released = false;
  const release = () => {
    if (released) return;
    released = true;
    for (const [sig, h] of handlers) process.off(sig, h);
  };
  let restored = false;
  const restore = () => {
    release();
    if (restored) return;
    restored = true;
    out.write(LEAVE_ALT);
  };
  return { release, restore };
}
