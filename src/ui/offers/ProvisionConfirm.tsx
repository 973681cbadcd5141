/** The provision confirmation box: the request's lines wrapped to the width (never cut), then the y/n question. */
import { Box, Text } from 'ink';
import { useTheme } from '../theme-context.js';
import { wrapLine } from '../wrap-line.js';

const QUESTION = 'This rents and bills. Confirm? [y/n]';

/** The box's lines as drawn in a `width`-wide box (border included): each request line wrapped, then the question. */
export function provisionConfirmLines(lines: readonly string[], width: number): { text: string; first: boolean }[] {
  const inner = Math.max(10, width - 2);
  return lines.flatMap((l, i) => wrapLine(l, inner, 2).map((text) => ({ text, first: i === 0 })));
}

/** Lines the box takes, border included. */
export function provisionConfirmHeight(lines: readonly string[], width: number): number {
  return provisionConfirmLines(lines, width).length + wrapLine(QUESTION, Math.max(10, width - 2)).length + 2;
}

/** The box. */
export function ProvisionConfirm({ lines, width }: { lines: readonly string[]; width: number }) {
  const theme = useTheme();
  return (
    <Box borderStyle="round" borderColor={theme.colors['status.warn']} flexDirection="column" width={width}>
      {provisionConfirmLines(lines, width).map((l, i) => (
        <Text key={i} wrap="wrap" bold={l.first}>
          {l.text}
        </Text>
      ))}
      <Text wrap="wrap" bold color={theme.colors['status.warn']}>
        {QUESTION}
      </Text>
    </Box>
  );
}
