/** The top line: title, scope, filter, sort, counts, and the read-only/demo marks. */
import { Text } from 'ink';
import type { FleetQuery } from '../core/fleet/row-filter.js';
import { sanitizeLine } from '../core/util/sanitize.js';
import { useTheme } from './theme-context.js';

/** Props of Header. */
export interface HeaderProps {
  query: FleetQuery;
  shown: number;
  total: number;
  readOnly: boolean;
  demo: boolean;
  width: number;
}

/** One line. */
export function Header({ query, shown, total, readOnly, demo }: HeaderProps) {
  const theme = useTheme();
  return (
    <Text wrap="truncate">
      <Text bold color={theme.colors.header}>
        vastdeck
      </Text>
      {demo ? <Text color={theme.colors.accent}> DEMO</Text> : null}
      {readOnly ? (
        <Text color={theme.colors['status.warn']} bold>
          {' '}
          READ-ONLY
        </Text>
      ) : null}
      <Text color={theme.colors.muted}>{'  fleet '}</Text>
      {query.fleet ? sanitizeLine(query.fleet) + '*' : 'all'}
      {query.filter ? (
        <>
          <Text color={theme.colors.muted}>{'  filter '}</Text>
          {sanitizeLine(query.filter)}
        </>
      ) : null}
      <Text color={theme.colors.muted}>{'  sort '}</Text>
      {query.sort}
      {query.desc ? '↓' : '↑'}
      <Text color={theme.colors.muted}>
        {'  '}
        {shown === total ? `${total}` : `${shown}/${total}`} instances
      </Text>
    </Text>
  );
}
