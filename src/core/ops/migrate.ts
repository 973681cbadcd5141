/**
 * Crash-proof migration: move a training run to a new host as a journaled state machine of eight steps —
 * verify the checkpoint off the source, rent the target, wait for boot and onstart, make sure the target has
 * the checkpoint, resume, see the step advance from that checkpoint, destroy the source, update the
 * continuation file. Each step is journaled before and after (the after record carries the whole state), so a
 * rerun continues where a killed run stopped. Every step is safe to repeat: the target is found again by the
 * migration id in its label (never a second rental), and the source is destroyed only after the target was
 * seen advancing.
 */
import type { VastApi } from '../vast/api.js';
import type { Instance, Offer } from '../vast/types.js';
import type { JournalWriter } from '../journal/journal.js';
import type { Profile } from '../profiles/schema.js';
import type { CheckpointStoreReader, HostCheckpoint } from '../checkpoints/types.js';
import { listHostSteps, parseGlobalStep, readHostCheckpoint, type Exec } from '../checkpoints/host.js';
import { runIdOfInstance } from '../checkpoints/run-id.js';
import { shellQuote } from '../ssh/quote.js';
import { sanitizeLine } from '../util/sanitize.js';
import { provision } from './provision.js';
import { withNonceTag } from './provision-create.js';
import { describeTarget } from './migrate-setup.js';
import { waitForBoot } from './provision-boot.js';
import { executeDestroy, planDestroy } from './destroy.js';
import { fetchCommand, readLogStep, renderResume, writeContinuation } from './migrate-host.js';
import {
  MIGRATE_STEPS,
  STEP_TITLES,
  abortRecord,
  abortSummary,
  emptyState,
  type MigrateStep,
  type MigrationSpec,
  type MigrationState,
} from './migrate-record.js';

export * from './migrate-record.js';

/** Collaborators of a migration. */
export interface MigrateDeps {
  api: VastApi;
  journal: JournalWriter;
  sleep: (ms: number) => Promise<void>;
  now: () => number;
  /** Runs a command on an instance's host over SSH. */
  exec: (inst: Instance, cmd: string) => ReturnType<Exec>;
  /** The profile's checkpoint store (null: none named; the source cannot be verified). */
  store: CheckpointStoreReader | null;
  exclude?: string[];
  /** Offers to rent the target from, best first (the CLI searches with the profile's query or --offer-id). */
  candidates: () => Promise<Offer[]>;
  /** Copies the host's newest checkpoint into the store (spec.sync; rsync stores). */
  sync?: (source: Instance, host: HostCheckpoint) => Promise<void>;
  /** Where { fromEnv } references of the profile are read (default process.env). */
  env?: NodeJS.ProcessEnv;
  /**
   * Asks the user what to do when the source host stopped answering (wait on, resume from the newest checkpoint
   * the store holds, or give the migration up). Without it the upload wait runs to its deadline and the failure
   * names the choices.
   */
  choose?: (q: SourceUnreachable) => Promise<UnreachableChoice>;
}

/** The question put when the source host stopped answering. */
export interface SourceUnreachable {
  sourceId: number;
  /** Why (e.g. "connect ECONNREFUSED 127.0.0.1:20004"). */
  message: string;
  /** The newest step the store holds, or null when it holds none (then 'behind' is not offered). */
  storeStep: number | null;
  where: string;
}

/** An answer: keep waiting, resume from the store's newest checkpoint, or give the migration up. */
export type UnreachableChoice = 'wait' | 'behind' | 'abort';

/** Waits and polls (defaults suit Vast; tests shorten them). */
export interface MigrateTiming {
  pollMs?: number;
  /** How long to wait for the newest checkpoint's upload to complete (default 10 min). */
  uploadWaitMs?: number;
  bootTimeoutMs?: number;
  stuckAfterMs?: number;
  /** Waiting for SSH and the onstart after boot (default 10 min). */
  readyTimeoutMs?: number;
  /** Waiting for the step to advance after the resume (default 15 min). */
  advanceTimeoutMs?: number;
}

