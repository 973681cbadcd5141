/**
 * The keeper's launcher and retirer for a profile, as both `vastdeck monitor` and the TUI's `:keep` use them:
 * launches rent from the profile under the fleet's prefix; a replaced worker is destroyed only when its newest
 * checkpoint (read over SSH in the profile's run dir) is verified in the profile's store.
 */
import { readInstanceCheckpoint, type OpenedStore } from '../checkpoints/index.js';
import type { CheckpointSource } from '../ops/destroy.js';
import type { JournalWriter } from '../journal/journal.js';
import type { PriceChoice } from '../ops/provision-request.js';
import type { Profile } from '../profiles/schema.js';
import type { SshPool } from '../ssh/pool.js';
import type { VastApi } from '../vast/api.js';
import type { Instance } from '../vast/types.js';
import type { KeeperDeps } from './keeper.js';
import { makeLauncher } from './launch.js';
import { makeRetirer } from './retire.js';

/** What the keeper's actions are built from. */
export interface KeeperActionsOptions {
  api: VastApi;
  journal: JournalWriter;
  profile: Profile;
  profileName: string;
  /** Fleet label prefix. */
  prefix: string;
  price: PriceChoice;
  maxDph?: number;
  gpus?: readonly string[];
  sleep: (ms: number) => Promise<void>;
  /** The profile's checkpoint store, opened; null when it names none. */
  store: OpenedStore | null;
  /** The SSH pool the host's checkpoints are read through. */
  pool: SshPool;
  /** Destroy replaced workers even when their checkpoint is not verified (--replace-unverified). */
  allowUnverified?: boolean;
}

/** Where an instance's checkpoints are read: the profile's store, the host over SSH in the profile's run dir. */
export function profileCheckpointSource(
  profile: Profile,
  store: OpenedStore | null,
  pool: SshPool,
): (inst: Instance) => CheckpointSource {
  const runDir = profile.onstart && 'runDir' in profile.onstart ? profile.onstart.runDir : undefined;
  return (inst) => ({
    store: store?.reader ?? null,
    exclude: store?.exclude,
    readHost: () => readInstanceCheckpoint(pool, inst, runDir),
  });
}

/** The keeper's launch and retire. */
export function keeperActions(o: KeeperActionsOptions): Pick<KeeperDeps, 'launch' | 'retire'> {
  return {
    launch: makeLauncher({
      api: o.api,
      journal: o.journal,
      profile: o.profile,
      profileName: o.profileName,
      prefix: o.prefix,
      price: o.price,
      maxDph: o.maxDph,
      gpus: o.gpus,
      now: Date.now,
      sleep: o.sleep,
    }),
    retire: makeRetirer({
      api: o.api,
      journal: o.journal,
      now: Date.now,
      sleep: o.sleep,
      allowUnverified: o.allowUnverified,
      source: profileCheckpointSource(o.profile, o.store, o.pool),
    }),
  };
}
