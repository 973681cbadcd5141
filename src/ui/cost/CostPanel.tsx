/** The cost panel view: the report's lines, windowed to the height with a scroll offset (rule 1). */
import { Box, Text } from 'ink';
import { useTheme } from '../theme-context.js';
import type { CostLine } from './cost-lines.js';

/** Props of CostPanel. */
export interface CostPanelProps {
  lines: readonly CostLine[] | null;
  /** First line shown. */
  top: number;
  height: number;
  width: number;
  /** Shown instead of lines while nothing is loaded, or as the last line on a failed refresh. */
  status: string | null;
}

/** Renders at most `height` lines. */
export function CostPanel({ lines, top, height, width, status }: CostPanelProps) {
  const theme = useTheme();
  const color = (l: CostLine) =>
    l.level === 'title'
      ? theme.colors.header
      : l.level === 'section'
        ? theme.colors.accent
        : l.level === 'muted'
          ? theme.colors.muted
          : l.level === 'warn'
            ? theme.colors['status.warn']
            : l.level === 'error'
              ? theme.colors['status.error']
              : undefined;
  const room = Math.max(1, height - (status ? 1 : 0));
  const shown = (lines ?? []).slice(top, top + room);
  return (
    <Box flexDirection="column" width={width} height={height}>
      {shown.map((l, i) => (
        <Text key={top + i} wrap="truncate" color={color(l)} bold={l.level === 'title' || l.level === 'section'}>
          {l.text || ' '}
        </Text>
      ))}
      {status ? (
        <Text wrap="truncate" color={theme.colors.muted}>
          {status}
        </Text>
      ) : null}
    </Box>
  );
}
