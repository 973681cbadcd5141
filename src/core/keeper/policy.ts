/**
 * The fleet keeper's policy: state + observations + now → actions. Pure (no I/O, no clock of its own), so every
 * rule is tested on a scripted timeline. The keeper (keeper.ts) observes, calls `decide`, then carries out the
 * actions; what happened feeds back through `recordLaunch` / `recordRetire`.
 */
import { healthInfo, type Health } from '../fleet/health.js';
import type { Instance, InstanceStatus } from '../vast/types.js';
import { instanceBurn } from '../fleet/burn.js';

/** Why a worker is replaced. */
export type Trigger = 'fatal' | 'stuck-setup' | 'stuck-boot' | 'no-progress' | 'over-price';

/** Thresholds; a null one switches its trigger off. */
export interface KeeperRules {
  /** Workers to keep. */
  target: number;
  /** A crashed (or exited / stopped / offline) worker is replaced after this long, ms (default 5 min). */
  fatalGraceMs: number | null;
  /** Running with no training output this long, ms (default 10 min). */
  setupStuckMs: number | null;
  /** Provisioning / created / loading this long, ms (default 10 min). */
  bootStuckMs: number | null;
  /** Training whose step does not move this long, ms (default 15 min). */
  noProgressMs: number | null;
  /** $/hr above which a running worker is replaced at once; none when absent. */
  maxDph?: number;
  /** Host failures after which a machine is blacklisted (default 2). */
  blacklistAfter: number;
  /** Launches pause below this credit, $ (the budget's minBalance). */
  minBalance?: number;
  /** Launches pause when the account's runway is shorter than this, hours (default 1). */
  minRunwayHours: number;
}

/** Default rules for `target` workers. */
export function defaultRules(target: number, over: Partial<KeeperRules> = {}): KeeperRules {
  return {
    target,
    fatalGraceMs: 5 * 60_000,
    setupStuckMs: 10 * 60_000,
    bootStuckMs: 10 * 60_000,
    noProgressMs: 15 * 60_000,
    blacklistAfter: 2,
    minRunwayHours: 1,
    ...over,
  };
}

/** One worker as observed this pass; `health` is null when it could not be read (or was not, while booting). */
export interface WorkerObs {
  inst: Instance;
  health: Health | null;
}

/** What one pass saw. */
export interface Observation {
  now: number;
  workers: WorkerObs[];
  /** Spendable credit, $, when known. */
  credit: number | null;
  /** $/hr the whole account burns (runway is an account matter). */
  accountBurnPerHour: number;
  /**
   * The API's clock minus the keeper's, ms (HTTP Date header), when known. Remote timestamps (start_date) are
   * moved onto the keeper's clock with it; unknown, a worker's age counts from when the keeper first saw it.
   */
  clockOffsetMs?: number | null;
}

/** What the keeper remembers between passes (plain data, JSON-safe). */
export interface KeeperState {
  startedAt: number;
  /** Per instance: the status seen and since when (keeper clock). */
  status: Record<number, { status: InstanceStatus; since: number }>;
  /** Per instance: when it was first seen dead. */
  deadSince: Record<number, number>;
  /** Per instance: last step seen and when it first showed. */
  progress: Record<number, { step: number; since: number }>;
  /** Instances already acted on: never replaced twice. */
  replaced: number[];
  /** Instances the keeper would replace but could not destroy (unverified checkpoint): left alone, not counted. */
  held: number[];
  /** Launches not yet seen in a listing: id → launch time. */
  pending: Record<number, number>;
  /** Host failures per machine id. */
  failures: Record<number, number>;
  blacklist: number[];
  launchesPaused: boolean;
}

/** Something the keeper should do; `reason` is the sentence the journal keeps. */
export type KeeperAction =
  | {
      type: 'replace';
      instanceId: number;
      label: string | null;
      machineId: number | null;
      trigger: Trigger;
      reason: string;
    }
  | { type: 'launch'; count: number; reason: string }
  | { type: 'blacklist'; machineId: number; failures: number; reason: string }
  | { type: 'pause-launches'; reason: string }
  | { type: 'resume-launches'; reason: string };

/** A fresh state. */
export function initialState(now: number): KeeperState {
  return {
    startedAt: now,
    status: {},
    deadSince: {},
    progress: {},
    replaced: [],
    held: [],
    pending: {},
    failures: {},
    blacklist: [],
    launchesPaused: false,
  };
}

