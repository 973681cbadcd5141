/**
 * The status a person needs to see, derived from Vast's container state plus what the store observed:
 * "outbid" (a stopped interruptible instance) and "stuck" (loading for more than 10 minutes).
 */
import type { Instance } from '../vast/types.js';
import { instanceBurn } from './burn.js';

/** How a status should be coloured: a semantic level the theme maps to a colour (ui/theme-context.tsx). */
export type StatusLevel = 'ok' | 'busy' | 'idle' | 'warn' | 'error';

/** What every view knows about a display status. */
export interface StatusInfo {
  /** The word in the STATUS column, the footer's counts and `vastdeck instances`. */
  readonly label: string;
  readonly level: StatusLevel;
  /** Position in the footer's counts (lower first). */
  readonly order: number;
}

/**
 * THE table of display statuses: Vast's container states plus "stuck" and "outbid" (derived below). Its keys are
 * `DisplayStatus`; a Vast state missing here fails to compile in displayStatus.
 */
export const STATUS = {
  provisioning: { label: 'provisioning', level: 'busy', order: 3 },
  created: { label: 'created', level: 'busy', order: 4 },
  loading: { label: 'loading', level: 'busy', order: 1 },
  stuck: { label: 'stuck', level: 'warn', order: 2 },
  running: { label: 'running', level: 'ok', order: 0 },
  frozen: { label: 'frozen', level: 'idle', order: 6 },
  rebooting: { label: 'rebooting', level: 'busy', order: 5 },
  stopped: { label: 'stopped', level: 'idle', order: 7 },
  outbid: { label: 'outbid', level: 'warn', order: 8 },
  exited: { label: 'exited', level: 'error', order: 9 },
  offline: { label: 'offline', level: 'error', order: 10 },
  unknown: { label: 'unknown', level: 'error', order: 11 },
} as const satisfies Record<string, StatusInfo>;

/** Status shown in the fleet table: a row of STATUS. */
export type DisplayStatus = keyof typeof STATUS;

/** Loading longer than this is "stuck" (image pulls that never finish are the common case). */
export const STUCK_AFTER_MS = 10 * 60_000;

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
  return {
    status,
    level: statusLevel(status),
    dph,
    billing: inst.status === 'running' || inst.status === 'frozen' ? 'gpu' : 'storage',
  };
}

/** Colour level of a display status. */
export function statusLevel(status: DisplayStatus): StatusLevel {
  return STATUS[status].level;
}

/** Every display status, in the order the footer counts them (STATUS's `order`). */
export const STATUS_ORDER: readonly DisplayStatus[] = (Object.keys(STATUS) as DisplayStatus[]).sort(
  (a, b) => STATUS[a].order - STATUS[b].order,
);
