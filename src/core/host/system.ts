/** Parsers for `free -b`, `df -B1 [-P] [path]` and `nproc` output. All sizes in bytes. */
import * as z from 'zod';

/** System memory from `free -b`. */
export interface MemoryInfo {
  totalBytes: number;
  usedBytes: number;
  freeBytes: number;
  sharedBytes: number | null;
  buffCacheBytes: number | null;
  /** What a new process can get; old procps without the column: free + buffers + cache. */
  availableBytes: number;
  swapTotalBytes: number | null;
  swapUsedBytes: number | null;
}

/** One filesystem from `df -B1`. */
export interface DiskUsage {
  filesystem: string;
  sizeBytes: number;
  usedBytes: number;
  availableBytes: number;
  /** The Use% column, 0–100. */
  usePct: number;
  mount: string;
}

const bytes = z.number().int().nonnegative();
const MemorySchema = z.object({
  totalBytes: bytes,
  usedBytes: bytes,
  freeBytes: bytes,
  sharedBytes: bytes.nullable(),
  buffCacheBytes: bytes.nullable(),
  availableBytes: bytes,
  swapTotalBytes: bytes.nullable(),
  swapUsedBytes: bytes.nullable(),
});
const DiskSchema = z.object({
  filesystem: z.string().min(1).max(4096),
  sizeBytes: bytes,
  usedBytes: bytes,
  availableBytes: bytes,
  usePct: z.number().min(0).max(100),
  mount: z.string().min(1).max(4096),
});

const INTEGER = /^\d+$/;

function toInt(v: string | undefined): number | null {
  return v !== undefined && INTEGER.test(v) ? Number(v) : null;
}

/** Parses `free -b`; undefined when there is no "Mem:" row (the command failed). */
export function parseFree(output: string): MemoryInfo | undefined {
  const lines = output
    .split(/\r?\n/)
    .map((l) => l.trim())
    .filter((l) => l !== '');
  const header = lines.find((l) => /\btotal\b/.test(l) && !l.includes(':'))?.split(/\s+/);
  const row = (label: string): Map<string, number | null> | undefined => {
    const cells = lines
      .find((l) => l.startsWith(label))
      ?.split(/\s+/)
      .slice(1);
    if (!cells || !header) return undefined;
    return new Map(header.map((h, i) => [h, toInt(cells[i])]));
  };
  const mem = row('Mem:');
  if (!mem) return undefined;
  const swap = row('Swap:');
  const free = mem.get('free') ?? null;
  // procps before 3.3.10 printed "buffers" and "cached" instead of "buff/cache", and no "available".
  const cache = mem.get('buff/cache') ?? sumOrNull(mem.get('buffers'), mem.get('cached'));
  const available = mem.get('available') ?? (free !== null ? free + (cache ?? 0) : null);
  const parsed = MemorySchema.safeParse({
    totalBytes: mem.get('total'),
    usedBytes: mem.get('used'),
    freeBytes: free,
    sharedBytes: mem.get('shared') ?? null,
    buffCacheBytes: cache,
    availableBytes: available,
    swapTotalBytes: swap?.get('total') ?? null,
    swapUsedBytes: swap?.get('used') ?? null,
  });
  return parsed.success ? parsed.data : undefined;
}

function sumOrNull(a: number | null | undefined, b: number | null | undefined): number | null {
  return a == null || b == null ? null : a + b;
}

/**
 * Parses `df -B1` output (with or without -P, with or without a path argument). Without -P a long
 * filesystem name sits alone on its line and the numbers wrap to the next one; both lines are joined.
 */
export function parseDf(output: string): DiskUsage[] {
  const out: DiskUsage[] = [];
  let carry: string | undefined;
  for (const raw of output.split(/\r?\n/)) {
    const line = raw.trim();
    if (line === '' || /^Filesystem\s/.test(line)) continue;
    const cells = line.split(/\s+/);
    if (cells.length === 1 && carry === undefined) {
      carry = cells[0];
      continue;
    }
    if (carry !== undefined) cells.unshift(carry);
    carry = undefined;
    if (cells.length < 6) continue; // an error line such as "df: /x: No such file or directory"
    const parsed = DiskSchema.safeParse({
      filesystem: cells[0],
      sizeBytes: toInt(cells[1]),
      usedBytes: toInt(cells[2]),
      availableBytes: toInt(cells[3]),
      usePct: toInt(cells[4]?.replace(/%$/, '')),
      // A mount point may contain spaces; it is everything after the fifth column.
      mount: cells.slice(5).join(' '),
    });
    if (parsed.success) out.push(parsed.data);
  }
  return out;
}

/** Parses `nproc`; undefined unless the output is one positive integer. */
export function parseNproc(output: string): number | undefined {
  const t = output.trim();
  if (!INTEGER.test(t)) return undefined;
  const n = Number(t);
  return n > 0 && n < 1_000_000 ? n : undefined;
}