/** Checks every 60 s for the first 30 minutes (boots fail early), then every 10 minutes. */
export function nextCheckMs(state: Pick<KeeperState, 'startedAt'>, now: number): number {
  return now - state.startedAt < 30 * 60_000 ? 60_000 : 10 * 60_000;
}

/** How long a launch may stay unlisted before the keeper stops counting it (a listing lagging the create). */
export const PENDING_GRACE_MS = 5 * 60_000;

const BOOTING = new Set<InstanceStatus>(['provisioning', 'created', 'loading']);
const DEAD = new Set<InstanceStatus>(['exited', 'stopped', 'offline', 'unknown']);
const HOST_FAULTS = new Set<Trigger>(['fatal', 'stuck-setup', 'stuck-boot', 'no-progress']);

const mins = (ms: number) => `${Math.round(ms / 60_000)} min`;

/** One pass of the policy. Returns the next state and the actions, in the order they should run. */
export function decide(
  prev: KeeperState,
  obs: Observation,
  rules: KeeperRules,
): { state: KeeperState; actions: KeeperAction[] } {
  const { now } = obs;
  const s: KeeperState = structuredClone(prev);
  const actions: KeeperAction[] = [];
  const seen = new Set<number>();
  let alive = 0;

  for (const { inst, health } of obs.workers) {
    seen.add(inst.id);
    delete s.pending[inst.id];
    const st = s.status[inst.id];
    if (!st || st.status !== inst.status) {
      // A booting worker met for the first time has been booting since its creation (on the API's clock, moved
      // onto ours by the offset), not since now; without a known offset, since now (first sight).
      const offset = obs.clockOffsetMs;
      const created = inst.startedAt != null && offset != null ? inst.startedAt - offset : null;
      const since = !st && BOOTING.has(inst.status) && created !== null ? Math.min(created, now) : now;
      s.status[inst.id] = { status: inst.status, since };
    }
    if (s.replaced.includes(inst.id) || s.held.includes(inst.id)) continue;
    const trig = judge(s, inst, health, now, rules);
    if (!trig) {
      if (counts(inst, health)) alive++;
      continue;
    }
    s.replaced.push(inst.id);
    actions.push({
      type: 'replace',
      instanceId: inst.id,
      label: inst.label,
      machineId: inst.machineId,
      trigger: trig.trigger,
      reason: trig.reason,
    });
    if (HOST_FAULTS.has(trig.trigger) && inst.machineId !== null) {
      const n = (s.failures[inst.machineId] ?? 0) + 1;
      s.failures[inst.machineId] = n;
      if (n >= rules.blacklistAfter && !s.blacklist.includes(inst.machineId)) {
        s.blacklist.push(inst.machineId);
        actions.push({
          type: 'blacklist',
          machineId: inst.machineId,
          failures: n,
          reason: `machine ${inst.machineId} failed ${n} times (last: ${trig.trigger}); excluded from further searches`,
        });
      }
    }
  }
  // Forget per-instance timers of instances that are gone; keep `replaced` so a late listing cannot revive one.
  for (const key of [s.status, s.deadSince, s.progress])
    for (const id of Object.keys(key)) if (!seen.has(Number(id))) delete key[Number(id)];
  for (const [id, at] of Object.entries(s.pending)) if (now - at > PENDING_GRACE_MS) delete s.pending[Number(id)];
  alive += Object.keys(s.pending).length;

  const low = lowCredit(obs, rules);
  if (low && !s.launchesPaused) actions.push({ type: 'pause-launches', reason: low });
  if (!low && s.launchesPaused)
    actions.push({ type: 'resume-launches', reason: 'credit and runway are sufficient again' });
  s.launchesPaused = low !== null;

  const missing = rules.target - alive;
  if (missing > 0 && !s.launchesPaused) {
    actions.push({
      type: 'launch',
      count: missing,
      reason: `${alive} of ${rules.target} workers alive or starting; launching ${missing}`,
    });
  }
  return { state: s, actions };
}

/**
 * Whether a worker the policy leaves alone counts toward N: booting (within its grace, or it would have been
 * judged stuck), or running and not finished, crashed or dead. A running worker whose log could not be read is
 * counted: no guess that it is dead.
 */
function counts(inst: Instance, health: Health | null): boolean {
  if (BOOTING.has(inst.status)) return true;
  if (inst.status !== 'running') return false;
  return !health || healthInfo(health.state).ends === null;
}

