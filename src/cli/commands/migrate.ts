/**
 * `vastdeck migrate ID --profile P` and `vastdeck migrate --resume [MIGRATION]`: move a run to a new host with
 * the journaled state machine of src/core/ops/migrate.ts. A killed migration is continued from the journal.
 */
import { interruptible } from '../interrupt.js';
import path from 'node:path';
import { instanceId, intFlag, numberFlag, parseCommand } from '../args.js';
import { localContext, makeContext, refuseIfReadOnly } from '../context.js';
import { printJson, printText, registerSecret, UsageError, warn } from '../output.js';
import { readJournal } from '../../core/journal/journal.js';
import { defaultProfilesPath, loadProfile } from '../../core/profiles/load.js';
import {
  findCandidates,
  migrationProblem,
  migrationSpec,
  rsyncFromSource,
  sourceInstance,
} from '../../core/ops/migrate-setup.js';
import { RsyncStore } from '../../core/checkpoints/index.js';
import {
  abortRecord,
  abortSummary,
  interruptedMigrations,
  runMigration,
  STEP_TITLES,
  type JournaledMigration,
  type MigrateEvent,
  type MigrationSpec,
  type MigrationState,
  type SourceUnreachable,
  type UnreachableChoice,
} from '../../core/ops/migrate.js';
import { priceFromFlags } from './provision.js';

/** Help for `vastdeck migrate`. */
export const migrateHelp = `Usage: vastdeck migrate ID --profile P [--offer-id N] [options]
       vastdeck migrate --resume [MIGRATION_ID]
       vastdeck migrate --list
       vastdeck migrate --abort [MIGRATION_ID]

Move a training run from instance ID to a new host, in eight journaled steps: 1 verify the newest checkpoint
off the source (waiting for its upload), 2 rent the target (its label carries the migration id), 3 wait for
boot and onstart, 4 make sure the target has the checkpoint (downloading it from a Hub store if needed),
5 run the profile's resume command ({step}, {checkpoint}, {runDir} filled in), 6 check the step advances from
that checkpoint, 7 destroy the source, 8 update vastdeck's block (between <!-- vastdeck --> lines) in the
continuation file, keeping every other line. If vastdeck is killed at any point, \`vastdeck migrate --resume\`
continues from the journal: it never rents a second target and never destroys the source before the target is
seen advancing. The target has the source's GPU model and count unless --offer-id names another. Every wait has a
deadline and prints a countdown; Ctrl-C (or SIGTERM) pauses at once, journaled, and --resume goes on (exit 130,
143 for SIGTERM). A source host that stopped answering is asked about on a terminal (wait, resume from the
newest checkpoint in the store, abort); without one the failure names --allow-behind and --abort.

Options:
  --profile P          profile (checkpoint store, resume command, image, onstart)
  --profiles FILE      profiles file (default ${defaultProfilesPath().replace(process.env.HOME ?? '\0', '~')})
  --offer-id N         rent exactly this offer (default: the best offer of the source's GPU for the profile's query)
  --type T, --bid X    as for provision (default on-demand)
  --run-dir DIR        run dir holding checkpoint-N (default the profile's onstart.runDir, else /workspace/run)
  --log FILE           training log on the host (default the profile's onstart.log, else /workspace/train.log)
  --continuation FILE  continuation file (default the profile's continuation:)
  --allow-behind       resume from the newest verified checkpoint when a newer one is not off the host yet (or the
                       source stopped answering); also with --resume
  --sync               copy the newest checkpoint into the store first (rsync stores)
  --upload-wait SEC    wait this long for the checkpoint upload (default 600)
  --poll SEC           poll interval (default 10)
  --resume [ID]        continue an interrupted or paused migration (the only one, or ID)
  --list               list interrupted migrations
  --abort [ID]         give up an interrupted migration (the only one, or ID): no more resume offers; nothing on
                       Vast is touched, and a rented target is named so you can destroy it
  --json               the result as JSON on stdout (progress on stderr)
  --api-url URL, --api-key KEY, -h/--help`;

/** Fault hooks a test harness injects (test/helpers/cli-hooks.ts); production passes none. */
export interface MigrateHooks {
  /** Called right after step `index`'s after record is durable (the crash-proof test kills the process here). */
  afterStep?: (index: number) => void;
}

