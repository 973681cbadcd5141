/**
 * Lifecycle rules: what happens to an instance when its run finishes, crashes, runs too long, sits idle or is
 * outbid. The profile writes them (`lifecycle:` in instance_profiles.yaml, schema below); `provision` journals
 * the effective rules of each rental (`lifecycle.rules`), so every enforcer (autopilot, monitor, the TUI) finds
 * them again by instance id. A rule that destroys is always checked against the checkpoint store first.
 */
import * as z from 'zod';
import { formatDuration, parseDuration } from '../present/durations.js';

const duration = z.string().refine((s) => parseDuration(s) !== null && parseDuration(s)! > 0, {
  message: 'expected a duration like 20m, 12h or 1h30m',
});
const endAction = z.enum(['stop', 'destroy', 'keep']);

/** The profile's `lifecycle:` block. */
export const lifecycleSchema = z.strictObject({
  /** When the run prints its completion: stop, destroy (only after a verified checkpoint), or keep (default). */
  onFinish: endAction.default('keep'),
  /** When the run crashed or the container exited: keep (default: left for a human), stop or destroy. */
  onCrash: endAction.default('keep'),
  /** Stop the instance once it has existed this long, e.g. "12h". */
  maxRuntime: duration.optional(),
  /** GPU utilisation below `gpuUtilBelow` % for `for` → `then`. */
  idle: z
    .strictObject({
      gpuUtilBelow: z.number().min(0).max(100).default(5),
      for: duration.default('20m'),
      then: z.enum(['stop', 'destroy']).default('stop'),
    })
    .optional(),
  /** An interruptible instance outbid (stopped, still paying storage): keep (report only), raise-bid, or migrate. */
  onOutbid: z.enum(['keep', 'raise-bid', 'migrate']).default('keep'),
  /** Highest bid raise-bid may set, $/hr; without it a raise is at most 1.5× the current bid. */
  maxBid: z.number().min(0.001).max(128).optional(),
  /**
   * The host watchdog (for a closed laptop): `provision` arms it on the instance, which then stops itself after
   * maxRuntime, or when vastdeck's heartbeat (autopilot touches it each pass) is older than heartbeatStale.
   */
  watchdog: z.strictObject({ heartbeatStale: duration, checkEvery: duration.default('1m') }).optional(),
});

/** As written in YAML. */
export type LifecycleInput = z.input<typeof lifecycleSchema>;

/** Rules in the form the policy uses (durations in ms); JSON-safe, as journaled. */
export interface LifecycleRules {
  onFinish: 'stop' | 'destroy' | 'keep';
  onCrash: 'stop' | 'destroy' | 'keep';
  maxRuntimeMs: number | null;
  idle: { gpuUtilBelow: number; forMs: number; then: 'stop' | 'destroy' } | null;
  onOutbid: 'keep' | 'raise-bid' | 'migrate';
  maxBid: number | null;
  /**
   * The host watchdog: stop when vastdeck's heartbeat is older than heartbeatStaleMs (and past maxRuntimeMs); null =
   * none. Absent in older records.
   */
  watchdog?: { heartbeatStaleMs: number; checkEveryMs: number } | null;
}

/** Nothing is ever done automatically. */
export const KEEP_ALL: LifecycleRules = {
  onFinish: 'keep',
  onCrash: 'keep',
  maxRuntimeMs: null,
  idle: null,
  onOutbid: 'keep',
  maxBid: null,
};

/** The policy's rules from a profile's block (absent = keep everything). */
export function rulesFromProfile(block: z.infer<typeof lifecycleSchema> | undefined): LifecycleRules {
  if (!block) return { ...KEEP_ALL };
  return {
    onFinish: block.onFinish,
    onCrash: block.onCrash,
    maxRuntimeMs: block.maxRuntime ? parseDuration(block.maxRuntime) : null,
    idle: block.idle
      ? { gpuUtilBelow: block.idle.gpuUtilBelow, forMs: parseDuration(block.idle.for)!, then: block.idle.then }
      : null,
    onOutbid: block.onOutbid,
    maxBid: block.maxBid ?? null,
    ...(block.watchdog
      ? {
          watchdog: {
            heartbeatStaleMs: parseDuration(block.watchdog.heartbeatStale)!,
            checkEveryMs: parseDuration(block.watchdog.checkEvery)!,
          },
        }
      : {}),
  };
}

/** True when the rules would never act. */
export function rulesAreInert(r: LifecycleRules): boolean {
  return (
    r.onFinish === 'keep' &&
    r.onCrash === 'keep' &&
    r.maxRuntimeMs === null &&
    r.idle === null &&
    r.onOutbid === 'keep' &&
    !r.watchdog
  );
}

const RulesRecord = z.object({
  onFinish: endAction,
  onCrash: endAction,
  maxRuntimeMs: z.number().positive().nullable(),
  idle: z
    .object({ gpuUtilBelow: z.number(), forMs: z.number().positive(), then: z.enum(['stop', 'destroy']) })
    .nullable(),
  onOutbid: z.enum(['keep', 'raise-bid', 'migrate']),
  maxBid: z.number().nullable(),
  watchdog: z
    .object({ heartbeatStaleMs: z.number().positive(), checkEveryMs: z.number().positive() })
    .nullable()
    .optional(),
});

/** Rules read back from a journal record; null when the record does not hold valid ones. */
export function rulesFromRecord(value: unknown): LifecycleRules | null {
  const r = RulesRecord.safeParse(value);
  return r.success ? r.data : null;
}

/** One line describing the rules, for logs and help. */
export function describeRules(r: LifecycleRules): string {
  const parts: string[] = [];
  if (r.onFinish !== 'keep') parts.push(`finish→${r.onFinish}`);
  if (r.onCrash !== 'keep') parts.push(`crash→${r.onCrash}`);
  if (r.maxRuntimeMs !== null) parts.push(`maxRuntime ${formatDuration(r.maxRuntimeMs)}→stop`);
  if (r.idle) parts.push(`idle <${r.idle.gpuUtilBelow}% for ${formatDuration(r.idle.forMs)}→${r.idle.then}`);
  if (r.onOutbid !== 'keep') parts.push(`outbid→${r.onOutbid}${r.maxBid !== null ? ` (max $${r.maxBid}/hr)` : ''}`);
  if (r.watchdog) parts.push(`host watchdog (heartbeat stale ${formatDuration(r.watchdog.heartbeatStaleMs)}→stop)`);
  return parts.length ? parts.join(', ') : 'keep (no rules)';
}
