/**
 * The triage bundle: the facts an operator checks by hand on a sick instance (is the step advancing, the
 * last traceback, GPU util and memory, RAM, disk, did it finish), built from already-parsed pieces and
 * rendered as plain text or JSON.
 */
import { healthInfo, type Health } from '../fleet/health.js';
import type { HostFacts } from '../host/probe.js';
import { sanitizeLine } from '../util/sanitize.js';
import type { LogEvent, Traceback } from './errors.js';
import type { Progress } from './progress.js';

/** The parsed pieces a bundle is made from; every one is optional. */
export interface TriageInput {
  instanceId?: number;
  label?: string | null;
  /** Epoch ms the bundle describes. */
  now: number;
  health?: Health;
  progress?: Progress;
  lastError?: LogEvent;
  traceback?: Traceback;
  finished?: boolean;
  host?: HostFacts;
  /** Secret values (API key, HF token, env values) masked wherever they appear in log-derived text. */
  redact?: readonly string[];
}

/** One GPU, as the bundle shows it. */
export interface TriageGpu {
  index: number;
  name: string;
  utilPct: number | null;
  memUsedMiB: number | null;
  memTotalMiB: number | null;
  tempC: number | null;
  powerW: number | null;
}

/** The bundle: plain data, safe to print or serialise (sanitized, secrets masked). */
export interface TriageBundle {
  instanceId?: number;
  label?: string;
  generatedAt: number;
  state?: Health['state'];
  detail?: string;
  step?: number;
  total?: number;
  rate?: number;
  loss?: number;
  epoch?: number;
  completed: boolean;
  lastError?: { kind: LogEvent['kind']; line: string };
  traceback?: { errorLine: string; lines: string[] };
  gpus: TriageGpu[];
  ram?: { totalBytes: number; usedBytes: number; availableBytes: number };
  disks: { mount: string; sizeBytes: number; usedBytes: number; availableBytes: number; usePct: number }[];
  cpus?: number;
  /** Things that look wrong, one short sentence each. */
  warnings: string[];
}

/** Lines of a traceback kept in the bundle: the end, where the cause is. */
export const TRIAGE_TRACEBACK_LINES = 40;

/** Builds the bundle from parsed pieces; log-derived text is sanitized and secrets are masked. */
export function buildTriage(input: TriageInput): TriageBundle {
  const clean = cleaner(input.redact ?? []);
  const p = input.progress ?? {};
  const h = input.health;
  const b: TriageBundle = {
    generatedAt: input.now,
    completed: input.finished ?? healthInfo(h?.state).ends === 'finished',
    gpus: [],
    disks: [],
    warnings: [],
  };
  if (input.instanceId !== undefined) b.instanceId = input.instanceId;
  if (input.label) b.label = clean(input.label);
  if (h) b.state = h.state;
  if (h?.detail) b.detail = clean(h.detail);
  for (const k of ['step', 'total', 'rate', 'loss', 'epoch'] as const) {
    const v = p[k] ?? (k !== 'epoch' ? h?.[k] : undefined);
    if (v !== undefined) b[k] = v;
  }
  if (input.lastError) b.lastError = { kind: input.lastError.kind, line: clean(input.lastError.line) };
  if (input.traceback) {
    b.traceback = {
      errorLine: clean(input.traceback.errorLine),
      lines: input.traceback.lines.slice(-TRIAGE_TRACEBACK_LINES).map(clean),
    };
  }
  const host = input.host;
  if (host) {
    b.gpus = host.gpus.map((g) => ({
      index: g.index,
      name: clean(g.name),
      utilPct: g.utilizationGpuPct,
      memUsedMiB: g.memoryUsedMiB,
      memTotalMiB: g.memoryTotalMiB,
      tempC: g.temperatureC,
      powerW: g.powerDrawW,
    }));
    if (host.memory) {
      const m = host.memory;
      b.ram = { totalBytes: m.totalBytes, usedBytes: m.usedBytes, availableBytes: m.availableBytes };
    }
    b.disks = host.disks.map((d) => ({
      mount: clean(d.mount),
      sizeBytes: d.sizeBytes,
      usedBytes: d.usedBytes,
      availableBytes: d.availableBytes,
      usePct: d.usePct,
    }));
    if (host.cpus !== undefined) b.cpus = host.cpus;
    if (host.gpuError) b.warnings.push(`nvidia-smi: ${clean(host.gpuError)}`);
  }
  b.warnings.push(...warningsFor(b));
  return b;
}

