/**
 * Durations, the one parser and the one formatter: what people type on a command line and in profiles ("30s",
 * "5m", "8h", "7d", "1h30m") and what every view prints (runway, windows, ETAs, deadlines).
 */

const UNIT_MS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 };
const PART = /(\d+(?:\.\d+)?)(ms|s|m|h|d)/gy;

/** Parses "90s", "30m", "8h", "7d", "1h30m"; a bare number is seconds. Returns ms, or null when not a duration. */
export function parseDuration(text: string): number | null {
  const t = text.trim().toLowerCase();
  if (/^\d+(?:\.\d+)?$/.test(t)) return Number(t) * 1000;
  if (t === '') return null;
  PART.lastIndex = 0;
  let total = 0;
  let pos = 0;
  for (let m = PART.exec(t); m; m = PART.exec(t)) {
    total += Number(m[1]) * UNIT_MS[m[2]!]!;
    pos = PART.lastIndex;
  }
  return pos === t.length ? total : null;
}

/** Like parseDuration, but a bare number ("5": seconds? minutes?) is refused: what command-line flags accept. */
export function parseDurationWithUnit(text: string): number | null {
  return /[a-z]$/i.test(text.trim()) ? parseDuration(text) : null;
}

/** A coarse human duration: "45s", "12m", "3h05m", "2d04h", "7d"; "∞" when it never ends. */
export function formatDuration(ms: number): string {
  if (!Number.isFinite(ms)) return ms > 0 ? '∞' : '–';
  const s = Math.max(0, Math.round(ms / 1000));
  if (s < 60) return `${s}s`;
  const min = Math.floor(s / 60);
  if (min < 60) return `${min}m`;
  const h = Math.floor(min / 60);
  if (h < 48) return `${h}h${String(min % 60).padStart(2, '0')}m`;
  return h % 24 === 0 ? `${h / 24}d` : `${Math.floor(h / 24)}d${String(h % 24).padStart(2, '0')}h`;
}

/** A duration given in hours (runway, hours held), formatted as formatDuration does. */
export function formatHours(hours: number): string {
  return formatDuration(hours * 3_600_000);
}
