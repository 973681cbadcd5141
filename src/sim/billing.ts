/**
 * Billing: GPU time at dph_base while running or frozen, storage (storage_cost × GB / 720 per hour) from
 * creation until destroy in every state. Spend comes off the user's credit and is kept per instance per
 * UTC day, which is what `GET /api/v0/charges/` reports.
 */
import type { InstanceRec } from './instances.js';
import { storageHourly } from './instances.js';

const DAY_MS = 86_400_000;

/** Money spent by one instance on one UTC day (JSON-safe, for the state file). */
export interface ChargeBucket {
  instanceId: number;
  label: string | null;
  /** UTC midnight, epoch ms. */
  day: number;
  start: number;
  end: number;
  gpuHours: number;
  gpuAmount: number;
  gpuRate: number;
  diskHours: number;
  diskAmount: number;
  diskRate: number;
}

/** The user's credit and the charge history. */
export class Ledger {
  credit: number;
  readonly buckets = new Map<string, ChargeBucket>();
  /** The last bucket billed per instance id. */
  private readonly current = new Map<number, ChargeBucket>();

  constructor(credit: number, buckets: ChargeBucket[] = []) {
    this.credit = credit;
    for (const b of buckets) this.buckets.set(`${b.instanceId}|${b.day}`, b);
  }

  /** Bill an instance for [from, to) in its current status; splits at UTC midnight. */
  bill(rec: InstanceRec, from: number, to: number): void {
    if (to <= from) return;
    const gpuRate = rec.status === 'running' || rec.status === 'frozen' ? rec.dphBase : 0;
    const diskRate = storageHourly(rec);
    let t = from;
    while (t < to) {
      const day = Math.floor(t / DAY_MS) * DAY_MS;
      const end = Math.min(to, day + DAY_MS);
      const hours = (end - t) / 3_600_000;
      const b = this.bucket(rec, day, t);
      b.end = end;
      b.label = rec.label;
      if (gpuRate > 0) {
        b.gpuHours += hours;
        b.gpuAmount += hours * gpuRate;
        b.gpuRate = gpuRate;
      }
      b.diskHours += hours;
      b.diskAmount += hours * diskRate;
      b.diskRate = diskRate;
      this.credit -= hours * (gpuRate + diskRate);
      t = end;
    }
  }

  private bucket(rec: InstanceRec, day: number, start: number): ChargeBucket {
    // Each tick bills every instance on today's bucket: found by id first, without building the key.
    const cur = this.current.get(rec.id);
    if (cur?.day === day) return cur;
    const key = `${rec.id}|${day}`;
    let b = this.buckets.get(key);
    if (!b) {
      b = {
        instanceId: rec.id,
        label: rec.label,
        day,
        start,
        end: start,
        gpuHours: 0,
        gpuAmount: 0,
        gpuRate: 0,
        diskHours: 0,
        diskAmount: 0,
        diskRate: 0,
      };
      this.buckets.set(key, b);
    }
    this.current.set(rec.id, b);
    return b;
  }

  /** Total ever spent (sum of all buckets), $. */
  spent(): number {
    let s = 0;
    for (const b of this.buckets.values()) s += b.gpuAmount + b.diskAmount;
    return s;
  }

  /** Buckets whose day overlaps [fromS, toS] (epoch seconds), oldest first. */
  between(fromS: number, toS: number): ChargeBucket[] {
    return [...this.buckets.values()]
      .filter((b) => b.day + DAY_MS > fromS * 1000 && b.day <= toS * 1000)
      .sort((a, b) => a.day - b.day || a.instanceId - b.instanceId);
  }
}

const r3 = (x: number) => Math.round(x * 1000) / 1000;

/** The wire shape of one charge result, with gpu/disk items. */
export function chargeRow(b: ChargeBucket): Record<string, unknown> {
  const items: Record<string, unknown>[] = [];
  const s = b.start / 1000;
  const e = b.end / 1000;
  if (b.gpuHours > 0) {
    items.push({
      type: 'gpu',
      description: `${b.gpuHours.toFixed(3)} hours at $${b.gpuRate.toFixed(3)}/hour`,
      amount: r3(b.gpuAmount),
      start: s,
      end: e,
    });
  }
  items.push({
    type: 'disk',
    description: `${b.diskHours.toFixed(3)} hours of storage at $${b.diskRate.toFixed(4)}/hour`,
    amount: r3(b.diskAmount),
    start: s,
    end: e,
  });
  return {
    start: s,
    end: e,
    type: 'instance',
    source: `instance-${b.instanceId}`,
    description: `Instance ${b.instanceId}${b.label ? ` (${b.label})` : ''}`,
    amount: r3(b.gpuAmount + b.diskAmount),
    metadata: { label: b.label, template_id: null },
    items,
  };
}
