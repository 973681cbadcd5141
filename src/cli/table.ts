import { sanitizeLine } from '../core/util/sanitize.js';
import { columnsFor, fitCell, fitColumns, textWidth, type ColumnDef } from '../core/present/columns.js';

/** Spaces between the CLI's columns. */
const GAP = 2;

/**
 * Renders rows as a plain-text table no wider than `maxWidth`, through the one column model (core/present/
 * columns.ts): columns are sized by their content (up to `max`), the lowest priority dropped first, then the
 * growing columns shrunk. Cell text is sanitized again, since labels and status messages come from remote hosts.
 */
export function renderTable<R>(rows: readonly R[], columns: readonly ColumnDef<R>[], maxWidth: number): string {
  const defs = columnsFor(columns, 'cli');
  const cells = rows.map((r) => defs.map((d) => sanitizeLine(d.render(r))));
  const index = new Map(defs.map((d, i) => [d, i]));
  const natural = (d: ColumnDef<R>) => {
    const i = index.get(d)!;
    let w = textWidth(d.header);
    for (const row of cells) w = Math.max(w, textWidth(row[i]!));
    return w;
  };
  const cols = fitColumns(defs, maxWidth, { gap: GAP, natural });
  const line = (values: (c: (typeof cols)[number]) => string) =>
    cols
      .map((c) => fitCell(values(c), c.width, c.def.align))
      .join(' '.repeat(GAP))
      .trimEnd();
  const out = [line((c) => c.def.header)];
  for (const row of cells) out.push(line((c) => row[index.get(c.def)!]!));
  return out.join('\n');
}

/** The width tables should fit: the terminal's columns, or 120 when stdout is not a terminal. */
export function terminalWidth(): number {
  return process.stdout.isTTY && process.stdout.columns ? process.stdout.columns : 120;
}
