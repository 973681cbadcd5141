import { durationFlag, parseCommand } from '../args.js';
import { makeContext } from '../context.js';
import { printJson, printText, registerSecret, warn } from '../output.js';
import { renderTable, terminalWidth } from '../table.js';
import type { ColumnDef } from '../../core/present/columns.js';
import { formatMoney, formatRate } from '../../core/present/money.js';
import { resolveApiKey } from '../../core/config/apikey.js';
import { collectCost } from '../../core/cost/collect.js';
import type { CostReport } from '../../core/cost/report.js';
import type { SourceSpend } from '../../core/cost/spend.js';
import { sanitizeLine } from '../../core/util/sanitize.js';
import type { GpuValue, RunProjection } from '../../core/cost/projection.js';
import { loadProfile } from '../../core/profiles/load.js';
import { notifierFromConfig } from '../../core/notify/config.js';
import { ApiLogHealth } from '../../core/watch/api-health.js';
import { compileProgressCounter } from '../../core/logs/progress.js';
import { formatDuration, formatHours } from '../../core/present/durations.js';
import { costByRun, runMembership, type RunCost } from '../../core/cost/runs.js';
import { fleetInstances } from '../../core/cost/report.js';
import { readJournal } from '../../core/journal/journal.js';

/** Help for `vastdeck cost`. */
export const costHelp =
  `Usage: vastdeck cost [--fleet PREFIX] [--since 7d] [--profile NAME] [--quick] ` +
  `[--runs] [--notify] [--json]

Spend, burn rate, credit and runway; per run an ETA and cost to the target step (a range); value per GPU
type (steps/s per $/hr); budget breaches from config.yaml's budget: section.

Spend comes from the charges API and is cross-checked against time x the current rate ("check" flags
a gap over 10%). Run progress is read from each running instance's log through the Vast logs API
(nothing is installed on the host).

Options:
  --fleet PREFIX   only instances whose label starts with PREFIX
  --since DUR      spend window, e.g. 24h, 7d (default 7d)
  --profile NAME   use the profile's targetStep, measured throughput per GPU type and progress counter
                   (progress: {pattern, rate, unit}: projections and value per GPU type in its unit)
  --quick          do not read logs: no projections or value per GPU type
  --runs           cost per logical run: every instance a run used (migrations, keeper replacements, re-rentals,
                   as the journal records them), its spend in the window, burn now and projected total
  --notify         send budget breaches to the configured webhook / bell
  --json           the whole report as JSON on stdout (money in $, rates in steps/s, times in epoch ms)
  --api-url URL    API base URL
  --api-key KEY    API key
  -h, --help       this help

Budget breaches are printed and do not change the exit status.`;

/** `vastdeck cost`. */
export async function costCommand(argv: string[]): Promise<number> {
  const { values } = parseCommand(
    argv,
    {
      fleet: { type: 'string' },
      since: { type: 'string' },
      profile: { type: 'string' },
      quick: { type: 'boolean' },
      notify: { type: 'boolean' },
      json: { type: 'boolean' },
      runs: { type: 'boolean' },
    },
    'cost',
  );
  if (values.help) return (printText(costHelp), 0);
  const sinceMs = durationFlag(values.since ?? '7d', 'since', { max: 366 * 86_400_000 });
  const profile = values.profile ? await loadProfile(values.profile) : undefined;
  const ctx = await makeContext(values);
  const fleet = values.fleet ?? ctx.config.fleet;
  const key = (await resolveApiKey(values['api-key']))?.key;
  const health = values.quick
    ? undefined
    : new ApiLogHealth(ctx.client, {
        redact: key ? [key] : [],
        counter: profile?.progress && compileProgressCounter(profile.progress),
      });
  const report = await collectCost(ctx.client, {
    sinceMs,
    fleet,
    budget: ctx.config.budget,
    healthOf: health && ((inst) => health.healthOf(inst)),
    targetStep: profile?.targetStep,
    throughput: profile?.throughput,
  });
  if (values.notify && report.breaches.length > 0) {
    if (ctx.config.notify?.webhook) registerSecret(ctx.config.notify.webhook);
    const notifier = notifierFromConfig(ctx.config.notify, {
      bell: process.stderr.isTTY ? process.stderr : undefined,
      secrets: key ? [key] : [],
    });
    const results = await notifier.notify({
      kind: 'budget',
      title: report.breaches[0]!.message,
      detail:
        report.breaches
          .slice(1)
          .map((b) => b.message)
          .join('\n') || undefined,
      at: report.generatedAt,
    });
    for (const r of results) if (!r.ok) warn(`vastdeck: ${r.channel} notification failed: ${r.error}\n`);
  }
  if (values.runs) {
    const runs = costByRun(
      runMembership((await readJournal(ctx.paths.journal)).records),
      report.spent.bySource,
      fleetInstances(await ctx.client.listInstances(), fleet),
      report.projections,
    );
    if (values.json) return (printJson(runs), 0);
    printText(renderRuns(runs, terminalWidth()));
    return 0;
  }
  if (values.json) return (printJson(report), 0);
  printText(renderCost(report, sinceMs, terminalWidth(), profile?.progress?.unit));
  return 0;
}

/** The text form of cost per run. */
export function renderRuns(runs: RunCost[], width: number): string {
  if (runs.length === 0) return 'no runs with charges or instances';
  return renderTable(runs, runColumns, width);
}

