/** Name/value fields in two columns, the way the detail panes show them. */
import { Box, Text } from 'ink';
import { useTheme } from './theme-context.js';

/** Props of FieldColumns: the fields and the width of the box they sit in (border included). */
export interface FieldColumnsProps {
  lines: readonly (readonly [string, string])[];
  width: number;
}

/** The first half of the fields on the left, the rest on the right; names muted, values truncated. */
export function FieldColumns({ lines, width }: FieldColumnsProps) {
  const theme = useTheme();
  const half = Math.ceil(lines.length / 2);
  const colWidth = Math.max(10, Math.floor((width - 4) / 2));
  const column = (items: readonly (readonly [string, string])[]) => (
    <Box flexDirection="column" width={colWidth}>
      {items.map(([k, v]) => (
        <Text key={k} wrap="truncate">
          <Text color={theme.colors.muted}>{k.padEnd(9)}</Text>
          {v}
        </Text>
      ))}
    </Box>
  );
  return (
    <Box flexDirection="row">
      {column(lines.slice(0, half))}
      {column(lines.slice(half))}
    </Box>
  );
}
