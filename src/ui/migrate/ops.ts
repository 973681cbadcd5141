/**
 * What the destroy confirmation and the migration wizard need, as one object the TUI receives: tests pass
 * fakes, runTui builds the real one (makeOps) from the app's services (API, `default` SSH pool, journal, checkpoint
 * stores) and a profiles file. Everything here is core code; the React side only calls it and shows the events.
 */
import { readJournal } from '../../core/journal/journal.js';
import { loadProfiles } from '../../core/profiles/load.js';
import type { Profile } from '../../core/profiles/schema.js';
import { readHostCheckpoint, HostReadError } from '../../core/checkpoints/index.js';
import type { Services } from '../../core/services/services.js';
import { runIdOfInstance } from '../../core/checkpoints/run-id.js';
import { executeDestroy, planDestroy, type DestroyPlan, type DestroyResult } from '../../core/ops/destroy.js';
import {
  abortRecord,
  abortSummary,
  interruptedMigrations,
  runMigration,
  type JournaledMigration,
  type MigrateEvent,
  type MigrateResult,
  type MigrationSpec,
  type MigrationState,
  type SourceUnreachable,
  type UnreachableChoice,
} from '../../core/ops/migrate.js';
import {
  describeTarget,
  findCandidates,
  migrationProblem,
  migrationSpec,
  sourceInstance,
} from '../../core/ops/migrate-setup.js';
import type { VastApi } from '../../core/vast/api.js';
import type { Instance } from '../../core/vast/types.js';

/** The operations behind the D and M keys. */
export interface Ops {
  /** Looks at the host and the store of one instance (never throws). */
  planDestroy(inst: Instance): Promise<DestroyPlan>;
  destroy(plan: DestroyPlan, force: boolean): Promise<DestroyResult>;
  /** Profiles that can drive a migration (with a checkpoint store and a resume command). */
  migrationProfiles(): Promise<string[]>;
  /** The spec of a new migration and what it would rent now (one line), for the confirmation. */
  planMigration(inst: Instance, profile: string): Promise<MigrationPlan>;
  migrate(plan: MigrationPlan, onEvent: (e: MigrateEvent) => void, ctl: RunControl): Promise<MigrateResult>;
  /** Interrupted migrations in the journal. */
  interrupted(): Promise<JournaledMigration[]>;
  resume(m: JournaledMigration, onEvent: (e: MigrateEvent) => void, ctl: RunControl): Promise<MigrateResult>;
  /** Gives an interrupted migration up in the journal (nothing on Vast changes); resolves to what it left behind. */
  abort(m: JournaledMigration): Promise<string>;
}

/** A migration ready to start: its spec (the id is the target label's tag) and what it would rent. */
export interface MigrationPlan {
  spec: MigrationSpec;
  /** GPU, count, $/hr, location, offer and label (describeTarget). */
  target: string;
}

/** How the wizard steers a running migration: stop it (x), and answer its question (unreachable source). */
export interface RunControl {
  signal: AbortSignal;
  choose: (q: SourceUnreachable) => Promise<UnreachableChoice>;
}

/** Settings of the real Ops. */
export interface OpsOptions {
  /** API, SSH pool, journal and checkpoint stores (with the demo's Hub URL). */
  services: Services;
  profilesFile: string;
  pollMs?: number;
  /** Loading longer than this is a stuck target, replaced by another rental (the demo's clock runs fast). */
  stuckAfterMs?: number;
}

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

