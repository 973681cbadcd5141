import path from 'node:path';
import { render as inkRender } from 'ink';
import { App } from '../../src/ui/App.js';
import { ThemeContext } from '../../src/ui/theme-context.js';
import { DARK } from '../../src/ui/theme.js';
import { FleetStore } from '../../src/core/fleet/store.js';
import { OffersStore } from '../../src/core/offers/store.js';
import { MemoryJournal } from '../../src/core/journal/journal.js';
import { parseProfiles } from '../../src/core/profiles/load.js';
import { buildKeymap } from '../../src/ui/keymap/registry.js';
import { COMMANDS } from '../../src/ui/keymap/tui-commands.js';
import type { OffersDeps } from '../../src/ui/offers/deps.js';
import type { OfferQuery } from '../../src/core/vast/offer-query.js';
import { FAKE_NOW, FakeApi, makeFleet } from './fake-api.js';
import { marketOffers } from '../offers/market.js';
import { readFileSync } from 'node:fs';
import { inkStdout } from '../../src/ui/stdout-fix.js';
import { FakeStdin as In, FakeStdout as Out, stripAnsi as strip } from '../helpers/terminal.js';

const settle = async () => {
  for (let i = 0; i < 8; i++) await new Promise<void>((r) => setImmediate(r));
};

/** The demo profiles file shipped with the repo. */
export const DEMO_PROFILES = path.resolve(
  path.dirname(new URL(import.meta.url).pathname),
  '../../src/sim/scenarios/demo-profiles.yaml',
);

/** Mounts the App with the offer browser wired to `n` market offers. */
export async function mountOffers(
  o: {
    n?: number;
    columns?: number;
    rows?: number;
    readOnly?: boolean;
    terminalOutput?: boolean;
    prepare?: (api: FakeApi, journal: MemoryJournal) => Promise<void>;
    deps?: Partial<OffersDeps>;
    sleep?: (ms: number) => Promise<void>;
  } = {},
) {
  const offers = marketOffers(o.n ?? 300);
  const api = new FakeApi(makeFleet(6));
  const searches: OfferQuery[] = [];
  api.searchOffers = (async (q: OfferQuery) => (searches.push(q), offers)) as never;
  const envVars: Record<string, string> = { HF_TOKEN: 'hf_secretvalue123456789012345', HF_HUB_ENABLE_HF_TRANSFER: '1' };
  api.listEnvVars = async () => ({ ...envVars });
  api.createEnvVar = (async (k: string, v: string) => void (envVars[k] = v)) as never;
  api.deleteEnvVar = (async (k: string) => void delete envVars[k]) as never;
  const store = new FleetStore({ api, pollMs: 2000, now: () => FAKE_NOW });
  await store.refresh();
  const journal = new MemoryJournal();
  await o.prepare?.(api, journal);
  const deps: OffersDeps = {
    store: new OffersStore({ api }),
    api,
    journal,
    loadProfiles: async () => ({
      file: DEMO_PROFILES,
      profiles: parseProfiles(readFileSync(DEMO_PROFILES, 'utf8'), DEMO_PROFILES),
    }),
    sleep: o.sleep ?? (async () => {}),
    now: () => FAKE_NOW,
    bootPollMs: 1,
    stuckAfterMs: 1000,
    close: async () => {},
    ...o.deps,
  };
  const keymap = buildKeymap(COMMANDS, { readOnly: o.readOnly ?? false });
  const stdout = new Out(o.columns ?? 100, o.rows ?? 24);
  const stdin = new In();
  const inst = inkRender(
    <ThemeContext.Provider value={DARK}>
      <App store={store} keymap={keymap} api={api} offers={deps} onQuit={() => {}} now={() => FAKE_NOW} tickMs={0} />
    </ThemeContext.Provider>,
    o.terminalOutput
      ? // As runTui renders: incremental frames through the line differ, Ink's 30 fps throttle (benches).
        {
          stdout: inkStdout(stdout as never),
          stdin: stdin as never,
          stderr: new Out(100, 24) as never,
          exitOnCtrlC: false,
          patchConsole: false,
          incrementalRendering: true,
        }
      : {
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
    offers,
    searches,
    journal,
    envVars,
    stdout,
    frame: () => strip(stdout.frames.at(-1) ?? ''),
    lines: () => strip(stdout.frames.at(-1) ?? '').split('\n'),
    async press(...keys: string[]) {
      for (const k of keys) {
        stdin.write(k);
        await settle();
      }
    },
    async type(text: string) {
      for (const ch of text) await this.press(ch);
    },
    settle,
    unmount: () => {
      deps.store.stop();
      inst.unmount();
    },
  };
}
