/**
 * The cost report behind `vastdeck cost` and the cost panel: burn now, spend in a window (cross-checked),
 * credit and runway, projections per run, value per GPU type and budget breaches. Pure: callers fetch.
 */
import { fleetBurn, type Burn } from '../fleet/burn.js';
import type { Charge, Instance } from '../vast/types.js';
import { evaluateBudget, type Breach, type BudgetRules } from './budget.js';
import {
  projectRun,
  rangeOf,
  valuePerGpuType,
  whyNotProjected,
  type GpuValue,
  type NotProjected,
  type RunInput,
  type RunProjection,
} from './projection.js';
import { labelFromDescription, spendBySource, spentBetween, type SourceSpend } from './spend.js';
import type { RunCost } from './runs.js';

const DAY_MS = 86_400_000;

/** Everything the report is computed from. */
export interface CostInput {
  /** The instances the report is about (already narrowed to a fleet, if any). */
  instances: readonly Instance[];
  /** Every instance of the account: runway is an account matter (credit is shared). Defaults to `instances`. */
  accountInstances?: readonly Instance[];
  /** Charges of the window, already narrowed like `instances` (see chargesForFleet). */
  charges: readonly Charge[];
  credit: number | null;
  now: number;
  window: { from: number; to: number };
  fleet?: string;
  budget?: BudgetRules;
  /** Runs with their observed rates, for projections and value per GPU type. */
  runs?: readonly RunInput[];
}

/** The report (plain data, JSON-safe). */
export interface CostReport {
  generatedAt: number;
  window: { from: number; to: number };
  fleet?: string;
  /** Burn of the selected instances, with runway against the account's whole burn. */
  burn: Burn & { instances: number; billingGpu: number; storageOnly: number };
  /** Burn of the whole account (equals `burn` without a fleet filter). */
  accountBurn: Burn;
  credit: number | null;
  /** `hourly`: $ spent in each of the last 24 hours, oldest first (the cost panel's burn sparkline). */
  spent: { total: number; last24h: number; hourly: number[]; bySource: SourceSpend[] };
  /** Spend rows whose charges disagree with time × rate by more than 10%. */
  mismatches: SourceSpend[];
  /** Advancing runs only. */
  projections: RunProjection[];
  /** Runs that are crashed, stalled, finished, …: not projected, with the reason. */
  notProjected: NotProjected[];
  value: GpuValue[];
  breaches: Breach[];
  /** Spend per logical run (cost/runs.ts), when the caller joined the journal in. */
  runs?: RunCost[];
}

/** Builds the report. */
export function buildCostReport(input: CostInput): CostReport {
  const { instances, charges, now } = input;
  const account = input.accountInstances ?? instances;
  const accountBurn = fleetBurn(account, input.credit);
  const own = fleetBurn(instances, input.credit);
  const billingGpu = instances.filter((i) => i.status === 'running' || i.status === 'frozen').length;
  const bySource = spendBySource(charges, instances, now);
  const total = round(bySource.reduce((s, r) => s + r.spent, 0));
  const last24h = spentBetween(charges, now - DAY_MS, now);
  const hourly = Array.from({ length: 24 }, (_, i) =>
    spentBetween(charges, now - DAY_MS + i * 3_600_000, now - DAY_MS + (i + 1) * 3_600_000),
  );
  const projections: RunProjection[] = [];
  const notProjected: NotProjected[] = [];
  // A crashed, stalled or finished run is heading nowhere: projecting its old rate would invent an ETA and a cost.
  const advancing = (input.runs ?? []).filter((run) => {
    const why = whyNotProjected(run);
    if (why) notProjected.push({ instanceId: run.instanceId, label: run.label, step: run.step, reason: why });
    return !why;
  });
  for (const run of advancing) {
    const p = projectRun(run, now);
    if (p) projections.push(p);
  }
  const value = valuePerGpuType(
    advancing.map((r) => ({ gpuName: r.gpuName, numGpus: r.numGpus, dph: r.dph, rate: rangeOf(r.rates)?.mid ?? 0 })),
  );
  return {
    generatedAt: now,
    window: input.window,
    ...(input.fleet !== undefined ? { fleet: input.fleet } : {}),
    burn: {
      ...own,
      runwayHours: accountBurn.runwayHours,
      instances: instances.length,
      billingGpu,
      storageOnly: instances.length - billingGpu,
    },
    accountBurn,
    credit: input.credit,
    spent: { total, last24h, hourly, bySource },
    mismatches: bySource.filter((r) => r.mismatch),
    projections,
    notProjected,
    value,
    breaches: input.budget
      ? evaluateBudget(input.budget, { instances, credit: input.credit, spentLast24h: last24h })
      : [],
  };
}

/** Instances whose label starts with `prefix` (all of them when no prefix). */
export function fleetInstances(instances: readonly Instance[], prefix: string | undefined): Instance[] {
  return prefix ? instances.filter((i) => (i.label ?? '').startsWith(prefix)) : [...instances];
}

/**
 * Charges belonging to a fleet: those of its listed instances, plus those of destroyed instances whose charge
 * description names a label with the prefix (the only trace of a gone instance's label in a charge row).
 */
export function chargesForFleet(
  charges: readonly Charge[],
  allInstances: readonly Instance[],
  prefix: string | undefined,
): Charge[] {
  if (!prefix) return [...charges];
  const listed = new Map(allInstances.map((i) => [i.id, i]));
  return charges.filter((c) => {
    const inst = c.instanceId !== null ? listed.get(c.instanceId) : undefined;
    if (inst) return (inst.label ?? '').startsWith(prefix);
    return (labelFromDescription(c.description) ?? '').startsWith(prefix);
  });
}

/**
 * The time to report at: the local clock, unless charges run later. Billing follows the server's clock, which
 * for the simulator can run ahead (speed, advance); ages and the last-24-hours window must follow it too.
 */
export function reportNow(clockNow: number, charges: readonly Charge[]): number {
  let latest = clockNow;
  for (const c of charges) if (c.end > latest) latest = c.end;
  return latest;
}

function round(x: number): number {
  return Math.round(x * 1e6) / 1e6;
}
