/**
 * Output formats of the real tools on a GPU host, reproduced byte for byte (checked against
 * /work/shared/fixtures/gpu-host in test/ssh/sim-formats.test.ts): procps `free -b`, GNU `df -B1`,
 * `nvidia-smi --query-gpu`, tqdm progress bars and the Hugging Face Trainer's log dicts.
 */

/** Memory figures for `free -b`, in bytes. */
export interface MemInfo {
  total: number;
  used: number;
  free: number;
  shared: number;
  buffCache: number;
  available: number;
  swapTotal: number;
  swapUsed: number;
  swapFree: number;
}

const r11 = (n: number) => String(n).padStart(11);

/** procps-ng `free -b`: a 9-wide label, then 11-wide right-aligned columns separated by a space. */
export function formatFree(m: MemInfo): string {
  const row = (label: string, vals: number[]) => label.padEnd(9) + vals.map((v, i) => (i ? ' ' : '') + r11(v)).join('');
  return [
    '               total        used        free      shared  buff/cache   available',
    row('Mem:', [m.total, m.used, m.free, m.shared, m.buffCache, m.available]),
    row('Swap:', [m.swapTotal, m.swapUsed, m.swapFree]),
    '',
  ].join('\n');
}

/** One filesystem for `df -B1`. */
export interface DfRow {
  source: string;
  size: number;
  used: number;
  avail: number;
  target: string;
}

/** GNU df's Use%: used / (used + avail), rounded up, as df computes it. */
function usePercent(r: DfRow): string {
  const denom = r.used + r.avail;
  return denom === 0 ? '-' : `${Math.ceil((r.used * 100) / denom)}%`;
}

/** GNU `df -B1`: columns as wide as their widest cell, with df's minimum widths (14, 5, 5, 5, 4). */
export function formatDf(rows: DfRow[]): string {
  const table = [
    ['Filesystem', '1B-blocks', 'Used', 'Available', 'Use%', 'Mounted on'],
    ...rows.map((r) => [r.source, String(r.size), String(r.used), String(r.avail), usePercent(r), r.target]),
  ];
  const mins = [14, 5, 5, 5, 4, 0];
  const widths = mins.map((m, c) => Math.max(m, ...table.map((row) => row[c]!.length)));
  return (
    table
      .map((row) =>
        row
          .map((cell, c) => (c === 0 ? cell.padEnd(widths[0]!) : c === 5 ? cell : cell.padStart(widths[c]!)))
          .join(' '),
      )
      .join('\n') + '\n'
  );
}

/** Live GPU figures for nvidia-smi. */
export interface GpuInfo {
  index: number;
  name: string;
  uuid: string;
  driverVersion: string;
  memoryTotalMiB: number;
  memoryUsedMiB: number;
  utilGpu: number;
  utilMemory: number;
  temperature: number;
  powerDrawW: number;
  powerLimitW: number;
  computeCap: string;
}

/** nvidia-smi query fields we know: header unit and value. */
const FIELDS: Record<string, { unit?: string; value: (g: GpuInfo) => string }> = {
  index: { value: (g) => String(g.index) },
  name: { value: (g) => g.name },
  uuid: { value: (g) => g.uuid },
  driver_version: { value: (g) => g.driverVersion },
  'memory.total': { unit: 'MiB', value: (g) => String(g.memoryTotalMiB) },
  'memory.used': { unit: 'MiB', value: (g) => String(g.memoryUsedMiB) },
  // The driver reserves ~480 MiB on an H100 (fixture: 81559 total, 0 used, 81079 free).
  'memory.free': { unit: 'MiB', value: (g) => String(Math.max(0, g.memoryTotalMiB - g.memoryUsedMiB - 480)) },
  'utilization.gpu': { unit: '%', value: (g) => String(g.utilGpu) },
  'utilization.memory': { unit: '%', value: (g) => String(g.utilMemory) },
  'temperature.gpu': { value: (g) => String(g.temperature) },
  'power.draw': { unit: 'W', value: (g) => g.powerDrawW.toFixed(2) },
  'power.limit': { unit: 'W', value: (g) => g.powerLimitW.toFixed(2) },
  compute_cap: { value: (g) => g.computeCap },
};