/** `vastdeck migrate`. */
export async function migrateCommand(argv: string[], hooks: MigrateHooks = {}): Promise<number> {
  const { values, positionals } = parseCommand(
    argv,
    {
      profile: { type: 'string' },
      profiles: { type: 'string' },
      'offer-id': { type: 'string' },
      type: { type: 'string' },
      bid: { type: 'string' },
      'run-dir': { type: 'string' },
      log: { type: 'string' },
      continuation: { type: 'string' },
      'allow-behind': { type: 'boolean' },
      sync: { type: 'boolean' },
      'upload-wait': { type: 'string' },
      poll: { type: 'string' },
      resume: { type: 'boolean' },
      list: { type: 'boolean' },
      abort: { type: 'boolean' },
      json: { type: 'boolean' },
    },
    'migrate',
  );
  if (values.help) return (printText(migrateHelp), 0);
  const local = await localContext(['journal']);
  const journalFile = local.paths.journal;
  if (values.list) {
    const open = interruptedMigrations((await readJournal(journalFile)).records);
    if (values.json) printJson(open);
    else if (open.length === 0) printText('no interrupted migration');
    else
      for (const m of open)
        printText(
          `${m.spec.id}  ${m.spec.sourceId} → ${m.state.targetId ?? '?'}  ${m.state.done.length}/8 done  ` +
            `${m.lastError ?? 'interrupted'}`,
        );
    return 0;
  }

  if (values.resume && values.abort) throw new UsageError('migrate: --resume and --abort do not go together');
  if (values.abort) {
    const chosen = pickInterrupted(await readJournal(journalFile).then((j) => j.records), positionals[0], 'abort');
    await local.journal().append(abortRecord(chosen));
    if (values.json)
      printJson({
        id: chosen.spec.id,
        aborted: true,
        sourceId: chosen.spec.sourceId,
        targetId: chosen.state.targetId,
        done: chosen.state.done,
      });
    else printText(abortSummary(chosen));
    return 0;
  }

  await refuseIfReadOnly(values, 'migrate (renting and destroying)');
  let spec: MigrationSpec;
  let state: MigrationState | undefined;
  if (values.resume) {
    ({ spec, state } = pickInterrupted((await readJournal(journalFile)).records, positionals[0], 'resume'));
    // The choice offered when the source stopped answering: resume from the store's newest checkpoint.
    if (values['allow-behind']) spec = { ...spec, allowBehind: true };
    warn(`resuming migration ${spec.id}: ${state.done.length} of 8 steps done\n`);
  } else {
    if (positionals.length !== 1)
      throw new UsageError('migrate: give one instance ID (or --resume); see `vastdeck migrate --help`');
    const sourceId = instanceId(positionals[0]!, 'migrate');
    if (!values.profile) throw new UsageError('migrate: --profile P is required');
    const profilesFile = path.resolve(values.profiles ?? defaultProfilesPath());
    const profile = await loadProfile(values.profile, profilesFile);
    const problem = migrationProblem(profile);
    if (problem) throw new UsageError(`migrate: profile ${values.profile} ${problem}`);
    const price = priceFromFlags(values.type, values.bid, profile);
    spec = migrationSpec(sourceId, values.profile, profilesFile, profile, {
      offerId: intFlag(values['offer-id'], 'offer-id', 1, Number.MAX_SAFE_INTEGER) ?? null,
      runDir: values['run-dir'],
      logPath: values.log,
      continuation: values.continuation ?? null,
      allowBehind: !!values['allow-behind'],
      sync: !!values.sync,
      price: price.kind === 'bid' ? { kind: 'bid', bid: price.bid } : { kind: 'on-demand' },
    });
  }
  const profile = await loadProfile(spec.profileName, spec.profilesFile);
  const ctx = await makeContext(values, ['ssh', 'journal']);
  const pollMs = (numberFlag(values.poll, 'poll', 0.05, 600) ?? 10) * 1000;
  const uploadWaitMs = (numberFlag(values['upload-wait'], 'upload-wait', 0, 86_400) ?? 600) * 1000;
  const opened = profile.checkpoint ? await ctx.checkpointStore(profile.checkpoint) : null;
  for (const ref of Object.values(profile.env))
    if (typeof ref === 'object' && 'fromEnv' in ref) registerSecret(process.env[ref.fromEnv]);
  const pool = ctx.ssh('default');
  const journal = ctx.journal();
  let lastWait = { what: '', at: 0 };
  const onEvent = (e: MigrateEvent) => {
    // The countdown of a wait: when it starts, then every 15 s.
    if (e.type === 'wait') {
      if (e.what === lastWait.what && Date.now() - lastWait.at < 15_000) return;
      lastWait = { what: e.what, at: Date.now() };
    }
    warn(describeMigrateEvent(e) + '\n');
    if (e.type === 'step' && e.phase === 'done') hooks.afterStep?.(e.index);
  };
  // Ctrl-C or SIGTERM stops the migration at once with a journaled pause (--resume continues it); a second one
  // exits without waiting for the pause record.
  const stop = interruptible('pausing the migration', (sig) =>
    sig === 'SIGINT' ? 'stopped with Ctrl-C' : `stopped by ${sig}`,
  );
  const prompt = process.stdin.isTTY && process.stderr.isTTY ? askUnreachable : undefined;
  try {
    const result = await runMigration(
      {
        api: ctx.client,
        journal,
        sleep: (ms) => new Promise((r) => setTimeout(r, ms)),
        now: Date.now,
        exec: (inst, cmd) => {
          if (!inst.sshHost || !inst.sshPort)
            return Promise.reject(new Error(`instance ${inst.id} has no SSH endpoint yet`));
          return pool.exec({ host: inst.sshHost, port: inst.sshPort }, cmd, { timeoutMs: 60_000 });
        },
        store: opened?.reader ?? null,
        exclude: opened?.exclude,
        candidates: async () =>
          findCandidates(
            ctx.client,
            profile,
            spec,
            spec.offerId === null ? await sourceInstance(ctx.client, spec.sourceId) : { gpuName: '', numGpus: 0 },
          ),
        sync: opened?.reader instanceof RsyncStore ? rsyncFromSource(opened.reader, ctx.identity()) : undefined,
        ...(prompt ? { choose: (q: SourceUnreachable) => prompt(q, stop.signal) } : {}),
      },
      { spec, profile, state, timing: { pollMs, uploadWaitMs }, onEvent, signal: stop.signal },
    );
    if (values.json) printJson(result);
    else
      printText(
        result.outcome === 'done' || result.outcome === 'aborted'
          ? result.message
          : `${result.message}\ncontinue with: vastdeck migrate --resume ${spec.id}`,
      );
    if (result.outcome === 'paused') return stop.received === 'SIGTERM' ? 143 : 130;
    return result.outcome === 'done' ? 0 : 1;
  } finally {
    stop.dispose();
    await ctx.close();
  }
}

