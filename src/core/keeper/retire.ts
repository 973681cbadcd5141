/**
 * The keeper's real retire: destroy a worker it replaces, under DESIGN's first safety rule. A worker replaced
 * for a stuck boot or a stuck setup never trained, so nothing saved can be lost; any other worker is destroyed
 * only when planDestroy finds its newest checkpoint verified off the host (or the user allowed unverified ones).
 */
import type { Instance } from '../vast/types.js';
import {
  executeDestroy,
  planDestroy,
  type CheckpointSource,
  type DestroyDeps,
  type DestroyPlan,
} from '../ops/destroy.js';
import type { KeeperAction } from './policy.js';
import type { RetireOutcome } from './keeper.js';

/** What the retirer needs. */
export interface RetirerOptions extends DestroyDeps {
  /** How to read an instance's checkpoints; null when the profile names no store. */
  source: ((inst: Instance) => CheckpointSource) | null;
  /** Destroy even when the newest checkpoint is not verified (--replace-unverified). */
  allowUnverified?: boolean;
  /** Listings to confirm the instance is gone (default 5). */
  confirmLists?: number;
}

/** A plan for a worker that never produced training output: nothing on it can be lost. */
export function untrainedPlan(inst: Instance, why: string): DestroyPlan {
  return {
    instanceId: inst.id,
    label: inst.label,
    status: inst.status,
    hostStep: null,
    verifiedStep: null,
    verification: null,
    safe: true,
    refusal: null,
    summary: `${why}: never trained, nothing saved to lose`,
  };
}

/** Builds `retire(inst, action)` for the keeper. */
export function makeRetirer(
  o: RetirerOptions,
): (inst: Instance, action: Extract<KeeperAction, { type: 'replace' }>) => Promise<RetireOutcome> {
  return async (inst, action) => {
    let plan: DestroyPlan;
    if (action.trigger === 'stuck-boot' || action.trigger === 'stuck-setup') plan = untrainedPlan(inst, action.trigger);
    else if (o.source) plan = await planDestroy(inst, o.source(inst));
    else {
      plan = {
        ...untrainedPlan(inst, ''),
        safe: false,
        refusal: 'no-store',
        summary: 'no checkpoint store configured (profile has no checkpoint:), nothing can verify a copy',
      };
    }
    const r = await executeDestroy(o, plan, { force: !!o.allowUnverified, confirmLists: o.confirmLists });
    if (r.outcome === 'destroyed') return { outcome: 'destroyed', message: r.message };
    if (r.outcome === 'refused')
      return {
        outcome: 'refused',
        message: `${plan.summary}; destroy it yourself (vastdeck destroy ${inst.id}) or run with --replace-unverified`,
      };
    return { outcome: 'failed', message: r.message };
  };
}
