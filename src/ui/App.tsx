/**
 * The fleet cockpit. State lives in the core store (read through useSyncExternalStore) and in a small view
 * state here; every key goes through the registry's root dispatcher (src/ui/keymap/dispatch.ts).
 */
import { useContext, useEffect, useMemo, useRef, useState } from 'react';
import { Box, Text, useInput } from 'ink';
import { offMessage, type Keymap } from './keymap/registry.js';
import { dispatch, removedCommand, type Layer } from './keymap/dispatch.js';
import { footerHints } from './keymap/docs.js';
import { isText, keyName, splitChunk, type KeyInfo } from './keymap/keys.js';
import { DEFAULT_QUERY, selectRows, type FleetQuery } from '../core/fleet/query.js';
import { layoutColumns } from './cells.js';
import { FleetTable } from './FleetTable.js';
import { DetailPane, DETAIL_HEIGHT } from './DetailPane.js';
import { Footer, FOOTER_HEIGHT } from './Footer.js';
import { HelpOverlay, helpLayout, helpVisualLines } from './HelpOverlay.js';
import { Header } from './Header.js';
import { InputLine } from './InputLine.js';
import { useFleet, type FleetSource } from './use-fleet.js';
import { useClock } from './use-clock.js';
import { useTerminalSize } from './use-terminal-size.js';
import { ThemeSwitchContext, useTheme } from './theme-context.js';
import { loadTheme } from './theme.js';
import { useFleetActions, type Confirm, type InputState, type Message } from './use-fleet-actions.js';
import type { VastApi } from '../core/vast/api.js';
import type { AccountKeys } from './keys/account-keys.js';
import { useOffers } from './offers/use-offers.js';
import type { OffersDeps } from './offers/deps.js';
import { useEnvVars } from './env/use-env.js';
import type { BellTarget } from '../core/notify/notify.js';
import { useCostPanel } from './cost/use-cost-panel.js';
import { useDestroy } from './destroy/use-destroy.js';
import { useMigrate } from './migrate/use-migrate.js';
import type { Ops } from './migrate/ops.js';
import type { CostSource } from './cost/cost-source.js';
import { useLogPane, type AttachRunner, type LogPaneFactory } from './logs/use-log-pane.js';
import { useKeeper } from './keeper/use-keeper.js';
import { useFinishOpen } from './offers/finish-open.js';
import { createRunning, type Running } from './running.js';
import type { KeeperControl } from './keeper/control.js';
import type { LifecycleUi } from './lifecycle/lazy.js';

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
}

const defaultNow = () => Date.now();