/** The interrupted migration `want` names, or the only one; a usage error when there is none or a choice to make. */
function pickInterrupted(
  records: Parameters<typeof interruptedMigrations>[0],
  want: string | undefined,
  verb: 'resume' | 'abort',
): JournaledMigration {
  const open = interruptedMigrations(records);
  const chosen = want ? open.filter((m) => m.spec.id === want) : open;
  if (chosen.length === 0)
    throw new UsageError(
      want
        ? `migrate: no interrupted migration ${want} in the journal`
        : 'migrate: no interrupted migration in the journal',
    );
  if (chosen.length > 1)
    throw new UsageError(
      `migrate: ${chosen.length} interrupted migrations (${chosen.map((m) => m.spec.id).join(', ')}); name ` +
        `one: vastdeck migrate --${verb} ID`,
    );
  return chosen[0]!;
}

/**
 * The question when the source stopped answering, on the terminal: w waits on, r resumes from the store's newest
 * checkpoint, a gives up. Ctrl-C here cancels the question (keeps waiting), not the migration.
 */
async function askUnreachable(q: SourceUnreachable, signal: AbortSignal): Promise<UnreachableChoice> {
  const { createInterface } = await import('node:readline');
  const rl = createInterface({ input: process.stdin, output: process.stderr });
  const offer = q.storeStep === null ? '' : `, r resume from checkpoint-${q.storeStep} (the newest in ${q.where})`;
  return new Promise<UnreachableChoice>((resolve) => {
    const done = (c: UnreachableChoice) => (rl.close(), resolve(c));
    rl.on('SIGINT', () => (process.stderr.write('\n(question cancelled: waiting on)\n'), done('wait')));
    signal.addEventListener('abort', () => done('wait'), { once: true });
    rl.question(
      `source ${q.sourceId} stopped answering. w wait on${offer}, a abort the migration? ` +
        `[w${q.storeStep === null ? '' : '/r'}/a] `,
      (a) => {
        const k = a.trim().toLowerCase()[0];
        done(k === 'a' ? 'abort' : k === 'r' && q.storeStep !== null ? 'behind' : 'wait');
      },
    );
  });
}

/** "9:41" or "41 s". */
function left(ms: number): string {
  const s = Math.ceil(ms / 1000);
  return s >= 60 ? `${Math.floor(s / 60)}:${String(s % 60).padStart(2, '0')}` : `${s} s`;
}

/** One progress line. */
export function describeMigrateEvent(e: MigrateEvent): string {
  if (e.type === 'info') return `  ${e.message}`;
  if (e.type === 'wait')
    return `  waiting for ${e.what}: ${left(e.leftMs)} left of ${left(e.totalMs)} (Ctrl-C pauses; --resume continues)`;
  if (e.type === 'failed') return `[${e.index}/8] ${STEP_TITLES[e.step]}: FAILED: ${e.message}`;
  const tail =
    e.phase === 'start' ? '…' : e.phase === 'skipped' ? ': done before' : `: ok${e.detail ? ` (${e.detail})` : ''}`;
  return `[${e.index}/8] ${STEP_TITLES[e.step]}${tail}`;
}
