/**
 * Sparklines in plain Unicode block characters (▁▂▃▄▅▆▇█): no colour needed, so they read the same in the mono
 * theme. Pure; the detail pane and the cost panel draw them.
 */

const BLOCKS = '▁▂▃▄▅▆▇█';

/**
 * The last `width` values as blocks, scaled between their min and max (a flat series is a flat low line).
 * Non-finite values are skipped. Empty when there is nothing to draw.
 */
export function sparkline(values: readonly number[], width: number): string {
  const vs = values.filter((v) => Number.isFinite(v)).slice(-Math.max(0, Math.floor(width)));
  if (vs.length === 0) return '';
  const min = Math.min(...vs);
  const max = Math.max(...vs);
  const span = max - min;
  return vs.map((v) => BLOCKS[span === 0 ? 0 : Math.min(7, Math.floor(((v - min) / span) * 8))]).join('');
}
