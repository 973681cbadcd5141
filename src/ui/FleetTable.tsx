/**
 * The windowed fleet table: only the rows that fit reach React (ENGINEERING.md rule 1: handing Ink 1,000 rows
 * cost 270 ms per frame; the visible ~44 cost ~20 ms). Rows are memoised on the row-stable instance objects, so
 * a poll that changes one instance re-renders one row. Cells come from the shared fleet columns.
 */
import { memo } from 'react';
import { Text } from 'ink';
import type { Instance } from '../core/vast/types.js';
import type { InstanceHealth } from '../core/fleet/store.js';
import { fleetRow } from '../core/present/fleet-columns.js';
import { headCount, headerLine, rowSegments } from '../core/present/columns.js';
import { GAP, type Column } from './cells.js';
import { useTheme } from './theme-context.js';
import { drawSegments } from './segments.js';

/** Props of FleetTable. */
export interface FleetTableProps {
  rows: readonly Instance[];
  columns: readonly Column[];
  /** Index of the first visible row. */
  top: number;
  /** Number of row lines available. */
  height: number;
  selectedId: number | null;
  statusSince: ReadonlyMap<number, number>;
  health: ReadonlyMap<number, InstanceHealth>;
  now: number;
  /** Shown when there are no rows. */
  empty: string;
}

export interface RowProps {
  inst: Instance;
  columns: readonly Column[];
  selected: boolean;
  since: number | undefined;
  health: InstanceHealth | undefined;
  now: number;
}

/** What a row draws, as text with its colour levels: the clock moves on every snapshot, a row's cells rarely do. */
const drawn = new WeakMap<RowProps, string>();
function drawnText(p: RowProps): string {
  let t = drawn.get(p);
  if (t === undefined) {
    t = rowSegments(fleetRow(p.inst, p.now, p.since, p.health), p.columns, GAP)
      .map((s) => `${s.level ?? ''}\u0000${s.text}`)
      .join('\u0001');
    drawn.set(p, t);
  }
  return t;
}

/** Same props but the clock, and the clock changed nothing drawn (AGE, stuck): the row is not rendered again. */
export function sameRow(a: RowProps, b: RowProps): boolean {
  if (a.inst !== b.inst || a.columns !== b.columns || a.selected !== b.selected) return false;
  if (a.since !== b.since || a.health !== b.health) return false;
  return a.now === b.now || drawnText(a) === drawnText(b);
}

const Row = memo(function Row({ inst, columns, selected, since, health, now }: RowProps) {
  const theme = useTheme();
  const row = fleetRow(inst, now, since, health);
  const sel = selected
    ? theme.mono
      ? { inverse: true }
      : { backgroundColor: theme.colors.selection, color: theme.colors['selection.text'] }
    : {};
  // The highlight covers the marker, ID and label (the `head` columns), not the whole row: a selection move then
  // changes ~45 cells per row instead of all of them, which the line differ (line-diff.ts) turns into ≤ 300 B per move.
  const n = headCount(columns);
  return (
    <Text wrap="truncate">
      {/* A visible marker, not only colour: with NO_COLOR or chalk level 0 (CI set) inverse is dropped too. */}
      <Text {...sel}>
        {selected ? '›' : ' '}
        {drawSegments(theme, rowSegments(row, columns.slice(0, n), GAP))}
      </Text>
      {drawSegments(theme, rowSegments(row, columns.slice(n), GAP, n > 0))}
    </Text>
  );
}, sameRow);

/** Header line plus the visible window of rows. */
export function FleetTable(props: FleetTableProps) {
  const theme = useTheme();
  const window = props.rows.slice(props.top, props.top + props.height);
  return (
    <>
      <Text wrap="truncate" bold color={theme.colors.header}>
        {' ' + headerLine(props.columns, GAP)}
      </Text>
      {window.length === 0 ? (
        <Text color={theme.colors.muted}>{props.empty}</Text>
      ) : (
        window.map((inst) => (
          <Row
            key={inst.id}
            inst={inst}
            columns={props.columns}
            selected={inst.id === props.selectedId}
            since={props.statusSince.get(inst.id)}
            health={props.health.get(inst.id)}
            now={props.now}
          />
        ))
      )}
    </>
  );
}
