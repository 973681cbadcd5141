/**
 * Lifecycle rules while the TUI is open: every minute (on the app's clock) the rules journaled with each rental
 * are applied to the fleet the TUI already lists, with the health its SSH monitor already reads (no extra
 * listing or log read). The same enforcer as `vastdeck autopilot`; every decision is journaled and shown in the
 * footer. Not started in read-only mode.
 */
import { readJournal } from '../../core/journal/journal.js';
import { loadProfiles } from '../../core/profiles/load.js';
import type { Services } from '../../core/services/services.js';
import type { Health } from '../../core/fleet/health.js';
import type { FleetSnapshot } from '../../core/fleet/store.js';
import { LifecycleEnforcer, type EnforcedAction } from '../../core/lifecycle/enforcer.js';
import { rulesByInstance } from '../../core/lifecycle/journal.js';
import { checkpointSources, rulesFor, type RuleSources } from '../../core/lifecycle/sources.js';
import { sanitizeLine } from '../../core/util/sanitize.js';
import { hostExecOver, touchHeartbeats } from '../../core/lifecycle/watchdog-arm.js';
import type { HostExec } from '../../core/lifecycle/watchdog.js';
import type { Instance } from '../../core/vast/types.js';
import type { Message } from '../use-fleet-actions.js';

/** What the driver needs from runTui. */
export interface LifecycleWiring {
  /** API, `default` SSH pool, journal, the app's clock and the demo's Hub URL. */
  services: Services;
  store: { getSnapshot(): FleetSnapshot };
  /** The health monitor's view of an instance (undefined until it polled it). */
  health: (id: number) => { health: Health; polledAt?: number } | undefined;
  profilesFile: string;
  /** Pass period, ms (default 60 s). */
  everyMs?: number;
  /** Runs a command on an instance's host (default: vastdeck's SSH pool); tests pass a fake. */
  hostExec?: (inst: Instance) => HostExec;
}

/** The running driver: the App subscribes to its messages. */
export interface LifecycleDriver {
  subscribe(fn: (m: Message) => void): () => void;
  /** One pass now (tests; the timer calls it too). */
  pass(): Promise<EnforcedAction[]>;
  stop(): Promise<void>;
}

/** One footer line for a decision. */
export function decisionMessage(r: EnforcedAction): Message {
  const a = r.action;
  const who = `${a.instanceId}${a.label ? ` ${sanitizeLine(a.label)}` : ''}`;
  return {
    text: `lifecycle: ${who} ${a.trigger}: ${r.message}`,
    level: r.outcome === 'failed' || r.outcome === 'stopped-instead' || r.outcome === 'left' ? 'error' : 'info',
  };
}

/** Starts the driver (its first pass after one period, once the fleet and its health have been read). */
export function startLifecycle(o: LifecycleWiring): LifecycleDriver {
  const listeners = new Set<(m: Message) => void>();
  const { services } = o;
  const journal = services.journal();
  const getPool = () => services.ssh('default');
  const src: RuleSources = { journalRules: new Map(), profiles: {} };
  const enforcer = new LifecycleEnforcer(
    {
      api: services.api,
      journal,
      now: services.now,
      sleep: (ms) => new Promise((r) => setTimeout(r, ms).unref?.()),
      health: async (inst) => {
        const live = o.health(inst.id);
        return live && live.polledAt !== undefined ? live.health : null;
      },
      source: checkpointSources(src, getPool, (s) => services.addSecret(s)),
    },
    {
      rulesFor: (inst) => rulesFor(src, inst),
      onEvent: (e) => e.type === 'decision' && listeners.forEach((fn) => fn(decisionMessage(e.result))),
    },
  );
  let running: Promise<EnforcedAction[]> | null = null;
  const pass = async (): Promise<EnforcedAction[]> => {
    const snap = o.store.getSnapshot();
    if (!snap.loaded || snap.error) return [];
    src.journalRules = rulesByInstance((await readJournal(journal.file)).records);
    if (src.journalRules.size === 0) return [];
    src.profiles = await loadProfiles(o.profilesFile).catch(() => ({}));
    src.hubUrl ??= (await services.hubUrl?.()) ?? undefined;
    const done = await enforcer.pass(snap.instances);
    // The host watchdog (for a closed laptop): while the TUI is open it sends the heartbeat, as autopilot does;
    // once vastdeck stops sending it, the watchdog stops its own instance.
    const watched = new Map([...src.journalRules].filter(([, r]) => r.rules.watchdog));
    if (watched.size) {
      const execFor = o.hostExec ?? hostExecOver(getPool);
      for (const r of await touchHeartbeats(snap.instances, watched, execFor)) {
        if (!r.ok)
          listeners.forEach((fn) =>
            fn({
              text:
                `watchdog heartbeat to instance ${r.instanceId} failed: ${sanitizeLine(r.error ?? '')} (its ` +
                `watchdog stops it once the heartbeat is stale)`,
              level: 'error',
            }),
          );
      }
    }
    return done;
  };
  const guarded = () => (running ??= pass().finally(() => (running = null)));
  const timer = setInterval(
    () =>
      void guarded().catch((err) =>
        listeners.forEach((fn) => fn({ text: `lifecycle pass failed: ${(err as Error).message}`, level: 'error' })),
      ),
    o.everyMs ?? 60_000,
  );
  timer.unref?.();
  return {
    subscribe: (fn) => (listeners.add(fn), () => void listeners.delete(fn)),
    pass: guarded,
    stop: async () => {
      clearInterval(timer);
      await running?.catch(() => undefined);
    },
  };
}
