/**
 * The lifecycle enforcer: observe (one listing, the log health of running instances under rules), ask the pure
 * policy (policy.ts), carry the actions out, and journal every decision before and after with its reason.
 * A destroy goes through the safe destroy (ops/destroy.ts: planDestroy + executeDestroy); when the newest
 * checkpoint is not verified off the host — or the destroy fails — the instance is stopped instead, and the
 * result says so. Used by `vastdeck autopilot`, `monitor` and the TUI; tests drive it with a fake clock.
 */
import type { Health } from '../fleet/health.js';
import type { JournalWriter } from '../journal/journal.js';
import { executeDestroy, planDestroy, type CheckpointSource } from '../ops/destroy.js';
import type { VastApi } from '../vast/api.js';
import type { Instance } from '../vast/types.js';
import {
  decide,
  initialLifecycleState,
  type LifecycleAction,
  type LifecycleState,
  type LifecycleSubject,
} from './policy.js';
import type { LifecycleRules } from './rules.js';

/** Collaborators of the enforcer. */
export interface EnforcerDeps {
  api: VastApi & { changeBid?(id: number, price: number): Promise<void> };
  journal: JournalWriter;
  /** Log health of a running instance; null or a throw = unknown this pass (no health-based rule fires on a guess). */
  health: (inst: Instance) => Promise<Health | null>;
  /** How to read an instance's checkpoints for a destroy; null = no store known (a destroy becomes a stop). */
  source: (inst: Instance) => CheckpointSource | null;
  /** Carries out (or, dry, checks and describes) a migration for an outbid instance; absent = only reported. */
  migrate?: (inst: Instance, dryRun: boolean) => Promise<{ outcome: 'migrated' | 'left' | 'failed'; message: string }>;
  now: () => number;
  sleep: (ms: number) => Promise<void>;
}

/** Settings of an enforcer. */
export interface EnforcerOptions {
  /** The rules of an instance, or null when none apply (the instance is left alone). */
  rulesFor: (inst: Instance) => LifecycleRules | null;
  /** Decide and report, do nothing. */
  dryRun?: boolean;
  /** Listings to confirm a destroy (default 5). */
  confirmLists?: number;
  onEvent?: (e: EnforcerEvent) => void;
}

/** What one action came to. */
export interface EnforcedAction {
  action: LifecycleAction;
  /** What was done: stopped, destroyed, stopped-instead, bid-raised, migrated, left, failed, dry-run. */
  outcome: 'stopped' | 'destroyed' | 'stopped-instead' | 'bid-raised' | 'migrated' | 'left' | 'failed' | 'dry-run';
  message: string;
}

/** Reported as the enforcer works. */
export type EnforcerEvent =
  | { type: 'pass'; at: number; watched: number }
  | { type: 'decision'; at: number; result: EnforcedAction; dryRun: boolean }
  | { type: 'error'; at: number; message: string };

/** Applies lifecycle rules to the instances it is shown. */
export class LifecycleEnforcer {
  private state: LifecycleState = initialLifecycleState();

  constructor(
    private readonly deps: EnforcerDeps,
    private readonly opts: EnforcerOptions,
  ) {}

  /** The policy's memory (idle timers, instances acted on), for display and tests. */
  get snapshot(): Readonly<LifecycleState> {
    return this.state;
  }

  /** One pass over `instances` (default: a fresh listing of the account). */
  async pass(instances?: readonly Instance[]): Promise<EnforcedAction[]> {
    const all = instances ?? (await this.deps.api.listInstances());
    const subjects: LifecycleSubject[] = [];
    for (const inst of all) {
      const rules = this.opts.rulesFor(inst);
      if (!rules) continue;
      subjects.push({ inst, rules, health: await this.healthOf(inst) });
    }
    const now = this.deps.now();
    this.emit({ type: 'pass', at: now, watched: subjects.length });
    const { state, actions } = decide(this.state, subjects, now);
    this.state = state;
    const byId = new Map(all.map((i) => [i.id, i]));
    const out: EnforcedAction[] = [];
    for (const a of actions) out.push(await this.act(a, byId.get(a.instanceId)!));
    return out;
  }

  private async healthOf(inst: Instance): Promise<Health['state'] | null> {
    if (inst.status !== 'running' || this.state.acted[inst.id]) return null;
    try {
      return (await this.deps.health(inst))?.state ?? null;
    } catch {
      return null;
    }
  }

