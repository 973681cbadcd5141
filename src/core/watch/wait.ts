/**
 * The blocking watcher behind `vastdeck wait`: polls sparsely (one Vast call per poll plus one health read per
 * live instance) until a run crashes, completes, reaches a step, disappears, or the time runs out. The clock
 * and sleep are injected so tests cover hours in milliseconds.
 */
import { evaluateBudget, type BudgetRules } from '../cost/budget.js';
import { classifyHealth, healthInfo, type Health } from '../fleet/health.js';
import { buildTriage, type TriageBundle } from '../logs/triage.js';
import type { NotifyEvent, NotifyKind } from '../notify/message.js';
import type { NotifyResult } from '../notify/notify.js';
import type { VastApi } from '../vast/api.js';
import { VastError } from '../vast/errors.js';
import type { Instance, InstanceStatus } from '../vast/types.js';
import type { HealthSource } from './api-health.js';
import { formatDuration } from '../present/durations.js';

/** Why the wait ended. */
export type WaitReason = 'crashed' | 'finished' | 'step' | 'timeout' | 'gone';

/** Exit codes: 0 done, 2 crashed, 3 timed out, 4 instance gone. */
export const WAIT_EXIT: Readonly<Record<WaitReason, number>> = {
  finished: 0,
  step: 0,
  crashed: 3,
  timeout: 4,
  gone: 5,
};
/** `wait --validate`: the run failed the profile's validation window (no code shared with usage or the others). */
export const WAIT_INVALID_EXIT = 6;
/** Default poll interval: sparse, since a run takes hours and every poll costs API calls. */
export const WAIT_DEFAULT_EVERY_MS = 5 * 60_000;
/** Polls are never closer than this (Vast's per-endpoint limits, vast-api.md §10). */
export const WAIT_MIN_EVERY_MS = 30_000;

const BOOTING = new Set<InstanceStatus>(['provisioning', 'created', 'loading', 'rebooting']);
const NOTIFY_KIND: Record<WaitReason, NotifyKind> = {
  crashed: 'crash',
  finished: 'complete',
  step: 'step',
  timeout: 'timeout',
  gone: 'gone',
};

/** One watched instance at the last poll. */
export interface MemberState {
  id: number;
  label: string | null;
  status: InstanceStatus;
  health: Health;
  /** Why health could not be read this poll, if it could not. */
  error?: string;
}

/** Progress reports while waiting (for a stderr line per poll). */
export type WaitEvent =
  | { type: 'poll'; at: number; members: MemberState[] }
  | { type: 'error'; at: number; message: string }
  | { type: 'stall'; at: number; member: MemberState }
  | { type: 'notified'; at: number; kind: NotifyKind; results: NotifyResult[] };

/** Collaborators and settings. */
export interface WaitOptions {
  api: Pick<VastApi, 'listInstances' | 'showInstance'>;
  /** One instance, or every instance whose label starts with a prefix. */
  target: { id: number } | { fleet: string };
  health: HealthSource | ((inst: Instance) => Promise<Health>);
  timeoutMs: number;
  /** Poll interval (default 5 min, floor 30 s). */
  everyMs?: number;
  /** Return when every watched run has reached this step. */
  untilStep?: number;
  clock?: { now(): number; sleep(ms: number): Promise<void> };
  notifier?: { notify(ev: NotifyEvent): Promise<NotifyResult[]> };
  /** Budget rules checked against the watched instances at each poll; each breach is notified once (no exit). */
  budget?: BudgetRules;
  onEvent?: (ev: WaitEvent) => void;
}

/** How the wait ended. */
export interface WaitResult {
  reason: WaitReason;
  exitCode: number;
  /** One sentence for the terminal. */
  message: string;
  at: number;
  elapsedMs: number;
  polls: number;
  members: MemberState[];
  /** One bundle per crashed instance. */
  triage: TriageBundle[];
  notified: NotifyResult[];
}

const realClock = { now: Date.now, sleep: (ms: number) => new Promise<void>((r) => setTimeout(r, ms)) };

