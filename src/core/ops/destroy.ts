/**
 * Safe destroy: refuse unless the plan is safe or forced, journal before and after, retry a rate-limited
 * (or lost) delete, and confirm the instance is really gone from a fresh listing — Vast's 200 alone does
 * not prove it, and a destroy whose answer was lost may still have happened.
 */
import { VastError } from '../vast/errors.js';
import type { VastApi } from '../vast/api.js';
import type { JournalWriter } from '../journal/journal.js';
import type { DestroyPlan } from './destroy-plan.js';

export { planDestroy, type DestroyPlan, type CheckpointSource, type RefusalReason } from './destroy-plan.js';

/** Collaborators of a destroy. */
export interface DestroyDeps {
  api: VastApi;
  journal: JournalWriter;
  sleep: (ms: number) => Promise<void>;
  now: () => number;
}

/** Progress of a destroy. */
export type DestroyEvent =
  | { type: 'refused'; instanceId: number; summary: string }
  | { type: 'request'; instanceId: number; attempt: number }
  | { type: 'retry'; instanceId: number; attempt: number; waitMs: number; message: string }
  | { type: 'still-listed'; instanceId: number; check: number }
  | { type: 'gone'; instanceId: number };

/** How one destroy ended. */
export interface DestroyResult {
  instanceId: number;
  outcome: 'destroyed' | 'refused' | 'unconfirmed' | 'failed';
  forced: boolean;
  message: string;
}

/** Settings of a destroy. */
export interface DestroyOptions {
  /** Destroy even when the plan is not safe. */
  force?: boolean;
  /** DELETE calls at most (default 5). */
  attempts?: number;
  /** First wait after a 429 or a lost answer, ms, doubled each time (default 3000: Vast's destroy threshold is 3 s). */
  retryBaseMs?: number;
  /** Listings to confirm the instance is gone (default 5). */
  confirmLists?: number;
  /** Pause between those listings, ms (default 2000). */
  confirmPauseMs?: number;
  onEvent?: (e: DestroyEvent) => void;
}

/** Kinds of failure after which the delete may not have happened yet and is worth repeating. */
const RETRYABLE = new Set(['rate_limited', 'server', 'network', 'malformed']);

/** Destroys the planned instance when safe (or forced), and confirms it is gone. */
export async function executeDestroy(
  deps: DestroyDeps,
  plan: DestroyPlan,
  opts: DestroyOptions = {},
): Promise<DestroyResult> {
  const emit = opts.onEvent ?? (() => {});
  const id = plan.instanceId;
  const forced = !plan.safe;
  if (!plan.safe && !opts.force) {
    emit({ type: 'refused', instanceId: id, summary: plan.summary });
    return {
      instanceId: id,
      outcome: 'refused',
      forced: false,
      message: `refused to destroy ${id}: ${plan.summary} (use --force to destroy anyway)`,
    };
  }
  const ids = { instanceId: id, ...(plan.label ? { label: plan.label } : {}) };
  const details = {
    status: plan.status,
    hostStep: plan.hostStep,
    verifiedStep: plan.verifiedStep,
    verification: plan.verification?.state ?? null,
    refusal: plan.refusal,
    forced,
    summary: plan.summary,
  };
  await deps.journal.append({ op: 'destroy', phase: 'before', ids, details });

  const attempts = Math.max(1, opts.attempts ?? 5);
  let alreadyGone = false;
  for (let attempt = 1; ; attempt++) {
    emit({ type: 'request', instanceId: id, attempt });
    try {
      await deps.api.destroyInstance(id);
      break;
    } catch (err) {
      const kind = err instanceof VastError ? err.kind : 'network';
      const message = (err as Error).message;
      // 404: already gone (perhaps by an earlier attempt whose answer was lost); the listing below decides.
      if (kind === 'not_found') {
        alreadyGone = true;
        break;
      }
      if (!RETRYABLE.has(kind) || attempt >= attempts) {
        await deps.journal.append({ op: 'destroy', phase: 'error', ids, details: { attempt, kind, message } });
        // A lost answer may still have destroyed it: say so rather than claim nothing happened.
        const maybe =
          kind === 'network' || kind === 'server'
            ? '; it may have been destroyed anyway: check with `vastdeck instances`'
            : '';
        return { instanceId: id, outcome: 'failed', forced, message: `destroy of ${id} failed: ${message}${maybe}` };
      }
      const waitMs = (opts.retryBaseMs ?? 3000) * 2 ** (attempt - 1);
      emit({ type: 'retry', instanceId: id, attempt, waitMs, message });
      await deps.sleep(waitMs);
    }
  }

  const gone = await confirmGone(deps, id, opts, emit);
  await deps.journal.append({
    op: 'destroy',
    phase: 'after',
    ids,
    details: { ...details, confirmedGone: gone, alreadyGone },
  });
  if (!gone) {
    return {
      instanceId: id,
      outcome: 'unconfirmed',
      forced,
      message: `Vast accepted the destroy of ${id}, but it is still listed; check with \`vastdeck instances\``,
    };
  }
  emit({ type: 'gone', instanceId: id });
  return {
    instanceId: id,
    outcome: 'destroyed',
    forced,
    message: `destroyed ${id}${forced ? ' (forced: ' + plan.summary + ')' : ''}`,
  };
}

/** Polls fresh listings until the instance is absent; a failed listing proves nothing and is retried. */
async function confirmGone(
  deps: DestroyDeps,
  id: number,
  opts: DestroyOptions,
  emit: (e: DestroyEvent) => void,
): Promise<boolean> {
  const lists = Math.max(1, opts.confirmLists ?? 5);
  for (let check = 1; check <= lists; check++) {
    try {
      const list = await deps.api.listInstances();
      if (!list.some((i) => i.id === id)) return true;
      emit({ type: 'still-listed', instanceId: id, check });
    } catch {
      // Try again after the pause.
    }
    if (check < lists) await deps.sleep(opts.confirmPauseMs ?? 2000);
  }
  return false;
}
