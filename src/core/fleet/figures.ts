/**
 * The fleet's derived figures (counts by display status, burn, runway), computed once per snapshot by the store
 * rather than on every render. Counts depend on the clock only through "stuck" (loading for more than
 * STUCK_AFTER_MS), so each result says the span of time it holds for; `figuresAt` recomputes only outside it.
 */
import type { Instance } from '../vast/types.js';
import { fleetBurn, type Burn } from './burn.js';
import { displayStatus, STATUS_ORDER, STUCK_AFTER_MS, type DisplayStatus } from './status.js';

/** Counts, burn and runway of a fleet at one time. */
export interface FleetFigures {
  /** Instances per display status, in STATUS_ORDER, zeros left out. */
  readonly counts: readonly (readonly [DisplayStatus, number])[];
  readonly burn: Burn;
  /** The counts hold for validFrom < now ≤ validUntil (a loading instance turns stuck at a bound). */
  readonly validFrom: number;
  readonly validUntil: number;
}

/** What the figures are computed from (a FleetSnapshot is one). */
export interface FiguresInput {
  readonly instances: readonly Instance[];
  readonly statusSince: ReadonlyMap<number, number>;
  readonly user: { readonly credit: number } | null;
}

/** Counts, burn and runway over the whole fleet at `now`: one pass. */
export function fleetFigures(input: FiguresInput, now: number): FleetFigures {
  const counts = new Map<DisplayStatus, number>();
  let validFrom = -Infinity;
  let validUntil = Infinity;
  for (const inst of input.instances) {
    const since = input.statusSince.get(inst.id);
    const s = displayStatus(inst, now, since);
    counts.set(s, (counts.get(s) ?? 0) + 1);
    if (inst.status === 'loading') {
      const from = since ?? inst.startedAt;
      if (from == null) continue; // measured from now itself: never stuck
      const stuckAfter = from + STUCK_AFTER_MS; // stuck when now > stuckAfter
      if (s === 'stuck') validFrom = Math.max(validFrom, stuckAfter);
      else validUntil = Math.min(validUntil, stuckAfter);
    }
  }
  return {
    counts: STATUS_ORDER.filter((s) => counts.has(s)).map((s) => [s, counts.get(s)!] as const),
    burn: fleetBurn(input.instances, input.user?.credit ?? null),
    validFrom,
    validUntil,
  };
}

const recomputed = new WeakMap<object, FleetFigures>();

/**
 * The figures of a snapshot at `now`: the ones the store computed when they still hold (the common case, O(1)),
 * else computed again once and kept with the snapshot.
 */
export function figuresAt(snap: FiguresInput & { readonly figures: FleetFigures }, now: number): FleetFigures {
  const holds = (f: FleetFigures) => now > f.validFrom && now <= f.validUntil;
  if (holds(snap.figures)) return snap.figures;
  const again = recomputed.get(snap);
  if (again && holds(again)) return again;
  const f = fleetFigures(snap, now);
  recomputed.set(snap, f);
  return f;
}
