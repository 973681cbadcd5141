/**
 * Display formatting. Values are rounded to what is shown so few distinct strings reach Ink's text caches
 * (ENGINEERING.md rule 3): ages are "3m", "5h", "2d", never a per-second clock.
 */

/** Compact age: "now", "3m", "5h", "2d". */
export function formatAge(ms: number): string {
  if (!(ms >= 60_000)) return ms >= 0 ? '<1m' : '–';
  const m = Math.floor(ms / 60_000);
  if (m < 60) return `${m}m`;
  const h = Math.floor(m / 60);
  if (h < 48) return `${h}h`;
  return `${Math.floor(h / 24)}d`;
}

/** A duration in hours as "41h" or "3d 4h" (runway). */
export function formatHours(hours: number): string {
  if (!Number.isFinite(hours)) return '∞';
  if (hours < 1) return `${Math.max(0, Math.round(hours * 60))}m`;
  if (hours < 48) return `${Math.floor(hours)}h`;
  const d = Math.floor(hours / 24);
  return `${d}d ${Math.floor(hours - d * 24)}h`;
}

/** Money: "$0.41", "$1,234.50". */
export function formatMoney(amount: number): string {
  return `$${amount.toLocaleString('en-US', { minimumFractionDigits: 2, maximumFractionDigits: 2 })}`;
}

/** $/hr with three decimals below $1 (Vast prices are often $0.xyz). */
export function formatRate(dph: number): string {
  return dph < 1 ? `$${dph.toFixed(3)}` : `$${dph.toFixed(2)}`;
}

/** GPU cell: "4× RTX 3090". */
export function formatGpu(num: number, name: string): string {
  return `${num}× ${name}`;
}

/** Optional number with unit, "–" when unknown. */
export function formatNum(v: number | null | undefined, digits: number, unit = ''): string {
  return v === null || v === undefined ? '–' : `${v.toFixed(digits)}${unit}`;
}

/** Pads or truncates to exactly `width` columns (with "…" when cut). Table text is single-width ASCII/Latin. */
export function fit(text: string, width: number, align: 'left' | 'right' = 'left'): string {
  if (width <= 0) return '';
  if (text.length > width) return width === 1 ? '…' : text.slice(0, width - 1) + '…';
  return align === 'right' ? text.padStart(width) : text.padEnd(width);
}