/** Progress of a migration. `wait` comes before every sleep of a bounded wait: what, and how long is left. */
export type MigrateEvent =
  | { type: 'step'; step: MigrateStep; index: number; phase: 'start' | 'done' | 'skipped'; detail?: string }
  | { type: 'failed'; step: MigrateStep; index: number; message: string }
  | { type: 'info'; message: string }
  | { type: 'wait'; what: string; leftMs: number; totalMs: number };

/**
 * How a migration run ended: `paused` was stopped by the user (journaled; --resume continues it), `aborted` given up.
 */
export interface MigrateResult {
  outcome: 'done' | 'failed' | 'paused' | 'aborted';
  spec: MigrationSpec;
  state: MigrationState;
  failedStep?: MigrateStep;
  message: string;
}

/** A step could not be completed; the migration stops and can be resumed. */
export class MigrateError extends Error {}

/** The user gave the migration up from a question (the unreachable source). */
class GiveUp extends Error {}

/** The error a stop signal rejects waits with. */
function stopError(signal: AbortSignal): Error {
  const r: unknown = signal.reason;
  return new MigrateError(
    typeof r === 'string' ? r : r instanceof Error && r.name !== 'AbortError' ? r.message : 'stopped',
  );
}

/** A promise that rejects when the signal aborts (never, without one). */
function whenStopped(signal: AbortSignal | undefined): Promise<never> {
  return new Promise<never>((_, reject) => {
    if (!signal) return;
    if (signal.aborted) return reject(stopError(signal));
    signal.addEventListener('abort', () => reject(stopError(signal)), { once: true });
  });
}

