/**
 * Entry point of the full-screen TUI. Owns the terminal: enters the alternate screen itself (ink#450: Ink 6 has
 * no alternate-screen option and a frame as tall as the terminal repaints everything), and restores it on quit,
 * Ctrl-C, SIGTERM, SIGHUP and crashes. A crash stack goes to `crashLogPath`, never over the screen.
 */
import { appendFileSync, mkdirSync } from 'node:fs';
import path from 'node:path';
import { render } from 'ink';
import type { VastApi } from '../core/vast/api.js';
import { FleetStore } from '../core/fleet/store.js';
import { buildKeymap } from './keymap/registry.js';
import { COMMANDS } from './keymap/tui-commands.js';
import { App } from './App.js';
import { CrashBoundary } from './CrashBoundary.js';
import { ThemeRoot } from './theme-context.js';
import { loadTheme } from './theme.js';
import { inkStdout } from './stdout-fix.js';
import { makeOffersDeps, profilesFile } from './offers/deps.js';
import { lazyOps } from './migrate/lazy-ops.js';
import { createRunning } from './running.js';
import { outputGate } from './attach/handover.js';
import { AttachController, TerminalOwner } from './attach/controller.js';
import { sshWiring } from './logs/wiring.js';
import type { BudgetRules } from '../core/cost/budget.js';
import { makeCostSource } from './cost/cost-source.js';
import { lazyKeeper } from './keeper/lazy.js';
import { lazyLifecycle } from './lifecycle/lazy.js';
import { accountKeys } from './keys/account-keys.js';
import { ALL_PARTS, makeServices, type Services } from '../core/services/services.js';
import type { FirstFrame } from './first-frame.js';

/** Options of runTui (the CLI calls it with exactly these). */
export interface TuiOptions {
  /** The API; with `services`, it is services.api. */
  api: VastApi;
  /**
   * The app's services (src/core/services: SSH pools, journal, clock, checkpoint stores) with every part loaded;
   * default: made from api, now and hubUrl.
   */
  services?: Services;
  readOnly: boolean;
  /** Theme name (dark, light, mono) or a path to a theme YAML file. */
  theme?: string;
  pollMs: number;
  demo: boolean;
  crashLogPath: string;
  themesDir?: string;
  /** config.yaml's budget: rules, for the cost panel and the footer's breach mark. */
  budget?: BudgetRules;
  /**
   * The clock for ages, stuck and stale marks (--demo: the simulator's sped-up clock); by default the API's
   * (serverClock via the store).
   */
  now?: () => number;
  /** Hub URL for checkpoint stores (--demo: the simulator's Hub stand-in). */
  hubUrl?: () => Promise<string | null>;
  /**
   * The first frame the CLI painted before loading this module (first-frame.ts): the alternate screen is open
   * already, and its signal handlers give way to runTui's.
   */
  firstFrame?: FirstFrame;
  /** The fleet store, already polling (the CLI starts it while this module loads); default: made and started here. */
  store?: FleetStore;
}

const ENTER_ALT = '\x1b[?1049h\x1b[H';
const LEAVE_ALT = '\x1b[?25h\x1b[?1049l';

/** Writes an error with its stack to the crash log; returns false when the log cannot be written. */
function writeCrash(file: string, err: unknown): boolean {
  try {
    mkdirSync(path.dirname(file), { recursive: true });
    const stack = err instanceof Error ? (err.stack ?? err.message) : String(err);
    appendFileSync(file, `--- ${new Date().toISOString()} vastdeck crash\n${stack}\n`);
    return true;
  } catch {
    return false;
  }
}

