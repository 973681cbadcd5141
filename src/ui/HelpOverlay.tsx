/** The `?` overlay: every command of the registry by scope, generated, so it cannot drift from behaviour. */
import { Box, Text } from 'ink';
import type { Keymap } from './keymap/registry.js';
import { keysLabel, SCOPE_TITLES } from './keymap/docs.js';
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

/** The scroll line: the keys always; where docs/keys.md is, then how many lines are below, when they fit. */
export function scrollLine(head: string, more: string, width: number): string {
  const docs = '; all keys are in docs/keys.md';
  for (const t of [head + more + docs, head + docs, head + more]) if (t.length <= width) return t;
  return head;
}

/** Narrowest help column; a wider terminal gets more columns, never cut descriptions. */
const MIN_COLUMN = 80;
const KEYS_WIDTH = 18;

/** How many help columns fit `width`. */
export function helpColumns(width: number): number {
  return Math.max(1, Math.floor((width - 2) / MIN_COLUMN));
}

/** Words of `text` in lines of at most `width` columns (a longer word is cut into pieces). */
function wrapWords(text: string, width: number): string[] {
  const out: string[] = [];
  let cur = '';
  for (let word of text.split(/\s+/).filter(Boolean)) {
    while (word.length > width) {
      if (cur) out.push(cur), (cur = '');
      out.push(word.slice(0, width));
      word = word.slice(width);
    }
    if (!cur) cur = word;
    else if (cur.length + 1 + word.length <= width) cur += ' ' + word;
    else out.push(cur), (cur = word);
  }
  if (cur || !out.length) out.push(cur);
  return out;
}

/**
 * The help lines as drawn in columns of a `width`-wide overlay: descriptions wrap onto indented continuation
 * lines instead of ending in "…"; keys too long for their column get a line of their own.
 */
export function helpVisualLines(keymap: Keymap, width: number): ({ title: string } | { keys: string; text: string })[] {
  const colWidth = Math.floor((width - 2) / helpColumns(width));
  const textWidth = Math.max(10, colWidth - KEYS_WIDTH - 2);
  const out: ({ title: string } | { keys: string; text: string })[] = [];
  for (const l of helpLines(keymap)) {
    if ('title' in l) {
      out.push(l);
      continue;
    }
    if (l.keys.length > KEYS_WIDTH) out.push({ keys: l.keys, text: '' });
    const chunks = wrapWords(l.text, textWidth);
    chunks.forEach((text, i) => out.push({ keys: i === 0 && l.keys.length <= KEYS_WIDTH ? l.keys : '', text }));
  }
  return out;
}

/** Props of HelpOverlay. */
export interface HelpOverlayProps {
  keymap: Keymap;
  width: number;
  height: number;
  /** First help line shown (j/k scroll it when the terminal is too small for all of them). */
  offset?: number;
}

/** How the help lines are laid out in a box of width×height: lines per column, columns, and how far it scrolls. */
export function helpLayout(
  count: number,
  width: number,
  height: number,
): { perColumn: number; columns: number; maxOffset: number } {
  // Title and borders take 3 lines; one line is kept for the scroll hint when everything does not fit.
  const inner = Math.max(1, height - 3);
  const columns = helpColumns(width);
  if (count <= inner * columns) return { perColumn: inner, columns, maxOffset: 0 };
  const perColumn = Math.max(1, inner - 1);
  return { perColumn, columns, maxOffset: Math.max(0, count - perColumn * columns) };
}

/** A bordered box filling the table area; lines flow into as many columns as fit, and scroll with j/k. */
export function HelpOverlay({ keymap, width, height, offset = 0 }: HelpOverlayProps) {
  const theme = useTheme();
  const all = helpVisualLines(keymap, width);
  const layout = helpLayout(all.length, width, height);
  const start = Math.min(Math.max(0, offset), layout.maxOffset);
  const lines = all.slice(start, start + layout.perColumn * layout.columns);
  const columns: (typeof lines)[] = [];
  for (let i = 0; i < lines.length; i += layout.perColumn) columns.push(lines.slice(i, i + layout.perColumn));
  const below = all.length - start - lines.length;
  const colWidth = Math.floor((width - 2) / Math.max(1, columns.length));
  return (
    <Box borderStyle="round" borderColor={theme.colors.accent} flexDirection="column" width={width} height={height}>
      <Text bold color={theme.colors.header} wrap="truncate">
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
                  <Text color={theme.colors.header}>{l.keys.padEnd(KEYS_WIDTH)}</Text> {l.text}
                </Text>
              ),
            )}
          </Box>
        ))}
      </Box>
      {layout.maxOffset > 0 ? (
        <Text color={theme.colors.muted} wrap="truncate">
          {scrollLine(
            `lines ${start + 1}–${start + lines.length} of ${all.length}: j/k, pgup/pgdn scroll`,
            below > 0 ? ` (${below} more below)` : '',
            width - 2,
          )}
        </Text>
      ) : null}
    </Box>
  );
}
