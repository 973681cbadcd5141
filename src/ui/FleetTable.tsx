/**
 * The windowed fleet table: only the rows that fit reach React (ENGINEERING.md rule 1: handing Ink 1,000 rows
 * cost 270 ms per frame; the visible ~44 cost ~20 ms). Rows are memoised on the row-stable instance objects, so
 * a poll that changes one instance re-renders one row.
 */
import { memo } from 'react';
import { Text } from 'ink';
import type { Instance } from '../core/vast/types.js';
import type { InstanceHealth } from '../core/fleet/store.js';
import { headerLine, instanceCells, rowSegments, type Column } from './cells.js';
import { levelColor, useTheme } from './theme-context.js';

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

interface RowProps {
  inst: Instance;
  columns: readonly Column[];
  selected: boolean;
  since: number | undefined;
  health: InstanceHealth | undefined;
  now: number;
}

const Row = memo(function Row({ inst, columns, selected, since, health, now }: RowProps) {
  const theme = useTheme();
  const all = rowSegments(instanceCells(inst, now, since, health), columns);
  const sel = selected
    ? theme.mono
      ? { inverse: true }
      : { backgroundColor: theme.colors.selection, color: theme.colors['selection.text'] }
    : {};
  // The highlight covers the marker, ID and label, not the whole row: a selection move then changes ~45 cells
  // per row instead of all of them, which the line differ (line-diff.ts) turns into ≤ 300 B per move.
  const [head, segments] = splitHead(all, highlightWidth(columns));
  return (
    <Text wrap="truncate">
      {/* A visible marker, not only colour: with NO_COLOR or chalk level 0 (CI set) inverse is dropped too. */}
      <Text {...sel}>{(selected ? '›' : ' ') + head}</Text>
      {segments.map((s, i) =>
        s.level ? (
          <Text key={i} color={levelColor(theme, s.level)}>
            {s.text}
          </Text>
        ) : (
          s.text
        ),
      )}
    </Text>
  );
});

/** Width of the ID and label columns with the space between them (the highlighted part of a selected row). */
function highlightWidth(columns: readonly Column[]): number {
  const shown = columns.filter((c) => c.id === 'id' || c.id === 'label');
  return shown.reduce((n, c) => n + c.width, 0) + Math.max(0, shown.length - 1);
}

/** Splits off the first `width` characters of plain text from the segments (the highlighted head). */
function splitHead(segments: ReturnType<typeof rowSegments>, width: number): [string, ReturnType<typeof rowSegments>] {
  const first = segments[0];
  if (!first || first.level || width <= 0) return ['', segments];
  const head = first.text.slice(0, width);
  const rest = first.text.slice(width);
  return [head, rest ? [{ ...first, text: rest }, ...segments.slice(1)] : segments.slice(1)];
}

/** Header line plus the visible window of rows. */
export function FleetTable(props: FleetTableProps) {
  const theme = useTheme();
  const window = props.rows.slice(props.top, props.top + props.height);
  return (
    <>
      <Text wrap="truncate" bold color={theme.colors.header}>
        {' ' + headerLine(props.columns)}
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
