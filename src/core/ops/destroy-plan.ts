/**
 * What destroying an instance would lose: the newest checkpoint on its host against the newest one verified
 * off it. SAFETY.md's first rule lives here: a plan is `safe` only when the host's newest checkpoint is
 * verified in the store BY CONTENT (verify.ts); everything else (behind, incomplete, another run's bytes,
 * unverifiable, not found, no store, store or host unreachable) is refused unless forced, and says what would be
 * lost: steps, hours of training (from the checkpoints' times on the host) and dollars at the instance's rate.
 */
import type { Instance, InstanceStatus } from '../vast/types.js';
import type { CheckpointStoreReader, HostCheckpoint, Verification } from '../checkpoints/types.js';
import { HostReadError } from '../checkpoints/host.js';
import { describeVerification, verifyCheckpoint } from '../checkpoints/verify.js';
import { sanitizeLine } from '../util/sanitize.js';

/** How to reach one instance's checkpoints. */
export interface CheckpointSource {
  /** Reads the host's newest checkpoint (null = none yet); throws when the host cannot be reached or read. */
  readHost: () => Promise<HostCheckpoint | null>;
  /** The profile's store; null when the profile names none. */
  store: CheckpointStoreReader | null;
  /** Files the store deliberately leaves out (rsync excludes). */
  exclude?: string[];
  /** The instance's run id (VASTDECK_RUN_ID from provisioning), when known: names whose checkpoint the store holds. */
  runId?: string | null;
}

/** Why a plan is refused without --force. */
export type RefusalReason =
  | 'behind'
  | 'incomplete'
  | 'other-bytes'
  | 'unverifiable'
  | 'not-found'
  | 'store-unavailable'
  | 'no-store'
  | 'host-unreachable'
  | 'host-unreadable';

/** What destroying would lose: steps past the newest verified one, training time and its cost. */
export interface Loss {
  /** First and last step lost (first = verified step + 1, or 1). */
  from: number;
  to: number;
  steps: number;
  /** Hours of training those steps took; null when the host's checkpoint times cannot tell. */
  hours: number | null;
  /** hours × the instance's $/hr; null when hours is. */
  dollars: number | null;
}

/** The outcome of looking before destroying one instance. */
export interface DestroyPlan {
  instanceId: number;
  label: string | null;
  status: InstanceStatus;
  /** Newest checkpoint step on the host; null when unknown or none. */
  hostStep: number | null;
  /** Newest step verified off the host; null when none or unknown. */
  verifiedStep: number | null;
  /** The verdict, when the host and the store could both be read. */
  verification: Verification | null;
  /** True only when nothing saved on the host would be lost. */
  safe: boolean;
  /** Null when safe. */
  refusal: RefusalReason | null;
  /** One line: what would be lost, or why nothing would. */
  summary: string;
  /** What would be lost when refused with a known host checkpoint; null otherwise. */
  loss?: Loss | null;
}

const UP: InstanceStatus[] = ['running', 'loading', 'rebooting', 'created'];

/** Looks at the host and the store and says whether destroying `instance` would lose work. Never throws. */
export async function planDestroy(instance: Instance, source: CheckpointSource): Promise<DestroyPlan> {
  const plan = await look(instance, source);
  // File names come from the host and the store: strip control sequences before anything prints them.
  return { ...plan, summary: sanitizeLine(plan.summary) };
}