/** Heuristics an operator would apply by eye. */
function warningsFor(b: TriageBundle): string[] {
  const w: string[] = [];
  for (const d of b.disks) if (d.usePct >= 90) w.push(`disk ${d.mount} is ${d.usePct}% full`);
  if (b.ram && b.ram.totalBytes > 0 && b.ram.availableBytes / b.ram.totalBytes < 0.05)
    w.push('less than 5% of RAM available');
  const training = healthInfo(b.state).trains;
  for (const g of b.gpus) {
    if (training && g.utilPct === 0) w.push(`GPU ${g.index} is idle (0% util) while training`);
    if (g.memUsedMiB !== null && g.memTotalMiB && g.memUsedMiB / g.memTotalMiB >= 0.97)
      w.push(`GPU ${g.index} memory nearly full`);
  }
  return w;
}

/** Renders the bundle as the plain text `vastdeck triage` prints. */
export function renderTriageText(b: TriageBundle): string {
  const out: string[] = [];
  const title = [b.instanceId !== undefined ? `instance ${b.instanceId}` : 'instance', b.label ? `(${b.label})` : '']
    .join(' ')
    .trim();
  out.push(`${title} at ${new Date(b.generatedAt).toISOString()}`);
  out.push(`health:    ${b.state ?? 'unknown'}${b.detail ? ` (${b.detail})` : ''}`);
  const step = b.step !== undefined ? `${b.step}${b.total !== undefined ? `/${b.total}` : ''}` : '–';
  const rate = b.rate !== undefined ? `${fixed(b.rate)} it/s` : '–';
  out.push(
    `step:      ${step}  rate ${rate}  loss ` +
      `${b.loss !== undefined ? fixed(b.loss, 4) : '–'}${b.epoch !== undefined ? `  epoch ${b.epoch}` : ''}`,
  );
  out.push(`completed: ${b.completed ? 'yes' : 'no'}`);
  if (b.gpus.length === 0) out.push('gpus:      –');
  for (const g of b.gpus) {
    const mem =
      g.memUsedMiB !== null && g.memTotalMiB !== null ? `${gib(g.memUsedMiB)}/${gib(g.memTotalMiB)} GiB` : 'mem ?';
    out.push(
      `gpu ${g.index}:     ${g.name}  util ${g.utilPct ?? '?'}%  ${mem}  ${g.tempC ?? '?'}°C  ${g.powerW ?? '?'} W`,
    );
  }
  if (b.ram)
    out.push(
      `ram:       ${gb(b.ram.usedBytes)} GB used, ${gb(b.ram.availableBytes)} GB available of ` +
        `${gb(b.ram.totalBytes)} GB`,
    );
  for (const d of b.disks)
    out.push(
      `disk ${d.mount}: ${gb(d.usedBytes)}/${gb(d.sizeBytes)} GB used (${d.usePct}%), ${gb(d.availableBytes)} GB free`,
    );
  if (b.cpus !== undefined) out.push(`cpus:      ${b.cpus}`);
  for (const w of b.warnings) out.push(`warning:   ${w}`);
  if (b.lastError) out.push(`error:     [${b.lastError.kind}] ${b.lastError.line}`);
  if (b.traceback) {
    out.push('last traceback:');
    for (const l of b.traceback.lines) out.push(`  ${l}`);
  }
  return out.join('\n') + '\n';
}

/** Renders the bundle as pretty JSON (for `triage --json` and attaching to an issue). */
export function renderTriageJson(b: TriageBundle): string {
  return JSON.stringify(b, null, 2) + '\n';
}

function cleaner(secrets: readonly string[]): (s: string) => string {
  // Longest first, so a secret containing another is masked whole. Very short values would mask noise.
  const list = secrets.filter((s) => s.length >= 4).sort((a, b) => b.length - a.length);
  return (s) => {
    let t = sanitizeLine(s);
    for (const secret of list) t = t.split(secret).join('***');
    return t;
  };
}

function fixed(n: number, digits = 2): string {
  return Number.isInteger(n) ? String(n) : n.toFixed(digits);
}

function gib(mib: number): string {
  return (mib / 1024).toFixed(1);
}

function gb(bytes: number): string {
  return (bytes / 1e9).toFixed(1);
}
