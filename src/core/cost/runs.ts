/**
 * Cost per logical run: one training run may use several instances — migrated to a new host, replaced by the
 * keeper, re-rented — and its spend is the sum over all of them. Which instance belongs to which run comes from
 * the journal: a run id recorded with a rental (`lifecycle.rules`, or any record naming both a run id and an
 * instance outside migrations), a migration's target joining its source's run, and a keeper fleet's launches
 * (and replacements) forming the run `fleet:PREFIX`. Instances the journal does not place are a run of their own.
 */
import type { JournalRecord } from '../journal/record.js';
import { migrationsFromJournal } from '../ops/migrate-record.js';
import type { Instance } from '../vast/types.js';
import { instanceBurn } from '../fleet/burn.js';
import type { Range, RunProjection } from './projection.js';
import type { SourceSpend } from './spend.js';

/** Instance id → run id, from the journal. */
export function runMembership(records: readonly JournalRecord[]): Map<number, string> {
  const runOf = new Map<number, string>();
  for (const r of records) {
    const id = r.ids.instanceId;
    if (
      r.op === 'keeper.launch' &&
      r.phase === 'after' &&
      typeof r.details.fleet === 'string' &&
      Array.isArray(r.details.launched)
    ) {
      for (const x of r.details.launched) if (typeof x === 'number') runOf.set(x, `fleet:${r.details.fleet}`);
    } else if (id !== undefined && r.ids.runId && !r.op.startsWith('migrate') && r.op !== 'keeper.launch') {
      runOf.set(id, r.ids.runId);
    }
  }
  // A migration's target continues its source's run (chains follow in time order).
  for (const m of migrationsFromJournal(records)) {
    if (m.state.targetId === null) continue;
    const run = runOf.get(m.spec.sourceId) ?? `run:${m.spec.sourceId}`;
    runOf.set(m.spec.sourceId, run);
    runOf.set(m.state.targetId, run);
  }
  return runOf;
}

/** One run's money. */
export interface RunCost {
  runId: string;
  /** Every instance it used, oldest first, with what each cost. */
  instances: Array<{ instanceId: number; label: string | null; status: string; spent: number }>;
  /** $ spent over all of them (in the charges given). */
  spent: number;
  /** $/hr it burns now (its live instances). */
  burnPerHour: number;
  /** $ still to spend to its target (from the live instance's projection), and the total it comes to. */
  toGo: Range | null;
  projectedTotal: Range | null;
}

/** Groups spend (charges by source), current burn and projections by run. Sorted by spend, largest first. */
export function costByRun(
  runOf: ReadonlyMap<number, string>,
  bySource: readonly SourceSpend[],
  instances: readonly Instance[],
  projections: readonly RunProjection[] = [],
): RunCost[] {
  const runs = new Map<string, RunCost>();
  const get = (runId: string) => {
    let r = runs.get(runId);
    if (!r) runs.set(runId, (r = { runId, instances: [], spent: 0, burnPerHour: 0, toGo: null, projectedTotal: null }));
    return r;
  };
  const live = new Map(instances.map((i) => [i.id, i]));
  const seen = new Set<number>();
  for (const s of bySource) {
    if (s.instanceId === null) continue;
    seen.add(s.instanceId);
    const r = get(runOf.get(s.instanceId) ?? `instance:${s.instanceId}`);
    r.instances.push({ instanceId: s.instanceId, label: s.label, status: s.status, spent: s.spent });
    r.spent += s.spent;
  }
  for (const inst of instances) {
    const r = get(runOf.get(inst.id) ?? `instance:${inst.id}`);
    if (!seen.has(inst.id)) r.instances.push({ instanceId: inst.id, label: inst.label, status: inst.status, spent: 0 });
    r.burnPerHour += instanceBurn(inst);
  }
  for (const p of projections) {
    if (!live.has(p.instanceId)) continue;
    const r = get(runOf.get(p.instanceId) ?? `instance:${p.instanceId}`);
    const add = (a: Range | null, b: Range): Range =>
      a ? { low: a.low + b.low, mid: a.mid + b.mid, high: a.high + b.high } : { ...b };
    r.toGo = add(r.toGo, p.costUsd);
  }
  for (const r of runs.values()) {
    r.spent = Math.round(r.spent * 1e6) / 1e6;
    r.instances.sort((a, b) => a.instanceId - b.instanceId);
    if (r.toGo)
      r.projectedTotal = { low: r.spent + r.toGo.low, mid: r.spent + r.toGo.mid, high: r.spent + r.toGo.high };
  }
  return [...runs.values()].sort((a, b) => b.spent - a.spent || a.runId.localeCompare(b.runId));
}
