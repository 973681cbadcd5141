/** Parser for `nvidia-smi --query-gpu=… --format=csv[,noheader][,nounits]` output. */
import * as z from 'zod';
import { NVIDIA_SMI_FIELDS } from './probe-commands.js';

/** One GPU as nvidia-smi reports it; null where the driver says "[N/A]" or "[Not Supported]". */
export interface GpuStat {
  index: number;
  name: string;
  uuid: string | null;
  driverVersion: string | null;
  memoryTotalMiB: number | null;
  memoryUsedMiB: number | null;
  memoryFreeMiB: number | null;
  /** Percent 0–100. */
  utilizationGpuPct: number | null;
  /** Percent of time memory was read or written, 0–100. */
  utilizationMemoryPct: number | null;
  temperatureC: number | null;
  powerDrawW: number | null;
  powerLimitW: number | null;
  /** e.g. 9.0 for an H100. */
  computeCap: number | null;
}

const num = z.number().finite().nonnegative().nullable();
const GpuStatSchema = z.object({
  index: z.number().int().nonnegative(),
  name: z.string().min(1).max(200),
  uuid: z.string().max(200).nullable(),
  driverVersion: z.string().max(100).nullable(),
  memoryTotalMiB: num,
  memoryUsedMiB: num,
  memoryFreeMiB: num,
  utilizationGpuPct: num,
  utilizationMemoryPct: num,
  temperatureC: z.number().finite().nullable(),
  powerDrawW: num,
  powerLimitW: num,
  computeCap: num,
});

/** "[N/A]", "N/A", "[Not Supported]", "[Unknown Error]", "[GPU requires reset]" … all mean "no value". */
const MISSING = /^\[.*\]$|^N\/A$/i;

function text(v: string | undefined): string | null {
  return v === undefined || v === '' || MISSING.test(v) ? null : v;
}

/** Number at the start of a cell; drops a unit suffix from the headered form ("81559 MiB", "0 %", "68.61 W"). */
function number(v: string | undefined): number | null {
  const t = text(v);
  if (t === null) return null;
  const m = /^-?\d+(?:\.\d+)?/.exec(t);
  return m ? Number(m[0]) : null;
}

/** Field name from a header cell: "memory.total [MiB]" → "memory.total". */
function fieldName(cell: string): string {
  return cell.replace(/\s*\[[^\]]*\]\s*$/, '').trim();
}

/**
 * Parses nvidia-smi csv output, with or without header and units. A header line (starting with "index")
 * sets the column order for the rows after it; without one, NVIDIA_SMI_FIELDS is the order.
 * Malformed rows (an error message, a short line) are skipped.
 */
export function parseNvidiaSmiCsv(output: string): GpuStat[] {
  let columns: readonly string[] = NVIDIA_SMI_FIELDS;
  const gpus: GpuStat[] = [];
  for (const raw of output.split(/\r?\n/)) {
    const line = raw.trim();
    if (line === '') continue;
    const cells = line.split(',').map((c) => c.trim());
    if (/^index\b/i.test(line)) {
      columns = cells.map(fieldName);
      continue;
    }
    if (cells.length !== columns.length) continue;
    const get = (f: string): string | undefined => cells[columns.indexOf(f)];
    const parsed = GpuStatSchema.safeParse({
      index: number(get('index')),
      name: text(get('name')),
      uuid: text(get('uuid')),
      driverVersion: text(get('driver_version')),
      memoryTotalMiB: number(get('memory.total')),
      memoryUsedMiB: number(get('memory.used')),
      memoryFreeMiB: number(get('memory.free')),
      utilizationGpuPct: number(get('utilization.gpu')),
      utilizationMemoryPct: number(get('utilization.memory')),
      temperatureC: number(get('temperature.gpu')),
      powerDrawW: number(get('power.draw')),
      powerLimitW: number(get('power.limit')),
      computeCap: number(get('compute_cap')),
    });
    if (parsed.success) gpus.push(parsed.data);
  }
  return gpus;
}
