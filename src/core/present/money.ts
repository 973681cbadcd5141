/**
 * Money, every view's. Amounts are US dollars as Vast bills them. Not finite: "–". Written by numbers.ts, not
 * Intl.NumberFormat (whose first use costs ~20 ms), with the same text.
 */
import { formatUsd } from './numbers.js';

const known = (v: number | null | undefined): v is number => v !== null && v !== undefined && Number.isFinite(v);

/** An amount: "$0.41", "$1,234.50" (spend, credit, totals, $/day). */
export function formatMoney(amount: number | null | undefined): string {
  return known(amount) ? formatUsd(amount, 2) : '–';
}

/** A price per hour: three decimals below $1 (Vast prices are often $0.xyz), else two: "$0.412", "$4.82". */
export function formatRate(dph: number | null | undefined): string {
  return known(dph) ? formatUsd(dph, Math.abs(dph) < 1 ? 3 : 2) : '–';
}

/**
 * A price per hour to the tenth of a cent whatever its size: "$12.345" (bids, what was billed, the runbook's Total
 * line).
 */
export function formatRateExact(dph: number | null | undefined): string {
  return known(dph) ? formatUsd(dph, 3) : '–';
}

/** A price per hour as dollars per day: "$9.89". */
export function formatPerDay(dph: number | null | undefined): string {
  return known(dph) ? formatUsd(dph * 24, 2) : '–';
}
