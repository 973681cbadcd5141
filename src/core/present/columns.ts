/**
 * The one column model of every table, CLI and TUI: a column is data (id, header, widths, priority, align, a
 * pure renderer, an optional style) and `fitColumns` is the one fitting algorithm: drop by priority, then
 * shrink flexible columns; the TUI also shares spare width out to the growing ones. No Ink here.
 */

import type { HealthSeverity } from '../fleet/health.js';
import type { StatusLevel } from '../fleet/status.js';

/**
 * What a cell can be coloured by: a display status's level, or a health severity (`health-…`); the TUI maps each to a
 * theme token.
 */
export type ColourLevel = StatusLevel | `health-${HealthSeverity}`;

/** The colour level of each health severity; unknown has none (drawn uncoloured, never in ok's colour). */
export const SEVERITY_LEVEL = {
  ok: 'health-ok',
  warn: 'health-warn',
  error: 'health-error',
  unknown: undefined,
} as const satisfies Record<HealthSeverity, ColourLevel | undefined>;

/** Where a column is shown: both (default), only the CLI table, only the TUI table. */
export type ColumnSurface = 'cli' | 'tui';

/** One column of a table of rows R. */
export interface ColumnDef<R, Id extends string = string> {
  /** Names the column (the fleet and offer tables' ids; a one-off CLI table may leave it out). */
  id?: Id;
  header: string;
  /**
   * Narrowest the column is shown at (the TUI's width before spare width is shared out); default: the header's width.
   */
  min?: number;
  /** Widest it grows to; longer text is cut with "…". */
  max?: number;
  /** Share of spare width in the TUI (0 or absent: fixed). A growing column is also the one the CLI shrinks. */
  grow?: number;
  /** Higher stays longer: on a narrow terminal the lowest is dropped first (ties: the leftmost first). Default 100. */
  priority?: number;
  /** Default left. */
  align?: 'left' | 'right';
  /** The cell's text; pure, and sanitizes any remote text itself. */
  render: (row: R) => string;
  /** A semantic colour level for the cell (the TUI maps it to a theme colour); absent: plain. */
  style?: (row: R) => ColourLevel | undefined;
  /** Part of the selected row's highlight in the TUI (only a leading run of such columns is highlighted). */
  head?: boolean;
  /** Shown only there; absent: in both the CLI and the TUI table. */
  only?: ColumnSurface;
}

type AnyColumn = ColumnDef<never, string>;

/** A column after fitting: its definition and its width. */
export interface Fitted<D extends AnyColumn = AnyColumn> {
  def: D;
  width: number;
}

/** How a table is fitted. */
export interface FitOptions<D extends AnyColumn> {
  /** Spaces between columns (TUI 1, CLI 2). */
  gap: number;
  /**
   * The width each column wants: the CLI measures its content (header and cells, capped by `max`). Without it
   * (the TUI, whose layout must not depend on the rows in view) a column wants its `min` and spare width is
   * shared out by `grow` up to `max`.
   */
  natural?: (def: D) => number;
}

const minOf = (d: AnyColumn) => d.min ?? textWidth(d.header);
const priorityOf = (d: AnyColumn) => d.priority ?? 100;

/** The columns that fit in `width`, with their widths. */
export function fitColumns<D extends AnyColumn>(defs: readonly D[], width: number, opts: FitOptions<D>): Fitted<D>[] {
  const wanted = new Map<D, number>();
  const want = (d: D) => {
    let w = wanted.get(d);
    if (w === undefined) wanted.set(d, (w = opts.natural ? Math.min(d.max ?? Infinity, opts.natural(d)) : minOf(d)));
    return w;
  };
  // A growing column can shrink to its min (or less when its content is narrower); a fixed one cannot.
  const floor = (d: D) => (d.grow ? Math.min(minOf(d), want(d)) : want(d));
  const gaps = (n: number) => opts.gap * Math.max(0, n - 1);
  let shown = [...defs];
  while (shown.length > 1 && shown.reduce((n, d) => n + floor(d), 0) + gaps(shown.length) > width) {
    const drop = shown.reduce((lo, d) => (priorityOf(d) < priorityOf(lo) ? d : lo));
    shown = shown.filter((d) => d !== drop);
  }
  const cols: Fitted<D>[] = shown.map((def) => ({ def, width: want(def) }));
  let over = cols.reduce((n, c) => n + c.width, 0) + gaps(cols.length) - width;
  // Shrink: the widest growing column loses a cell at a time, down to its floor.
  while (over > 0) {
    let widest: (typeof cols)[number] | undefined;
    for (const c of cols) if (c.def.grow && c.width > floor(c.def) && (!widest || c.width > widest.width)) widest = c;
    if (!widest) break;
    widest.width -= 1;
    over -= 1;
  }
  // Content-sized (CLI) tables never exceed the width: then the widest of any column is cut, down to 1.
  while (opts.natural && over > 0) {
    const widest = cols.reduce((a, b) => (b.width > a.width ? b : a));
    if (widest.width <= 1) break;
    widest.width -= 1;
    over -= 1;
  }
  if (!opts.natural) share(cols, -over);
  return cols;
}

