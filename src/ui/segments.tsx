/** Table row segments (core/present/columns.ts `rowSegments`) as Ink children. */
import { Text } from 'ink';
import type { Segment } from '../core/present/columns.js';
import { levelColor } from './theme-context.js';
import type { Theme } from './theme.js';

/** Styled runs in their level's colour, plain runs as strings. */
export function drawSegments(theme: Theme, segments: readonly Segment[]) {
  return segments.map((s, i) =>
    s.level ? (
      <Text key={i} color={levelColor(theme, s.level)}>
        {s.text}
      </Text>
    ) : (
      s.text
    ),
  );
}
