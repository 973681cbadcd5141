/** The `?` overlay: every command of the registry by scope, generated, so it cannot drift from behaviour. */
import { Box, Text } from 'ink';
import type { Keymap } from '../core/keymap/registry.js';
import { keysLabel, SCOPE_TITLES } from '../core/keymap/docs.js';
import { useTheme } from './theme-context.js';

/** Help lines for a keymap (pure): [keys, description] or a section title. */
export function helpLines(keymap: Keymap): ({ title: string } | { keys: string; text: string })[] {
  const out: ({ title: string } | { keys: string; text: string })[] = [];
  for (const [scope, title] of SCOPE_TITLES) {
    const cmds = keymap.commands.filter((c) => c.scope === scope);
    if (!cmds.length) continue;
    out.push({ title });
    for (const c of cmds) {
      const keys = [keysLabel(c), c.cmd ? `:${c.cmd}${c.args ? ' ' + c.args : ''}` : ''].filter(Boolean).join('  ');
      out.push({ keys, text: (c.dangerous ? '[dangerous] ' : '') + c.description });
    }
  }
  return out;
}

/** Props of HelpOverlay. */
export interface HelpOverlayProps {
  keymap: Keymap;
  width: number;
  height: number;
}

/** A bordered box filling the table area; lines that do not fit flow into a second column. */
export function HelpOverlay({ keymap, width, height }: HelpOverlayProps) {
  const theme = useTheme();
  const all = helpLines(keymap);
  const inner = Math.max(1, height - 3);
  // As many 48-column columns as fit; what still does not fit is counted, and docs/keys.md has it all.
  const maxCols = Math.max(1, Math.floor((width - 2) / 48));
  const room = inner * maxCols;
  const lines = all.length > room ? all.slice(0, room - 1) : all;
  const more = all.length - lines.length;
  const columns: (typeof lines)[] = [];
  for (let i = 0; i < lines.length; i += inner) columns.push(lines.slice(i, i + inner));
  if (more > 0) columns[columns.length - 1]!.push({ keys: '…', text: `${more} more: enlarge the terminal or see docs/keys.md` });
  const colWidth = Math.floor((width - 2) / Math.max(1, columns.length));
  return (
    <Box borderStyle="round" borderColor={theme.colors.accent} flexDirection="column" width={width} height={height}>
      <Text bold color={theme.colors.header}>
        Keys{keymap.readOnly ? ' (read-only: dangerous commands removed)' : ''} — esc or ? closes
      </Text>
      <Box flexDirection="row">
        {columns.map((col, ci) => (
          <Box key={ci} flexDirection="column" width={colWidth}>
            {col.map((l, i) =>
              'title' in l ? (
                <Text key={i} bold color={theme.colors.accent} wrap="truncate">
                  {l.title}
                </Text>
              ) : (
                <Text key={i} wrap="truncate">
                  <Text color={theme.colors.header}>{l.keys.padEnd(18)}</Text> {l.text}
                </Text>
              ),
            )}
          </Box>
        ))}
      </Box>
    </Box>
  );
}
