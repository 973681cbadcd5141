/**
 * The real keeper behind `:keep`: the same FleetKeeper, launcher, retirer, bootstrap check and journal as
 * `vastdeck monitor`, but observing through the TUI's own FleetStore (its listing refreshes the table too) and
 * the HealthMonitor's trackers (no second log read per worker).
 */
import { FileJournal } from '../../core/journal/journal.js';
import { loadProfile } from '../../core/profiles/load.js';
import { openStore, readInstanceCheckpoint } from '../../core/checkpoints/index.js';
import { SshPool } from '../../core/ssh/index.js';
import { sshIdentity } from '../../core/ssh/identity.js';
import { checkBootstrap } from '../../core/keeper/bootstrap.js';
import { FleetKeeper } from '../../core/keeper/keeper.js';
import { makeLauncher } from '../../core/keeper/launch.js';
import { makeRetirer } from '../../core/keeper/retire.js';
import { defaultRules } from '../../core/keeper/policy.js';
import type { Health } from '../../core/fleet/health.js';
import type { FleetSnapshot } from '../../core/fleet/store.js';
import type { VastApi } from '../../core/vast/api.js';
import type { Instance } from '../../core/vast/types.js';
import { budgetText, type KeeperControl } from './control.js';

/** What the real keeper needs from runTui. */
export interface KeeperWiring {
  api: VastApi;
  store: { getSnapshot(): FleetSnapshot; refresh(): Promise<void> };
  /** The health monitor's view of an instance (undefined until it polled it). */
  health: (id: number) => { health: Health; polledAt?: number } | undefined;
  profilesFile: string;
  hubUrl?: () => Promise<string | null>;
  budgetMinBalance?: number;
  journalFile?: string;
}

/** A sleep that stop() cuts short; unref'd so a quitting TUI is never held open by it. */
function wakeableClock() {
  let wake: (() => void) | null = null;
  return {
    now: Date.now,
    sleep: (ms: number) => new Promise<void>((resolve) => {
      const t = setTimeout(() => ((wake = null), resolve()), ms);
      t.unref?.();
      wake = () => (clearTimeout(t), (wake = null), resolve());
    }),
    wake: () => wake?.(),
  };
}

/** Builds the real control. */
export function makeKeeperControl(o: KeeperWiring): KeeperControl {
  return {
    budget: () => budgetText(o.budgetMinBalance),
    async start(args, onEvent, onInfo) {
      const profile = await loadProfile(args.profile, o.profilesFile);
      const store = profile.checkpoint ? openStore(profile.checkpoint, { hubUrl: (await o.hubUrl?.()) ?? undefined }) : null;
      const boot = await checkBootstrap(store?.reader ?? null);
      if (!boot.ok) throw new Error(`not launching: ${boot.message}`);
      onInfo(boot.message);
      if (profile.search.type === 'interruptible') throw new Error('interruptible profiles need a bid: use `vastdeck monitor --bid` for them');
      const journal = new FileJournal({ file: o.journalFile, secrets: store?.secrets ?? [] });
      const id = sshIdentity();
      const pool = new SshPool({ knownHostsFile: id.knownHostsFile, auth: id.auth, readyTimeoutMs: 10_000 });
      const runDir = profile.onstart && 'runDir' in profile.onstart ? profile.onstart.runDir : undefined;
      const clock = wakeableClock();
      const keeper = new FleetKeeper(
        {
          api: {
            listInstances: async () => {
              await o.store.refresh();
              const snap = o.store.getSnapshot();
              if (snap.error || !snap.loaded) throw new Error(`cannot list the fleet: ${snap.error?.message ?? 'not loaded'}`);
              return [...snap.instances];
            },
            currentUser: async () => o.store.getSnapshot().user ?? o.api.currentUser(),
            clockOffsetMs: () => o.api.clockOffsetMs?.() ?? null,
          },
          // A worker the monitor has not read yet has no health: the keeper then fires no health trigger on a guess.
          health: async (inst: Instance) => {
            const live = o.health(inst.id);
            if (!live || live.polledAt === undefined) throw new Error('not polled yet');
            return live.health;
          },
          journal, clock,
          launch: makeLauncher({ api: o.api, journal, profile, profileName: args.profile, prefix: args.prefix, price: { kind: 'on-demand' }, maxDph: args.maxDph, now: Date.now, sleep: clock.sleep }),
          retire: makeRetirer({
            api: o.api, journal, now: Date.now, sleep: clock.sleep,
            source: (inst) => ({
              store: store?.reader ?? null,
              exclude: store?.exclude,
              readHost: () => readInstanceCheckpoint(pool, inst, runDir),
            }),
          }),
        },
        { prefix: args.prefix, rules: defaultRules(args.target, { minBalance: o.budgetMinBalance, ...(args.maxDph !== undefined ? { maxDph: args.maxDph } : {}) }), onEvent },
      );
      const done = keeper.run().finally(() => pool.close());
      return { stop: () => (keeper.stop(), clock.wake()), done };
    },
  };
}