/** `nvidia-smi --query-gpu=FIELDS --format=FORMAT`; returns stdout or an error like nvidia-smi's. */
export function formatGpuQuery(
  gpus: GpuInfo[],
  fields: string[],
  format: string,
): { stdout: string; stderr: string; code: number } {
  const bad = fields.find((f) => !FIELDS[f]);
  if (bad) return { stdout: `Field "${bad}" is not a valid field to query.\n\n`, stderr: '', code: 2 };
  const opts = format.split(',');
  const header = !opts.includes('noheader');
  const units = !opts.includes('nounits');
  const lines: string[] = [];
  if (header) lines.push(fields.map((f) => (FIELDS[f]!.unit ? `${f} [${FIELDS[f]!.unit}]` : f)).join(', '));
  for (const g of gpus) {
    lines.push(
      fields
        .map((f) => {
          const d = FIELDS[f]!;
          return units && d.unit ? `${d.value(g)} ${d.unit}` : d.value(g);
        })
        .join(', '),
    );
  }
  return { stdout: lines.join('\n') + '\n', stderr: '', code: 0 };
}

const PARTIAL = [' ', '▏', '▎', '▍', '▌', '▋', '▊', '▉'];

/** mm:ss as tqdm prints elapsed and remaining time. */
function clock(sec: number): string {
  const s = Math.max(0, Math.floor(sec));
  const h = Math.floor(s / 3600);
  const mm = String(Math.floor((s % 3600) / 60)).padStart(2, '0');
  const ss = String(s % 60).padStart(2, '0');
  return h ? `${h}:${mm}:${ss}` : `${mm}:${ss}`;
}

/** One tqdm bar, e.g. ` 20%|██        | 60/300 [00:04<00:05, 46.48it/s]` (without the leading \r). */
export function tqdmBar(n: number, total: number, elapsedSec: number): string {
  const frac = total ? n / total : 0;
  // tqdm: '{percentage:3.0f}' rounds; the bar is divmod(int(frac * 10 * 8), 8) in eighths.
  const pct = String(Math.round(frac * 100)).padStart(3);
  const eighths = Math.floor(frac * 80);
  const full = Math.floor(eighths / 8);
  let bar = '█'.repeat(full);
  if (full < 10) bar += PARTIAL[eighths % 8]!;
  bar = bar.padEnd(10);
  if (n === 0 || elapsedSec <= 0) return `${pct}%|${bar}| ${n}/${total} [00:00<?, ?it/s]`;
  const rate = n / elapsedSec;
  const remaining = (total - n) / rate;
  const rateText = rate >= 1 ? `${rate.toFixed(2).padStart(5)}it/s` : `${(1 / rate).toFixed(2).padStart(5)}s/it`;
  return `${pct}%|${bar}| ${n}/${total} [${clock(elapsedSec)}<${clock(remaining)}, ${rateText}]`;
}

/** Python's '%.4g', which the Trainer uses for the values in its log dicts. */
export function g4(x: number): string {
  if (x === 0) return '0';
  const exp = Math.floor(Math.log10(Math.abs(x)));
  if (exp < -4 || exp >= 4) {
    const [m, e] = x.toExponential(3).split('e');
    const mant = m!.replace(/\.?0+$/, '');
    const n = Number(e);
    return `${mant}e${n < 0 ? '-' : '+'}${String(Math.abs(n)).padStart(2, '0')}`;
  }
  return String(Number(x.toPrecision(4)));
}

/** A Trainer log dict line as printed: `{'loss': '7.647', 'grad_norm': '2.788', ...}`. */
export function trainerDict(entries: [string, number][]): string {
  return `{${entries.map(([k, v]) => `'${k}': '${g4(v)}'`).join(', ')}}`;
}
