/**
 * The lifecycle policy: instances + what was observed of them + their rules + now → actions. Pure (no I/O, no
 * clock of its own), like the keeper's policy, so every rule is tested on a scripted timeline. The enforcer
 * (enforcer.ts) observes, calls `decide`, and carries the actions out; a destroy is always checked against the
 * checkpoint store there (and becomes a stop when the checkpoint is not verified off the host).
 */
import { healthInfo, type HealthState } from '../fleet/health.js';
import type { Instance } from '../vast/types.js';
import type { LifecycleRules } from './rules.js';

/** Why the policy acts. */
export type LifecycleTrigger = 'finished' | 'crashed' | 'max-runtime' | 'idle' | 'outbid';

/** One instance under rules, with what this pass saw of it. */
export interface LifecycleSubject {
  inst: Instance;
  rules: LifecycleRules;
  /** Training health from the log, null when not read (not running, or the log could not be read). */
  health: HealthState | null;
}

/** What the policy remembers between passes (plain data, JSON-safe). */
export interface LifecycleState {
  /** Per instance: since when its GPU utilisation has been below the idle threshold. */
  idleSince: Record<number, number>;
  /** Per instance: the trigger already acted on (never acted on twice; a person who restarts it overrides us). */
  acted: Record<number, LifecycleTrigger>;
}

/** Something to do; `reason` is the sentence the journal keeps. */
export type LifecycleAction =
  | { type: 'stop' | 'destroy'; instanceId: number; label: string | null; trigger: LifecycleTrigger; reason: string }
  | { type: 'raise-bid'; instanceId: number; label: string | null; trigger: 'outbid'; bid: number; reason: string }
  | { type: 'migrate'; instanceId: number; label: string | null; trigger: 'outbid'; reason: string }
  /** Nothing is done: reported once so a person knows (a crash left for a human, a raise above maxBid). */
  | { type: 'leave'; instanceId: number; label: string | null; trigger: LifecycleTrigger; reason: string };

/** A fresh state. */
export function initialLifecycleState(): LifecycleState {
  return { idleSince: {}, acted: {} };
}

const mins = (ms: number) => `${Math.round(ms / 60_000)} min`;

/** True for a stopped interruptible instance that Vast stopped, not its owner (it still wants to run). */
export function isOutbid(inst: Instance): boolean {
  if (!inst.isBid || inst.status !== 'stopped') return false;
  return inst.intendedStatus === 'running' || /outbid/i.test(inst.statusMsg ?? '');
}

/**
 * The bid a raise would set: 20 % over the current minimum (and over the old bid), capped by maxBid (else 1.5× the old
 * bid).
 */
export function raisedBid(inst: Instance, maxBid: number | null): { bid: number; capped: boolean } {
  const current = Math.max(0, inst.dphTotal - inst.storageDph);
  const floor = Math.max(inst.minBid ?? 0, current);
  const want = Math.round(floor * 1.2 * 1000) / 1000;
  const cap = maxBid ?? Math.round(current * 1.5 * 1000) / 1000;
  return want <= cap ? { bid: want, capped: false } : { bid: cap, capped: true };
}

/** One pass of the policy. Returns the next state and the actions, one per instance at most. */
export function decide(
  prev: LifecycleState,
  subjects: readonly LifecycleSubject[],
  now: number,
): { state: LifecycleState; actions: LifecycleAction[] } {
  const s: LifecycleState = structuredClone(prev);
  const actions: LifecycleAction[] = [];
  const seen = new Set<number>();
  for (const sub of subjects) {
    const { inst } = sub;
    seen.add(inst.id);
    // A raise-bid or migrate answered an outbid; once it runs again, a later outbid is a new one.
    if (s.acted[inst.id] === 'outbid' && inst.status === 'running') delete s.acted[inst.id];
    trackIdle(s, sub, now);
    if (s.acted[inst.id]) continue;
    const a = judge(s, sub, now);
    if (!a) continue;
    s.acted[inst.id] = a.trigger;
    actions.push(a);
  }
  for (const key of [s.idleSince, s.acted])
    for (const id of Object.keys(key)) if (!seen.has(Number(id))) delete key[Number(id)];
  return { state: s, actions };
}

function trackIdle(s: LifecycleState, { inst, rules }: LifecycleSubject, now: number): void {
  const low =
    rules.idle && inst.status === 'running' && inst.gpuUtilPct !== null && inst.gpuUtilPct < rules.idle.gpuUtilBelow;
  if (low) s.idleSince[inst.id] ??= now;
  else delete s.idleSince[inst.id];
}

function judge(s: LifecycleState, { inst, rules, health }: LifecycleSubject, now: number): LifecycleAction | null {
  const base = { instanceId: inst.id, label: inst.label };
  if (isOutbid(inst)) {
    const paying = `stopped by an outbid, still paying $${inst.storageDph.toFixed(3)}/hr storage`;
    if (rules.onOutbid === 'migrate')
      return {
        ...base,
        type: 'migrate',
        trigger: 'outbid',
        reason: `${paying}: migrating from the newest verified checkpoint`,
      };
    if (rules.onOutbid === 'raise-bid') {
      const r = raisedBid(inst, rules.maxBid);
      const floor = inst.minBid ?? 0;
      if (r.bid < floor || r.bid <= 0)
        return {
          ...base,
          type: 'leave',
          trigger: 'outbid',
          reason:
            `${paying}; the minimum bid $${floor.toFixed(3)}/hr is above maxBid $${r.bid.toFixed(3)}/hr: not ` +
            `raising`,
        };
      return {
        ...base,
        type: 'raise-bid',
        trigger: 'outbid',
        bid: r.bid,
        reason: `${paying}: raising the bid to $${r.bid.toFixed(3)}/hr${r.capped ? ' (the cap)' : ''}`,
      };
    }
    return null;
  }
  const ends = healthInfo(health).ends;
  const crashed = inst.status === 'exited' || ends === 'crashed';
  if (crashed) {
    const what = inst.status === 'exited' ? 'the container exited' : 'the run crashed';
    if (rules.onCrash === 'keep')
      return { ...base, type: 'leave', trigger: 'crashed', reason: `${what}: left for a human (onCrash: keep)` };
    return { ...base, type: rules.onCrash, trigger: 'crashed', reason: `${what} (onCrash: ${rules.onCrash})` };
  }
  if (inst.status !== 'running') return null;
  if (ends === 'finished' && rules.onFinish !== 'keep') {
    return {
      ...base,
      type: rules.onFinish,
      trigger: 'finished',
      reason: `the run finished (onFinish: ${rules.onFinish})`,
    };
  }
  if (rules.maxRuntimeMs !== null && inst.startedAt !== null && now - inst.startedAt >= rules.maxRuntimeMs) {
    return {
      ...base,
      type: 'stop',
      trigger: 'max-runtime',
      reason: `running ${mins(now - inst.startedAt)}, past maxRuntime ${mins(rules.maxRuntimeMs)}`,
    };
  }
  const idleSince = s.idleSince[inst.id];
  if (rules.idle && idleSince !== undefined && now - idleSince >= rules.idle.forMs) {
    return {
      ...base,
      type: rules.idle.then,
      trigger: 'idle',
      reason:
        `GPU under ${rules.idle.gpuUtilBelow}% for ${mins(now - idleSince)} (idle rule: ` +
        `${mins(rules.idle.forMs)} → ${rules.idle.then})`,
    };
  }
  return null;
}
