/** Plain numbers with a unit, "–" when unknown. */

/** "12.5 GB" style: `digits` decimals, then `unit`; "–" for null, undefined or not finite. */
export function formatNum(v: number | null | undefined, digits: number, unit = ''): string {
  return v === null || v === undefined || !Number.isFinite(v) ? '–' : `${v.toFixed(digits)}${unit}`;
}

/** A number compactly: 24, 1.4, 1200 (decimals only below 10). */
export function formatCompact(v: number | null, digits = 0): string {
  if (v === null || !Number.isFinite(v)) return '–';
  return digits && Math.abs(v) < 10 ? v.toFixed(digits) : String(Math.round(v));
}
