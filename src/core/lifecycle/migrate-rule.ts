/**
 * `onOutbid: migrate` carried out: an outbid interruptible instance (stopped, its host gone) is moved through the
 * journaled migrate op (ops/migrate.ts, as `vastdeck migrate` runs it) from the newest checkpoint the store holds,
 * to the same GPU model and count. Once per instance: a migration of it already in the journal is never started
 * again (the message names `vastdeck migrate --resume`). Without a checkpoint in the store nothing is rented.
 */
import type { JournalRecord } from '../journal/record.js';
import type { JournalWriter } from '../journal/journal.js';
import type { CheckpointStoreReader } from '../checkpoints/types.js';
import type { Profile } from '../profiles/schema.js';
import type { VastApi } from '../vast/api.js';
import type { Instance } from '../vast/types.js';
import { findCandidates, migrationProblem, migrationSpec } from '../ops/migrate-setup.js';
import {
  migrationsFromJournal,
  runMigration,
  type MigrateDeps,
  type MigrateEvent,
  type MigrateTiming,
} from '../ops/migrate.js';

/** What a rule migration came to: migrated (done), left (not started, and why), failed (started, stopped short). */
export interface RuleMigrateResult {
  outcome: 'migrated' | 'left' | 'failed';
  message: string;
}

/** Collaborators of rule migrations. */
export interface RuleMigrateDeps {
  api: VastApi;
  journal: JournalWriter;
  /** The journal's records now (to start each instance's migration once). */
  records: () => Promise<readonly JournalRecord[]>;
  /** The profile name of an instance (its rental's, else the fleet's), null when none is known. */
  profileOf: (inst: Instance) => string | null;
  profiles: Record<string, Profile>;
  profilesFile: string;
  /** The profile's checkpoint store, opened (null when it names none). */
  store: (name: string) => { reader: CheckpointStoreReader; exclude: string[] } | null;
  exec: MigrateDeps['exec'];
  now: () => number;
  sleep: (ms: number) => Promise<void>;
  timing?: MigrateTiming;
  onEvent?: (e: MigrateEvent) => void;
}

/** The newest step the store holds with its files listed, or null. */
async function newestStored(store: CheckpointStoreReader): Promise<number | null> {
  const steps = (await store.list()).filter((c) => c.files === null || c.files.length > 0).map((c) => c.step);
  return steps.length ? Math.max(...steps) : null;
}

/** A migrate hook for the enforcer; with dryRun it checks everything and says what it would do, renting nothing. */
export function ruleMigrator(d: RuleMigrateDeps): (inst: Instance, dryRun: boolean) => Promise<RuleMigrateResult> {
  return async (inst, dryRun) => {
    const left = (why: string): RuleMigrateResult => ({ outcome: 'left', message: `not migrated: ${why}` });
    const name = d.profileOf(inst);
    const profile = name ? d.profiles[name] : undefined;
    if (!name || !profile)
      return left(
        `no profile known for instance ${inst.id} ` +
          '(' +
          (name
            ? `profile "${name}" is not in ${d.profilesFile}`
            : 'rent it with provision --profile, or run autopilot --fleet --profile') +
          ')',
      );
    const problem = migrationProblem(profile);
    if (problem) return left(`profile ${name} ${problem}`);
    const earlier = migrationsFromJournal(await d.records()).find((m) => m.spec.sourceId === inst.id && !m.aborted);
    if (earlier)
      return left(
        `migration ${earlier.spec.id} of ${inst.id} was already started ` +
          `(${earlier.finished ? 'finished' : `continue it: vastdeck migrate --resume ${earlier.spec.id}`})`,
      );
    const store = d.store(name);
    if (!store) return left(`profile ${name} names no checkpoint store`);
    let step: number | null;
    try {
      step = await newestStored(store.reader);
    } catch (err) {
      return left(`${store.reader.where} cannot be read (${(err as Error).message})`);
    }
    if (step === null)
      return left(
        `no verified checkpoint in ${store.reader.where} to resume from; the instance keeps its disk (raise ` +
          `the bid, or vastdeck rescue ${inst.id})`,
      );
    const what =
      `${inst.id} from checkpoint-${step} in ${store.reader.where} ` + `to a new ${inst.numGpus}x ${inst.gpuName}`;
    if (dryRun) return { outcome: 'left', message: `would migrate ${what}` };
    // The outbid host is stopped: resume from the store's newest checkpoint (the host cannot be read).
    const spec = migrationSpec(inst.id, name, d.profilesFile, profile, { allowBehind: true });
    const r = await runMigration(
      {
        api: d.api,
        journal: d.journal,
        sleep: d.sleep,
        now: d.now,
        exec: d.exec,
        store: store.reader,
        exclude: store.exclude,
        candidates: () => findCandidates(d.api, profile, spec, inst),
      },
      { spec, profile, timing: d.timing, onEvent: d.onEvent },
    );
    if (r.outcome === 'done') return { outcome: 'migrated', message: r.message };
    return {
      outcome: 'failed',
      message: `migration ${spec.id} of ${what}: ${r.message}; continue with: vastdeck migrate --resume ${spec.id}`,
    };
  };
}
