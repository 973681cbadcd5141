/** The `:` command line or the `/` filter line. */
import { Text } from 'ink';
import { useTheme } from './theme-context.js';
import type { InputState } from './use-fleet-actions.js';

/** One line with a block cursor (no blinking: rule 6, no idle animation). */
export function InputLine({ input }: { input: InputState }) {
  const theme = useTheme();
  return (
    <Text wrap="truncate">
      <Text color={theme.colors.accent} bold>
        {input.kind === 'command' ? ':' : '/'}
      </Text>
      {input.text}
      <Text inverse> </Text>
    </Text>
  );
}
