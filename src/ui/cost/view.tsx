/**
 * The cost view and the budget check. The view (mounted while it shows): a latest-wins load (quick report first,
 * then projections from the run logs), scrolling. The budget check (App's, always on): the rules against the
 * fleet as polled and the last report's spend, and the breach bell — rung once per breach (rule + instance),
 * however long the breach lasts.
 */
import { useEffect, useLayoutEffect, useMemo, useRef, useState } from 'react';
import { Box } from 'ink';
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
import type { ViewStore } from '../views/store.js';
import { useViewStore } from '../views/store.js';
import type { CostViewState } from '../views/stores.js';
import type { ViewDef, ViewProps } from '../views/types.js';

/** Identity of a breach for "notify once". */
export function breachKey(b: Breach): string {
  return `${b.rule}:${b.instanceId ?? ''}`;
}

/** The live budget breaches (no extra API call) and their bell, once per breach. */
export function useBudget(d: {
  source?: CostSource;
  snap: FleetSnapshot;
  report: CostReport | null;
  bell?: BellTarget;
}): Breach[] {
  const rung = useRef(new Set<string>());
  const budget = d.source?.budget;
  const breaches = useMemo(() => {
    if (!budget) return [];
    return evaluateBudget(budget, {
      instances: d.snap.instances,
      credit: d.snap.user?.credit ?? null,
      spentLast24h: d.report?.spent.last24h ?? null,
    });
  }, [budget, d.snap, d.report]);
  useEffect(() => {
    const fresh = breaches.filter((b) => !rung.current.has(breachKey(b)));
    for (const b of fresh) rung.current.add(breachKey(b));
    if (fresh.length && d.bell) ringBell(d.bell);
  }, [breaches, d.bell]);
  return breaches;
}

const loads = new WeakMap<object, number>();

/** Loads the report into the store, quick first; a later load wins over an earlier one still answering. */
export function loadCost(store: ViewStore<CostViewState>, src: CostSource, fleet: string | null): void {
  const n = (loads.get(store) ?? 0) + 1;
  loads.set(store, n);
  const mine = () => loads.get(store) === n;
  store.set({ phase: 'quick', error: null });
  const fail = (err: unknown) => {
    if (!mine()) return;
    store.set({ error: sanitizeLine(String((err as Error)?.message ?? err)).slice(0, 160), phase: null });
  };
  src.load(fleet, false).then((r) => {
    if (!mine()) return;
    store.set({ report: r, phase: 'full' });
    src.load(fleet, true).then((full) => {
      if (!mine()) return;
      store.set({ report: full, phase: null });
    }, fail);
  }, fail);
}

function CostView(p: ViewProps) {
  const src = p.app.cost;
  const st = useViewStore(p.stores.cost);
  const fleet = p.stores.fleet.get().query.fleet;
  const [top, setTop] = useState(0);
  const height = Math.max(2, p.height);
  const load = () => {
    if (src) loadCost(p.stores.cost, src, fleet);
  };
  // Opening the panel loads it.
  // eslint-disable-next-line react-hooks/exhaustive-deps
  useEffect(load, []);
  const { report, phase, error } = st;
  // The value history changes only when a report arrives (the source records it before returning the report).
  const history = useMemo(() => src?.valueHistory?.(), [src, report]);
  const lines = useMemo(
    () => (report ? costLines(report, p.width, phase === 'full', history) : null),
    [report, p.width, phase, history],
  );
  const maxTop = Math.max(0, (lines?.length ?? 0) - (height - 1));
  const scroll = (to: number) => setTop(Math.max(0, Math.min(maxTop, to)));
  const panel: Layer = {
    scope: 'cost',
    handlers: {
      'cost.close': () => p.show('fleet'),
      'cost.refresh': load,
      'cost.down': () => scroll(top + 1),
      'cost.up': () => scroll(top - 1),
      'cost.pageDown': () => scroll(top + height - 1),
      'cost.pageUp': () => scroll(top - height + 1),
      'cost.top': () => scroll(0),
    },
  };
  useLayoutEffect(() => p.publish({ layers: [panel], handlers: panel.handlers }));
  const status = error
    ? `cost data failed: ${error}${report ? ' (showing the last report)' : ''}`
    : phase === 'quick'
      ? 'loading charges…'
      : phase === 'full'
        ? 'reading run logs for projections…'
        : null;
  return (
    <>
      {p.cover ? (
        p.cover.node(height)
      ) : (
        <CostPanel lines={lines} top={Math.min(top, maxTop)} height={height} width={p.width} status={status} />
      )}
      <Box flexGrow={1} />
      {p.below}
    </>
  );
}

/** The cost view's row in the view table ($ opens it; it needs a cost source). */
export const costView: ViewDef = {
  Component: CostView,
  hints: () => ['cost', 'global'],
  available: (app) => !!app.cost,
};
