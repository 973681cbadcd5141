import path from 'node:path';
import { intFlag, numberFlag, parseCommand } from '../args.js';
import { resolveContext } from '../context.js';
import { printText, registerSecret, warn } from '../output.js';
import { prepareDemoState } from '../demo-state.js';
import { loadConfig, defaultConfigPath, type Config } from '../../core/config/config.js';
import { fileURLToPath } from 'node:url';
import { existsSync } from 'node:fs';
import type { VastApi } from '../../core/vast/api.js';
import { deferredApi } from '../deferred-api.js';
import type { SimHandle } from '../../sim/index.js';
import type { FleetStore } from '../../core/fleet/store.js';
import { paintFirstFrame } from '../../ui/first-frame.js';
import { builtinTheme } from '../../ui/theme.js';

/** Help for the TUI (no command). */
export const tuiHelp = `Usage: vastdeck [--demo] [--read-only] [--theme NAME] [--poll SECONDS]

Open the full-screen fleet cockpit. With --demo it runs against an in-process simulator with a lively fleet
(no account needed); otherwise against Vast.ai with your API key.

Options:
  --demo           use the embedded simulator (add --speed X to speed its clock up; default 30)
  --read-only      remove every dangerous command (nothing can be rented, stopped or destroyed)
  --theme NAME     dark | light | mono, or a path to a theme YAML file (NO_COLOR forces mono)
  --poll SECONDS   fleet poll interval (floor 2, default from config or 5)
  --api-url URL, --api-key KEY, --config FILE, -h/--help, --version`;

/** The TUI: against the API, or against an in-process simulator with --demo. */
export async function tuiCommand(argv: string[]): Promise<number> {
  const { values } = parseCommand(
    argv,
    {
      demo: { type: 'boolean' },
      'read-only': { type: 'boolean' },
      theme: { type: 'string' },
      poll: { type: 'string' },
      speed: { type: 'string' },
      seed: { type: 'string' },
    },
    'tui',
  );
  if (values.help) return (printText(tuiHelp), 0);
  if (!process.stdout.isTTY || !process.stdin.isTTY) {
    warn(
      'vastdeck: the cockpit needs a terminal; for scripts use `vastdeck instances --json` or `vastdeck offers ' +
        '--json`\n',
    );
    return 2;
  }
  let stopSim: (() => Promise<void>) | undefined;
  let startDemoSim: (() => Promise<SimHandle>) | undefined;
  let demoNow: (() => number) | undefined;
  let api: VastApi;
  let config: Config;
  let apiKey: string | undefined;
  if (values.demo) {
    // The demo's rentals, migrations, simulated host keys and crash log never mix with the real account's. Each
    // run is a new simulated world, so its journal and host keys start fresh with it (prepareDemoState).
    process.env.VASTDECK_STATE_DIR = prepareDemoState();
    config = await loadConfig(values.config ?? defaultConfigPath());
    const seed = intFlag(values.seed, 'seed', 0, 2 ** 31) ?? 1;
    const speed = numberFlag(values.speed, 'speed', 0.01, 100000) ?? 30;
    // The simulator starts on the TUI's first API call, after the first frame is painted (deferredApi).
    let simStarting: Promise<SimHandle> | undefined;
    // The demo UI runs on the simulator's sped-up clock, so ages and "stuck" agree with what the sim reports.
    let sim: SimHandle | undefined;
    demoNow = () => sim?.simNow() ?? Date.now();
    // The demo account has vastdeck's SSH keys registered, as an operator's account would (Vast hosts accept only
    // those).
    const startSim = () =>
      (simStarting ??= Promise.all([import('../../sim/index.js'), demoAccountKeys()]).then(
        ([{ startSimulator }, sshKeys]) =>
          startSimulator({
            seed,
            speed,
            scenario: demoScenarioPath(fileURLToPath(import.meta.url)),
            rateLimit: true,
            sshKeys,
          }).then((s) => (sim = s)),
      ));
    startDemoSim = startSim;
    stopSim = async () => (simStarting ? (await simStarting.catch(() => null))?.close() : undefined);
    // The client's modules load while the simulator starts.
    api = deferredApi(async () => {
      const [s, Client] = await Promise.all([startSim(), loadClient()]);
      return new Client({ apiKey: s.apiKey, baseUrl: s.url });
    });
  } else {
    // Config and key are checked before the screen opens (a missing key is a CLI error); the client loads after paint.
    const ctx = await resolveContext(values);
    config = ctx.config;
    apiKey = ctx.apiKey;
    api = deferredApi(async () => new (await loadClient())({ apiKey: ctx.apiKey, baseUrl: ctx.baseUrl }));
  }
  const pollSeconds = numberFlag(values.poll, 'poll', 2, 3600) ?? config.pollSeconds;
  const readOnly = Boolean(values['read-only']) || config.readOnly;
  const themeName = process.env.NO_COLOR ? 'mono' : (values.theme ?? config.theme);
  // Every CLI error is behind us: the title bar goes on screen now, before React and Ink load (first-frame.ts).
  // A theme file is read by runTui, so with one the first frame is Ink's.
  const builtin = builtinTheme(themeName);
  const firstFrame = builtin
    ? paintFirstFrame(process.stdout, { theme: builtin, readOnly, demo: Boolean(values.demo) })
    : null;
  // The demo's checkpoint store is the simulator's Hub stand-in.
  const hubUrl = values.demo ? () => startDemoSim!().then((s) => s.hubUrl) : undefined;
  const pollMs = pollSeconds * 1000;
  let store: FleetStore | undefined;
  try {
    // With the title bar on screen, the fleet's first listing goes out before the TUI's modules load, and its answer
    // comes while they compile (~120 ms). Not with --demo: its server is the simulator on this thread, whose start
    // (the market, the fleet) would come before Ink's first frame instead of after it. Without the early frame (a
    // theme file), runTui starts the poll after its own first frame.
    if (firstFrame && !values.demo) store = await startFleet(api, pollMs);
    // Loaded after the first frame: the TUI and the services with every part (the SSH and journal modules).
    // The TUI's services: the state dir is the demo's under --demo (prepareDemoState set it above).
    const [{ runTui }, services] = await Promise.all([
      import('../../ui/run.js'),
      import('../../core/services/services.js').then(({ makeServices, ALL_PARTS }) =>
        makeServices({
          api,
          config,
          now: demoNow,
          hubUrl,
          secrets: apiKey ? [apiKey] : [],
          onSecret: registerSecret,
        }).load(ALL_PARTS),
      ),
    ]);
    return await runTui({
      api,
      services,
      ...(store ? { store } : {}),
      readOnly,
      theme: themeName,
      pollMs,
      demo: Boolean(values.demo),
      crashLogPath: services.paths.crashLog,
      budget: config.budget,
      ...(demoNow ? { now: demoNow } : {}),
      ...(firstFrame ? { firstFrame } : {}),
    });
  } catch (err) {
    // runTui throws only before it owns the screen (it reports its own crashes): give the terminal back.
    store?.stop();
    firstFrame?.restore();
    throw err;
  } finally {
    await stopSim?.();
  }
}

