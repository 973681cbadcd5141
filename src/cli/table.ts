import { sanitizeLine } from '../core/util/sanitize.js';

/** One column of a text table. Lower `priority` columns are dropped first when the terminal is narrow. */
export interface Column<T> {
  header: string;
  cell: (row: T) => string;
  align?: 'left' | 'right';
  /** 0 = always shown; higher numbers are dropped first. */
  priority?: number;
  /** Longest the column may grow to before its cells are cut with "…". */
  max?: number;
}

/** Display width of a string, counting each code point as one cell (labels and GPU names are ASCII in practice). */
function width(s: string): number {
  return [...s].length;
}

function fit(s: string, w: number, align: 'left' | 'right'): string {
  const chars = [...s];
  const cut = chars.length > w ? chars.slice(0, Math.max(0, w - 1)).join('') + '…' : s;
  const pad = ' '.repeat(Math.max(0, w - width(cut)));
  return align === 'right' ? pad + cut : cut + pad;
}

/**
 * Renders rows as a plain-text table no wider than `maxWidth`: low-priority columns are dropped, then the
 * widest cut. Cell text is sanitized, since labels and status messages come from remote hosts.
 */
export function renderTable<T>(rows: T[], columns: Column<T>[], maxWidth: number): string {
  let cols = columns.map((c, i) => ({ ...c, i }));
  const cells = rows.map((r) => columns.map((c) => sanitizeLine(c.cell(r))));
  const widthOf = (c: (typeof cols)[number]) =>
    Math.min(c.max ?? Infinity, Math.max(width(c.header), ...cells.map((row) => width(row[c.i] ?? ''))));
  const total = (cs: typeof cols) => cs.reduce((sum, c) => sum + widthOf(c), 0) + 2 * (cs.length - 1);
  while (total(cols) > maxWidth && cols.some((c) => (c.priority ?? 0) > 0)) {
    const drop = cols.reduce((a, b) => ((b.priority ?? 0) >= (a.priority ?? 0) ? b : a));
    cols = cols.filter((c) => c !== drop);
  }
  const widths = cols.map(widthOf);
  let over = widths.reduce((a, b) => a + b, 0) + 2 * (cols.length - 1) - maxWidth;
  while (over > 0) {
    const widest = widths.indexOf(Math.max(...widths));
    if (widths[widest]! <= 4) break;
    widths[widest]! -= 1;
    over -= 1;
  }
  const line = (values: string[]) =>
    cols.map((c, k) => fit(values[k] ?? '', widths[k]!, c.align ?? 'left')).join('  ').trimEnd();
  const out = [line(cols.map((c) => c.header))];
  for (const row of cells) out.push(line(cols.map((c) => row[c.i] ?? '')));
  return out.join('\n');
}

/** The width tables should fit: the terminal's columns, or 120 when stdout is not a terminal. */
export function terminalWidth(): number {
  return process.stdout.isTTY && process.stdout.columns ? process.stdout.columns : 120;
}
