/**
 * What destroying an instance would lose: the newest checkpoint on its host against the newest one verified
 * off it. SAFETY.md's first rule lives here: a plan is `safe` only when the host's newest checkpoint is
 * verified in the store; everything else (behind, incomplete, not found, no store, store or host unreachable)
 * is refused unless forced.
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
}

/** Why a plan is refused without --force. */
export type RefusalReason = 'behind' | 'incomplete' | 'not-found' | 'store-unavailable' | 'no-store' | 'host-unreachable' | 'host-unreadable';

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
}

const UP: InstanceStatus[] = ['running', 'loading', 'rebooting', 'created'];

/** Looks at the host and the store and says whether destroying `instance` would lose work. Never throws. */
export async function planDestroy(instance: Instance, source: CheckpointSource): Promise<DestroyPlan> {
  const plan = await look(instance, source);
  // File names come from the host and the store: strip control sequences before anything prints them.
  return { ...plan, summary: sanitizeLine(plan.summary) };
}

async function look(instance: Instance, source: CheckpointSource): Promise<DestroyPlan> {
  const base = { instanceId: instance.id, label: instance.label, status: instance.status, verification: null, verifiedStep: null };
  let host: HostCheckpoint | null;
  try {
    host = await source.readHost();
  } catch (err) {
    const why = sanitizeLine((err as Error)?.message ?? String(err)).slice(0, 200);
    if (err instanceof HostReadError) {
      return { ...base, hostStep: null, safe: false, refusal: 'host-unreadable', summary: `cannot read the run dir on the host (${why}): can't verify the newest checkpoint` };
    }
    const state = UP.includes(instance.status) ? `is ${instance.status} but its host is unreachable` : `is ${instance.status} and its host is unreachable`;
    return { ...base, hostStep: null, safe: false, refusal: 'host-unreachable', summary: `instance ${instance.id} ${state} (${why}): can't verify the newest checkpoint on it` };
  }
  const hostStep = host?.step ?? null;
  if (!source.store) {
    const what = hostStep === null ? 'no checkpoint on the host yet' : `the host has checkpoint-${hostStep}`;
    return { ...base, hostStep, safe: false, refusal: 'no-store', summary: `no checkpoint store configured (profile has no checkpoint:): ${what}, and nothing can verify a copy` };
  }
  const v = await verifyCheckpoint(host, source.store, { exclude: source.exclude });
  const plan = { ...base, hostStep, verification: v, verifiedStep: v.verifiedStep };
  const where = source.store.where;
  switch (v.state) {
    case 'verified':
      return { ...plan, safe: true, refusal: null, summary: `checkpoint-${v.hostStep} is verified in ${where} (step ${v.verifiedStep}): nothing would be lost` };
    case 'no-host-checkpoint':
      return { ...plan, safe: true, refusal: null, summary: `no checkpoint on the host yet: nothing saved would be lost` };
    case 'behind':
      return { ...plan, safe: false, refusal: 'behind', summary: `would lose steps ${v.verifiedStep + 1}–${v.hostStep}: ${describeVerification(v)} in ${where}` };
    case 'incomplete':
      return { ...plan, safe: false, refusal: 'incomplete', summary: `would lose step ${v.hostStep}: ${describeVerification(v)} in ${where}` };
    case 'not-found':
      return { ...plan, safe: false, refusal: 'not-found', summary: `would lose everything up to step ${v.hostStep}: no checkpoint found in ${where}` };
    case 'unavailable':
      return { ...plan, safe: false, refusal: 'store-unavailable', summary: `${describeVerification(v)}; the host has checkpoint-${hostStep ?? '?'}` };
  }
}