/** The whole screen, at most rows − 1 lines tall (ink#450: a full-height frame repaints everything). */
export function App({ store, keymap, api, demo = false, notice = null, onQuit, now: nowFn = store.now ?? defaultNow, tickMs = 60_000, offers: offersDeps, openLog, onAttach, saveDir = '.', cost: costSource, bell, ops, keeper, lifecycle, accountKeys, running: runningProp }: AppProps) {
  const ownRunning = useRef<Running | null>(null);
  const running = runningProp ?? (ownRunning.current ??= createRunning());
  const snap = useFleet(store);
  const tick = useClock(nowFn, tickMs);
  // Time is re-read when a new snapshot arrives (stale age, stuck) and on the minute tick, never per second.
  // eslint-disable-next-line react-hooks/exhaustive-deps
  const now = useMemo(() => Math.max(tick, nowFn()), [snap, tick, nowFn]);
  const theme = useTheme();
  const switchTheme = useContext(ThemeSwitchContext);
  const { columns: width, rows: termRows } = useTerminalSize();
  const [query, setQuery] = useState<FleetQuery>(DEFAULT_QUERY);
  const [selectedId, setSelectedId] = useState<number | null>(null);
  const [detail, setDetail] = useState(false);
  const [help, setHelp] = useState(false);
  const [helpTop, setHelpTop] = useState(0);
  const [input, setInput] = useState<InputState | null>(null);
  const [confirm, setConfirm] = useState<Confirm | null>(null);
  const [message, setMessage] = useState<Message | null>(notice ? { text: notice, level: 'error' } : null);
  const topRef = useRef(0);
  const [view, setView] = useState<'fleet' | 'offers' | 'env'>('fleet');

  const rows = useMemo(() => selectRows(snap, query, now), [snap, query, now]);
  const cols = useMemo(() => layoutColumns(width - 1), [width]); // one column for the selection marker

  let cursor = selectedId === null ? 0 : rows.findIndex((r) => r.id === selectedId);
  if (cursor < 0) cursor = 0;
  cursor = Math.min(cursor, Math.max(0, rows.length - 1));
  const selected = rows[cursor];

  // Height budget: header, table header, footer, optional detail pane, log pane and input line; one spare line.
  const frame = Math.max(6, termRows - 1);
  const logs = useLogPane({ factory: openLog, selected, onMessage: setMessage, onAttach, saveDir, frame, now: nowFn });
  const keeperUi = useKeeper({ control: keeper, keymap, say: setMessage, width });
  useEffect(() => lifecycle?.subscribe(setMessage), [lifecycle]);
  useFinishOpen(offersDeps, keymap.readOnly, setMessage);
  const extra = keeperUi.rows + (detail ? DETAIL_HEIGHT : 0) + (input || confirm || logs.searching ? 1 : 0) + logs.splitRows;
  const tableRows = Math.max(1, frame - 2 - FOOTER_HEIGHT - extra);
  // The help overlay also covers the detail and log panes, which are not drawn while it shows.
  const helpHeight = Math.max(4, frame - 1 - FOOTER_HEIGHT - keeperUi.rows - (input || confirm || logs.searching ? 1 : 0));
  const cost = useCostPanel({ source: costSource, fleet: query.fleet, snap, height: tableRows + 1, width, bell });
  let top = Math.min(topRef.current, Math.max(0, rows.length - tableRows));
  if (cursor < top) top = cursor;
  if (cursor >= top + tableRows) top = cursor - tableRows + 1;
  topRef.current = top;

  // Other views take the table's place: header above, footer and the command line below stay.
  const viewHeight = Math.max(4, frame - 1 - FOOTER_HEIGHT - keeperUi.rows - (input || confirm ? 1 : 0));
  const back = () => setView('fleet');
  const offersUi = useOffers({ deps: offersDeps, running, keymap, active: view === 'offers', width, height: viewHeight, now, onBack: back, refreshFleet: () => void store.refresh() });
  const envUi = useEnvVars({ api: offersDeps?.api, keymap, active: view === 'env', width, height: viewHeight, onBack: back });
  const open: Record<string, () => void> = offersDeps ? { 'offers.open': () => setView('offers'), 'env.open': () => setView('env') } : {};
  const opsArgs = { ops, keymap, selected, say: setMessage, refresh: () => void store.refresh(), width, running };
  const destroyUi = useDestroy(opsArgs);
  const migrateUi = useMigrate({ ...opsArgs, height: tableRows + 1 });
  const lineHandlers: Record<string, (arg: string) => void> = {
    ...(view === 'offers' ? offersUi.lineHandlers
    : offersDeps ? { ...open, 'offers.profile': (a) => (setView('offers'), offersUi.lineHandlers['offers.profile']!(a)), 'offers.provision': () => setView('offers') } : {}),
    ...keeperUi.lineHandlers,
    ...migrateUi.lineHandlers,
    'app.theme': (name) => {
      if (!switchTheme) return setMessage({ text: 'the theme cannot be switched here', level: 'error' });
      if (!name) return setMessage({ text: `theme ${theme.name}; :theme dark | light | mono | PATH.yaml`, level: 'info' });
      void loadTheme({ name, noColor: Boolean(process.env.NO_COLOR) }).then(({ theme: next, warning }) => {
        if (warning) return setMessage({ text: warning.replace(/; using dark$/, '; theme unchanged'), level: 'error' });
        switchTheme(next);
        setMessage({ text: `theme ${next.name}${process.env.NO_COLOR ? ' (NO_COLOR is set: mono)' : ''}`, level: 'info' });
      });
    },
    ...(accountKeys ? { 'keys.add': (arg: string) => {
      if (arg && arg !== 'add') return setMessage({ text: `:keys ${arg}: only :keys add`, level: 'error' });
      setMessage({ text: 'registering the SSH key…', level: 'info' });
      accountKeys.add(snap.instances).then((text) => setMessage({ text, level: 'info' }), (err: Error) => setMessage({ text: `:keys add: ${err.message}`, level: 'error' }));
    } } : {}),
  };

  // Once the fleet has loaded: is vastdeck's SSH key on the account? If not, say it and how to fix it (:keys add).
  const keysChecked = useRef(false);
  useEffect(() => {
    if (!accountKeys || !snap.loaded || keysChecked.current) return;
    keysChecked.current = true;
    void accountKeys.check().then((text) => text && setMessage((m) => m ?? { text, level: 'error' }));
  }, [accountKeys, snap.loaded]);

  const actions = useFleetActions({
    lineHandlers,
    store, keymap, api, rows, cursor, tableRows, selected,
    setQuery, setSelectedId, setDetail, setHelp, setInput, setConfirm, setMessage, onQuit,
    busy: () => {
      const op = running.current();
      return op ? `${op.what}: quit anyway? (${op.onQuit})` : null;
    },
    // The `:` line reaches the keys' handlers of the log pane, destroy and migrate too (:log, :attach, :ssh, …).
    more: { 'app.cost': cost.toggle, ...logs.layers.find((l) => l.scope === 'fleet')?.handlers, ...destroyUi.fleetHandlers, ...migrateUi.fleetHandlers, ...keeperUi.fleetHandlers },
  });

  const layers: Layer[] = [...keeperUi.layers, ...destroyUi.layers, ...migrateUi.layers];
  // The offers and env views replace the fleet table's layer while they show.
  const viewLayers = (fleet: Record<string, () => void>): Layer[] =>
    view === 'offers' ? offersUi.layers : view === 'env' ? envUi.layers : [{ scope: 'fleet', handlers: { ...fleet, ...open } }];
  // A question (y/n) goes before an open wizard: its keys must reach it.
  if (confirm) layers.unshift({ scope: 'overlay', modal: true, handlers: actions.confirmHandlers(confirm) });
  else if (help) {
    const { maxOffset, perColumn } = helpLayout(helpVisualLines(keymap, width).length, width, helpHeight);
    const scroll = (d: number) => setHelpTop((t) => Math.max(0, Math.min(maxOffset, t + d)));
    const close = () => (setHelp(false), setHelpTop(0));
    layers.push({ scope: 'overlay', modal: true, handlers: { 'overlay.close': close, 'app.help': close, 'overlay.up': () => scroll(-1), 'overlay.down': () => scroll(1), 'overlay.pageUp': () => scroll(-perColumn), 'overlay.pageDown': () => scroll(perColumn) } });
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
  // The log pane belongs to the fleet view: its keys (l, f, a, s, tab) are off while another view shows.
  if (view === 'fleet' && !cost.open) layers.push(...logs.layers);
  layers.push(...cost.layers);
  // The cost panel replaces the table: the table's keys (j/k, sort) must not move a cursor nobody sees.
  if (!cost.open) layers.push(...viewLayers({ ...actions.fleetHandlers, ...destroyUi.fleetHandlers, ...migrateUi.fleetHandlers, ...keeperUi.fleetHandlers }));
  layers.push({ scope: 'global', handlers: actions.globalHandlers });

  // Keys are handled one per commit, in an effect, so each sees the state the previous one produced (a key
  // that arrives before React re-rendered would otherwise run against stale layers). Ink delivers a run of
  // printable characters as ONE event (a held "j", or "/zeb" typed by a script): outside an input line it is
  // split into single keys; inside one it is pasted text.
  const queue = useRef<{ text: string; key: KeyInfo }[]>([]);
  // True from a dispatch until React has committed its result; keys arriving meanwhile wait in the queue.
  const pending = useRef(false);
  const [, bump] = useState(0);
  const runOne = () => {
    const next = queue.current.shift();
    if (!next) return;
    const { text, key } = next;
    if (message && !input) setMessage(null);
    const printable = isText(text, key);
    if (printable && text.length > 1 && !input) {
      queue.current.unshift({ text: text.slice(1), key });
      dispatch(keymap, layers, keyName(text[0]!, {}), text[0]!);
    } else {
      const name = keyName(text, key);
      const off = dispatch(keymap, layers, name, printable ? text : '') === null ? removedCommand(keymap, layers, name) : undefined;
      if (off) setMessage({ text: offMessage(off), level: 'error' });
    }
    // Always schedule a commit (batched with the handler's own updates: one render per key), so the effect
    // below runs and releases the next key even when the key changed nothing.
    pending.current = true;
    bump((n) => n + 1);
  };
  useInput((text, key) => {
    if (text.length > 1 && !key.ctrl && !key.meta) queue.current.push(...splitChunk(text));
    else queue.current.push({ text, key });
    // The common case, one key with nothing pending, runs at once: no extra render before the frame that
    // matters (that extra render would also spend Ink's leading-edge throttle slot).
    if (!pending.current) runOne();
  });
  useEffect(() => {
    pending.current = false;
    if (queue.current.length) runOne();
  });

  const hints = useMemo(
    () => footerHints(keymap, input || logs.searching ? ['input']
      : help || destroyUi.open || migrateUi.open || keeperUi.confirming ? ['overlay'] : view !== 'fleet' ? [view, 'global'] : cost.open ? ['cost', 'global'] : logs.focused ? ['logs', 'global'] : ['fleet', 'global'], width - 1 - (keymap.readOnly ? 13 : 0)) + (keymap.readOnly ? '  [read-only]' : ''),
    [keymap, view, input, help, destroyUi.open, migrateUi.open, keeperUi.confirming, logs.searching, logs.focused, cost.open, width],
  );

  const empty = !snap.loaded ? (snap.error ? 'no data: the API is failing' : 'loading fleet…') : snap.instances.length === 0 ? 'no instances on this account' : 'no instance matches the filter';
  return (
    <Box flexDirection="column" width={width} height={frame}>
      <Header query={query} shown={rows.length} total={snap.instances.length} readOnly={keymap.readOnly} demo={demo} width={width} />
      {migrateUi.node ?? destroyUi.node ?? (help ? (
        <HelpOverlay keymap={keymap} width={width} height={helpHeight} offset={helpTop} />
      ) : view !== 'fleet' ? (
        view === 'offers' ? offersUi.node : envUi.node
      ) : cost.open ? (
        cost.view(tableRows + 1, width)
      ) : logs.mode === 'full' ? (
        logs.pane(tableRows + 1, width)
      ) : (
        <FleetTable
          rows={rows} columns={cols} top={top} height={tableRows} selectedId={selected?.id ?? null}
          statusSince={snap.statusSince} health={snap.health} now={now} empty={empty}
        />
      ))}
      <Box flexGrow={1} />
      {logs.mode === 'split' && !help && view === 'fleet' && !cost.open ? logs.pane(logs.splitRows, width) : null}
      {keeperUi.open ? keeperUi.panel(width) : null}
      {detail && !help && view === 'fleet' ? <DetailPane inst={selected} width={width} health={selected ? snap.health.get(selected.id) : undefined} /> : null}
      {confirm ? (
        <Text wrap="truncate" color={theme.colors['status.warn']} bold>
          {confirm.text} [y/n]
        </Text>
      ) : input ? (
        <InputLine input={input} />
      ) : logs.searchLine}
      <Footer snap={snap} now={now} hints={hints} message={message} breaches={cost.breaches.length} width={width} />
    </Box>
  );
}
