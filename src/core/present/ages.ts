/**
 * THE age format of every table and footer (CLI and TUI): "<1m", "17m", "5h" below 48 hours, then "3d".
 * Coarse on purpose: the text changes at most once a minute, so few distinct strings reach Ink's caches and a
 * table does not churn every second; hours up to 48 because "1d" for 47 hours hides most of a day (the same
 * 48-hour switch formatDuration makes).
 */

/** Age of something `ms` old: "<1m", "17m", "5h", "3d"; "–" when unknown or in the future by more than a rounding. */
export function formatAge(ms: number): string {
  if (!(ms >= 60_000)) return ms >= 0 ? '<1m' : '–';
  const m = Math.floor(ms / 60_000);
  if (m < 60) return `${m}m`;
  const h = Math.floor(m / 60);
  if (h < 48) return `${h}h`;
  return `${Math.floor(h / 24)}d`;
}

/** Age of something that started at `fromMs` (epoch ms; null: never), at `nowMs`. */
export function ageSince(fromMs: number | null | undefined, nowMs: number): string {
  return fromMs === null || fromMs === undefined ? '–' : formatAge(nowMs - fromMs);
}