/** Spare width shared out by `grow`, a column at a time up to its `max`; what no column can take stays blank. */
function share(cols: Fitted[], spare: number): void {
  for (let open = cols.filter((c) => c.def.grow); spare > 0 && open.length; ) {
    const grow = open.reduce((n, c) => n + c.def.grow!, 0);
    let given = 0;
    for (const col of open) {
      const room = (col.def.max ?? Infinity) - col.width;
      const extra = Math.min(room, Math.max(1, Math.floor((spare * col.def.grow!) / grow)), spare - given);
      col.width += extra;
      given += extra;
    }
    spare -= given;
    open = open.filter((c) => c.width < (c.def.max ?? Infinity));
    if (given === 0) break;
  }
}

/** The columns of a table shown on one surface. */
export function columnsFor<D extends AnyColumn>(defs: readonly D[], surface: ColumnSurface): D[] {
  return defs.filter((d) => d.only === undefined || d.only === surface);
}

/**
 * Display width of table text: one cell per code point (labels, GPU names and the table's symbols are single-width).
 */
export function textWidth(s: string): number {
  let n = 0;
  for (const _ of s) n++;
  return n;
}

/** Pads or cuts `text` to exactly `width` cells, with "…" when cut. */
export function fitCell(text: string, width: number, align: 'left' | 'right' = 'left'): string {
  if (width <= 0) return '';
  const w = text.length <= width ? text.length : textWidth(text);
  if (w > width) {
    const chars = [...text];
    return width === 1 ? '…' : chars.slice(0, width - 1).join('') + '…';
  }
  const pad = ' '.repeat(width - w);
  return align === 'right' ? pad + text : text + pad;
}

/** The header line of fitted columns; `header` can decorate a column's header (the TUI's sort arrow). */
export function headerLine<D extends AnyColumn>(
  cols: readonly Fitted<D>[],
  gap: number,
  header?: (def: D) => string,
): string {
  const sep = ' '.repeat(gap);
  return cols.map((c) => fitCell(header ? header(c.def) : c.def.header, c.width, c.def.align)).join(sep);
}

/** A run of row text, with its column's style level when it has one. */
export interface Segment {
  text: string;
  level?: ColourLevel;
}

/**
 * One row as few text runs as possible: plain cells merged, styled cells separate so they can be coloured.
 * The separator before a cell belongs to the plain run. `lead` puts a separator before the first cell too.
 */
export function rowSegments<R>(
  row: R,
  cols: readonly Fitted<ColumnDef<R, string>>[],
  gap: number,
  lead = false,
): Segment[] {
  const out: Segment[] = [];
  const sep = ' '.repeat(gap);
  let plain = '';
  cols.forEach((col, i) => {
    const text = fitCell(col.def.render(row), col.width, col.def.align);
    const level = col.def.style?.(row);
    if (i > 0 || lead) plain += sep;
    if (level) {
      if (plain) out.push({ text: plain });
      out.push({ text, level });
      plain = '';
    } else plain += text;
  });
  if (plain) out.push({ text: plain });
  return out.filter((s) => s.text.length > 0);
}

/** How many leading columns the selected row highlights (the run of `head` columns it starts with). */
export function headCount(cols: readonly Fitted[]): number {
  let n = 0;
  while (n < cols.length && cols[n]!.def.head) n++;
  return n;
}
