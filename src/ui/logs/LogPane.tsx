/**
 * The log pane: a title line (instance, source status, follow/wrap/search state) and the visible rows only,
 * each labelled by its source. Text is sanitized again as it is drawn: the ring already strips control
 * sequences, but the pane does not rely on where its lines came from.
 */
import { memo } from 'react';
import { Box, Text } from 'ink';
import { sanitizeLine } from '../../core/util/sanitize.js';
import type { LogLine } from '../../core/logs/ring.js';
import { useTheme } from '../theme-context.js';
import { highlightParts, type ViewRow } from './view-state.js';

/** Width of the source label column ("ssh │ "). */
export const LABEL_WIDTH = 6;

const LABEL: Record<LogLine['source'], string> = { ssh: 'ssh', api: 'api', daemon: 'dmn' };

/** Props of LogPane. */
export interface LogPaneProps {
  title: string;
  /** Right part of the title: follow, wrap, matches. */
  flags: string;
  rows: readonly ViewRow[];
  /** Rows available for log lines (the title takes one more). */
  height: number;
  width: number;
  query: string;
  /** The current search match, drawn in the accent colour. */
  matchSeq: number | null;
  focused: boolean;
  empty: string;
}

const Row = memo(function Row({
  row,
  query,
  current,
  labelColor,
}: {
  row: ViewRow;
  query: string;
  current: boolean;
  labelColor?: string;
}) {
  const text = sanitizeLine(row.text);
  const parts = highlightParts(text, query);
  return (
    <Text wrap="truncate">
      {/* The current match also gets a ▶ in the gutter: inverse alone is invisible on colour-free terminals. */}
      <Text color={labelColor} dimColor={row.part > 0}>
        {row.part > 0 ? '    │ ' : `${LABEL[row.source].padEnd(3)} ${current ? '▶' : '│'} `}
      </Text>
      {parts.map((p, i) =>
        p.hit ? (
          <Text key={i} inverse bold={current}>
            {p.text}
          </Text>
        ) : (
          p.text
        ),
      )}
    </Text>
  );
});

/** The pane, exactly height + 1 lines tall. */
export function LogPane({ title, flags, rows, height, width, query, matchSeq, focused, empty }: LogPaneProps) {
  const theme = useTheme();
  const labelColor = (s: LogLine['source']) =>
    s === 'ssh'
      ? theme.colors['status.running']
      : s === 'api'
        ? theme.colors['status.loading']
        : theme.colors['status.warn'];
  const room = Math.max(0, width - flags.length - 2);
  const head = title.length > room ? title.slice(0, Math.max(0, room - 1)) + '…' : title;
  return (
    <Box flexDirection="column" width={width} height={height + 1}>
      <Text wrap="truncate" inverse={focused} color={focused ? undefined : theme.colors.border}>
        {head}
        {' '.repeat(Math.max(1, width - head.length - flags.length))}
        {flags}
      </Text>
      {rows.length === 0 ? (
        <Text color={theme.colors.muted}>{empty}</Text>
      ) : (
        rows.map((r) => (
          <Row key={r.key} row={r} query={query} current={r.seq === matchSeq} labelColor={labelColor(r.source)} />
        ))
      )}
    </Box>
  );
}
