/**
 * Where the cost panel gets its report: collectCost over the API (charges, instances, credit), first without
 * reading logs (fast: the panel paints at once) and then with each running run's health from the logs API for
 * projections and value per GPU type. Injected into the App so frame tests use a fixed report.
 */
import type { VastApi } from '../../core/vast/api.js';
import type { BudgetRules } from '../../core/cost/budget.js';
import { collectCost } from '../../core/cost/collect.js';
import type { CostReport } from '../../core/cost/report.js';
import { ApiLogHealth } from '../../core/watch/api-health.js';
import { fleetInstances } from '../../core/cost/report.js';
import { costByRun, runMembership } from '../../core/cost/runs.js';
import { readJournal } from '../../core/journal/journal.js';
import { ValueHistory, type ValueHistorySnapshot } from './value-history.js';

/** Spend window of the panel: the last 7 days, like `vastdeck cost`. */
export const COST_WINDOW_MS = 7 * 86_400_000;

/** What the panel loads from. */
export interface CostSource {
  /** The report for a fleet prefix (all instances when null); `full` also reads run logs for projections. */
  load(fleet: string | null, full: boolean): Promise<CostReport>;
  /** The budget rules the footer's breach mark checks against the live fleet. */
  readonly budget?: BudgetRules;
  /** Value per GPU type over the last full loads (one sample each), for the panel's sparkline column. */
  valueHistory?(): ValueHistorySnapshot;
}

/** A CostSource over the API. */
export function makeCostSource(
  api: Pick<VastApi, 'listInstances' | 'charges' | 'currentUser' | 'getLogs' | 'clockOffsetMs'>,
  budget?: BudgetRules,
  opts: { now?: () => number } = {},
): CostSource {
  const health = new ApiLogHealth(api, { now: opts.now });
  const history = new ValueHistory();
  return {
    budget,
    valueHistory: () => history.snapshot(),
    load: async (fleet, full) => {
      const report = await collectCost(api, {
        sinceMs: COST_WINDOW_MS,
        budget,
        now: opts.now,
        ...(fleet ? { fleet } : {}),
        ...(full ? { healthOf: (inst) => health.healthOf(inst) } : {}),
      });
      // Spend per logical run: the journal says which instances one run used (migrations, replacements).
      try {
        const runOf = runMembership((await readJournal()).records);
        report.runs = costByRun(
          runOf,
          report.spent.bySource,
          fleetInstances(await api.listInstances(), fleet ?? undefined),
          report.projections,
        );
      } catch {
        // No journal to read, or a listing failed: the panel shows the rest.
      }
      // Values need the run logs: only a full load is a sample.
      if (full) history.record(report.value);
      return report;
    },
  };
}
