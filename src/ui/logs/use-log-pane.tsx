/**
 * The log pane's state and keys: one LogPaneStore for the selected instance (replaced when the selection,
 * its SSH endpoint or the daemon toggle changes — latest wins, the old one is stopped), split or full-screen
 * layout, focus, search, autoscroll, wrap, save, and the attach/shell hand-over. App adds the layers this
 * returns to its dispatcher and draws `pane()` where it wants the log.
 */
import { useEffect, useLayoutEffect, useMemo, useRef, useSyncExternalStore, type ReactElement } from 'react';
import { Text } from 'ink';
import type { Instance } from '../../core/vast/types.js';
import type { Layer } from '../keymap/dispatch.js';
import type { LogPaneSnapshot } from '../../core/logs/sources/pane-store.js';
import { sanitizeLine } from '../../core/util/sanitize.js';
import { sshEndpoint } from '../../core/vast/units.js';
import { LogPane } from './LogPane.js';
import { LABEL_WIDTH } from './LogPane.js';
import { saveLog } from './save.js';
import {
  INITIAL_VIEW,
  nextMatch,
  revealSeq,
  scrollBy,
  scrollTop,
  searchLines,
  viewWindow,
  type LogViewState,
  type ViewWindow,
} from './view-state.js';
import { fieldOf, useViewStore, type ViewStore } from '../views/store.js';

/** What the hook needs from a LogPaneStore. */
export interface LogPaneLike {
  subscribe(listener: () => void): () => void;
  getSnapshot(): LogPaneSnapshot;
  start(): void;
  stop(): void;
  /** The whole log from the host (or the logs API), for saving; absent: the save writes the lines held. */
  readWhole?(): Promise<{ text: string; from: 'host' | 'api' }>;
}

/** Makes the store for one instance's log (runTui wires SSH pool and API; tests pass fakes). */
export type LogPaneFactory = (inst: Instance, opts: { daemon: boolean }) => LogPaneLike;

/** Hands the terminal to ssh for the instance; resolves to a one-line result for the footer. */
export type AttachRunner = (
  inst: Instance,
  mode: 'tmux' | 'shell',
) => Promise<{ text: string; level: 'info' | 'error' }>;

/** Split (under the table) or full-screen. */
export type LogMode = 'off' | 'split' | 'full';

/** The pane's state, kept in a view store so it is there again when the fleet view comes back. */
export interface LogUiState {
  mode: LogMode;
  focus: 'fleet' | 'logs';
  daemon: boolean;
  view: LogViewState;
  /** The search being typed, or null. */
  search: string | null;
  /** True while ssh owns the terminal (no log streams meanwhile). */
  suspended: boolean;
  /** Bumped after an attach: a fresh tail. */
  generation: number;
}

/** The pane closed. */
export const INITIAL_LOG_UI: LogUiState = {
  mode: 'off',
  focus: 'fleet',
  daemon: false,
  view: INITIAL_VIEW,
  search: null,
  suspended: false,
  generation: 0,
};

/** Inputs of useLogPane. */
export interface LogPaneDeps {
  /** Where the pane's state lives. */
  ui: ViewStore<LogUiState>;
  factory?: LogPaneFactory;
  selected: Instance | undefined;
  onMessage: (m: { text: string; level: 'info' | 'error' } | null) => void;
  onAttach?: AttachRunner;
  /** Where saved logs go (state dir); cwd when it cannot be written. */
  saveDir: string;
  /** Lines of the whole frame, for the split height. */
  frame: number;
  /** A selection must rest this long before its log is opened (a held j must not open 40 SSH tails). */
  startDelayMs?: number;
  /** Clock for save names. */
  now?: () => number;
}

const EMPTY_SUB = () => () => {};
const NO_SNAP = () => null;

/** The SSH endpoint as a string key: a booting instance that gets one needs a new store (SSH instead of API). */
function endpointKey(inst: Instance): string {
  const ep = inst.status === 'running' ? sshEndpoint(inst) : null;
  return ep ? `${ep.host}:${ep.port}` : '-';
}

/** Split-pane height (title included) for a frame of `frame` lines. */
export function splitHeight(frame: number): number {
  return Math.max(5, Math.floor(frame * 0.45));
}