/** Which trigger (if any) fires for one worker, with its reason; updates the worker's timers in `s`. */
function judge(
  s: KeeperState,
  inst: Instance,
  health: Health | null,
  now: number,
  rules: KeeperRules,
): { trigger: Trigger; reason: string } | null {
  const since = s.status[inst.id]!.since;
  const billing = inst.status === 'running' || inst.status === 'frozen';
  // A booting worker will bill its full rate as soon as it runs: over the limit, it is replaced at once.
  const rate = billing ? instanceBurn(inst) : BOOTING.has(inst.status) ? inst.dphTotal : 0;
  if (rules.maxDph !== undefined && rate > rules.maxDph) {
    return {
      trigger: 'over-price',
      reason: `costs $${rate.toFixed(3)}/hr, over the $${rules.maxDph.toFixed(3)}/hr limit`,
    };
  }
  const dead = DEAD.has(inst.status) || healthInfo(health?.state).ends === 'crashed';
  if (dead) {
    s.deadSince[inst.id] ??= now;
    const grace = rules.fatalGraceMs;
    if (grace !== null && now - s.deadSince[inst.id]! >= grace) {
      const what =
        health && healthInfo(health.state).ends === 'crashed'
          ? `crashed${health.detail ? ` (${health.detail})` : ''}`
          : `is ${inst.status}`;
      return { trigger: 'fatal', reason: `${what} for ${mins(now - s.deadSince[inst.id]!)} (grace ${mins(grace)})` };
    }
    return null;
  }
  delete s.deadSince[inst.id];
  if (BOOTING.has(inst.status)) {
    if (rules.bootStuckMs !== null && now - since >= rules.bootStuckMs) {
      return {
        trigger: 'stuck-boot',
        reason: `${inst.status} for ${mins(now - since)} (limit ${mins(rules.bootStuckMs)})`,
      };
    }
    return null;
  }
  if (inst.status !== 'running' || !health) return null;
  if (health.state === 'setup' && rules.setupStuckMs !== null && now - since >= rules.setupStuckMs) {
    return {
      trigger: 'stuck-setup',
      reason: `running ${mins(now - since)} with no training output (limit ${mins(rules.setupStuckMs)})`,
    };
  }
  if (health.step !== undefined && healthInfo(health.state).ends !== 'finished') {
    const p = s.progress[inst.id];
    if (!p || p.step !== health.step) s.progress[inst.id] = { step: health.step, since: now };
    const still = now - s.progress[inst.id]!.since;
    if (rules.noProgressMs !== null && still >= rules.noProgressMs) {
      return {
        trigger: 'no-progress',
        reason: `step ${health.step} has not moved for ${mins(still)} (limit ${mins(rules.noProgressMs)})`,
      };
    }
  }
  return null;
}

/** Why launches must pause, or null: credit below the minimum balance, or less than the minimum runway. */
export function lowCredit(
  obs: Pick<Observation, 'credit' | 'accountBurnPerHour'>,
  rules: Pick<KeeperRules, 'minBalance' | 'minRunwayHours'>,
): string | null {
  if (obs.credit === null) return null;
  if (rules.minBalance !== undefined && obs.credit < rules.minBalance) {
    return (
      `credit $${obs.credit.toFixed(2)} is below the $${rules.minBalance.toFixed(2)} minimum balance; launches ` +
      `paused`
    );
  }
  if (obs.accountBurnPerHour > 0) {
    const runway = Math.max(0, obs.credit) / obs.accountBurnPerHour;
    if (runway < rules.minRunwayHours) {
      return (
        `runway ${runway.toFixed(1)} h at $${obs.accountBurnPerHour.toFixed(3)}/hr is under ` +
        `${rules.minRunwayHours} h; launches paused`
      );
    }
  }
  return null;
}

/** Records launched instance ids so the next pass counts them until they show in a listing. */
export function recordLaunch(state: KeeperState, ids: readonly number[], now: number): KeeperState {
  const pending = { ...state.pending };
  for (const id of ids) pending[id] = now;
  return { ...state, pending };
}

/** Records a replacement whose destroy was refused: the worker is held (left alone, not counted). */
export function recordHeld(state: KeeperState, id: number): KeeperState {
  return state.held.includes(id) ? state : { ...state, held: [...state.held, id] };
}
