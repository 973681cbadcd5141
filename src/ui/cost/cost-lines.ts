/**
 * The cost panel as plain lines (pure: testable and windowable without Ink): burn now, $/day, credit and
 * runway, spend per instance and in total, projections with their ranges, value per GPU type, budget breaches.
 */
import type { CostReport } from '../../core/cost/report.js';
import { formatDuration } from '../../core/present/durations.js';
import { sanitizeLine } from '../../core/util/sanitize.js';
import { fitCell as fit } from '../../core/present/columns.js';
import { formatHours } from '../../core/present/durations.js';
import { formatMoney, formatRate } from '../../core/present/money.js';
import { sparkline } from '../sparkline.js';
import type { ValueHistorySnapshot } from './value-history.js';

/** One line of the panel with its colour level. */
export interface CostLine {
  text: string;
  level?: 'title' | 'section' | 'muted' | 'warn' | 'error';
}

const money = (x: number | null) => (x === null ? '–' : formatMoney(x));

/**
 * Lines for a report; `width` is the panel width, `loadingRuns` says projections are still being read, `history`
 * is the value per GPU type over the last refreshes (a sparkline column next to each type's value).
 */
export function costLines(
  r: CostReport,
  width: number,
  loadingRuns = false,
  history?: ValueHistorySnapshot,
): CostLine[] {
  const out: CostLine[] = [];
  const w = Math.max(40, width);
  const at = new Date(r.generatedAt).toISOString().slice(11, 16);
  out.push({
    text:
      `COST ${r.fleet ? `fleet "${sanitizeLine(r.fleet)}"` : 'account'} · window ` +
      `${formatDuration(r.window.to - r.window.from)} · at ${at} UTC`,
    level: 'title',
  });
  out.push({
    text:
      `burn now  ${formatRate(r.burn.perHour)}/hr  ${formatMoney(r.burn.perDay)}/day  (${r.burn.billingGpu} ` +
      `billing GPU time, ${r.burn.storageOnly} storage only)`,
  });
  const runway = r.burn.runwayHours === null ? '–' : formatHours(r.burn.runwayHours);
  out.push({
    text:
      `credit    ${money(r.credit)}  runway ` +
      `${runway}${r.fleet ? ` (account burns ${formatRate(r.accountBurn.perHour)}/hr)` : ''}`,
    level: r.burn.runwayHours !== null && r.burn.runwayHours < 24 ? 'warn' : undefined,
  });
  out.push({
    text: `spent     ${formatMoney(r.spent.total)} in the window, ${formatMoney(r.spent.last24h)} in the last 24 h`,
  });
  const hourly = r.spent.hourly ?? [];
  if (hourly.some((x) => x > 0)) {
    out.push({
      text:
        `burn 24 h ${sparkline(hourly, 24)}  $/hour, 24 h ago → now ` +
        `(${formatMoney(Math.min(...hourly))}–${formatMoney(Math.max(...hourly))})`,
    });
  }
  for (const b of r.breaches) out.push({ text: `BUDGET  ${sanitizeLine(b.message)}`, level: 'error' });

  out.push({ text: '' }, { text: 'SPEND PER INSTANCE', level: 'section' });
  const lw = Math.max(10, Math.min(28, w - 52));
  out.push({
    text:
      `  ${fit('ID', 9)} ${fit('LABEL', lw)} ${fit('STATUS', 8)} ${fit('SPENT', 10, 'right')} ` +
      `${fit('$/HR', 8, 'right')}  CHECK`,
    level: 'muted',
  });
  if (r.spent.bySource.length === 0) out.push({ text: '  no charges in the window', level: 'muted' });
  for (const s of r.spent.bySource) {
    const check = s.mismatch ? `off by ${Math.round((s.gap ?? 0) * 100)}%` : s.expected ? 'ok' : '';
    out.push({
      text:
        `  ${fit(String(s.instanceId ?? s.source), 9)} ${fit(sanitizeLine(s.label ?? ''), lw)} ` +
        `${fit(s.status, 8)} ${fit(formatMoney(s.spent), 10, 'right')} ` +
        `${fit(s.burnPerHour === null ? '–' : formatRate(s.burnPerHour), 8, 'right')}  ${check}`,
      level: s.mismatch ? 'warn' : undefined,
    });
  }
  out.push({
    text:
      `  ${fit('total', 9)} ${fit('', lw)} ${fit('', 8)} ${fit(formatMoney(r.spent.total), 10, 'right')} ` +
      `${fit(formatRate(r.burn.perHour), 8, 'right')}`,
  });

  if (r.runs?.length) {
    out.push(
      { text: '' },
      { text: 'SPEND PER RUN (every instance it used; projected total to the target)', level: 'section' },
    );
    for (const run of r.runs) {
      const ids = run.instances.map((i) => i.instanceId).join(' ');
      const proj = run.projectedTotal
        ? `  → ${formatMoney(run.projectedTotal.mid)} ` +
          `(${formatMoney(run.projectedTotal.low)}–${formatMoney(run.projectedTotal.high)})`
        : '';
      out.push({
        text:
          `  ${fit(sanitizeLine(run.runId), lw + 10)} ${fit(formatMoney(run.spent), 10, 'right')} ` +
          `${fit(formatRate(run.burnPerHour), 8, 'right')}/hr  ${ids}${proj}`,
      });
    }
  }

  out.push({ text: '' }, { text: 'PROJECTIONS (to the target step; range from the observed rates)', level: 'section' });
  if (r.projections.length === 0 && r.notProjected.length === 0)
    out.push({ text: loadingRuns ? '  reading run logs…' : '  no run with a step and a target yet', level: 'muted' });
  for (const p of r.projections) {
    const eta = `${formatDuration(p.etaMs.mid)} (${formatDuration(p.etaMs.low)}–${formatDuration(p.etaMs.high)})`;
    const cost = `${formatMoney(p.costUsd.mid)} (${formatMoney(p.costUsd.low)}–${formatMoney(p.costUsd.high)})`;
    out.push({
      text:
        `  ${fit(String(p.instanceId), 9)} ${fit(sanitizeLine(p.label ?? ''), lw)} step ` +
        `${p.step}/${p.targetStep}  eta ${eta}  cost ${cost}`,
    });
  }
  for (const n of r.notProjected) {
    out.push({
      text:
        `  ${fit(String(n.instanceId), 9)} ${fit(sanitizeLine(n.label ?? ''), lw)} step ${n.step}  not ` +
        `projected: ${sanitizeLine(n.reason)}`,
      level: 'muted',
    });
  }

  // The trend column sits right after the value; as wide as the panel allows next to it (80 columns: 6 refreshes).
  const trendW = history ? Math.max(4, Math.min(12, w - 74)) : 0;
  out.push(
    { text: '' },
    {
      text: `VALUE PER GPU TYPE (steps/s per $/hr; best first${history ? `; trend: last ${trendW} refreshes` : ''})`,
      level: 'section',
    },
  );
  if (r.value.length === 0)
    out.push({ text: loadingRuns ? '  reading run logs…' : '  no run with an observed rate yet', level: 'muted' });
  for (const g of r.value) {
    const name = sanitizeLine(g.gpuName);
    const trend = history ? ` ${fit(sparkline(history.get(name) ?? [], trendW), trendW)}` : '';
    out.push({
      text:
        `  ${fit(name, 14)} ${fit(`${g.instances} inst`, 7, 'right')} ` +
        `${fit(g.stepsPerSec.toFixed(2), 8, 'right')} steps/s ${fit(formatRate(g.dph), 8, 'right')}/hr ` +
        `${fit(g.stepsPerSecPerDph.toFixed(2), 8, 'right')} per $/hr${trend} ` +
        `${fit(g.stepsPerDollar.toFixed(0), 9, 'right')} steps/$`,
    });
  }
  return out;
}
