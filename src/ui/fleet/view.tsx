/**
 * The fleet view: the instance table over the windowed list, the detail pane, and the log pane (split under the
 * table or full screen). Its selection, query and detail toggle live in the fleet store (App's header counts
 * the rows; destroy, migrate, stop and start act on the selection), the log pane's state in the logs store.
 */
import { useEffect, useLayoutEffect, useMemo } from 'react';
import { Box } from 'ink';
import type { Scope } from '../keymap/registry.js';
import type { Layer } from '../keymap/dispatch.js';
import { layoutColumns } from '../cells.js';
import { FleetTable } from '../FleetTable.js';
import { DetailPane, DETAIL_HEIGHT } from '../DetailPane.js';
import { useLogPane, type LogUiState } from '../logs/use-log-pane.js';
import { useWindowedList } from '../list/use-windowed.js';
import { fieldOf, useViewStore } from '../views/store.js';
import type { ViewDef, ViewProps } from '../views/types.js';
import type { Instance } from '../../core/vast/types.js';

const idOf = (i: Instance) => i.id;

/** Footer hint scopes for the log pane's state: typing a search, keys in the pane, or the table's. */
export function fleetHints(l: LogUiState): Scope[] {
  if (l.search !== null) return ['input'];
  const focused = l.mode === 'full' || (l.mode === 'split' && l.focus === 'logs');
  return focused ? ['logs', 'global'] : ['fleet', 'global'];
}

function FleetView(p: ViewProps) {
  const state = useViewStore(p.stores.fleet);
  const selection = fieldOf(p.stores.fleet, state, 'selectedId');
  const frame = p.frameHeight;
  const logs = useLogPane({
    ui: p.stores.logs,
    factory: p.app.openLog,
    selected: p.selected,
    onMessage: p.say,
    onAttach: p.app.onAttach,
    saveDir: p.app.saveDir ?? '.',
    frame,
    now: p.nowFn,
  });
  const extra = (state.detail ? DETAIL_HEIGHT : 0) + (logs.searching && !p.lineOpen ? 1 : 0) + logs.splitRows;
  const tableRows = Math.max(1, p.height - 1 - extra);
  const list = useWindowedList(p.rows, idOf, tableRows, { selection });
  const cols = useMemo(() => layoutColumns(p.width - 1), [p.width]); // one column for the selection marker

  const handlers: Record<string, () => void> = {
    'fleet.down': () => list.move('down'),
    'fleet.up': () => list.move('up'),
    'fleet.pageDown': () => list.move('pageDown'),
    'fleet.pageUp': () => list.move('pageUp'),
    'fleet.top': () => list.move('first'),
    'fleet.bottom': () => list.move('last'),
    'fleet.detail': () => p.stores.fleet.set((s) => ({ detail: !s.detail })),
    ...p.fleetHandlers,
  };
  // The log pane's layers (its search line, its keys when focused, l/f/a/s/tab) go above the table's.
  const layers: Layer[] = [...logs.layers, { scope: 'fleet', handlers }];
  const paneHandlers = logs.layers.find((l) => l.scope === 'fleet')?.handlers;
  useLayoutEffect(() => p.publish({ layers, handlers: { ...handlers, ...paneHandlers } }));

  // The health monitor probes what is on screen first: the selection, then the window's rows.
  const selectedId = list.selected?.id;
  const shown = p.rows.slice(list.top, list.top + tableRows).map(idOf);
  const shownKey = `${selectedId}:${shown.join(',')}`;
  const onShown = p.app.onShown;
  // Keyed by the ids, not the arrays: a render with the same rows on screen tells the monitor nothing.
  useEffect(() => {
    if (!onShown) return;
    onShown(selectedId === undefined ? shown : [selectedId, ...shown.filter((id) => id !== selectedId)]);
  }, [onShown, shownKey]);

  const { snap } = p;
  const empty = !snap.loaded
    ? snap.error
      ? 'no data: the API is failing'
      : 'loading fleet…'
    : snap.instances.length === 0
      ? 'no instances on this account'
      : 'no instance matches the filter';
  const full = p.cover?.full ?? false;
  return (
    <>
      {p.cover ? (
        p.cover.node(tableRows + 1)
      ) : logs.mode === 'full' ? (
        logs.pane(tableRows + 1, p.width)
      ) : (
        <FleetTable
          rows={p.rows}
          columns={cols}
          top={list.top}
          height={tableRows}
          selectedId={list.selected?.id ?? null}
          statusSince={snap.statusSince}
          health={snap.health}
          now={p.now}
          empty={empty}
        />
      )}
      <Box flexGrow={1} />
      {logs.mode === 'split' && !full ? logs.pane(logs.splitRows, p.width) : null}
      {p.below}
      {state.detail && !full ? (
        <DetailPane
          inst={p.selected}
          width={p.width}
          health={p.selected ? snap.health.get(p.selected.id) : undefined}
        />
      ) : null}
      {p.lineOpen ? null : logs.searchLine}
    </>
  );
}

/** The fleet view's row in the view table. */
export const fleetView: ViewDef = { Component: FleetView, hints: (s) => fleetHints(s.logs.get()) };
