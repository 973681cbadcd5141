/**
 * Money already spent, from the charges API (vast-api.md §9), per instance and in total, cross-checked against
 * what the instance's current price says the same time should have cost. A large gap means the price changed,
 * the instance sat stopped or loading for a while, or billing differs from the listed rate: worth a look.
 */
import { instanceView, type DisplayStatus } from '../fleet/status.js';
import type { Charge, Instance } from '../vast/types.js';

/** Relative gap between charged and time × rate above which a spend row is flagged. */
export const MISMATCH_RATIO = 0.1;
/** Charges covering less than this are not cross-checked: loading time and 3-decimal rounding dominate. */
export const MIN_CHECK_MS = 3_600_000;
/** Gaps smaller than this many dollars are rounding, not a mismatch. */
const MIN_GAP_USD = 0.02;

/** What one billing source (usually an instance) has cost in the window. */
export interface SourceSpend {
  /** e.g. "instance-1001". */
  source: string;
  instanceId: number | null;
  label: string | null;
  /** The instance's status now, or "gone" when it is no longer listed (destroyed). */
  status: DisplayStatus | 'gone';
  /** $ charged in the window. */
  spent: number;
  /** Epoch ms covered by the charges. */
  from: number;
  to: number;
  /** $/hr it costs right now (null when gone). */
  burnPerHour: number | null;
  /** What the covered time costs at the current price: a range, since a non-running state may have run before. */
  expected: { low: number; high: number } | null;
  /** Relative gap to the nearest end of `expected` (0 inside it); null when not checked. */
  gap: number | null;
  /** True when charged and time × rate differ by more than MISMATCH_RATIO. */
  mismatch: boolean;
}

/** Groups charges by source and joins them with the listed instances. Sorted by spend, largest first. */
export function spendBySource(
  charges: readonly Charge[],
  instances: readonly Instance[],
  now: number = Date.now(),
): SourceSpend[] {
  const byId = new Map(instances.map((i) => [i.id, i]));
  const groups = new Map<string, { charges: Charge[]; instanceId: number | null }>();
  for (const c of charges) {
    let g = groups.get(c.source);
    if (!g) groups.set(c.source, (g = { charges: [], instanceId: c.instanceId }));
    g.charges.push(c);
  }
  const out: SourceSpend[] = [];
  for (const [source, g] of groups) {
    const inst = g.instanceId !== null ? byId.get(g.instanceId) : undefined;
    const spent = round(
      g.charges.reduce((s, c) => s + c.amount, 0),
      6,
    );
    const from = Math.min(...g.charges.map((c) => c.start));
    const to = Math.max(...g.charges.map((c) => c.end));
    const view = inst ? instanceView(inst, now, undefined) : null;
    const row: SourceSpend = {
      source,
      instanceId: g.instanceId,
      label: inst?.label ?? labelFromDescription(g.charges[0]!.description),
      status: view?.status ?? 'gone',
      spent,
      from,
      to,
      burnPerHour: view?.dph ?? null,
      expected: null,
      gap: null,
      mismatch: false,
    };
    if (inst && to - from >= MIN_CHECK_MS) crossCheck(row, inst);
    out.push(row);
  }
  return out.sort((a, b) => b.spent - a.spent || a.source.localeCompare(b.source));
}

/** Fills expected/gap/mismatch from the instance's current prices. */
function crossCheck(row: SourceSpend, inst: Instance): void {
  const hours = (row.to - row.from) / 3_600_000;
  const billsGpu = inst.status === 'running' || inst.status === 'frozen';
  // A running instance paid its full price all along (loading is short next to an hour); any other state may
  // have run before, so anything between storage-only and the full price is plausible.
  const low = (billsGpu ? inst.dphTotal : inst.storageDph) * hours;
  const high = inst.dphTotal * hours;
  row.expected = { low: round(low, 6), high: round(high, 6) };
  const diff = row.spent < low ? low - row.spent : row.spent > high ? row.spent - high : 0;
  const ref = row.spent < low ? low : high;
  row.gap = ref > 0 ? round((row.spent < low ? -diff : diff) / ref, 4) : 0;
  row.mismatch = diff > MIN_GAP_USD && ref > 0 && diff / ref > MISMATCH_RATIO;
}

/** Dollars charged inside [from, to], pro-rating charges that straddle the edges (charges come per day). */
export function spentBetween(charges: readonly Charge[], from: number, to: number): number {
  let s = 0;
  for (const c of charges) {
    const span = c.end - c.start;
    const overlap = Math.min(c.end, to) - Math.max(c.start, from);
    if (span <= 0) s += c.start >= from && c.start <= to ? c.amount : 0;
    else if (overlap > 0) s += (c.amount * overlap) / span;
  }
  return round(s, 6);
}

/** The label in Vast's description "Instance 1001 (my-label)", for instances no longer listed. */
export function labelFromDescription(description: string): string | null {
  const m = /^Instance \d+ \((.+)\)$/.exec(description);
  return m ? m[1]! : null;
}

function round(x: number, digits: number): number {
  const f = 10 ** digits;
  return Math.round(x * f) / f;
}
