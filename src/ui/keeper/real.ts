/**
 * The real keeper behind `:keep`: the same FleetKeeper, launcher and retirer (core/keeper/wiring.ts), bootstrap
 * check and journal as `vastdeck monitor`, from the app's services, but observing through the TUI's own FleetStore
 * (its listing refreshes the table too) and the HealthMonitor's trackers (no second log read per worker).
 */
import { loadProfile } from '../../core/profiles/load.js';
import { checkBootstrap } from '../../core/keeper/bootstrap.js';
import { FleetKeeper } from '../../core/keeper/keeper.js';
import { keeperActions } from '../../core/keeper/wiring.js';
import { defaultRules } from '../../core/keeper/policy.js';
import type { Services } from '../../core/services/services.js';
import { wakeableClock } from '../../core/util/wakeable-clock.js';
import type { Health } from '../../core/fleet/health.js';
import type { FleetSnapshot } from '../../core/fleet/store.js';
import type { Instance } from '../../core/vast/types.js';
import { budgetText, type KeeperControl } from './control.js';

/** What the real keeper needs from runTui. */
export interface KeeperWiring {
  /** API, `default` SSH pool, journal and checkpoint stores (with the demo's Hub URL). */
  services: Services;
  store: { getSnapshot(): FleetSnapshot; refresh(): Promise<void> };
  /** The health monitor's view of an instance (undefined until it polled it). */
  health: (id: number) => { health: Health; polledAt?: number } | undefined;
  profilesFile: string;
  budgetMinBalance?: number;
}

/** Builds the real control. */
export function makeKeeperControl(o: KeeperWiring): KeeperControl {
  const api = o.services.api;
  return {
    budget: () => budgetText(o.budgetMinBalance),
    async start(args, onEvent, onInfo) {
      const profile = await loadProfile(args.profile, o.profilesFile);
      const store = profile.checkpoint ? await o.services.checkpointStore(profile.checkpoint) : null;
      const boot = await checkBootstrap(store?.reader ?? null);
      if (!boot.ok) throw new Error(`not launching: ${boot.message}`);
      onInfo(boot.message);
      if (profile.search.type === 'interruptible')
        throw new Error('interruptible profiles need a bid: use `vastdeck monitor --bid` for them');
      const journal = o.services.journal();
      const clock = wakeableClock({ unref: true }); // stop() wakes it; never holds a quitting TUI open
      const keeper = new FleetKeeper(
        {
          api: {
            listInstances: async () => {
              await o.store.refresh();
              const snap = o.store.getSnapshot();
              if (snap.error || !snap.loaded)
                throw new Error(`cannot list the fleet: ${snap.error?.message ?? 'not loaded'}`);
              return [...snap.instances];
            },
            currentUser: async () => o.store.getSnapshot().user ?? api.currentUser(),
            clockOffsetMs: () => api.clockOffsetMs?.() ?? null,
          },
          // A worker the monitor has not read yet has no health: the keeper then fires no health trigger on a guess.
          health: async (inst: Instance) => {
            const live = o.health(inst.id);
            if (!live || live.polledAt === undefined) throw new Error('not polled yet');
            return live.health;
          },
          journal,
          clock,
          ...keeperActions({
            api,
            journal,
            profile,
            profileName: args.profile,
            prefix: args.prefix,
            price: { kind: 'on-demand' },
            maxDph: args.maxDph,
            sleep: clock.sleep,
            store,
            pool: o.services.ssh('default'),
          }),
        },
        {
          prefix: args.prefix,
          rules: defaultRules(args.target, {
            minBalance: o.budgetMinBalance,
            ...(args.maxDph !== undefined ? { maxDph: args.maxDph } : {}),
          }),
          onEvent,
        },
      );
      const done = keeper.run();
      return { stop: () => (keeper.stop(), clock.wake()), done };
    },
  };
}