async function look(instance: Instance, source: CheckpointSource): Promise<DestroyPlan> {
  const base = {
    instanceId: instance.id,
    label: instance.label,
    status: instance.status,
    verification: null,
    verifiedStep: null,
  };
  let host: HostCheckpoint | null;
  try {
    host = await source.readHost();
  } catch (err) {
    const why = sanitizeLine((err as Error)?.message ?? String(err)).slice(0, 200);
    if (err instanceof HostReadError) {
      return {
        ...base,
        hostStep: null,
        safe: false,
        refusal: 'host-unreadable',
        summary: `cannot read the run dir on the host (${why}): can't verify the newest checkpoint`,
      };
    }
    const state = UP.includes(instance.status)
      ? `is ${instance.status} but its host is unreachable`
      : `is ${instance.status} and its host is unreachable`;
    return {
      ...base,
      hostStep: null,
      safe: false,
      refusal: 'host-unreachable',
      summary: `instance ${instance.id} ${state} (${why}): can't verify the newest checkpoint on it`,
    };
  }
  const hostStep = host?.step ?? null;
  if (!source.store) {
    const what = hostStep === null ? 'no checkpoint on the host yet' : `the host has checkpoint-${hostStep}`;
    return {
      ...base,
      hostStep,
      safe: false,
      refusal: 'no-store',
      summary: `no checkpoint store configured (profile has no checkpoint:): ${what}, and nothing can verify a copy`,
    };
  }
  const v = await verifyCheckpoint(host, source.store, { exclude: source.exclude, runId: source.runId ?? null });
  const plan = { ...base, hostStep, verification: v, verifiedStep: v.verifiedStep };
  const where = source.store.where;
  if (v.state === 'verified') {
    return {
      ...plan,
      safe: true,
      refusal: null,
      loss: null,
      summary: `checkpoint-${v.hostStep} is verified by content in ${where}: nothing would be lost`,
    };
  }
  if (v.state === 'no-host-checkpoint')
    return {
      ...plan,
      safe: true,
      refusal: null,
      loss: null,
      summary: `no checkpoint on the host yet: nothing saved would be lost`,
    };
  const loss = host ? await lossOf(host, v.verifiedStep, instance.dphTotal) : null;
  const lost = loss ? `would lose ${describeLoss(loss, instance.dphTotal)}` : '';
  switch (v.state) {
    case 'behind':
      return {
        ...plan,
        safe: false,
        refusal: 'behind',
        loss,
        summary: `${lost}: ${describeVerification(v)} in ${where}`,
      };
    case 'incomplete':
      return {
        ...plan,
        safe: false,
        refusal: 'incomplete',
        loss,
        summary: `${lost}: ${describeVerification(v)} in ${where}`,
      };
    case 'mismatch':
      return {
        ...plan,
        safe: false,
        refusal: 'other-bytes',
        loss,
        summary: `${lost}: ${describeVerification(v)} (${where})`,
      };
    case 'unverifiable':
      return {
        ...plan,
        safe: false,
        refusal: 'unverifiable',
        loss,
        summary:
          `${describeVerification(v)}; destroying may lose ` +
          `${loss ? describeLoss(loss, instance.dphTotal) : `checkpoint-${hostStep}`}`,
      };
    case 'not-found':
      return {
        ...plan,
        safe: false,
        refusal: 'not-found',
        loss,
        summary: `${lost}: ${describeVerification(v)} in ${where}`,
      };
    case 'unavailable':
      return {
        ...plan,
        safe: false,
        refusal: 'store-unavailable',
        loss,
        summary: `${describeVerification(v)}; the host has checkpoint-${hostStep ?? '?'}`,
      };
  }
}

/**
 * Steps from the newest verified one (exclusive) to the host's newest, timed by the checkpoints' mtimes on the host.
 */
export async function lossOf(host: HostCheckpoint, verifiedStep: number | null, dph: number): Promise<Loss> {
  const from = (verifiedStep ?? 0) + 1;
  const steps = host.step - (verifiedStep ?? 0);
  let hours: number | null = null;
  const newest = host.mtimeMs ?? null;
  // Seconds per step from two checkpoints of this host: the verified one, else the previous one.
  const ref =
    verifiedStep !== null && host.steps?.includes(verifiedStep)
      ? verifiedStep
      : host.steps?.filter((n) => n < host.step).at(-1);
  if (newest !== null && ref !== undefined && host.mtimeOf) {
    const then = await host.mtimeOf(ref).catch(() => null);
    if (then !== null && newest > then) hours = (((newest - then) / (host.step - ref)) * steps) / 3_600_000;
  }
  return { from, to: host.step, steps, hours, dollars: hours === null ? null : hours * dph };
}

/** "steps 201–300 (100 steps, ~0.6 h of training, ~$1.23 at $2.050/hr)". */
export function describeLoss(l: Loss, dph: number): string {
  const range = l.from === l.to ? `step ${l.to}` : `steps ${l.from}–${l.to}`;
  const time =
    l.hours === null
      ? 'training time unknown'
      : `~${l.hours < 10 ? l.hours.toFixed(1) : Math.round(l.hours)} h of training, ` +
        `~$${(l.dollars ?? 0).toFixed(2)} at $${dph.toFixed(3)}/hr`;
  return `${range} (${l.steps} step${l.steps === 1 ? '' : 's'}, ${time})`;
}
