/**
 * Cell-level diffing of Ink's incremental frames. Ink 6.8 rewrites every changed line whole (~150–200 bytes
 * for a fleet row at 200 columns), so a selection move costs two full rows. This filter remembers what each
 * screen line holds and, when Ink rewrites a line it knows, sends only the span of cells that changed
 * (ENGINEERING.md: ≤ 300 B per selection move; over SSH every byte counts).
 *
 * It understands exactly two shapes of write, both read from Ink 6.8's log-update.js (createIncremental): a
 * first frame (plain text and SGR, lines ended by LF, drawn from the frame's top line), and an incremental frame —
 * cursor-up N, then per line either ESC [ E (unchanged) or ESC [ G + text + ESC [ K + LF, with BSU/ESU around it.
 * Anything else (erasing a shrinking frame, clears, resizes) passes through untouched and the filter forgets
 * what it knew. Lines with characters whose width it cannot be sure of (CJK, emoji) are passed through whole.
 */

// eslint-disable-next-line no-control-regex
const TOKEN =
  /\x1b\[\?2026[hl]|\x1b\[(\d*)A|\x1b\[(\d*)E|\x1b\[(?:1)?G([^\x1b\r\n]*(?:\x1b\[[0-9;]*m[^\x1b\r\n]*)*)\x1b\[K(\n?)/y;
// eslint-disable-next-line no-control-regex
const PLAIN_FRAME = /^(?:[^\x1b]|\x1b\[[0-9;]*m)*$/;
// eslint-disable-next-line no-control-regex
const SGR = /\x1b\[([0-9;]*)m/y;

/** One screen cell: a character and the SGR state it is drawn with (a canonical SGR string). */
interface Cell {
  ch: string;
  sgr: string;
}

/**
 * SGR state as the few attributes Ink/chalk use; `key()` gives the canonical sequence to re-establish it. The key is
 * computed once per SGR sequence, not per cell (toCells asks for it on every character; a fleet row has ~200 cells and
 * ~10 SGR sequences).
 */
class Style {
  fg = '';
  bg = '';
  flags = new Set<number>();
  /** key() as of the last apply(); undefined when apply() has run since. */
  private cachedKey: string | undefined = '';
  apply(params: string): void {
    this.cachedKey = undefined;
    const p = params === '' ? [0] : params.split(';').map(Number);
    for (let i = 0; i < p.length; i++) {
      const n = p[i]!;
      if (n === 0) {
        this.fg = '';
        this.bg = '';
        this.flags.clear();
      } else if (n === 38 || n === 48) {
        const len = p[i + 1] === 5 ? 3 : p[i + 1] === 2 ? 5 : 1;
        const v = p.slice(i, i + len).join(';');
        if (n === 38) this.fg = v;
        else this.bg = v;
        i += len - 1;
      } else if ((n >= 30 && n <= 37) || (n >= 90 && n <= 97)) this.fg = String(n);
      else if ((n >= 40 && n <= 47) || (n >= 100 && n <= 107)) this.bg = String(n);
      else if (n === 39) this.fg = '';
      else if (n === 49) this.bg = '';
      else if (n === 22) this.flags.delete(1), this.flags.delete(2);
      else if (n >= 23 && n <= 29) this.flags.delete(n - 20);
      else if (n >= 1 && n <= 9) this.flags.add(n);
    }
  }
  key(): string {
    if (this.cachedKey !== undefined) return this.cachedKey;
    const parts = [...[...this.flags].sort((a, b) => a - b).map(String), this.fg, this.bg].filter(Boolean);
    this.cachedKey = parts.length ? `\x1b[${parts.join(';')}m` : '';
    return this.cachedKey;
  }
}

/**
 * Characters drawn one cell wide for sure (the check marks ✓ ✔ ✗ ✘ have text presentation); anything else makes a line
 * pass through whole.
 */
const NARROW = /^[\x20-\x7e\u00a0-\u02ff\u2010-\u2027\u2030-\u205e\u2190-\u21ff\u2500-\u25ff\u2713\u2714\u2717\u2718]$/;

/** Cells of one Ink line body (text with SGR sequences), or null when a character's width is uncertain. */
export function toCells(body: string): Cell[] | null {
  const style = new Style();
  const cells: Cell[] = [];
  let i = 0;
  while (i < body.length) {
    const code = body.charCodeAt(i);
    // Printable ASCII (most of a fleet row): one cell, no code point decoding or NARROW test.
    if (code >= 0x20 && code <= 0x7e) {
      cells.push({ ch: body[i]!, sgr: style.key() });
      i++;
      continue;
    }
    if (code === 0x1b) {
      // Only an ESC can start an SGR sequence; any other character (and an ESC that starts none) goes to NARROW.
      SGR.lastIndex = i;
      const m = SGR.exec(body);
      if (m) {
        style.apply(m[1]!);
        i = SGR.lastIndex;
        continue;
      }
    }
    const cp = body.codePointAt(i)!;
    const ch = String.fromCodePoint(cp);
    if (!NARROW.test(ch)) return null;
    cells.push({ ch, sgr: style.key() });
    i += ch.length;
  }
  return cells;
}

/** The bytes that turn `prev` into `next` on screen (the cursor starts on that line; `end` is Ink's line end). */
export function diffLine(prev: Cell[], next: Cell[], end = '\n'): string {
  const same = (a: Cell | undefined, b: Cell | undefined) => !!a && !!b && a.ch === b.ch && a.sgr === b.sgr;
  let first = 0;
  while (first < next.length && same(prev[first], next[first])) first++;
  if (first === next.length && prev.length === next.length) return end;
  let last = next.length - 1;
  if (prev.length === next.length) while (last > first && same(prev[last], next[last])) last--;
  let out = `\x1b[${first + 1}G`;
  let sgr = '';
  for (let k = first; k <= last; k++) {
    const c = next[k]!;
    if (c.sgr !== sgr) {
      out += `\x1b[0m${c.sgr}`;
      sgr = c.sgr;
    }
    out += c.ch;
  }
  if (sgr) out += '\x1b[0m';
  if (prev.length > next.length) out += `\x1b[${next.length + 1}G\x1b[K`;
  return out + end;
}

/** Rewrites Ink's incremental frames to send only changed cells; see the file comment. */
export class LineDiffer {
  /**
   * Screen lines as last drawn, by row: cells, or a first frame's line body not yet read into cells (read when Ink
   * first rewrites that line; a first frame with data is drawn without reading its 40-odd rows cell by cell), or
   * null (unknown or not diffable).
   */
  private lines: Array<Cell[] | string | null> = [];
  /** Row of the cursor relative to the frame's first line, while inside a frame. */
  private row = 0;

  /** Forgets the screen (after anything not written through this filter, e.g. a subprocess owned the terminal). */
  reset(): void {
    this.lines = [];
  }

  /** Rewrites one chunk that Ink wrote. */
  rewrite(chunk: string): string {
    if (PLAIN_FRAME.test(chunk)) {
      // A first frame: drawn from the frame's top line, top to bottom.
      this.lines = chunk.split('\n');
      return chunk;
    }
    const tokens: RegExpExecArray[] = [];
    TOKEN.lastIndex = 0;
    while (TOKEN.lastIndex < chunk.length) {
      const start = TOKEN.lastIndex;
      const m = TOKEN.exec(chunk);
      if (!m || m.index !== start) {
        this.reset(); // not a shape we read: the screen is no longer what we think
        return chunk;
      }
      tokens.push(m);
    }
    let out = '';
    for (const m of tokens) {
      const [whole, up, next, body, end] = m;
      if (up !== undefined) {
        this.row = 0;
        out += whole;
      } else if (next !== undefined) {
        this.row += next === '' ? 1 : Number(next);
        out += whole;
      } else if (body !== undefined) {
        const cells = toCells(body);
        const known = this.lines[this.row];
        const prev = typeof known === 'string' ? toCells(known) : known;
        out += cells && prev ? diffLine(prev, cells, end) : whole;
        this.lines[this.row] = cells;
        this.row += 1;
      } else out += whole;
    }
    return out;
  }
}