const runColumns: ColumnDef<RunCost>[] = [
  { header: 'RUN', render: (r) => r.runId, max: 32, grow: 1 },
  {
    header: 'INSTANCES',
    render: (r) => r.instances.map((i) => `${i.instanceId}${i.status === 'gone' ? '†' : ''}`).join(' '),
    max: 40,
    grow: 1,
  },
  { header: '$/HR', render: (r) => formatRate(r.burnPerHour), align: 'right' },
  { header: 'SPENT', render: (r) => formatMoney(r.spent), align: 'right' },
  {
    header: 'PROJECTED TOTAL',
    render: (r) =>
      r.projectedTotal
        ? `${formatMoney(r.projectedTotal.mid)} ` +
          `(${range(formatMoney(r.projectedTotal.low), formatMoney(r.projectedTotal.high))})`
        : '–',
  },
];

/** The text form of a cost report. */
export function renderCost(r: CostReport, sinceMs: number, width: number, unit = 'steps'): string {
  const U = unit.toUpperCase();
  const out: string[] = [];
  const at = new Date(r.generatedAt).toISOString().replace(/\.\d+Z$/, 'Z');
  out.push(`${r.fleet ? `fleet "${r.fleet}"` : 'account'} · window ${formatDuration(sinceMs)} · ${at}`);
  out.push(
    `burn      ${formatRate(r.burn.perHour)}/hr  ${formatMoney(r.burn.perDay)}/day  (${r.burn.billingGpu} ` +
      `billing GPU time, ${r.burn.storageOnly} storage only)`,
  );
  const runway = r.burn.runwayHours === null ? '–' : formatHours(r.burn.runwayHours);
  out.push(
    `credit    ${formatMoney(r.credit)}  runway ` +
      `${runway}${r.fleet ? ` at the account's ${formatRate(r.accountBurn.perHour)}/hr` : ''}`,
  );
  out.push(`spent     ${formatMoney(r.spent.total)} in the window, ${formatMoney(r.spent.last24h)} in the last 24 h`);
  if (r.spent.bySource.length > 0) out.push('', renderTable(r.spent.bySource, spendColumns, width));
  if (r.projections.length > 0) out.push('', 'to target:', renderTable(r.projections, projectionColumns(U), width));
  if (r.notProjected.length > 0) {
    if (r.projections.length === 0) out.push('', 'to target:');
    for (const n of r.notProjected)
      out.push(
        `  ${n.instanceId}  ${sanitizeLine(n.label ?? '')}  step ${n.step}  not projected: ${sanitizeLine(n.reason)}`,
      );
  }
  if (r.value.length > 0) out.push('', 'value per GPU type:', renderTable(r.value, valueColumns(U), width));
  out.push('');
  if (r.breaches.length === 0) out.push('budget    ok');
  for (const b of r.breaches) out.push(`BUDGET    ${b.message}`);
  for (const m of r.mismatches)
    out.push(
      `CHECK     ${m.source}: charged ${formatMoney(m.spent)} but time × current rate says ` +
        `${formatMoney(m.expected!.low)}–${formatMoney(m.expected!.high)}`,
    );
  return out.join('\n');
}

const spendColumns: ColumnDef<SourceSpend>[] = [
  { header: 'SOURCE', render: (s) => (s.instanceId !== null ? String(s.instanceId) : s.source) },
  { header: 'LABEL', render: (s) => s.label ?? '', max: 28, grow: 1 },
  { header: 'STATUS', render: (s) => s.status },
  { header: '$/HR', render: (s) => formatRate(s.burnPerHour), align: 'right' },
  { header: 'SPENT', render: (s) => formatMoney(s.spent), align: 'right' },
  { header: 'HOURS', render: (s) => ((s.to - s.from) / 3_600_000).toFixed(1), align: 'right', priority: 2 },
  {
    header: 'CHECK',
    render: (s) => (s.gap === null ? '–' : s.mismatch ? `OFF ${(s.gap * 100).toFixed(0)}%` : 'ok'),
    priority: 3,
  },
];

const range = (lo: string, hi: string) => (lo === hi ? lo : `${lo}–${hi}`);

/** Columns of the projections table; `U` is what the progress counts (STEPS, or a profile's unit: GAMES). */
const projectionColumns = (U: string): ColumnDef<RunProjection>[] => [
  { header: 'ID', render: (p) => String(p.instanceId), align: 'right' },
  { header: 'LABEL', render: (p) => p.label ?? '', max: 24, grow: 1 },
  { header: U === 'STEPS' ? 'STEP' : U, render: (p) => `${p.step}/${p.targetStep}`, align: 'right' },
  { header: `${U}/S`, render: (p) => p.rate.mid.toFixed(2), align: 'right', priority: 2 },
  {
    header: 'ETA',
    render: (p) =>
      `${formatDuration(p.etaMs.mid)} (${range(formatDuration(p.etaMs.low), formatDuration(p.etaMs.high))})`,
  },
  {
    header: 'COST',
    render: (p) => `${formatMoney(p.costUsd.mid)} (${range(formatMoney(p.costUsd.low), formatMoney(p.costUsd.high))})`,
  },
  {
    header: 'FINISH',
    render: (p) => new Date(p.finishAt.mid).toISOString().slice(0, 16).replace('T', ' '),
    priority: 3,
  },
];

/** Columns of the value table: GAMES/S PER $/HR is the runbook's games per $/hr. */
const valueColumns = (U: string): ColumnDef<GpuValue>[] => [
  { header: 'GPU', render: (g) => g.gpuName, max: 20, grow: 1 },
  { header: 'INST', render: (g) => String(g.instances), align: 'right' },
  { header: `${U}/S`, render: (g) => g.stepsPerSec.toFixed(2), align: 'right' },
  { header: '$/HR', render: (g) => formatRate(g.dph), align: 'right' },
  { header: `${U}/S PER $/HR`, render: (g) => g.stepsPerSecPerDph.toFixed(2), align: 'right' },
  { header: `${U}/$`, render: (g) => g.stepsPerDollar.toFixed(0), align: 'right' },
];