/** Waits for a run (or a fleet of runs) to end; resolves with the reason. Throws only on an auth failure. */
export async function waitFor(opts: WaitOptions): Promise<WaitResult> {
  const clock = opts.clock ?? realClock;
  const source: HealthSource = typeof opts.health === 'function' ? { healthOf: opts.health } : opts.health;
  const every = Math.max(WAIT_MIN_EVERY_MS, opts.everyMs ?? WAIT_DEFAULT_EVERY_MS);
  const emit = opts.onEvent ?? (() => {});
  const start = clock.now();
  const stalled = new Set<number>();
  const breached = new Set<string>();
  let polls = 0;
  let members: MemberState[] = [];
  let everSeen = false;
  const finish = async (reason: WaitReason, message: string, triage: TriageBundle[] = []): Promise<WaitResult> => {
    const at = clock.now();
    const notified = await notify(opts, emit, {
      kind: NOTIFY_KIND[reason],
      title: message,
      at,
      ...single(members),
      detail: triage[0]?.lastError?.line,
    });
    return {
      reason,
      exitCode: WAIT_EXIT[reason],
      message,
      at,
      elapsedMs: at - start,
      polls,
      members,
      triage,
      notified,
    };
  };
  for (;;) {
    polls++;
    const listed = await list(opts, emit, clock.now());
    if (listed === 'gone') return finish('gone', goneMessage(opts.target, false));
    if (listed !== 'error') {
      if (listed.length === 0) return finish('gone', goneMessage(opts.target, everSeen));
      everSeen = true;
      members = await Promise.all(listed.map((inst) => memberState(inst, source, clock.now())));
      emit({ type: 'poll', at: clock.now(), members });
      const byId = new Map(listed.map((i) => [i.id, i]));
      const crashed = members.filter((m) => healthInfo(m.health.state).ends === 'crashed');
      if (crashed.length > 0) {
        const triage = await Promise.all(crashed.map((m) => triageFor(source, byId.get(m.id)!, m, clock.now())));
        return finish(
          'crashed',
          `${names(crashed)} crashed${crashed[0]!.health.detail ? `: ${crashed[0]!.health.detail}` : ''}`,
          triage,
        );
      }
      const done = (m: MemberState) =>
        healthInfo(m.health.state).ends === 'finished' ||
        (opts.untilStep !== undefined && (m.health.step ?? -1) >= opts.untilStep);
      if (members.every(done)) {
        const reached = opts.untilStep !== undefined && members.some((m) => (m.health.step ?? -1) >= opts.untilStep!);
        return reached
          ? finish('step', `${names(members)} reached step ${opts.untilStep}`)
          : finish('finished', `${names(members)} finished${stepNote(members)}`);
      }
      for (const b of opts.budget ? evaluateBudget(opts.budget, { instances: listed }) : []) {
        if (breached.has(b.message)) continue;
        breached.add(b.message);
        await notify(opts, emit, {
          kind: 'budget',
          title: b.message,
          ...(b.instanceId !== undefined ? { instanceId: b.instanceId, label: b.label } : {}),
          at: clock.now(),
        });
      }
      for (const m of members) {
        // A warning state (stalled) is notified once, when the run enters it.
        if (healthInfo(m.health.state).severity !== 'warn') stalled.delete(m.id);
        else if (!stalled.has(m.id)) {
          stalled.add(m.id);
          emit({ type: 'stall', at: clock.now(), member: m });
          await notify(opts, emit, {
            kind: 'stall',
            title: m.health.detail ?? 'stalled',
            instanceId: m.id,
            label: m.label,
            at: clock.now(),
          });
        }
      }
    }
    const elapsed = clock.now() - start;
    if (elapsed >= opts.timeoutMs)
      return finish(
        'timeout',
        `timed out after ${formatDuration(elapsed)}${members.length ? `; ${summary(members)}` : ''}`,
      );
    await clock.sleep(Math.min(every, opts.timeoutMs - elapsed));
  }
}

/** The watched instances now: a list, 'gone' (a single instance Vast no longer has), or 'error' (try again). */
async function list(
  opts: WaitOptions,
  emit: (e: WaitEvent) => void,
  at: number,
): Promise<Instance[] | 'gone' | 'error'> {
  try {
    if ('id' in opts.target) return [await opts.api.showInstance(opts.target.id)];
    const prefix = opts.target.fleet;
    return (await opts.api.listInstances())
      .filter((i) => (i.label ?? '').startsWith(prefix))
      .sort((a, b) => a.id - b.id);
  } catch (err) {
    if (err instanceof VastError && err.kind === 'not_found' && 'id' in opts.target) return 'gone';
    if (err instanceof VastError && err.kind === 'auth') throw err;
    emit({ type: 'error', at, message: (err as Error).message });
    return 'error';
  }
}

async function memberState(inst: Instance, source: HealthSource, now: number): Promise<MemberState> {
  const base = { id: inst.id, label: inst.label, status: inst.status };
  if (BOOTING.has(inst.status)) return { ...base, health: classifyHealth({ status: inst.status, now }) };
  try {
    return { ...base, health: await source.healthOf(inst) };
  } catch (err) {
    // Health unreadable (logs not ready, host unreachable): fall back to what the Vast status alone says.
    return { ...base, health: classifyHealth({ status: inst.status, now }), error: (err as Error).message };
  }
}

async function triageFor(source: HealthSource, inst: Instance, m: MemberState, now: number): Promise<TriageBundle> {
  try {
    if (source.triageOf) return await source.triageOf(inst, m.health);
  } catch {
    // A bundle is a courtesy; the crash itself is already known.
  }
  return buildTriage({ instanceId: inst.id, label: inst.label, now, health: m.health });
}

async function notify(opts: WaitOptions, emit: (e: WaitEvent) => void, ev: NotifyEvent): Promise<NotifyResult[]> {
  if (!opts.notifier) return [];
  const results = await opts.notifier.notify(ev);
  emit({ type: 'notified', at: ev.at, kind: ev.kind, results });
  return results;
}

function single(members: MemberState[]): { instanceId?: number; label?: string | null } {
  return members.length === 1 ? { instanceId: members[0]!.id, label: members[0]!.label } : {};
}

function goneMessage(target: WaitOptions['target'], wasSeen: boolean): string {
  if ('id' in target) return `instance ${target.id} is gone (destroyed, or not in this account)`;
  return wasSeen
    ? `every instance labelled "${target.fleet}*" is gone`
    : `no instance has a label starting "${target.fleet}"`;
}

function names(ms: MemberState[]): string {
  const shown = ms
    .slice(0, 5)
    .map((m) => `instance ${m.id}${m.label ? ` (${m.label})` : ''}`)
    .join(', ');
  return ms.length > 5 ? `${shown} and ${ms.length - 5} more` : shown;
}

function stepNote(ms: MemberState[]): string {
  return ms.length === 1 && ms[0]!.health.step !== undefined ? ` at step ${ms[0]!.health.step}` : '';
}

function summary(ms: MemberState[]): string {
  return ms
    .map((m) => `${m.id} ${m.health.state}${m.health.step !== undefined ? ` step ${m.health.step}` : ''}`)
    .join(', ');
}
