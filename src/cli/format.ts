/** Small text formatters shared by the headless commands' tables. */

/** "4× RTX 3090". */
export function gpuLabel(numGpus: number, gpuName: string): string {
  return `${numGpus}× ${gpuName}`;
}

/** Money per hour with display precision, e.g. "$0.412". */
export function money(v: number | null | undefined, digits = 3): string {
  return v === null || v === undefined || !Number.isFinite(v) ? '–' : `$${v.toFixed(digits)}`;
}

/** A rounded number or "–". */
export function num(v: number | null | undefined, digits = 0): string {
  return v === null || v === undefined || !Number.isFinite(v) ? '–' : v.toFixed(digits);
}

/** Age as "45s", "3m", "5h", "2d": coarse on purpose (no per-second churn in tables). */
export function age(fromMs: number | null, nowMs: number): string {
  if (fromMs === null) return '–';
  const s = Math.max(0, Math.floor((nowMs - fromMs) / 1000));
  if (s < 60) return `${s}s`;
  if (s < 3600) return `${Math.floor(s / 60)}m`;
  if (s < 86400) return `${Math.floor(s / 3600)}h`;
  return `${Math.floor(s / 86400)}d`;
}
