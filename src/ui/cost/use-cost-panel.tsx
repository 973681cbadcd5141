/**
 * The cost panel's state and keys, kept out of App: open/close, a latest-wins load (quick report first, then
 * projections from the run logs), scrolling, and the budget breach mark with its bell — rung once per breach
 * (rule + instance), however long the breach lasts.
 */
import { useEffect, useMemo, useRef, useState } from 'react';
import type { Layer } from '../keymap/dispatch.js';
import type { FleetSnapshot } from '../../core/fleet/store.js';
import { evaluateBudget, type Breach } from '../../core/cost/budget.js';
import type { CostReport } from '../../core/cost/report.js';
import type { BellTarget } from '../../core/notify/notify.js';
import { ringBell } from '../../core/notify/notify.js';
import { sanitizeLine } from '../../core/util/sanitize.js';
import { CostPanel } from './CostPanel.js';
import { costLines } from './cost-lines.js';
import type { CostSource } from './cost-source.js';

/** What the hook needs. */
export interface CostPanelDeps {
  source?: CostSource;
  /** The fleet scope of the view (label prefix), if any. */
  fleet: string | null;
  snap: FleetSnapshot;
  /** Lines the panel may take, to page by. */
  height: number;
  width: number;
  /** Where the breach bell rings; no bell without one. */
  bell?: BellTarget;
}

/** Identity of a breach for "notify once". */
export function breachKey(b: Breach): string {
  return `${b.rule}:${b.instanceId ?? ''}`;
}

/** Cost panel state, its key layers, its view, and the live budget breaches. */
export function useCostPanel(d: CostPanelDeps) {
  const [open, setOpen] = useState(false);
  const [report, setReport] = useState<CostReport | null>(null);
  const [phase, setPhase] = useState<'quick' | 'full' | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [top, setTop] = useState(0);
  const seq = useRef(0);
  const rung = useRef(new Set<string>());

  const load = () => {
    const src = d.source;
    if (!src) return;
    const n = ++seq.current;
    const mine = () => n === seq.current;
    setPhase('quick');
    setError(null);
    const fail = (err: unknown) => {
      if (!mine()) return;
      setError(sanitizeLine(String((err as Error)?.message ?? err)).slice(0, 160));
      setPhase(null);
    };
    src.load(d.fleet, false).then((r) => {
      if (!mine()) return;
      setReport(r);
      setPhase('full');
      src.load(d.fleet, true).then((full) => {
        if (!mine()) return;
        setReport(full);
        setPhase(null);
      }, fail);
    }, fail);
  };

  // Live breaches: the rules against the fleet as polled (no extra API call), plus the report's spend-based ones.
  const budget = d.source?.budget;
  const breaches = useMemo(() => {
    if (!budget) return [];
    const live = evaluateBudget(budget, { instances: d.snap.instances, credit: d.snap.user?.credit ?? null, spentLast24h: report?.spent.last24h ?? null });
    return live;
  }, [budget, d.snap, report]);

  useEffect(() => {
    const fresh = breaches.filter((b) => !rung.current.has(breachKey(b)));
    for (const b of fresh) rung.current.add(breachKey(b));
    if (fresh.length && d.bell) ringBell(d.bell);
  }, [breaches, d.bell]);

  // The value history changes only when a report arrives (the source records it before returning the report).
  const history = useMemo(() => d.source?.valueHistory?.(), [d.source, report]);
  const lines = useMemo(() => (report ? costLines(report, d.width, phase === 'full', history) : null), [report, d.width, phase, history]);
  const maxTop = Math.max(0, (lines?.length ?? 0) - (d.height - 1));
  const scroll = (to: number) => setTop(Math.max(0, Math.min(maxTop, to)));

  const toggle = () => {
    if (open) return setOpen(false);
    setOpen(true);
    setTop(0);
    load();
  };
  const global: Layer = { scope: 'global', handlers: { 'app.cost': toggle } };
  const panel: Layer = {
    scope: 'cost',
    handlers: {
      'cost.close': () => setOpen(false),
      'cost.refresh': load,
      'cost.down': () => scroll(top + 1),
      'cost.up': () => scroll(top - 1),
      'cost.pageDown': () => scroll(top + d.height - 1),
      'cost.pageUp': () => scroll(top - d.height + 1),
      'cost.top': () => scroll(0),
    },
  };
  const layers: Layer[] = d.source ? (open ? [panel, global] : [global]) : [];

  const status = !d.source
    ? null
    : error
      ? `cost data failed: ${error}${report ? ' (showing the last report)' : ''}`
      : phase === 'quick' ? 'loading charges…' : phase === 'full' ? 'reading run logs for projections…' : null;
  const view = (height: number, width: number) => <CostPanel lines={lines} top={Math.min(top, maxTop)} height={height} width={width} status={status} />;
  return { open, layers, view, breaches, toggle, report };
}