/** The log pane hook; see the file comment. */
export function useLogPane(d: LogPaneDeps) {
  const ui = useViewStore(d.ui);
  const [mode, setMode] = fieldOf(d.ui, ui, 'mode');
  const [focus, setFocus] = fieldOf(d.ui, ui, 'focus');
  const [daemon, setDaemon] = fieldOf(d.ui, ui, 'daemon');
  const [view, setView] = fieldOf(d.ui, ui, 'view');
  const [search, setSearch] = fieldOf(d.ui, ui, 'search');
  const [suspended, setSuspended] = fieldOf(d.ui, ui, 'suspended');
  const [generation, setGeneration] = fieldOf(d.ui, ui, 'generation');
  const inst = d.selected;

  const key =
    mode !== 'off' && inst && d.factory && !suspended
      ? `${inst.id}|${endpointKey(inst)}|${daemon}|${generation}`
      : null;
  // eslint-disable-next-line react-hooks/exhaustive-deps
  const store = useMemo(() => (key && inst && d.factory ? d.factory(inst, { daemon }) : null), [key]);
  useEffect(() => {
    if (!store) return;
    const t = setTimeout(() => store.start(), d.startDelayMs ?? 120);
    return () => {
      clearTimeout(t);
      store.stop();
    };
  }, [store, d.startDelayMs]);
  const snap = useSyncExternalStore(
    store ? store.subscribe : EMPTY_SUB,
    store ? store.getSnapshot : NO_SNAP,
    store ? store.getSnapshot : NO_SNAP,
  );

  // A new instance starts at its newest line; wrap and the search text carry over.
  const lastId = useRef<number | undefined>(inst?.id);
  useLayoutEffect(() => {
    if (lastId.current === inst?.id) return;
    lastId.current = inst?.id;
    setView((v) =>
      v.follow !== true || v.matchSeq !== null ? { ...v, follow: true, topSeq: null, matchSeq: null } : v,
    );
  });

  const lines = snap?.lines ?? [];
  const matches = useMemo(() => searchLines(lines, view.query), [lines, view.query]);
  const win = useRef<{ w: ViewWindow; height: number }>({ w: { rows: [], topSeq: null, atBottom: true }, height: 10 });

  const visible = mode !== 'off';
  const focused = mode === 'full' || (mode === 'split' && focus === 'logs');
  const jump = (dir: 1 | -1) => {
    const m = nextMatch(matches, view.matchSeq, dir);
    if (m === null)
      return d.onMessage({
        text: view.query ? `no line matches "${view.query.slice(0, 40)}"` : 'no search: press / first',
        level: 'info',
      });
    setView(revealSeq(lines, view, m, win.current.height));
  };
  const scroll = (delta: number) => setView(scrollBy(lines, view, win.current.w, delta, win.current.height));
  const page = () => Math.max(1, win.current.height - 1);

  const save = async () => {
    if (!inst || !snap) return d.onMessage({ text: 'no log to save', level: 'error' });
    try {
      // The whole log from the host, not the 5,000 lines the pane keeps; the ring only when that read fails.
      // The file name uses real time: under --demo the app's clock is the simulator's sped-up one.
      d.onMessage({ text: 'saving the whole log…', level: 'info' });
      const read = store?.readWhole ? await store.readWhole().catch(() => null) : null;
      // The logs API keeps a tail only: when it has fewer lines than the pane holds, the pane's lines are more.
      const whole =
        read && (read.from === 'host' || read.text.split('\n').length - 1 >= snap.lines.length) ? read : null;
      const file = await saveLog(whole ? whole.text : snap.lines, {
        dir: d.saveDir,
        instanceId: inst.id,
        daemon,
        now: Date.now(),
      });
      const count = whole ? whole.text.split('\n').length - 1 : snap.lines.length;
      d.onMessage({
        text:
          `saved ${count} lines to ${file} ` +
          (whole
            ? `(the whole log, from the ${whole.from === 'host' ? 'host' : 'logs API'})`
            : '(the lines held: the whole log could not be read)'),
        level: 'info',
      });
    } catch (err) {
      d.onMessage({
        text: `cannot save the log: ${sanitizeLine(String((err as Error).message ?? err))}`,
        level: 'error',
      });
    }
  };

  const attach = async (how: 'tmux' | 'shell') => {
    if (!inst || !d.onAttach) return;
    if (inst.status !== 'running' || !sshEndpoint(inst)) {
      return d.onMessage({
        text: `instance ${inst.id} has no SSH endpoint (${inst.status ?? 'provisioning'})`,
        level: 'error',
      });
    }
    setSuspended(true); // stops the log store: nothing streams while ssh owns the terminal
    try {
      d.onMessage(await d.onAttach(inst, how));
    } finally {
      setSuspended(false);
      setGeneration((g) => g + 1); // a fresh tail: lines written meanwhile come back with the backlog
    }
  };

  const fleetHandlers: Record<string, () => void> = {
    'fleet.logs': () => setMode((m) => (m === 'off' ? 'split' : 'off')),
    'fleet.logsFull': () => setMode((m) => (m === 'full' ? 'split' : 'full')),
    'fleet.logsFocus': () => {
      setMode((m) => (m === 'off' ? 'split' : m));
      setFocus('logs');
    },
    'fleet.attach': () => void attach('tmux'),
    'fleet.shell': () => void attach('shell'),
  };
  const logsHandlers: Record<string, () => void> = {
    'logs.down': () => scroll(1),
    'logs.up': () => scroll(-1),
    'logs.pageDown': () => scroll(page()),
    'logs.pageUp': () => scroll(-page()),
    'logs.top': () => setView(scrollTop(lines, view)),
    'logs.bottom': () => setView({ ...view, follow: true, topSeq: null }),
    'logs.follow': () =>
      setView(
        view.follow
          ? { ...view, follow: false, topSeq: win.current.w.topSeq }
          : { ...view, follow: true, topSeq: null },
      ),
    'logs.wrap': () => setView({ ...view, wrap: !view.wrap }),
    'logs.search': () => setSearch(''),
    'logs.next': () => jump(1),
    'logs.prev': () => jump(-1),
    'logs.daemon': () => setDaemon((v) => !v),
    'logs.save': () => void save(),
    'logs.focusFleet': () => {
      setFocus('fleet');
      setMode((m) => (m === 'full' ? 'split' : m));
    },
    'logs.close': () => {
      if (view.query) return setView({ ...view, query: '', matchSeq: null });
      setFocus('fleet');
      setMode((m) => (m === 'full' ? 'split' : m));
    },
  };

  const layers: Layer[] = [];
  if (search !== null) {
    layers.push({
      scope: 'input',
      handlers: {
        'input.submit': () => {
          setSearch(null);
          const next = { ...view, query: search, matchSeq: null };
          const m = nextMatch(searchLines(lines, search), null, -1); // the newest match first, like less ?
          setView(m === null ? next : revealSeq(lines, next, m, win.current.height));
          if (search && m === null) d.onMessage({ text: `no line matches "${search.slice(0, 40)}"`, level: 'info' });
        },
        'input.cancel': () => setSearch(null),
        'input.erase': () => setSearch(search.slice(0, -1)),
        'input.clear': () => setSearch(''),
      },
      onText: (t) => (setSearch(search + t), true),
    });
  }
  if (focused && visible) layers.push({ scope: 'logs', handlers: logsHandlers });
  layers.push({ scope: 'fleet', handlers: fleetHandlers });

  /** Draws the pane in `height` lines (title included). */
  const pane = (height: number, width: number): ReactElement => {
    const rowsH = Math.max(1, height - 1);
    const w = viewWindow(lines, view, rowsH, width - LABEL_WIDTH);
    win.current = { w, height: rowsH };
    const at = view.matchSeq === null ? 0 : matches.indexOf(view.matchSeq) + 1;
    const flags = [
      view.follow ? 'follow' : 'paused',
      view.wrap ? 'wrap' : '',
      view.query ? `/${view.query.slice(0, 20)} ${at}/${matches.length}` : '',
      mode === 'full' ? 'esc back' : focused ? 'tab table' : 'tab focus',
    ]
      .filter(Boolean)
      .join(' · ');
    const title = inst
      ? `log ${inst.id}${daemon ? ' (daemon)' : ''} · ${sanitizeLine(snap?.status ?? 'opening…')}`
      : 'log';
    const empty = !inst ? 'no instance selected' : !snap || snap.lines.length === 0 ? 'no log lines yet' : '';
    return (
      <LogPane
        title={title}
        flags={flags}
        rows={w.rows}
        height={rowsH}
        width={width}
        query={view.query}
        matchSeq={view.matchSeq}
        focused={focused}
        empty={empty}
      />
    );
  };

  const searchLine =
    search === null ? null : (
      <Text wrap="truncate">
        <Text bold>{'log /'}</Text>
        {search}
        <Text inverse> </Text>
      </Text>
    );

  return {
    mode,
    focused: focused && visible,
    searching: search !== null,
    /** Lines the split pane takes under the table (0 unless split). */
    splitRows: mode === 'split' ? splitHeight(d.frame) : 0,
    layers,
    pane,
    searchLine,
    /** The store feeding the pane (tests and benches). */
    store,
  };
}
