/**
 * The value per GPU type over the last cost refreshes, for the cost panel's sparkline column: one sample per
 * full refresh (steps/s per $/hr), per GPU type, bounded in samples and in types. In memory only; the cost
 * source records into it when a report with values arrives, so nothing is computed per frame.
 */
import type { GpuValue } from '../../core/cost/projection.js';
import { sanitizeLine } from '../../core/util/sanitize.js';

/** Samples kept per GPU type. */
export const VALUE_HISTORY_SAMPLES = 48;
/** GPU types kept (the least recently seen goes first). */
export const VALUE_HISTORY_TYPES = 32;

/** Samples per GPU type, oldest first. */
export type ValueHistorySnapshot = ReadonlyMap<string, readonly number[]>;

/** A bounded history of value per GPU type. */
export class ValueHistory {
  private readonly byType = new Map<string, number[]>();

  constructor(
    private readonly samples = VALUE_HISTORY_SAMPLES,
    private readonly types = VALUE_HISTORY_TYPES,
  ) {}

  /** One refresh's values: a sample for each GPU type in it (a type missing from a refresh gets none). */
  record(values: readonly GpuValue[]): void {
    for (const v of values) {
      if (!Number.isFinite(v.stepsPerSecPerDph)) continue;
      const name = sanitizeLine(v.gpuName);
      const list = this.byType.get(name) ?? [];
      // Re-insert so the map's order is "least recently seen first".
      this.byType.delete(name);
      list.push(v.stepsPerSecPerDph);
      if (list.length > this.samples) list.splice(0, list.length - this.samples);
      this.byType.set(name, list);
    }
    while (this.byType.size > this.types) this.byType.delete(this.byType.keys().next().value!);
  }

  /** A copy of the samples per type (safe to keep in a render). */
  snapshot(): ValueHistorySnapshot {
    return new Map([...this.byType].map(([k, v]) => [k, [...v]]));
  }
}
