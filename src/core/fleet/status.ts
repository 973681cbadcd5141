/**
 * The status a person needs to see, derived from Vast's container state plus what the store observed:
 * "outbid" (a stopped interruptible instance) and "stuck" (loading for more than 10 minutes).
 */
import type { Instance } from '../vast/types.js';

/** Status shown in the fleet table. */
export type DisplayStatus =
  | 'provisioning'
  | 'created'
  | 'loading'
  | 'stuck'
  | 'running'
  | 'frozen'
  | 'rebooting'
  | 'stopped'
  | 'outbid'
  | 'exited'
  | 'offline'
  | 'unknown';

/** Loading longer than this is "stuck" (image pulls that never finish are the common case). */
export const STUCK_AFTER_MS = 10 * 60_000;

/** How a status should be coloured: a semantic level the theme maps to a colour. */
export type StatusLevel = 'ok' | 'busy' | 'idle' | 'warn' | 'error';

const LEVELS: Record<DisplayStatus, StatusLevel> = {
  provisioning: 'busy',
  created: 'busy',
  loading: 'busy',
  rebooting: 'busy',
  stuck: 'warn',
  running: 'ok',
  frozen: 'idle',
  stopped: 'idle',
  outbid: 'warn',
  exited: 'error',
  offline: 'error',
  unknown: 'error',
};

/**
 * Display status of one instance. `since` is when the store first saw it in its current state (epoch ms),
 * because `startedAt` is the creation time and says nothing about a restart that is loading again.
 */
export function displayStatus(inst: Instance, now: number, since: number | undefined): DisplayStatus {
  if (inst.status === 'stopped' && inst.isBid) return 'outbid';
  if (inst.status === 'loading') {
    const from = since ?? inst.startedAt ?? now;
    return now - from > STUCK_AFTER_MS ? 'stuck' : 'loading';
  }
  return inst.status;
}

/** Colour level of a display status. */
export function statusLevel(status: DisplayStatus): StatusLevel {
  return LEVELS[status];
}

/** Every display status, in the order the footer counts them. */
export const STATUS_ORDER: readonly DisplayStatus[] = [
  'running', 'loading', 'stuck', 'provisioning', 'created', 'rebooting', 'frozen',
  'stopped', 'outbid', 'exited', 'offline', 'unknown',
];
