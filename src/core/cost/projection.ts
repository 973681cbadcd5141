/**
 * Projections: when a run reaches its target step and what it costs to get there, as a range, from the rates
 * actually observed (the log's own rate, the average since the instance started, a profile's measured
 * throughput). Value per GPU type: steps per second bought with each dollar per hour.
 */

import { healthInfo, type HealthState } from '../fleet/health.js';

/** low ≤ mid ≤ high. */
export interface Range {
  low: number;
  mid: number;
  high: number;
}

/** Rates narrower than ±this around the middle are widened: one sample is not a certainty. */
export const MIN_SPREAD = 0.1;

/** What is known about one run, for a projection. */
export interface RunInput {
  instanceId: number;
  label: string | null;
  gpuName: string;
  numGpus: number;
  /** $/hr the instance costs now. */
  dph: number;
  step: number;
  /** The step the run ends at; no projection without one. */
  targetStep?: number;
  /** Observed rates, steps per second; non-positive or non-finite values are ignored. */
  rates: readonly number[];
  /** What the run is doing (from its log); only a training run is projected. Absent: taken as training. */
  health?: { state: HealthState; detail?: string };
}

/** A run that is not projected, and why: its health is not one that `projects` (crashed, stalled, finished, …). */
export interface NotProjected {
  instanceId: number;
  label: string | null;
  step: number;
  reason: string;
}

/** Why a run is not projected, or null when its health `projects` (HEALTH) and it can be. */
export function whyNotProjected(run: RunInput): string | null {
  const h = run.health;
  if (!h) return null;
  const info = healthInfo(h.state);
  if (info.projects) return null;
  return `${info.label}${h.detail ? ` (${h.detail})` : ''}`;
}

/** Where a run is heading. */
export interface RunProjection {
  instanceId: number;
  label: string | null;
  gpuName: string;
  step: number;
  targetStep: number;
  remainingSteps: number;
  /** Steps per second. */
  rate: Range;
  /** Time to the target, ms (low = fastest). */
  etaMs: Range;
  /** $ still to spend to reach the target. */
  costUsd: Range;
  /** Epoch ms of arrival. */
  finishAt: Range;
}

/** The rate samples that can be read for a run: log rate, lifetime average, profile throughput. */
export function rateSamples(opts: {
  /** Steps/s the log reports (tqdm), if any. */
  logRate?: number;
  step?: number;
  /** Epoch ms the instance was created (the average includes its loading time: a pessimistic sample). */
  startedAt?: number | null;
  now: number;
  /** A profile's steps per hour per GPU for this GPU type. */
  stepsPerHourPerGpu?: number;
  numGpus?: number;
}): number[] {
  const out: number[] = [];
  if (opts.logRate !== undefined && opts.logRate > 0) out.push(opts.logRate);
  if (opts.step !== undefined && opts.step > 0 && opts.startedAt != null && opts.now > opts.startedAt) {
    out.push(opts.step / ((opts.now - opts.startedAt) / 1000));
  }
  if (opts.stepsPerHourPerGpu !== undefined && opts.stepsPerHourPerGpu > 0) {
    out.push((opts.stepsPerHourPerGpu * Math.max(1, opts.numGpus ?? 1)) / 3600);
  }
  return out;
}

/** A range over samples: median in the middle, at least ±MIN_SPREAD around it. Null without usable samples. */
export function rangeOf(samples: readonly number[]): Range | null {
  const xs = samples.filter((x) => Number.isFinite(x) && x > 0).sort((a, b) => a - b);
  if (xs.length === 0) return null;
  const n = xs.length;
  const mid = n % 2 ? xs[(n - 1) / 2]! : (xs[n / 2 - 1]! + xs[n / 2]!) / 2;
  return { low: Math.min(xs[0]!, mid * (1 - MIN_SPREAD)), mid, high: Math.max(xs[n - 1]!, mid * (1 + MIN_SPREAD)) };
}

/**
 * Projects one run to its target; null without a target or an observed rate. A run past its target needs nothing more.
 */
export function projectRun(run: RunInput, now: number): RunProjection | null {
  const rate = rangeOf(run.rates);
  if (!rate || run.targetStep === undefined) return null;
  const remainingSteps = Math.max(0, run.targetStep - run.step);
  // The fastest rate gives the shortest time; cost follows time at the current price.
  const etaMs: Range = {
    low: (remainingSteps / rate.high) * 1000,
    mid: (remainingSteps / rate.mid) * 1000,
    high: (remainingSteps / rate.low) * 1000,
  };
  const cost = (ms: number) => (ms / 3_600_000) * run.dph;
  return {
    instanceId: run.instanceId,
    label: run.label,
    gpuName: run.gpuName,
    step: run.step,
    targetStep: run.targetStep,
    remainingSteps,
    rate,
    etaMs,
    costUsd: { low: cost(etaMs.low), mid: cost(etaMs.mid), high: cost(etaMs.high) },
    finishAt: { low: now + etaMs.low, mid: now + etaMs.mid, high: now + etaMs.high },
  };
}

/** What one GPU type has delivered across the fleet. */
export interface GpuValue {
  gpuName: string;
  instances: number;
  gpus: number;
  /** Steps per second over all its instances. */
  stepsPerSec: number;
  /** $/hr over all its instances. */
  dph: number;
  /** Steps/s per $/hr: higher is better value. */
  stepsPerSecPerDph: number;
  /** Steps bought with one dollar. */
  stepsPerDollar: number;
}

/** Value per GPU type from runs with an observed rate (the middle of each run's range). Best value first. */
export function valuePerGpuType(
  runs: ReadonlyArray<{ gpuName: string; numGpus: number; dph: number; rate: number }>,
): GpuValue[] {
  const groups = new Map<string, GpuValue>();
  for (const r of runs) {
    if (!(r.rate > 0) || !(r.dph > 0)) continue;
    let g = groups.get(r.gpuName);
    if (!g)
      groups.set(
        r.gpuName,
        (g = {
          gpuName: r.gpuName,
          instances: 0,
          gpus: 0,
          stepsPerSec: 0,
          dph: 0,
          stepsPerSecPerDph: 0,
          stepsPerDollar: 0,
        }),
      );
    g.instances++;
    g.gpus += r.numGpus;
    g.stepsPerSec += r.rate;
    g.dph += r.dph;
  }
  for (const g of groups.values()) {
    g.stepsPerSecPerDph = g.stepsPerSec / g.dph;
    g.stepsPerDollar = g.stepsPerSecPerDph * 3600;
  }
  return [...groups.values()].sort(
    (a, b) => b.stepsPerSecPerDph - a.stepsPerSecPerDph || a.gpuName.localeCompare(b.gpuName),
  );
}
