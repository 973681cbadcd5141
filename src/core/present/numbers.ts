/**
 * Plain numbers: with a unit, compact, counts and dollars as en-US writes them. "–" when unknown.
 * Counts and dollars are written without Intl: the process's first Intl.NumberFormat loads ICU's number data (~20 ms
 * and several MB of RSS), which the TUI paid on its first frame with data. test/present/numbers.test.ts checks them
 * against Intl.NumberFormat on thousands of values.
 */

/** "12.5 GB" style: `digits` decimals, then `unit`; "–" for null, undefined or not finite. */
export function formatNum(v: number | null | undefined, digits: number, unit = ''): string {
  return v === null || v === undefined || !Number.isFinite(v) ? '–' : `${v.toFixed(digits)}${unit}`;
}

/** A number compactly: 24, 1.4, 1200 (decimals only below 10). */
export function formatCompact(v: number | null, digits = 0): string {
  if (v === null || !Number.isFinite(v)) return '–';
  return digits && Math.abs(v) < 10 ? v.toFixed(digits) : String(Math.round(v));
}

/** A string of digits with a comma every three from the right: "1234567" → "1,234,567". */
function group(digits: string): string {
  let i = digits.length % 3 || 3;
  let out = digits.slice(0, i);
  for (; i < digits.length; i += 3) out += `,${digits.slice(i, i + 3)}`;
  return out;
}

/** A count (an integer) with thousands separators: 1234 → "1,234". */
export function formatCount(n: number): string {
  if (!Number.isSafeInteger(n)) return n.toLocaleString('en-US');
  return (n < 0 ? '-' : '') + group(String(Math.abs(n)));
}

/** The decimal string `d` plus one in its last place: "0199" → "0200", "99" → "100". */
function increment(d: string): string {
  let i = d.length - 1;
  while (i >= 0 && d[i] === '9') i--;
  if (i < 0) return `1${'0'.repeat(d.length)}`;
  return d.slice(0, i) + String.fromCharCode(d.charCodeAt(i) + 1) + '0'.repeat(d.length - i - 1);
}

/**
 * `abs` (≥ 0, below 1e21) to `places` decimals as [whole digits, fraction digits]. Like Intl, this rounds the
 * number's shortest decimal form (String(abs)), half away from zero: 0.015 → "0.02", where toFixed, rounding the
 * exact binary value 0.01499…, writes "0.01".
 */
function roundDecimal(abs: number, places: number): [string, string] {
  const s = String(abs);
  if (s.includes('e')) return ['0', '0'.repeat(places)]; // below 1e-6: zero at any number of places used here
  const dot = s.indexOf('.');
  const whole = dot < 0 ? s : s.slice(0, dot);
  const frac = dot < 0 ? '' : s.slice(dot + 1);
  if (frac.length <= places) return [whole, frac.padEnd(places, '0')];
  let digits = whole + frac.slice(0, places);
  if (frac.charCodeAt(places) >= 0x35) digits = increment(digits); // the next digit is 5 or more
  const cut = digits.length - places;
  return [digits.slice(0, cut), digits.slice(cut)];
}

/**
 * US dollars with exactly `places` decimals (at most 5): "$1,234.50", "-$0.41". A negative that rounds to zero
 * keeps its sign ("-$0.00"), as Intl does. `amount` must be finite.
 */
export function formatUsd(amount: number, places: number): string {
  const sign = amount < 0 || Object.is(amount, -0) ? '-' : '';
  const abs = Math.abs(amount);
  // String() writes 1e21 and up in exponent form; no bill comes near that.
  if (abs >= 1e21) return `${sign}$${abs.toLocaleString('en-US', { minimumFractionDigits: places })}`;
  const [whole, frac] = roundDecimal(abs, places);
  return `${sign}$${group(whole)}${places > 0 ? `.${frac}` : ''}`;
}
