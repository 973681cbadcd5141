/**
 * Time and cost to a profile's target step on an offer. With a measured throughput for the offer's GPU type
 * the figures come from it; otherwise they are scaled by DLPerf from a GPU type that was measured, and the
 * band is wider, because DLPerf tracks training speed only roughly. The estimate says which it used.
 */
import type { Offer } from '../vast/types.js';
import type { Profile } from '../profiles/schema.js';
import type { Estimate, Range } from './types.js';

/** Data-parallel efficiency assumed for the base case: gradient sync costs something on more than one GPU. */
const MULTI_GPU_EFFICIENCY = 0.9;

/** A measured GPU type with its DLPerf per GPU, used to scale to unmeasured types. */
export interface DlperfReference {
  gpuName: string;
  stepsPerHourPerGpu: number;
  dlperfPerGpu: number;
}

/** $/hr of an offer with `diskGb` of storage: GPU part plus storage at the offer's $/GB/month (720 h a month). */
export function offerPrice(o: Offer, diskGb: number): number {
  if (o.storageCostGbMonth === null) return o.dphTotal;
  return o.dphBase + (o.storageCostGbMonth * diskGb) / 720;
}

/** Finds the norm for names: "RTX_3090" and "rtx 3090" are the same GPU. */
export function gpuKey(name: string): string {
  return name
    .toLowerCase()
    .replace(/[_\s]+/g, ' ')
    .trim();
}

/** A DLPerf reference from offers of a measured GPU type (median DLPerf per GPU among them), or null. */
export function dlperfReference(offers: readonly Offer[], profile: Profile): DlperfReference | null {
  let best: DlperfReference | null = null;
  let bestCount = 0;
  for (const [name, perGpu] of Object.entries(profile.throughput)) {
    const samples = offers
      .filter((o) => gpuKey(o.gpuName) === gpuKey(name) && o.dlperf !== null && o.dlperf > 0 && o.numGpus > 0)
      .map((o) => (o.dlperf as number) / o.numGpus)
      .sort((a, b) => a - b);
    if (samples.length > bestCount) {
      bestCount = samples.length;
      best = {
        gpuName: name,
        stepsPerHourPerGpu: perGpu,
        dlperfPerGpu: samples[Math.floor(samples.length / 2)] as number,
      };
    }
  }
  return best;
}

/** The estimate for one offer, or null when the profile has no target step or nothing to scale from. */
export function estimateRun(o: Offer, profile: Profile, ref: DlperfReference | null, fromStep = 0): Estimate | null {
  if (!profile.targetStep) return null;
  const steps = Math.max(0, profile.targetStep - fromStep);
  const measuredEntry = Object.entries(profile.throughput).find(([name]) => gpuKey(name) === gpuKey(o.gpuName));
  const eff = o.numGpus > 1 ? MULTI_GPU_EFFICIENCY : 1;
  let rate: Range;
  let basis: Estimate['basis'];
  let note: string;
  if (measuredEntry) {
    const linear = measuredEntry[1] * o.numGpus;
    rate = { optimistic: linear, base: linear * eff, pessimistic: linear * eff * 0.75 };
    basis = 'measured';
    note = `measured ${measuredEntry[1]} steps/h per ${measuredEntry[0]}`;
  } else if (ref && o.dlperf !== null && o.dlperf > 0) {
    // Offer DLPerf already covers all its GPUs, so it scales the reference's single-GPU rate directly.
    const scaled = (ref.stepsPerHourPerGpu * o.dlperf) / ref.dlperfPerGpu;
    rate = { optimistic: scaled * 1.25, base: scaled * eff, pessimistic: scaled * eff * 0.6 };
    basis = 'dlperf';
    note = `scaled by DLPerf from ${ref.gpuName}`;
  } else {
    return null;
  }
  const dph = offerPrice(o, profile.diskGb);
  const hours = { optimistic: steps / rate.optimistic, base: steps / rate.base, pessimistic: steps / rate.pessimistic };
  return {
    basis,
    note,
    steps,
    stepsPerHour: rate,
    hours,
    cost: { optimistic: hours.optimistic * dph, base: hours.base * dph, pessimistic: hours.pessimistic * dph },
    dph,
  };
}
