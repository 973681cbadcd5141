/**
 * Burn rate and runway. Vast bills GPU time only in running/frozen (vast-api.md §4, §9); storage is billed from
 * creation, so every other state still costs its storage. Bandwidth is extra and not included.
 */
import type { Instance } from '../vast/types.js';

/** What the fleet costs per hour and per day, and how long the credit lasts. */
export interface Burn {
  /** $/hr over the whole fleet. */
  perHour: number;
  /** $/day at the current rate. */
  perDay: number;
  /** Hours until credit reaches zero at this rate; null when nothing burns or credit is unknown. */
  runwayHours: number | null;
}

/** $/hr one instance costs right now. */
export function instanceBurn(inst: Instance): number {
  if (inst.status === 'running' || inst.status === 'frozen') return inst.dphTotal;
  return inst.storageDph;
}

/** Burn over a list of instances, with runway against `credit` ($) when known. */
export function fleetBurn(instances: readonly Instance[], credit: number | null): Burn {
  let perHour = 0;
  for (const inst of instances) perHour += instanceBurn(inst);
  const runwayHours = credit !== null && perHour > 0 ? Math.max(0, credit) / perHour : null;
  return { perHour, perDay: perHour * 24, runwayHours };
}
