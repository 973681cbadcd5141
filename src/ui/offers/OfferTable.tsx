/**
 * The windowed offer table: only the visible rows reach React (ENGINEERING.md rule 1), so 10,000 offers cost
 * what 40 do. Rows are memoised on the offer object and its check, both stable between keystrokes.
 */
import { memo } from 'react';
import { Text } from 'ink';
import type { Offer } from '../../core/vast/types.js';
import type { CheckResult } from '../../core/checks/types.js';
import type { OfferSortKey } from '../../core/offers/offer-filter.js';
import { offerRow } from '../../core/present/offer-columns.js';
import { headCount, rowSegments } from '../../core/present/columns.js';
import { GAP, offerHeaderLine, type FittedOfferColumn } from './cells.js';
import { drawSegments } from '../segments.js';
import { useTheme } from '../theme-context.js';

/** Props of OfferTable. */
export interface OfferTableProps {
  rows: readonly Offer[];
  checks: ReadonlyMap<number, CheckResult>;
  columns: readonly FittedOfferColumn[];
  top: number;
  height: number;
  selectedId: number | null;
  sort: OfferSortKey;
  desc: boolean;
  empty: string;
}

const Row = memo(function Row({
  offer,
  check,
  columns,
  selected,
}: {
  offer: Offer;
  check: CheckResult | undefined;
  columns: readonly FittedOfferColumn[];
  selected: boolean;
}) {
  const theme = useTheme();
  const row = offerRow(offer, check);
  const sel = selected
    ? theme.mono
      ? { inverse: true }
      : { backgroundColor: theme.colors.selection, color: theme.colors['selection.text'] }
    : {};
  // The highlight covers the marker and the FIT, ID and GPU columns (the `head` columns), not the whole row: a
  // selection move then changes ~45 cells per row, which the line differ (line-diff.ts) sends as a few hundred
  // bytes, as in the fleet.
  const n = headCount(columns);
  return (
    <Text wrap="truncate">
      <Text {...sel}>
        {selected ? '›' : ' '}
        {drawSegments(theme, rowSegments(row, columns.slice(0, n), GAP))}
      </Text>
      {drawSegments(theme, rowSegments(row, columns.slice(n), GAP, n > 0))}
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
        window.map((o) => (
          <Row key={o.id} offer={o} check={p.checks.get(o.id)} columns={p.columns} selected={o.id === p.selectedId} />
        ))
      )}
    </>
  );
}
