/**
 * Workaround for an off-by-one in Ink 6.8.0's incremental renderer (log-update.js, createIncremental): a
 * non-fullscreen frame ends with "\n", so the cursor rests on the row BELOW the frame, yet the next frame
 * starts with cursorUp(previousVisible - 1) — one row short. Every same-height frame then lands one row lower
 * (the header shows twice, the last line scrolls). The shrinking-frame branch already counts the extra slot
 * (`extraSlot`); only the same-or-taller branch misses it. We add the missing row on the way to the terminal:
 * Ink writes each incremental frame as one chunk that begins with that cursor-up (BSU/ESU go in separate writes).
 * Found with the tmux end-to-end test; remove when Ink is upgraded (Ink 7 needs Node 22).
 */

import { LineDiffer } from './line-diff.js';

const LEADING_UP = /^\x1b\[(\d+)A/; // eslint-disable-line no-control-regex

// Ink's incremental renderer skips each unchanged line with its own cursor-next-line (ESC [ E): ~45 of them,
// 135 bytes, on every selection move at 50 rows. ESC [ n E moves the same n lines (stopping at the bottom margin
// just as n single moves do), in a few bytes (ENGINEERING.md: ≤ 300 B per selection move).
const NEXT_LINE_RUN = /(?:\x1b\[E){2,}/g; // eslint-disable-line no-control-regex

/** Rewrites a frame chunk that starts with cursor-up N to N + 1, and folds runs of cursor-next-line into one. */
export function fixFrameChunk(chunk: string): string {
  const m = LEADING_UP.exec(chunk);
  const fixed = m ? `\x1b[${Number(m[1]) + 1}A${chunk.slice(m[0].length)}` : chunk;
  return fixed.includes('\x1b[E\x1b[E') ? fixed.replace(NEXT_LINE_RUN, (run) => `\x1b[${run.length / 3}E`) : fixed;
}

/**
 * A view of `stream` for Ink whose write() applies fixFrameChunk and then the cell-level LineDiffer (only the
 * changed cells of a rewritten line go to the terminal); everything else is the real stream.
 */
export function inkStdout(stream: NodeJS.WriteStream): NodeJS.WriteStream {
  const differ = new LineDiffer();
  const write = (chunk: unknown, ...rest: unknown[]): boolean =>
    (stream.write as (...a: unknown[]) => boolean)(
      typeof chunk === 'string' ? differ.rewrite(fixFrameChunk(chunk)) : chunk,
      ...rest,
    );
  return new Proxy(stream, {
    get(target, prop) {
      if (prop === 'write') return write;
      const v = Reflect.get(target, prop, target) as unknown;
      return typeof v === 'function' ? (v as (...a: unknown[]) => unknown).bind(target) : v;
    },
  });
}
