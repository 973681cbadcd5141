/**
 * Money, every view's: one cached Intl.NumberFormat per style (building one costs ~20 µs; format() on a cached
 * one a fraction of that). Amounts are US dollars as Vast bills them. Not finite: "–".
 * The formatters are built on first use, not at module load: the process's first Intl.NumberFormat loads ICU's
 * number data (~15 ms and ~7 MB of RSS), which `instances --json` and the TUI's first frame never need.
 */

const usd = (digits: number) =>
  new Intl.NumberFormat('en-US', {
    style: 'currency',
    currency: 'USD',
    minimumFractionDigits: digits,
    maximumFractionDigits: digits,
  });
let usd2: Intl.NumberFormat | undefined;
let usd3: Intl.NumberFormat | undefined;
const USD2 = () => (usd2 ??= usd(2));
const USD3 = () => (usd3 ??= usd(3));

const known = (v: number | null | undefined): v is number => v !== null && v !== undefined && Number.isFinite(v);

/** An amount: "$0.41", "$1,234.50" (spend, credit, totals, $/day). */
export function formatMoney(amount: number | null | undefined): string {
  return known(amount) ? USD2().format(amount) : '–';
}

/** A price per hour: three decimals below $1 (Vast prices are often $0.xyz), else two: "$0.412", "$4.82". */
export function formatRate(dph: number | null | undefined): string {
  return known(dph) ? (Math.abs(dph) < 1 ? USD3() : USD2()).format(dph) : '–';
}

/**
 * A price per hour to the tenth of a cent whatever its size: "$12.345" (bids, what was billed, the runbook's Total
 * line).
 */
export function formatRateExact(dph: number | null | undefined): string {
  return known(dph) ? USD3().format(dph) : '–';
}

/** A price per hour as dollars per day: "$9.89". */
export function formatPerDay(dph: number | null | undefined): string {
  return known(dph) ? USD2().format(dph * 24) : '–';
}
