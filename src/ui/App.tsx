/**
 * The cockpit's frame: the store subscription, the key queue and dispatch, the view table lookup (src/ui/views),
 * the header, the command line and the footer. The view that shows is mounted alone and hands App its keys;
 * the overlays (help, destroy, migrate) and the keeper panel are App's, over any view.
 */
import { useEffect, useMemo, useRef, useState } from 'react';
import { Box, Text } from 'ink';
import type { Keymap } from './keymap/registry.js';
import type { Layer } from './keymap/dispatch.js';
import { footerHints } from './keymap/docs.js';
import { useKeyQueue } from './use-key-queue.js';
import { useAppCommands } from './app-commands.js';
import { selectRows, type FleetQuery } from '../core/fleet/row-filter.js';
import { Footer, FOOTER_HEIGHT } from './Footer.js';
import { HelpOverlay, helpLayout, helpVisualLines } from './HelpOverlay.js';
import { Header } from './Header.js';
import { InputLine } from './InputLine.js';
import { useFleet, type FleetSource } from './use-fleet.js';
import { useClock } from './use-clock.js';
import { useTerminalSize } from './use-terminal-size.js';
import { useTheme } from './theme-context.js';
import { useFleetActions, type Confirm, type InputState, type Message } from './use-fleet-actions.js';
import type { VastApi } from '../core/vast/api.js';
import type { AccountKeys } from './keys/account-keys.js';
import type { OffersDeps } from './offers/deps.js';
import type { BellTarget } from '../core/notify/notify.js';
import { useBudget } from './cost/view.js';
import { useDestroy } from './destroy/use-destroy.js';
import { useMigrate } from './migrate/use-migrate.js';
import type { Ops } from './migrate/ops.js';
import type { CostSource } from './cost/cost-source.js';
import { splitHeight, type AttachRunner, type LogPaneFactory } from './logs/use-log-pane.js';
import { DETAIL_HEIGHT } from './DetailPane.js';
import { useKeeper } from './keeper/use-keeper.js';
import { useFinishOpen } from './offers/finish-open.js';
import { createRunning, type Running } from './running.js';
import type { KeeperControl } from './keeper/control.js';
import type { LifecycleUi } from './lifecycle/lazy.js';
import { VIEWS, type Cover, type ViewId, type ViewKeys } from './views/index.js';
import { createStores } from './views/stores.js';
import { useViewStore } from './views/store.js';
import { indexOfId } from './list/windowed.js';

/** Props of App. */
export interface AppProps {
  store: FleetSource;
  keymap: Keymap;
  /** For stop/start; those commands are absent when the keymap is read-only. */
  api?: Pick<VastApi, 'stopInstance' | 'startInstance'>;
  demo?: boolean;
  /** A startup notice (e.g. a bad theme file), shown until the first key. */
  notice?: string | null;
  onQuit: () => void;
  /** Clock; tests pass a fixed one. By default the store's (the API's clock, which startedAt is on). */
  now?: () => number;
  /** Age/stuck refresh period; 0 disables (frame tests). */
  tickMs?: number;
  /** The offer browser's collaborators (also the env view's API); without them `o` and `e` do nothing. */
  offers?: OffersDeps;
  /** Cost panel data (charges, credit, projections) and budget rules; without it `$` does nothing. */
  cost?: CostSource;
  /** Where a budget breach rings the bell (once per breach). */
  bell?: BellTarget;
  /** Opens the log store of an instance; without it the log pane keys do nothing. */
  openLog?: LogPaneFactory;
  /** Hands the terminal to ssh (attach/shell); runTui provides it. */
  onAttach?: AttachRunner;
  /** Where "save log" writes (the state dir). */
  saveDir?: string;
  /** Destroy and migrate (D, M); without them those keys do nothing. */
  ops?: Ops;
  /** The fleet keeper behind `:keep` (absent in read-only mode). */
  keeper?: KeeperControl;
  /** Lifecycle rules enforced while the TUI is open; its decisions show in the footer. */
  lifecycle?: Pick<LifecycleUi, 'subscribe'>;
  /** The account's SSH keys: a check after start, and `:keys add`. */
  accountKeys?: AccountKeys;
  /** Operations running now (runTui stops them before it exits); App makes its own when absent. */
  running?: Running;
  /** The fleet rows on screen, selection first, whenever they change (the health monitor probes them first). */
  onShown?: (ids: readonly number[]) => void;
}

const defaultNow = () => Date.now();

