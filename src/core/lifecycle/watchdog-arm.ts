/**
 * Wiring of the host watchdog (watchdog.ts) into vastdeck's commands: `provision` arms it on a rental whose rules
 * ask for one (a key scoped to that instance, created through the API and registered as a secret before anything
 * can print it; the journal's `lifecycle.watchdog` record holds the instance, the limits and the key's id — never
 * its value), and `autopilot` touches its heartbeat on each pass for every running instance whose journaled rules
 * have a watchdog.
 */
import type { JournalWriter } from '../journal/journal.js';
import type { Instance } from '../vast/types.js';
import type { RentalRules } from './journal.js';
import type { LifecycleRules } from './rules.js';
import { armWatchdog, heartbeat, watchdogPermissions, type HostExec, type WatchdogSpec } from './watchdog.js';
import type { SshPool } from '../ssh/index.js';
import { sshEndpoint } from '../vast/units.js';

/** What arming needs. */
export interface ArmDeps {
  api: {
    createApiKey(name: string, permissions: unknown): Promise<{ id: number; key: string }>;
    deleteApiKey(id: number): Promise<void>;
  };
  exec: HostExec;
  journal: JournalWriter;
  /** Called with the key's value before it is used anywhere: the caller redacts it from output and journal. */
  onSecret: (value: string) => void;
}

/** The watchdog's settings for one instance under these rules; null when the rules have no watchdog. */
export function watchdogSpecFor(
  rules: LifecycleRules,
  instanceId: number,
  apiUrl: string,
  extra: { dir?: string } = {},
): WatchdogSpec | null {
  if (!rules.watchdog) return null;
  return {
    apiUrl,
    instanceId,
    maxRuntimeSec: rules.maxRuntimeMs === null ? null : Math.ceil(rules.maxRuntimeMs / 1000),
    heartbeatMaxAgeSec: Math.ceil(rules.watchdog.heartbeatStaleMs / 1000),
    everySec: Math.max(1, Math.round(rules.watchdog.checkEveryMs / 1000)),
    ...extra,
  };
}

/**
 * Creates the instance-scoped key, arms the watchdog over SSH and journals it. A failure to arm revokes the key
 * it created (best effort) and throws one message naming the instance.
 */
export async function armInstanceWatchdog(d: ArmDeps, spec: WatchdogSpec): Promise<{ keyId: number; pid: number }> {
  const { id: keyId, key } = await d.api.createApiKey(
    `vastdeck-watchdog-${spec.instanceId}`,
    watchdogPermissions(spec.instanceId),
  );
  d.onSecret(key);
  let pid: number;
  try {
    ({ pid } = await armWatchdog(d.exec, spec, key));
  } catch (err) {
    await d.api.deleteApiKey(keyId).catch(() => undefined);
    throw err;
  }
  await d.journal.append({
    op: 'lifecycle.watchdog',
    phase: 'after',
    ids: { instanceId: spec.instanceId },
    details: {
      event: 'armed',
      keyId,
      pid,
      maxRuntimeSec: spec.maxRuntimeSec,
      heartbeatMaxAgeSec: spec.heartbeatMaxAgeSec,
      everySec: spec.everySec ?? 60,
    },
  });
  return { keyId, pid };
}

/** One heartbeat's outcome. */
export interface HeartbeatResult {
  instanceId: number;
  ok: boolean;
  error?: string;
}

/**
 * Touches the heartbeat of every running instance whose journaled rules have a watchdog. A host that cannot be
 * reached is reported, never thrown: the other hosts still get theirs.
 */
export async function touchHeartbeats(
  instances: readonly Instance[],
  rules: ReadonlyMap<number, RentalRules>,
  execFor: (inst: Instance) => HostExec,
  dir?: string,
): Promise<HeartbeatResult[]> {
  const due = instances.filter((i) => i.status === 'running' && rules.get(i.id)?.rules.watchdog);
  return Promise.all(
    due.map(async (inst) => {
      try {
        await heartbeat(execFor(inst), dir);
        return { instanceId: inst.id, ok: true };
      } catch (err) {
        return { instanceId: inst.id, ok: false, error: (err as Error).message };
      }
    }),
  );
}

/**
 * A host's command runner over an SSH pool, at the instance's endpoint (the one provision armed the watchdog through).
 */
export function hostExecOver(pool: () => Pick<SshPool, 'exec'>, timeoutMs = 30_000): (inst: Instance) => HostExec {
  return (inst) => (cmd) => {
    const ep = sshEndpoint(inst);
    if (!ep) return Promise.reject(new Error(`instance ${inst.id} has no SSH endpoint yet`));
    return pool().exec({ host: ep.host, port: ep.port }, cmd, { timeoutMs });
  };
}