/** Runs (or continues, from `state`) one migration. Never throws for a step failure: the result says so. */
export async function runMigration(
  deps: MigrateDeps,
  input: {
    spec: MigrationSpec;
    profile: Profile;
    state?: MigrationState;
    timing?: MigrateTiming;
    onEvent?: (e: MigrateEvent) => void;
    /** Stops the migration at once (the reason, a string, is journaled): the step is left, a pause record written. */
    signal?: AbortSignal;
  },
): Promise<MigrateResult> {
  const { spec, profile } = input;
  const emit = input.onEvent ?? (() => {});
  const t = {
    pollMs: 10_000,
    uploadWaitMs: 600_000,
    bootTimeoutMs: 1_200_000,
    stuckAfterMs: 600_000,
    readyTimeoutMs: 600_000,
    advanceTimeoutMs: 900_000,
    ...input.timing,
  };
  const ids = { runId: spec.id };
  let state: MigrationState = input.state ?? emptyState();
  if (!input.state)
    await deps.journal.append({
      op: 'migrate',
      phase: 'before',
      ids: { ...ids, instanceId: spec.sourceId },
      details: { spec },
    });

  const signal = input.signal;
  const stopped = whenStopped(signal);
  stopped.catch(() => {});
  // Every wait inside a step ends at once on a stop; a step's work left running meets it at its next sleep.
  const wait: Wait = { what: '', until: 0, totalMs: 0 };
  const sleep = (ms: number) => {
    if (wait.until)
      emit({ type: 'wait', what: wait.what, leftMs: Math.max(0, wait.until - deps.now()), totalMs: wait.totalMs });
    return Promise.race([deps.sleep(ms), stopped]);
  };
  const ctx: StepContext = { deps: { ...deps, sleep }, spec, profile, t, emit, signal, wait };
  const pauseOrFail = async (step: MigrateStep, i: number, err: unknown): Promise<MigrateResult> => {
    if (err instanceof GiveUp) {
      const m = { spec, state, finished: false, aborted: false, lastError: null, startedAt: 0 };
      await deps.journal.append(abortRecord(m));
      const message = abortSummary(m);
      emit({ type: 'info', message });
      return { outcome: 'aborted', spec, state, failedStep: step, message };
    }
    if (signal?.aborted) {
      const reason = stopError(signal).message;
      await deps.journal.append({
        op: 'migrate.pause',
        phase: 'after',
        ids: { ...ids, instanceId: state.targetId ?? spec.sourceId },
        details: { index: i + 1, step, reason, state },
      });
      const message = `paused during step ${i + 1} (${STEP_TITLES[step]}): ${reason}`;
      emit({ type: 'info', message });
      return { outcome: 'paused', spec, state, failedStep: step, message };
    }
    const message = sanitizeLine((err as Error)?.message ?? String(err)).slice(0, 400);
    await deps.journal.append({ op: `migrate.${step}`, phase: 'error', ids, details: { index: i + 1, message } });
    emit({ type: 'failed', step, index: i + 1, message });
    return {
      outcome: 'failed',
      spec,
      state,
      failedStep: step,
      message: `step ${i + 1} (${STEP_TITLES[step]}) failed: ${message}`,
    };
  };
  for (let i = 0; i < MIGRATE_STEPS.length; i++) {
    const step = MIGRATE_STEPS[i]!;
    if (state.done.includes(step)) {
      emit({ type: 'step', step, index: i + 1, phase: 'skipped' });
      continue;
    }
    const instanceId =
      step === 'verify-source' || step === 'destroy-source' ? spec.sourceId : (state.targetId ?? undefined);
    await deps.journal.append({
      op: `migrate.${step}`,
      phase: 'before',
      ids: { ...ids, ...(instanceId ? { instanceId } : {}) },
      details: { index: i + 1 },
    });
    emit({ type: 'step', step, index: i + 1, phase: 'start' });
    let found: Partial<MigrationState> & { detail?: string };
    try {
      if (signal?.aborted) throw stopError(signal);
      const work = STEP_FNS[step](ctx, state);
      work.catch(() => {});
      found = await Promise.race([work, stopped]);
    } catch (err) {
      return pauseOrFail(step, i, err);
    } finally {
      wait.until = 0;
    }
    const { detail, ...rest } = found;
    state = { ...state, ...rest, done: [...state.done, step] };
    const tid = state.targetId;
    await deps.journal.append({
      op: `migrate.${step}`,
      phase: 'after',
      ids: { ...ids, ...(tid ? { instanceId: tid } : {}) },
      details: { index: i + 1, state, ...(detail ? { detail } : {}) },
    });
    emit({ type: 'step', step, index: i + 1, phase: 'done', ...(detail ? { detail } : {}) });
  }
  await deps.journal.append({
    op: 'migrate',
    phase: 'after',
    ids: { ...ids, ...(state.targetId ? { instanceId: state.targetId } : {}) },
    details: { state },
  });
  return {
    outcome: 'done',
    spec,
    state,
    message:
      `migrated ${spec.sourceId} → ${state.targetId} (${state.targetLabel ?? ''}), resumed at step ` +
      `${state.verifiedStep}`,
  };
}

/** The bounded wait in progress (until 0: none), for the countdown events. */
interface Wait {
  what: string;
  until: number;
  totalMs: number;
}

interface StepContext {
  deps: MigrateDeps;
  spec: MigrationSpec;
  profile: Profile;
  t: Required<MigrateTiming>;
  emit: (e: MigrateEvent) => void;
  signal: AbortSignal | undefined;
  wait: Wait;
}

/** Starts a bounded wait: the sleeps until `ms` from now report what and how long is left. */
function waitFor(c: StepContext, what: string, ms: number): void {
  c.wait.what = what;
  c.wait.totalMs = ms;
  c.wait.until = c.deps.now() + ms;
}

type StepFn = (c: StepContext, s: MigrationState) => Promise<Partial<MigrationState> & { detail?: string }>;

const exec =
  (c: StepContext, inst: Instance): Exec =>
  (cmd) =>
    c.deps.exec(inst, cmd);

async function instanceOrNull(c: StepContext, id: number): Promise<Instance | null> {
  return (await c.deps.api.listInstances()).find((i) => i.id === id) ?? null;
}

async function target(c: StepContext, s: MigrationState): Promise<Instance> {
  if (s.targetId === null) throw new MigrateError('no target recorded');
  return c.deps.api.showInstance(s.targetId);
}

