/**
 * The status a person needs to see, derived from Vast's container state plus what the store observed:
 * "outbid" (a stopped interruptible instance) and "stuck" (loading for more than 10 minutes).
 */
import type { Instance } from '../vast/types.js';
import { instanceBurn } from './burn.js';

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

/** What one instance shows in every view and command: its display status, colour level and current $/hr. */
export interface InstanceView {
  status: DisplayStatus;
  level: StatusLevel;
  /** $/hr it costs now: the full price while the GPU bills (running, frozen), else its storage. */
  dph: number;
  billing: 'gpu' | 'storage';
}

/**
 * THE function every view and command uses for an instance's status and current $/hr (the fleet table, the
 * footer, the cost panel, the keeper, `vastdeck instances` and `cost`), so they never disagree.
 */
export function instanceView(inst: Instance, now: number, since: number | undefined): InstanceView {
  const status = displayStatus(inst, now, since);
  const dph = instanceBurn(inst);
  return { status, level: statusLevel(status), dph, billing: inst.status === 'running' || inst.status === 'frozen' ? 'gpu' : 'storage' };
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
