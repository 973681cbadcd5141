/**
 * Frame-test harness: the real App over a FleetStore fed by the FakeApi, rendered by Ink into an in-memory
 * terminal of a chosen size (ink-testing-library fixes columns at 100, so sizes other than 100×24 use this
 * stream pair, built the same way). Frames are plain text with colours stripped.
 */
import { render as inkRender } from 'ink';
import { App } from '../../src/ui/App.js';
import { ThemeContext } from '../../src/ui/theme-context.js';
import { DARK, type Theme } from '../../src/ui/theme.js';
import { FleetStore } from '../../src/core/fleet/store.js';
import { buildKeymap } from '../../src/ui/keymap/registry.js';
import { COMMANDS } from '../../src/ui/keymap/tui-commands.js';
import { FAKE_NOW, FakeApi, makeFleet } from './fake-api.js';
import { FakeStdin as In, FakeStdout as Out, stripAnsi as strip } from '../helpers/terminal.js';

/** Lets Ink and React process pending input and renders. */
export async function settle(): Promise<void> {
  for (let i = 0; i < 6; i++) await new Promise<void>((r) => setImmediate(r));
}

/** Options of mount(). */
export interface MountOptions {
  n?: number;
  columns?: number;
  rows?: number;
  readOnly?: boolean;
  theme?: Theme;
  notice?: string | null;
  api?: FakeApi;
  /** Skip the first poll (to show the loading / API-down states). */
  noPoll?: boolean;
  /** App's onShown (the rows on screen). */
  onShown?: (ids: readonly number[]) => void;
}

/** Mounts the app and returns helpers to type keys and read the last frame. */
export async function mount(o: MountOptions = {}) {
  const api = o.api ?? new FakeApi(makeFleet(o.n ?? 6));
  let now = FAKE_NOW;
  const store = new FleetStore({ api, pollMs: 2000, now: () => now });
  if (!o.noPoll) await store.refresh();
  const keymap = buildKeymap(COMMANDS, { readOnly: o.readOnly ?? false });
  const stdout = new Out(o.columns ?? 100, o.rows ?? 24);
  const stdin = new In();
  let quit = 0;
  const inst = inkRender(
    <ThemeContext.Provider value={o.theme ?? DARK}>
      <App
        store={store}
        keymap={keymap}
        api={api}
        notice={o.notice ?? null}
        onQuit={() => quit++}
        now={() => now}
        tickMs={0}
        onShown={o.onShown}
      />
    </ThemeContext.Provider>,
    {
      stdout: stdout as never,
      stdin: stdin as never,
      stderr: new Out(100, 24) as never,
      debug: true,
      exitOnCtrlC: false,
      patchConsole: false,
    },
  );
  await settle();
  return {
    api,
    store,
    keymap,
    frame: () => strip(stdout.frames.at(-1) ?? ''),
    lines: () => strip(stdout.frames.at(-1) ?? '').split('\n'),
    frames: stdout.frames,
    quits: () => quit,
    setNow: (t: number) => (now = t),
    async press(...keys: string[]) {
      for (const k of keys) {
        stdin.write(k);
        await settle();
      }
    },
    async type(text: string) {
      for (const ch of text) await this.press(ch);
    },
    unmount: () => inst.unmount(),
  };
}

/** Terminal key sequences. */
export const KEY = {
  up: '\x1b[A',
  down: '\x1b[B',
  pageDown: '\x1b[6~',
  pageUp: '\x1b[5~',
  enter: '\r',
  escape: '\x1b',
  tab: '\t',
  backspace: '\x7f',
};