/** Polls `probe` until it returns a value or the time runs out (`what` names the wait in the countdown). */
async function poll<T>(
  c: StepContext,
  timeoutMs: number,
  what: string,
  probe: () => Promise<T | null>,
): Promise<T | null> {
  const end = c.deps.now() + timeoutMs;
  waitFor(c, what, timeoutMs);
  for (;;) {
    const v = await probe().catch((err: unknown) => {
      if (err instanceof GiveUp || c.signal?.aborted) throw err;
      return null;
    });
    if (v !== null || c.deps.now() >= end) {
      c.wait.until = 0;
      return v;
    }
    await c.deps.sleep(c.t.pollMs);
  }
}

/** Destroys a target that will not boot (journaled) and rents another on a different offer. */
async function replaceTarget(c: StepContext, s: MigrationState, outcome: string): Promise<MigrationState> {
  const id = s.targetId!;
  const ids = { runId: c.spec.id, instanceId: id };
  c.emit({ type: 'info', message: `target ${id} is ${outcome}: destroying it and renting another` });
  await c.deps.journal.append({
    op: 'migrate.replace',
    phase: 'before',
    ids,
    details: { outcome, offerId: s.targetOfferId },
  });
  await c.deps.api.destroyInstance(id).catch((err: unknown) => {
    if ((err as { kind?: string })?.kind !== 'not_found') throw err;
  });
  await c.deps.journal.append({ op: 'migrate.replace', phase: 'after', ids, details: { outcome } });
  const bad = s.targetOfferId !== null ? [...s.badOffers, s.targetOfferId] : s.badOffers;
  // Wait until the listing no longer shows it: the next rental is found by the same label tag.
  await poll(c, 60_000, `target ${id} to leave the listing`, async () =>
    (await c.deps.api.listInstances()).some((i) => i.id === id) ? null : true,
  );
  const next = await STEP_FNS.provision(c, { ...s, badOffers: bad });
  return { ...s, ...next, badOffers: bad };
}

/** The newest step the store holds, or null (none, or the store cannot be read). */
async function storeStep(c: StepContext, runId: string | null): Promise<number | null> {
  if (!c.deps.store) return null;
  // The host cannot be compared: the newest stored checkpoint that no OTHER run uploaded (a shared repo's
  // other runs mark theirs), for the operator's explicit --allow-behind / "behind" choice. `runId` is the
  // source's, which verify-source already has.
  const stored = await c.deps.store.list().catch(() => []);
  return (
    stored
      .filter((s) => (s.files === null || s.files.length > 0) && (!s.runId || !runId || s.runId === runId))
      .sort((a, b) => b.step - a.step)[0]?.step ?? null
  );
}

/**
 * The source host stopped answering: with --allow-behind, resume from the store's newest checkpoint; else ask
 * once (wait, behind, abort). Resolves to the state to go on with, or null to keep waiting.
 */
async function unreachableSource(
  c: StepContext,
  message: string,
  asked: boolean,
  runId: string | null,
): Promise<{ verifiedStep: number; summary: string } | null> {
  if (!c.spec.allowBehind && asked) return null;
  const newest = await storeStep(c, runId);
  const where = c.deps.store?.where ?? 'the store';
  if (!c.spec.allowBehind && !c.deps.choose) {
    // Nobody to ask (no terminal): say the choices now, and keep waiting to the deadline.
    const behindHow =
      newest === null
        ? ''
        : `; to resume from checkpoint-${newest} in ${where}: stop (Ctrl-C) and run vastdeck migrate --resume ` +
          `${c.spec.id} --allow-behind`;
    c.emit({
      type: 'info',
      message:
        `the source host stopped answering (${message}); waiting for it${behindHow}; to give up: vastdeck ` +
        `migrate --abort ${c.spec.id}`,
    });
    return null;
  }
  const behind =
    newest === null
      ? null
      : {
          verifiedStep: newest,
          summary: `source unreachable; resuming from checkpoint-${newest}, the newest in ${where}`,
        };
  if (c.spec.allowBehind) return behind;
  c.emit({ type: 'info', message: `the source host stopped answering: ${message}` });
  const answer = await Promise.race([
    c.deps.choose!({ sourceId: c.spec.sourceId, message, storeStep: newest, where }),
    whenStopped(c.signal),
  ]);
  if (answer === 'abort') throw new GiveUp('given up by the user');
  if (answer === 'behind' && behind) return behind;
  return null;
}

