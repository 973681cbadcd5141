/**
 * The windowed fleet table: only the rows that fit reach React (ENGINEERING.md rule 1: handing Ink 1,000 rows
 * cost 270 ms per frame; the visible ~44 cost ~20 ms). Rows are memoised on the row-stable instance objects, so
 * a poll that changes one instance re-renders one row. Cells come from the shared fleet columns.
 */
import { memo, useMemo } from 'react';
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
  /** drawnText of the above: what the row shows, computed once per snapshot for the window, not per key. */
  drawn: string;
}

/** What a row draws, as text with its colour levels: the clock moves on every snapshot, a row's cells rarely do. */
export function drawnText(
  inst: Instance,
  columns: readonly Column[],
  now: number,
  since: number | undefined,
  health: InstanceHealth | undefined,
): string {
  return rowSegments(fleetRow(inst, now, since, health), columns, GAP)
    .map((s) => `${s.level ?? ''}\u0000${s.text}`)
    .join('\u0001');
}

/**
 * The same row, selection and cells, whatever the clock says: not rendered again. The clock moves on every snapshot
 * (a fill publishes a page a second), but AGE and "stuck" change once a minute at most. React compares with the props
 * of the row's last render, so the clock's own value cannot be compared; what it drew can.
 */
export function sameRow(a: RowProps, b: RowProps): boolean {
  if (a.inst !== b.inst || a.columns !== b.columns || a.selected !== b.selected) return false;
  return a.since === b.since && a.health === b.health && a.drawn === b.drawn;
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
  const { rows, top, height, columns, now, statusSince, health } = props;
  // Once per snapshot (and scroll), not per selection move: the key a row's render is skipped by.
  // (window is rows.slice(top, top + height): its deps are these.)
  const drawn = useMemo(
    () => window.map((i) => drawnText(i, columns, now, statusSince.get(i.id), health.get(i.id))),
    [rows, top, height, columns, now, statusSince, health],
  );
  return (
    <>
      <Text wrap="truncate" bold color={theme.colors.header}>
        {' ' + headerLine(props.columns, GAP)}
      </Text>
      {window.length === 0 ? (
        <Text color={theme.colors.muted}>{props.empty}</Text>
      ) : (
        window.map((inst, k) => (
          <Row
            key={inst.id}
            inst={inst}
            columns={props.columns}
            selected={inst.id === props.selectedId}
            since={props.statusSince.get(inst.id)}
            health={props.health.get(inst.id)}
            now={props.now}
            drawn={drawn[k]!}
          />
        ))
      )}
    </>
  );
}