/** The whole screen, at most rows − 1 lines tall (ink#450: a full-height frame repaints everything). */
export function App(props: AppProps) {
  const {
    store,
    keymap,
    api,
    demo = false,
    notice = null,
    onQuit,
    now: nowFn = props.store.now ?? defaultNow,
    tickMs = 60_000,
    offers: offersDeps,
    cost: costSource,
    bell,
    ops,
    keeper,
    lifecycle,
    accountKeys,
    running: runningProp,
  } = props;
  const ownRunning = useRef<Running | null>(null);
  const running = runningProp ?? (ownRunning.current ??= createRunning());
  const snap = useFleet(store);
  const tick = useClock(nowFn, tickMs);
  // Time is re-read when a new snapshot arrives (stale age, stuck) and on the minute tick, never per second.
  // eslint-disable-next-line react-hooks/exhaustive-deps
  const now = useMemo(() => Math.max(tick, nowFn()), [snap, tick, nowFn]);
  const theme = useTheme();
  const { columns: width, rows: termRows } = useTerminalSize();
  const refresh = () => void store.refresh();
  // Each view's state that outlives it (made once).
  const storesRef = useRef<ReturnType<typeof createStores> | null>(null);
  const stores = (storesRef.current ??= createStores({
    offers: offersDeps,
    running,
    refreshFleet: refresh,
    canProvision: !!keymap.get('offers.provision'),
  }));
  const fleetState = useViewStore(stores.fleet);
  const logsState = useViewStore(stores.logs);
  const query = fleetState.query;
  const setQuery = (q: FleetQuery | ((q: FleetQuery) => FleetQuery)) =>
    stores.fleet.set((s) => ({ query: typeof q === 'function' ? q(s.query) : q }));
  const [help, setHelp] = useState(false);
  const [helpTop, setHelpTop] = useState(0);
  const [input, setInput] = useState<InputState | null>(null);
  const [confirm, setConfirm] = useState<Confirm | null>(null);
  const [message, setMessage] = useState<Message | null>(notice ? { text: notice, level: 'error' } : null);
  const [viewId, setViewId] = useState<ViewId>('fleet');
  const viewDef = VIEWS[viewId];
  const show = (id: ViewId) => {
    if (VIEWS[id].available?.(props) ?? true) setViewId(id);
  };

  const rows = useMemo(() => selectRows(snap, query, now), [snap, query, now]);
  // The selected instance (destroy, migrate, stop, start and the log pane act on it): by id, else the first row.
  const at = fleetState.selectedId === null ? -1 : indexOfId(rows, (r) => r.id, fleetState.selectedId);
  const selected = rows[Math.max(at, 0)];

  // Height budget: header, footer, the keeper panel and the command line; one spare line.
  const frame = Math.max(6, termRows - 1);
  const keeperUi = useKeeper({ control: keeper, keymap, say: setMessage, width });
  useEffect(() => lifecycle?.subscribe(setMessage), [lifecycle]);
  useFinishOpen(offersDeps, keymap.readOnly, setMessage);
  const lineOpen = Boolean(input || confirm);
  const searching = viewId === 'fleet' && logsState.search !== null;
  const viewHeight = frame - 1 - FOOTER_HEIGHT - keeperUi.rows - (lineOpen ? 1 : 0);
  // The help overlay also covers the detail and log panes, which are not drawn while it shows.
  const helpHeight = Math.max(4, viewHeight - (searching && !lineOpen ? 1 : 0));
  const costReport = useViewStore(stores.cost).report;
  const breaches = useBudget({ source: costSource, snap, report: costReport, bell });

  const opsArgs = { ops, keymap, selected, say: setMessage, refresh, width, running };
  const destroyUi = useDestroy(opsArgs);
  // The wizard takes the table's place: as tall as the fleet table would be.
  const fleetPanes =
    (fleetState.detail ? DETAIL_HEIGHT : 0) +
    (logsState.mode === 'split' ? splitHeight(frame) : 0) +
    (searching && !lineOpen ? 1 : 0);
  const migrateUi = useMigrate({ ...opsArgs, height: Math.max(1, viewHeight - 1 - fleetPanes) + 1 });
  // The keys of the view that shows, as it last rendered (it publishes them after each commit).
  const viewKeys = useRef<ViewKeys>({ layers: [] });
  const open: Record<string, () => void> = offersDeps
    ? { 'offers.open': () => show('offers'), 'env.open': () => show('env') }
    : {};
  const offersModel = stores.offers;
  const appCommands = useAppCommands({ accountKeys, snap, say: setMessage });
  // Read when a `:` line runs: the view that shows then, with the keys it published after its last render.
  const lineHandlers = (): Record<string, (arg: string) => void> => ({
    ...(viewId === 'offers'
      ? viewKeys.current.lineHandlers
      : offersModel
        ? {
            ...open,
            'offers.profile': (a: string) => (show('offers'), void offersModel.chooseProfile(a)),
            'offers.provision': () => show('offers'),
          }
        : {}),
    ...keeperUi.lineHandlers,
    ...migrateUi.lineHandlers,
    ...appCommands,
  });

  // `$` opens the cost view, and again goes back to the fleet.
  const toggleCost = () => (viewId === 'cost' ? show('fleet') : show('cost'));
  const costHandlers: Record<string, () => void> = costSource ? { 'app.cost': toggleCost } : {};
  const overlayFleet = { ...destroyUi.fleetHandlers, ...migrateUi.fleetHandlers, ...keeperUi.fleetHandlers };
  const actions = useFleetActions({
    lineHandlers,
    store,
    keymap,
    api,
    selected,
    setQuery,
    setHelp,
    setInput,
    setConfirm,
    setMessage,
    onQuit,
    busy: () => {
      const op = running.current();
      return op ? `${op.what}: quit anyway? (${op.onQuit})` : null;
    },
    // The `:` line reaches the keys' handlers of the view that shows (:log, :attach, :ssh …) and the overlays'.
    more: () => ({ ...costHandlers, ...viewKeys.current.handlers, ...overlayFleet }),
  });

  const layers: Layer[] = [...keeperUi.layers, ...destroyUi.layers, ...migrateUi.layers];
  // A question (y/n) goes before an open wizard: its keys must reach it.
  if (confirm) layers.unshift({ scope: 'overlay', modal: true, handlers: actions.confirmHandlers(confirm) });
  else if (help) {
    const { maxOffset, perColumn } = helpLayout(helpVisualLines(keymap, width).length, width, helpHeight);
    const scroll = (d: number) => setHelpTop((t) => Math.max(0, Math.min(maxOffset, t + d)));
    const close = () => (setHelp(false), setHelpTop(0));
    layers.push({
      scope: 'overlay',
      modal: true,
      handlers: {
        'overlay.close': close,
        'app.help': close,
        'overlay.up': () => scroll(-1),
        'overlay.down': () => scroll(1),
        'overlay.pageUp': () => scroll(-perColumn),
        'overlay.pageDown': () => scroll(perColumn),
      },
    });
  }
  if (input) {
    const onText = (t: string) => {
      const text = input.text + t;
      setInput({ ...input, text });
      // The filter applies as you type; the command line runs on enter.
      if (input.kind === 'filter') setQuery((q) => ({ ...q, filter: text }));
      return true;
    };
    layers.push({ scope: 'input', handlers: actions.inputHandlers(input), onText });
  }
  // The view's own layers (read at dispatch time: the view published them after its last render).
  const layersNow = (): Layer[] => [
    ...layers,
    ...viewKeys.current.layers,
    { scope: 'global', handlers: { ...costHandlers, ...actions.globalHandlers } },
  ];

  useKeyQueue({ keymap, layers: layersNow, inputOpen: !!input, message, say: setMessage });

  const overlay = help || destroyUi.open || migrateUi.open || keeperUi.confirming;
  const viewHints = viewDef.hints(stores);
  const hints = useMemo(
    () =>
      footerHints(
        keymap,
        input || searching ? ['input'] : overlay ? ['overlay'] : viewHints,
        width - 1 - (keymap.readOnly ? 13 : 0),
      ) + (keymap.readOnly ? '  [read-only]' : ''),
    // eslint-disable-next-line react-hooks/exhaustive-deps
    [keymap, viewHints.join(), input, overlay, searching, width],
  );

  const cover: Cover | null = migrateUi.node
    ? { node: () => migrateUi.node, full: false }
    : destroyUi.node
      ? { node: () => destroyUi.node, full: false }
      : help
        ? { node: () => <HelpOverlay keymap={keymap} width={width} height={helpHeight} offset={helpTop} />, full: true }
        : null;
  const View = viewDef.Component;
  return (
    <Box flexDirection="column" width={width} height={frame}>
      <Header
        query={query}
        shown={rows.length}
        total={snap.instances.length}
        readOnly={keymap.readOnly}
        demo={demo}
        width={width}
      />
      <View
        app={props}
        stores={stores}
        keymap={keymap}
        snap={snap}
        now={now}
        nowFn={nowFn}
        width={width}
        height={viewHeight}
        frameHeight={frame}
        lineOpen={lineOpen}
        rows={rows}
        selected={selected}
        cover={cover}
        below={keeperUi.open ? keeperUi.panel(width) : null}
        say={setMessage}
        show={show}
        running={running}
        fleetHandlers={{ ...actions.fleetHandlers, ...overlayFleet, ...open }}
        publish={(k) => {
          viewKeys.current = k;
        }}
      />
      {confirm ? (
        <Text wrap="truncate" color={theme.colors['status.warn']} bold>
          {confirm.text} [y/n]
        </Text>
      ) : input ? (
        <InputLine input={input} />
      ) : null}
      <Footer snap={snap} now={now} hints={hints} message={message} breaches={breaches.length} width={width} />
    </Box>
  );
}
