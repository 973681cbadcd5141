/** The top line: title, scope, filter, sort, counts, and the read-only/demo marks (parts from header-line.ts). */
import { Text } from 'ink';
import { headerParts, type HeaderState } from './header-line.js';
import { useTheme } from './theme-context.js';

/** Props of Header. */
export interface HeaderProps extends HeaderState {
  width: number;
}

/** One line. */
export function Header(props: HeaderProps) {
  const theme = useTheme();
  return (
    <Text wrap="truncate">
      {headerParts(props).map((p, i) =>
        p.color || p.bold ? (
          <Text key={i} bold={p.bold} color={p.color && theme.colors[p.color]}>
            {p.text}
          </Text>
        ) : (
          p.text
        ),
      )}
    </Text>
  );
}