/** The public keys vastdeck offers (agent, ~/.ssh, else its own, generated now), for the demo account. */
export async function demoAccountKeys(): Promise<string[]> {
  const [{ sshIdentity }, { identityPublicKeys }] = await Promise.all([
    import('../../core/ssh/identity.js'),
    import('../../core/ssh/public-key.js'),
  ]);
  return (await identityPublicKeys(sshIdentity())).map((k) => k.line);
}

/**
 * The fleet store, polling. Its module and the client's load first (the TUI's wait), so the first listing's
 * requests are sent before anything else is compiled.
 */
async function startFleet(api: VastApi, pollMs: number): Promise<FleetStore> {
  const [{ FleetStore }] = await Promise.all([import('../../core/fleet/store.js'), loadClient()]);
  const store = new FleetStore({ api, pollMs });
  store.start({ holdFill: true }); // runTui releases it after its first frame
  return store;
}

/** The HTTP client class, loaded on demand. */
async function loadClient() {
  return (await import('../../core/vast/client.js')).VastClient;
}

/** The demo scenario: the bundle's JSON copy (dist/demo-scenario.json, no YAML parser needed), or the YAML source. */
export function demoScenarioPath(here: string): string {
  if (here.includes(`${path.sep}dist${path.sep}`)) {
    const json = path.join(path.dirname(here), 'demo-scenario.json');
    if (existsSync(json)) return json;
  }
  const root = here.includes(`${path.sep}dist${path.sep}`)
    ? path.resolve(path.dirname(here), '..')
    : path.resolve(path.dirname(here), '..', '..', '..');
  return path.join(root, 'src', 'sim', 'scenarios', 'demo.yaml');
}
