/**
 * Fetches what a cost report needs (instances, charges, credit, and optionally each live run's health) and
 * builds it. Calls are few and sequential on purpose: charges and the instance list share Vast's 1 s threshold.
 */
import type { Health } from '../fleet/health.js';
import type { VastApi } from '../vast/api.js';
import type { Instance } from '../vast/types.js';
import { instanceBurn } from '../fleet/burn.js';
import type { BudgetRules } from './budget.js';
import { rateSamples, type RunInput } from './projection.js';
import { buildCostReport, chargesForFleet, fleetInstances, reportNow, type CostReport } from './report.js';
import { serverClock } from '../vast/server-clock.js';

/** How far past the local clock the charge query reaches: the simulator's clock can run ahead (speed, advance). */
const FUTURE_SLACK_MS = 30 * 86_400_000;

/** Options for collectCost. */
export interface CollectCostOptions {
  /** Window length, ms (e.g. 7 days). */
  sinceMs: number;
  /** Label prefix of the fleet to report on. */
  fleet?: string;
  budget?: BudgetRules;
  /** The clock charges and startedAt are compared with (default: the API's, serverClock). */
  now?: () => number;
  /** Health per running instance, for projections and value per GPU type; none read when absent. */
  healthOf?: (inst: Instance) => Promise<Health>;
  /** Target step for every run (a profile's targetStep); otherwise the total the log shows. */
  targetStep?: number;
  /** A profile's steps per hour per GPU, by GPU name. */
  throughput?: Record<string, number>;
  /** Health reads at once (default 4). */
  concurrency?: number;
}

/** Fetches and builds the cost report. API errors propagate (VastError); a health read that fails skips that run. */
export async function collectCost(
  api: Pick<VastApi, 'listInstances' | 'charges' | 'currentUser' | 'clockOffsetMs'>,
  opts: CollectCostOptions,
): Promise<CostReport> {
  const clock = opts.now ?? serverClock(api);
  const all = await api.listInstances();
  const clockNow = clock();
  const from = clockNow - opts.sinceMs;
  const charges = chargesForFleet(await api.charges(from, clockNow + FUTURE_SLACK_MS), all, opts.fleet);
  const user = await api.currentUser();
  const now = reportNow(clock(), charges);
  const instances = fleetInstances(all, opts.fleet);
  const runs = opts.healthOf ? await readRuns(instances, opts, now) : [];
  return buildCostReport({
    instances,
    accountInstances: all,
    charges,
    credit: user.credit,
    now,
    window: { from, to: now },
    ...(opts.fleet !== undefined ? { fleet: opts.fleet } : {}),
    budget: opts.budget,
    runs,
  });
}

async function readRuns(instances: readonly Instance[], opts: CollectCostOptions, now: number): Promise<RunInput[]> {
  const live = instances.filter((i) => i.status === 'running');
  const out: RunInput[] = [];
  let next = 0;
  const worker = async () => {
    while (next < live.length) {
      const inst = live[next++]!;
      let h: Health;
      try {
        h = await opts.healthOf!(inst);
      } catch {
        continue; // logs not ready or host unreachable: this run is left out, not the whole report
      }
      if (h.step === undefined) continue;
      const rates = rateSamples({
        logRate: h.rate,
        step: h.step,
        startedAt: inst.startedAt,
        now,
        stepsPerHourPerGpu: opts.throughput?.[inst.gpuName],
        numGpus: inst.numGpus,
      });
      const targetStep = opts.targetStep ?? h.total;
      out.push({
        instanceId: inst.id,
        label: inst.label,
        gpuName: inst.gpuName,
        numGpus: inst.numGpus,
        dph: instanceBurn(inst),
        step: h.step,
        ...(targetStep !== undefined ? { targetStep } : {}),
        rates,
        health: { state: h.state, ...(h.detail ? { detail: h.detail } : {}) },
      });
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, opts.concurrency ?? 4) }, worker));
  return out.sort((a, b) => a.instanceId - b.instanceId);
}
