/**
 * Where the enforcers (autopilot, the TUI) get each instance's rules and checkpoint store: the journaled rules
 * of its rental first, else a fleet's profile; the store and run dir of that profile, the host read over SSH.
 */
import { openStore, readInstanceCheckpoint, type OpenedStore } from '../checkpoints/index.js';
import type { CheckpointSource } from '../ops/destroy.js';
import type { Profile } from '../profiles/schema.js';
import type { SshPool } from '../ssh/index.js';
import type { Instance } from '../vast/types.js';
import type { RentalRules } from './journal.js';
import { rulesFromProfile, type LifecycleRules } from './rules.js';

/** Where rules and checkpoint stores come from. */
export interface RuleSources {
  journalRules: Map<number, RentalRules>;
  profiles: Record<string, Profile>;
  /** Only instances whose label starts with this. */
  fleet?: string;
  /** Profile applied to the fleet. */
  profile?: string;
  /** Hub URL for Hugging Face stores (the demo's stand-in). */
  hubUrl?: string;
}

/** The rules of one instance: its journaled rental rules first, else the fleet's profile; null = none. */
export function rulesFor(src: RuleSources, inst: Instance): LifecycleRules | null {
  if (src.fleet !== undefined && !(inst.label ?? '').startsWith(src.fleet)) return null;
  const j = src.journalRules.get(inst.id);
  if (j) return j.rules;
  if (src.fleet !== undefined && src.profile) return rulesFromProfile(src.profiles[src.profile]?.lifecycle);
  return null;
}

/** Checkpoint sources for destroys by rule: the instance's profile's store, the host read over SSH. */
export function checkpointSources(
  src: RuleSources,
  pool: () => SshPool,
  onSecret: (s: string) => void,
): (inst: Instance) => CheckpointSource | null {
  const stores = new Map<string, OpenedStore>();
  return (inst) => {
    const name = src.journalRules.get(inst.id)?.profile ?? src.profile;
    const profile = name ? src.profiles[name] : undefined;
    if (!name || !profile?.checkpoint) return null;
    let store = stores.get(name);
    if (!store) {
      store = openStore(profile.checkpoint, src.hubUrl ? { hubUrl: src.hubUrl } : {});
      for (const x of store.secrets) onSecret(x);
      stores.set(name, store);
    }
    const runDir = profile.onstart && 'runDir' in profile.onstart ? profile.onstart.runDir : undefined;
    return {
      store: store.reader,
      exclude: store.exclude,
      readHost: () => readInstanceCheckpoint(pool(), inst, runDir),
    };
  };
}