/** The real Ops. */
export function makeOps(o: OpsOptions): Ops {
  const { services } = o;
  const api: VastApi = services.api;
  const journalFile = services.paths.journal;
  const exec = (inst: Instance, cmd: string) => {
    if (!inst.sshHost || !inst.sshPort) return Promise.reject(new Error(`instance ${inst.id} has no SSH endpoint`));
    return services.ssh('default').exec({ host: inst.sshHost, port: inst.sshPort }, cmd, { timeoutMs: 30_000 });
  };
  const profiles = () => loadProfiles(o.profilesFile);
  const storeOf = async (p: Profile | undefined) => (p?.checkpoint ? services.checkpointStore(p.checkpoint) : null);
  /** The profile an instance belongs to: the longest fixed start of a label template that its label has. */
  const profileOf = async (inst: Instance): Promise<Profile | undefined> => {
    const all = Object.values(await profiles().catch(() => ({}) as Record<string, Profile>));
    const prefix = (p: Profile) => p.label.split('{')[0] || `${p.model}-`;
    return all
      .filter((p) => p.checkpoint && (inst.label ?? '').startsWith(prefix(p)))
      .sort((a, b) => prefix(b).length - prefix(a).length)[0];
  };
  const candidates = (profile: Profile, spec: MigrationSpec) => async () =>
    findCandidates(
      api,
      profile,
      spec,
      spec.offerId === null ? await sourceInstance(api, spec.sourceId) : { gpuName: '', numGpus: 0 },
    );
  const run = async (
    spec: MigrationSpec,
    state: MigrationState | undefined,
    onEvent: (e: MigrateEvent) => void,
    ctl: RunControl,
  ) => {
    const profile = (await profiles())[spec.profileName];
    if (!profile) throw new Error(`profile ${spec.profileName} is not in ${spec.profilesFile}`);
    const store = await storeOf(profile);
    const journal = services.journal();
    return runMigration(
      {
        api,
        journal,
        sleep,
        now: Date.now,
        exec,
        store: store?.reader ?? null,
        exclude: store?.exclude,
        candidates: candidates(profile, spec),
        choose: ctl.choose,
      },
      {
        spec,
        profile,
        state,
        timing: { pollMs: o.pollMs ?? 2000, ...(o.stuckAfterMs ? { stuckAfterMs: o.stuckAfterMs } : {}) },
        onEvent,
        signal: ctl.signal,
      },
    );
  };
  return {
    async planDestroy(inst) {
      const profile = await profileOf(inst);
      const store = await storeOf(profile);
      const runDir = profile?.onstart && 'runDir' in profile.onstart ? profile.onstart.runDir : '/workspace/run';
      const records = (await readJournal(journalFile).catch(() => ({ records: [] }))).records;
      return planDestroy(inst, {
        store: store?.reader ?? null,
        exclude: store?.exclude,
        runId: runIdOfInstance(inst, records),
        readHost: () =>
          inst.sshHost
            ? readHostCheckpoint((cmd) => exec(inst, cmd), runDir, {
                hostKey: `${inst.id}@${inst.sshHost}:${inst.sshPort}`,
              })
            : Promise.reject(new HostReadError('no SSH endpoint')),
      });
    },
    destroy: (plan, force) =>
      executeDestroy({ api, journal: services.journal(), sleep, now: Date.now }, plan, { force }),
    async migrationProfiles() {
      return Object.entries(await profiles())
        .filter(([, p]) => !migrationProblem(p))
        .map(([n]) => n)
        .sort();
    },
    async planMigration(inst, name) {
      const profile = (await profiles())[name];
      if (!profile) throw new Error(`no profile ${name}`);
      const spec = migrationSpec(inst.id, name, o.profilesFile, profile);
      const [best] = await findCandidates(api, profile, spec, inst);
      if (!best) throw new Error(`no ${inst.numGpus}× ${inst.gpuName} offer fits profile ${name} now`);
      return { spec, target: describeTarget(best, profile, spec) };
    },
    migrate: (plan, onEvent, ctl) => run(plan.spec, undefined, onEvent, ctl),
    interrupted: async () => interruptedMigrations((await readJournal(journalFile)).records),
    resume: (m, onEvent, ctl) => run(m.spec, m.state, onEvent, ctl),
    async abort(m) {
      await services.journal().append(abortRecord(m));
      return abortSummary(m);
    },
  };
}
