/**
 * The windowed offer table: only the visible rows reach React (ENGINEERING.md rule 1), so 10,000 offers cost
 * what 40 do. Rows are memoised on the offer object and its check, both stable between keystrokes.
 */
import { memo } from 'react';
import { Text } from 'ink';
import type { Offer } from '../../core/vast/types.js';
import type { CheckResult } from '../../core/checks/types.js';
import type { OfferSortKey } from '../../core/offers/view.js';
import { offerCells, offerHeaderLine, type OfferColumn } from './cells.js';
import { fit } from '../format.js';
import { useTheme } from '../theme-context.js';

/** Props of OfferTable. */
export interface OfferTableProps {
  rows: readonly Offer[];
  checks: ReadonlyMap<number, CheckResult>;
  columns: readonly OfferColumn[];
  top: number;
  height: number;
  selectedId: number | null;
  sort: OfferSortKey;
  desc: boolean;
  empty: string;
}

/** The row as few text runs as possible: plain runs merged, FIT and WHY separate so they can be coloured. */
function segments(cells: Readonly<Record<string, string>>, columns: readonly OfferColumn[], lead: boolean): { text: string; mark: boolean }[] {
  const out: { text: string; mark: boolean }[] = [];
  let plain = '';
  columns.forEach((col, i) => {
    const text = (i || lead ? ' ' : '') + fit(cells[col.id]!, col.width, col.align);
    if (col.id === 'fit' || col.id === 'why') {
      if (plain) out.push({ text: plain, mark: false });
      plain = '';
      out.push({ text, mark: true });
    } else plain += text;
  });
  if (plain) out.push({ text: plain, mark: false });
  return out;
}

/** The leading columns a selected row highlights: FIT, ID and GPU (whichever are shown, in that order). */
const HEAD = new Set(['fit', 'id', 'gpu']);

const Row = memo(function Row({ offer, check, columns, selected }: { offer: Offer; check: CheckResult | undefined; columns: readonly OfferColumn[]; selected: boolean }) {
  const theme = useTheme();
  const cells = offerCells(offer, check);
  const sel = selected ? (theme.mono ? { inverse: true } : { backgroundColor: theme.colors.selection, color: theme.colors['selection.text'] }) : {};
  const verdictColor = check?.verdict === 'fits' ? theme.colors['status.running'] : check?.verdict === 'warns' ? theme.colors['status.warn'] : theme.colors['status.error'];
  // The highlight covers the marker and the FIT, ID and GPU columns, not the whole row: a selection move then
  // changes ~45 cells per row, which the line differ (line-diff.ts) sends as a few hundred bytes, as in the fleet.
  let headCount = 0;
  while (headCount < columns.length && HEAD.has(columns[headCount]!.id)) headCount++;
  const draw = (segs: { text: string; mark: boolean }[]) =>
    segs.map((s, i) =>
      s.mark ? (
        <Text key={i} color={verdictColor}>
          {s.text}
        </Text>
      ) : (
        s.text
      ),
    );
  return (
    <Text wrap="truncate">
      <Text {...sel}>
        {selected ? '›' : ' '}
        {draw(segments(cells, columns.slice(0, headCount), false))}
      </Text>
      {draw(segments(cells, columns.slice(headCount), headCount > 0))}
    </Text>
  );
});

/** Header line plus the visible window. */
export function OfferTable(p: OfferTableProps) {
  const theme = useTheme();
  const window = p.rows.slice(p.top, p.top + p.height);
  return (
    <>
      <Text wrap="truncate" bold color={theme.colors.header}>
        {' ' + offerHeaderLine(p.columns, p.sort, p.desc)}
      </Text>
      {window.length === 0 ? (
        <Text color={theme.colors.muted}>{p.empty}</Text>
      ) : (
        window.map((o) => <Row key={o.id} offer={o} check={p.checks.get(o.id)} columns={p.columns} selected={o.id === p.selectedId} />)
      )}
    </>
  );
}