/** Runs the TUI until quit; resolves to the exit code (0 quit, 128+n on a signal, 70 on a crash). */
export async function runTui(opts: TuiOptions): Promise<number> {
  const out = process.stdout;
  const { theme, warning } = await loadTheme({
    name: opts.theme,
    themesDir: opts.themesDir,
    noColor: Boolean(process.env.NO_COLOR),
  });
  const keymap = buildKeymap(COMMANDS, { readOnly: opts.readOnly });
  // Every collaborator below comes from these services: nothing is opened until it is first used.
  const services =
    opts.services ?? (await makeServices({ api: opts.api, now: opts.now, hubUrl: opts.hubUrl }).load(ALL_PARTS));
  const store = opts.store ?? new FleetStore({ api: opts.api, pollMs: opts.pollMs, now: services.now });
  const offers = makeOffersDeps({ services, demo: opts.demo });
  // Destroy and migrate (D, M); absent in read-only mode, where their keys are gone too.
  const ops = opts.readOnly
    ? undefined
    : lazyOps({
        services,
        profilesFile: profilesFile(opts.demo),
        pollMs: opts.demo ? 1000 : 5000,
        stuckAfterMs: opts.demo ? 10_000 : undefined,
      });

  // SSH for the log pane, the health monitor (STEP/HEALTH columns) and attach; nothing connects until needed.
  const ssh = sshWiring(services, store, { now: store.now });
  const gate = outputGate(inkStdout(out));
  // `:keep`: the keeper observes through this store and the health monitor; absent in read-only mode.
  const keeper = opts.readOnly
    ? undefined
    : lazyKeeper({
        services,
        store,
        health: (id) => ssh.monitor.get(id),
        profilesFile: profilesFile(opts.demo),
        budgetMinBalance: opts.budget?.minBalance,
      });
  // Lifecycle rules journaled with each rental (finish, maxRuntime, idle, outbid) are enforced while the TUI is open.
  const lifecycle = opts.readOnly
    ? undefined
    : lazyLifecycle({ services, store, health: (id) => ssh.monitor.get(id), profilesFile: profilesFile(opts.demo) });
  const attach = new AttachController({
    stdin: process.stdin,
    stdout: out,
    gate,
    pausables: [store, ssh.monitor],
    identity: ssh.identity,
  });

  let restored = false;
  const restore = () => {
    if (restored) return;
    restored = true;
    out.write(LEAVE_ALT);
  };
  // Entering it again would clear the first frame (xterm does; tmux ignores a second 1049h).
  if (!opts.firstFrame) out.write(ENTER_ALT);

  const running = createRunning();
  let finish!: (code: number) => void;
  const done = new Promise<number>((resolve) => (finish = resolve));
  let ended = false;
  let ink: ReturnType<typeof render> | null = null;
  const end = (code: number, crash?: unknown) => {
    if (ended) return;
    ended = true;
    // A running migration is paused first (journaled, so M or `migrate --resume` continues it); a crash does not wait.
    if (crash === undefined && running.count > 0)
      void running
        .stopAll(code === 0 ? 'the app quit' : `vastdeck got a signal (exit ${code})`)
        .then(() => close(code));
    else close(code, crash);
  };
  const close = (code: number, crash?: unknown) => {
    store.stop();
    void offers.close();
    // The services' SSH pools close once the lifecycle pass in flight and the health monitor have stopped.
    void Promise.all([lifecycle?.stop(), ssh.close()]).then(() => services.close());
    try {
      ink?.unmount();
    } catch {
      // Unmounting a crashed tree may throw again; the terminal is restored below regardless.
    }
    restore();
    if (crash !== undefined) {
      const logged = writeCrash(opts.crashLogPath, crash);
      process.stderr.write(
        logged
          ? `vastdeck crashed; the details are in ${opts.crashLogPath}\n`
          : `vastdeck crashed and could not write ${opts.crashLogPath}: ` +
              `${String((crash as Error)?.message ?? crash).split('\n')[0]}\n`,
      );
    }
    finish(code);
  };

  const onSignal = (sig: NodeJS.Signals) => end(sig === 'SIGHUP' ? 129 : sig === 'SIGINT' ? 130 : 143);
  const onCrash = (err: unknown) => end(70, err);
  process.on('SIGTERM', onSignal);
  process.on('SIGHUP', onSignal);
  process.on('SIGINT', onSignal);
  process.on('uncaughtException', onCrash);
  process.on('unhandledRejection', onCrash);
  opts.firstFrame?.release();

  try {
    ink = render(
      <CrashBoundary onCrash={onCrash}>
        <ThemeRoot initial={theme}>
          <TerminalOwner controller={attach}>
            <App
              openLog={ssh.openLog}
              onAttach={attach.run}
              saveDir={services.paths.state}
              store={store}
              keymap={keymap}
              api={opts.api}
              demo={opts.demo}
              offers={offers}
              notice={warning}
              onQuit={() => end(0)}
              cost={makeCostSource(opts.api, opts.budget)}
              bell={out}
              ops={ops}
              keeper={keeper}
              lifecycle={lifecycle}
              running={running}
              accountKeys={opts.readOnly ? undefined : accountKeys(opts.api, ssh.identity)}
              onShown={(ids) => ssh.monitor.focus(ids)}
              {...(opts.now ? { now: opts.now } : {})}
            />
          </TerminalOwner>
        </ThemeRoot>
      </CrashBoundary>,
      {
        stdout: gate.stream, // inkStdout(out) behind a gate that drops frames while ssh owns the terminal
        exitOnCtrlC: false, // ctrl+c is app.quit in the keymap, so the terminal is restored our way
        patchConsole: false, // nothing in the app writes to the console; patching costs every frame
        incrementalRendering: true, // a selection move rewrites ~2 lines, not the screen
      },
    );
    // Paint first, fetch later (rule 5): the chrome is on screen before the first API call starts.
    setImmediate(() => {
      // A store the CLI started holds its first listing after the first screen until this frame is out.
      if (opts.store) store.release();
      else store.start();
      // Health polls SSH per running instance: wait for the first fleet snapshot so its first pass has work, and
      // for the frame that draws it, which loading the SSH library (~50 ms) would otherwise hold back. A store
      // started by the CLI may have its first listing already.
      store.whenLoaded(() =>
        gate.afterNextWrite(() => {
          if (!ended) ssh.monitor.start();
        }, 500),
      );
    });
    return await done;
  } catch (err) {
    end(70, err);
    return await done;
  } finally {
    process.off('SIGTERM', onSignal);
    process.off('SIGHUP', onSignal);
    process.off('SIGINT', onSignal);
    process.off('uncaughtException', onCrash);
    process.off('unhandledRejection', onCrash);
  }
}