  private async act(a: LifecycleAction, inst: Instance): Promise<EnforcedAction> {
    const dry = !!this.opts.dryRun;
    const op = `lifecycle.${a.type}`;
    const ids = { instanceId: a.instanceId, ...(a.label ? { label: a.label } : {}) };
    const details: Record<string, unknown> = {
      trigger: a.trigger,
      reason: a.reason,
      dryRun: dry,
      ...(a.type === 'raise-bid' ? { bid: a.bid } : {}),
    };
    await this.deps.journal.append({ op, phase: 'before', ids, details });
    let r: EnforcedAction;
    if (dry && a.type === 'migrate' && this.deps.migrate)
      r = { action: a, outcome: 'dry-run', message: (await this.deps.migrate(inst, true)).message };
    else if (dry)
      r = { action: a, outcome: 'dry-run', message: `would ${a.type === 'leave' ? 'leave' : a.type} ${a.instanceId}` };
    else {
      try {
        r = await this.carryOut(a, inst);
      } catch (err) {
        r = { action: a, outcome: 'failed', message: `${a.type} of ${a.instanceId} failed: ${(err as Error).message}` };
      }
    }
    await this.deps.journal.append({
      op,
      phase: r.outcome === 'failed' ? 'error' : 'after',
      ids,
      details: { ...details, outcome: r.outcome, message: r.message },
    });
    this.emit({ type: 'decision', at: this.deps.now(), result: r, dryRun: dry });
    return r;
  }

  private async carryOut(a: LifecycleAction, inst: Instance): Promise<EnforcedAction> {
    const { api } = this.deps;
    switch (a.type) {
      case 'leave':
        return { action: a, outcome: 'left', message: `left ${a.instanceId} as it is` };
      case 'stop':
        await api.stopInstance(a.instanceId);
        return {
          action: a,
          outcome: 'stopped',
          message: `stopped ${a.instanceId} (storage still bills $${inst.storageDph.toFixed(3)}/hr)`,
        };
      case 'destroy':
        return this.destroyOrStop(a, inst);
      case 'raise-bid':
        if (!api.changeBid) throw new Error('this API client cannot change a bid');
        await api.changeBid(a.instanceId, a.bid);
        return {
          action: a,
          outcome: 'bid-raised',
          message: `bid of ${a.instanceId} raised to $${a.bid.toFixed(3)}/hr; it restarts on the same disk`,
        };
      case 'migrate':
        if (!this.deps.migrate)
          return {
            action: a,
            outcome: 'left',
            message: `not migrated automatically here: run \`vastdeck migrate ${a.instanceId}\``,
          };
        return { action: a, ...(await this.deps.migrate(inst, false)) };
    }
  }

  /** Destroy only after the safe destroy's verification; anything else stops the instance and says why. */
  private async destroyOrStop(a: LifecycleAction, inst: Instance): Promise<EnforcedAction> {
    const source = this.deps.source(inst);
    const plan = source
      ? await planDestroy(inst, source)
      : { safe: false, summary: 'no checkpoint store known for this instance: nothing can verify a copy' };
    if (plan.safe && 'instanceId' in plan) {
      const d = await executeDestroy(
        { api: this.deps.api, journal: this.deps.journal, now: this.deps.now, sleep: this.deps.sleep },
        plan,
        { confirmLists: this.opts.confirmLists },
      );
      if (d.outcome === 'destroyed')
        return { action: a, outcome: 'destroyed', message: `${d.message}: ${plan.summary}` };
      await this.deps.api.stopInstance(a.instanceId);
      return {
        action: a,
        outcome: 'stopped-instead',
        message: `destroy did not complete (${d.message}); stopped ${a.instanceId} instead`,
      };
    }
    await this.deps.api.stopInstance(a.instanceId);
    return {
      action: a,
      outcome: 'stopped-instead',
      message: `not destroyed: ${plan.summary}; stopped ${a.instanceId} instead (storage keeps the checkpoint)`,
    };
  }

  private emit(e: EnforcerEvent): void {
    this.opts.onEvent?.(e);
  }
}

/** A health function that reads each instance at most once per `ttlMs` (monitor's keeper and rules share it). */
export function memoHealth(
  fn: (inst: Instance) => Promise<Health>,
  ttlMs: number,
  now: () => number = Date.now,
): (inst: Instance) => Promise<Health> {
  const cache = new Map<number, { at: number; value: Promise<Health> }>();
  return (inst) => {
    const hit = cache.get(inst.id);
    if (hit && now() - hit.at < ttlMs) return hit.value;
    const value = fn(inst);
    cache.set(inst.id, { at: now(), value });
    value.catch(() => cache.delete(inst.id));
    return value;
  };
}

/**
 * The listing a fleet keeper sees, with the lifecycle rules applied first: each pass lists the account, lets
 * the enforcer act (a finished worker stopped or destroyed by its rule), and hands the keeper a fresh listing
 * when anything changed, so the keeper counts what is really there.
 */
export function withLifecycle<A extends Pick<VastApi, 'listInstances' | 'currentUser'>>(
  api: A,
  enforcer: LifecycleEnforcer,
): Pick<VastApi, 'listInstances' | 'currentUser'> {
  return {
    currentUser: () => api.currentUser(),
    listInstances: async () => {
      const all = await api.listInstances();
      const done = await enforcer.pass(all);
      return done.some((d) => d.outcome !== 'left' && d.outcome !== 'dry-run') ? api.listInstances() : all;
    },
  };
}