const STEP_FNS: Record<MigrateStep, StepFn> = {
  async 'verify-source'(c) {
    const source = await instanceOrNull(c, c.spec.sourceId);
    if (!source) throw new MigrateError(`source instance ${c.spec.sourceId} is not in the account`);
    if (!c.deps.store)
      throw new MigrateError(
        `profile ${c.spec.profileName} names no checkpoint store: nothing can verify the checkpoint off the host`,
      );
    // Hashes on the host are cached by path, size and mtime: polling does not re-hash an unchanged checkpoint.
    const readHost = () =>
      readHostCheckpoint(exec(c, source), c.spec.runDir, {
        hostKey: `${source.id}@${source.sshHost}:${source.sshPort}`,
      });
    const runId = runIdOfInstance(source);
    if (c.spec.sync && c.deps.sync) {
      const host = await readHost();
      if (host) {
        c.emit({ type: 'info', message: `copying checkpoint-${host.step} into ${c.deps.store.where}` });
        await c.deps.sync(source, host);
      }
    }
    let last = '';
    let asked = false;
    const plan = await poll(c, c.t.uploadWaitMs, 'the checkpoint upload', async () => {
      const p = await planDestroy(source, { readHost, store: c.deps.store, exclude: c.deps.exclude, runId });
      if (p.verification?.state === 'verified') return p;
      if (p.refusal === 'host-unreachable') {
        const behind = await unreachableSource(c, p.summary, asked, runId);
        asked = true;
        if (behind) return behind;
      }
      if (p.summary !== last)
        c.emit({ type: 'info', message: `waiting for the checkpoint upload: ${(last = p.summary)}` });
      return null;
    });
    if (plan?.verifiedStep != null) return { verifiedStep: plan.verifiedStep, detail: plan.summary };
    const now = await planDestroy(source, { readHost, store: c.deps.store, exclude: c.deps.exclude, runId });
    if (now.refusal === 'host-unreachable') {
      const newest = await storeStep(c, runId);
      throw new MigrateError(
        `${now.summary}; ` +
          (newest === null
            ? `${c.deps.store.where} holds no checkpoint to resume from`
            : `to resume from checkpoint-${newest} in ${c.deps.store.where}: ` +
              `vastdeck migrate --resume ${c.spec.id} --allow-behind`) +
          '; ' +
          `to give up: vastdeck migrate --abort ${c.spec.id}`,
      );
    }
    if (c.spec.allowBehind && now.verifiedStep !== null)
      return {
        verifiedStep: now.verifiedStep,
        detail: `${now.summary}; resuming from the verified step ${now.verifiedStep}`,
      };
    throw new MigrateError(
      `${now.summary}${now.verifiedStep !== null ? ' (pass --allow-behind to resume from the verified step)' : ''}`,
    );
  },

  async provision(c, s) {
    // A run killed during the create left a labelled rental (or none): look for it before renting.
    const mine = withNonceTag(await c.deps.api.listInstances(), c.spec.id);
    if (mine[0])
      return { targetId: mine[0].id, targetLabel: mine[0].label, detail: `found target ${mine[0].id} by its label` };
    const candidates = (await c.deps.candidates()).filter((o) => !s.badOffers.includes(o.id));
    if (candidates.length === 0) throw new MigrateError('no offer left to rent the target on');
    const env = { ...c.profile.env, VASTDECK_MIGRATION: c.spec.id, VASTDECK_RESUME_STEP: String(s.verifiedStep) };
    const r = await provision(
      {
        api: c.deps.api,
        journal: c.deps.journal,
        sleep: c.deps.sleep,
        now: c.deps.now,
        nonce: () => c.spec.id,
        env: c.deps.env,
      },
      {
        profile: { ...c.profile, env },
        profileName: c.spec.profileName,
        candidates,
        price: c.spec.price,
        wait: false,
        nextOnTaken: c.spec.offerId === null,
        maxOffers: 3,
        adoptOpen: false,
        // The step's work runs on after a stop pauses the migration: it must not rent then.
        create: { signal: c.signal },
      },
    );
    if (r.instanceId === undefined) throw new MigrateError('the provision rented nothing');
    return {
      targetId: r.instanceId,
      targetLabel: r.label,
      targetOfferId: r.offer.id,
      detail: `rented ${describeTarget(r.offer, c.profile, c.spec).replace(/labelled .*$/, `labelled ${r.label}`)}`,
    };
  },

  async boot(c, s0) {
    let s = s0;
    waitFor(c, `target ${s.targetId} to boot`, c.t.bootTimeoutMs);
    let boot = await waitForBoot(c.deps, s.targetId!, {
      pollMs: c.t.pollMs,
      timeoutMs: c.t.bootTimeoutMs,
      stuckAfterMs: c.t.stuckAfterMs,
    });
    // Some hosts never finish loading, or die: replace the target (destroyed first, so there is never a second one) up
    // to twice.
    for (let tries = 1; boot.outcome !== 'running' && tries <= 2; tries++) {
      s = await replaceTarget(c, s, boot.outcome);
      waitFor(c, `target ${s.targetId} to boot`, c.t.bootTimeoutMs);
      boot = await waitForBoot(c.deps, s.targetId!, {
        pollMs: c.t.pollMs,
        timeoutMs: c.t.bootTimeoutMs,
        stuckAfterMs: c.t.stuckAfterMs,
      });
    }
    c.wait.until = 0;
    const id = s.targetId!;
    if (boot.outcome !== 'running' || !boot.instance)
      throw new MigrateError(`target ${id} is ${boot.outcome} (still rented and labelled; destroy it or resume later)`);
    // Safety net: a rental with our id that is not the target is a duplicate from a lost create answer.
    for (const twin of withNonceTag(await c.deps.api.listInstances(), c.spec.id).filter((i) => i.id !== id)) {
      await c.deps.journal.append({
        op: 'migrate.duplicate',
        phase: 'before',
        ids: { runId: c.spec.id, instanceId: twin.id },
      });
      await c.deps.api.destroyInstance(twin.id);
      await c.deps.journal.append({
        op: 'migrate.duplicate',
        phase: 'after',
        ids: { runId: c.spec.id, instanceId: twin.id },
      });
    }
    const inst = boot.instance;
    const ready = await poll(c, c.t.readyTimeoutMs, `SSH and the onstart on target ${id}`, async () => {
      const fresh = inst.sshHost ? inst : await c.deps.api.showInstance(id);
      const r = await c.deps.exec(fresh, `ls -1 ${shellQuote(c.spec.runDir)}`);
      return r.code === 0 ? true : null;
    });
    if (!ready)
      throw new MigrateError(
        `target ${id} runs, but its run dir ${c.spec.runDir} is not there over SSH (onstart not done?)`,
      );
    return {
      targetId: s.targetId,
      targetLabel: s.targetLabel,
      targetOfferId: s.targetOfferId,
      badOffers: s.badOffers,
      detail: `target ${id} is running and reachable`,
    };
  },

  async 'target-checkpoint'(c, s) {
    const inst = await target(c, s);
    const n = s.verifiedStep!;
    const x = exec(c, inst);
    let fetched = false;
    if (!(await listHostSteps(x, c.spec.runDir)).includes(n)) {
      const cmd = fetchCommand(c.profile.checkpoint, n, c.spec.runDir);
      if (!cmd)
        throw new MigrateError(
          `the target has no checkpoint-${n} and vastdeck cannot fetch from this store: make the profile's ` +
            `onstart download it`,
        );
      c.emit({ type: 'info', message: `downloading checkpoint-${n} on the target` });
      const r = await x(cmd);
      if (r.code !== 0)
        throw new MigrateError(`downloading checkpoint-${n} on the target failed: ${(r.stderr ?? '').split('\n')[0]}`);
      fetched = true;
    }
    const steps = await listHostSteps(x, c.spec.runDir);
    if (!steps.includes(n)) throw new MigrateError(`checkpoint-${n} is still not on the target`);
    const st = await x(`cat ${shellQuote(`${c.spec.runDir.replace(/\/+$/, '')}/checkpoint-${n}/trainer_state.json`)}`);
    const global = st.code === 0 ? parseGlobalStep(st.stdout) : null;
    if (global !== null && global !== n)
      throw new MigrateError(`checkpoint-${n} on the target says global_step ${global}`);
    return { detail: `checkpoint-${n} is on the target${fetched ? ' (downloaded)' : ''}` };
  },

  async resume(c, s) {
    if (!c.profile.resume) throw new MigrateError(`profile ${c.spec.profileName} has no resume command`);
    const inst = await target(c, s);
    const cmd = renderResume(c.profile.resume, { step: s.verifiedStep!, runDir: c.spec.runDir });
    const r = await c.deps.exec(inst, cmd);
    if (r.code !== 0)
      throw new MigrateError(
        `the resume command failed on the target (exit ${r.code}): ${(r.stderr ?? '').split('\n')[0]}`,
      );
    return { detail: `resume command ran (from step ${s.verifiedStep})` };
  },

  async advancing(c, s) {
    const inst = await target(c, s);
    const n = s.verifiedStep!;
    let first: number | null = null;
    let seen: number | null = null;
    const later = await poll(c, c.t.advanceTimeoutMs, `the step to advance on target ${inst.id}`, async () => {
      const step = await readLogStep(exec(c, inst), c.spec.logPath);
      seen = step;
      if (step === null || step < n) return null;
      // Right after the resume the log's tail may still show the old process's last step: a step that goes down
      // is the restart, and advancing is measured from there (not from the stale, higher step).
      if (first === null || step < first) {
        first = step;
        return null;
      }
      return step > first ? step : null;
    });
    if (later === null) {
      if (seen !== null && seen < n)
        throw new MigrateError(
          `the target is at step ${seen}, below checkpoint ${n}: it did not resume from the checkpoint`,
        );
      throw new MigrateError(`the step did not advance on the target (last seen: ${seen ?? 'none'})`);
    }
    return { firstStep: first, laterStep: later, detail: `step ${first} → ${later}` };
  },

  async 'destroy-source'(c, s) {
    if (!s.done.includes('advancing'))
      throw new MigrateError('refusing to destroy the source before the target is confirmed advancing');
    const source = await instanceOrNull(c, c.spec.sourceId);
    if (!source) return { sourceDestroyed: true, detail: `source ${c.spec.sourceId} is already gone` };
    const plan = await planDestroy(source, {
      readHost: () =>
        readHostCheckpoint(exec(c, source), c.spec.runDir, {
          hostKey: `${source.id}@${source.sshHost}:${source.sshPort}`,
        }),
      store: c.deps.store,
      exclude: c.deps.exclude,
      runId: runIdOfInstance(source),
    });
    // The run continues on the target from the verified step, confirmed advancing: what the source holds beyond it is
    // redone there.
    const r = await executeDestroy(c.deps, plan, {
      force: true,
      retryBaseMs: Math.min(3000, c.t.pollMs * 3),
      confirmPauseMs: c.t.pollMs,
    });
    if (r.outcome !== 'destroyed') throw new MigrateError(r.message);
    return { sourceDestroyed: true, detail: `destroyed ${c.spec.sourceId}` };
  },

  async continuation(c, s) {
    const file = c.spec.continuation ?? c.profile.continuation ?? null;
    if (!file) return { detail: 'no continuation file named' };
    const inst = await target(c, s);
    const written = await writeContinuation(file, {
      instanceId: inst.id,
      label: inst.label,
      ssh: inst.sshHost && inst.sshPort ? { host: inst.sshHost, port: inst.sshPort } : null,
      step: s.laterStep ?? s.verifiedStep!,
      time: new Date(c.deps.now()).toISOString(),
      migrationId: c.spec.id,
      previousInstanceId: c.spec.sourceId,
      profile: c.spec.profileName,
    });
    return { detail: `wrote ${written}` };
  },
};
