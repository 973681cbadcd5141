/**
 * The fleet store: ONE poller for the whole app. It keeps the last good snapshot, emits at most once per poll
 * (and not at all when nothing changed), and hands React an immutable, row-stable snapshot through
 * subscribe()/getSnapshot() for useSyncExternalStore.
 */
import type { VastApi } from '../vast/api.js';
import type { Instance, User } from '../vast/types.js';
import { sanitizeLine } from '../util/sanitize.js';
import { Poller, type PollerClock } from './poller.js';
import { mergeRows, sameData } from './rows.js';
import { serverClock } from '../vast/server-clock.js';
import type { HealthSeverity } from './health.js';

/** Per-instance training health, filled by the health classifier (health.ts); the table shows "–" without it. */
export interface InstanceHealth {
  /** Latest training step seen, when known. */
  step: number | null;
  /** Short word shown in the HEALTH column, e.g. "ok", "stalled", "oom". */
  text: string;
  /** Colour level. */
  level: HealthSeverity;
  /** Why: "no step advance for 8h35m", the OOM line, "instance stopped" (the detail pane leads with it). */
  reason?: string;
  /** The last error line in the log (a traceback's final line, an OOM, a NCCL error). */
  error?: string;
  /** Steps at the recent step advances, and the rate (it/s) and loss seen with them, oldest first. */
  steps?: number[];
  rates?: number[];
  losses?: number[];
}

/** Why the last poll failed. `message` is sanitized and never carries secrets (VastError guarantees it). */
export interface FleetError {
  kind: string;
  message: string;
  /** Epoch ms of the latest failure. */
  at: number;
  /** Consecutive failures so far. */
  failures: number;
}

/** What the UI draws. Immutable; unchanged instances keep their identity between snapshots. */
export interface FleetSnapshot {
  /** Instances ordered by id. */
  readonly instances: readonly Instance[];
  /** When each instance was first seen in its current status (epoch ms); drives "stuck". */
  readonly statusSince: ReadonlyMap<number, number>;
  readonly user: User | null;
  readonly health: ReadonlyMap<number, InstanceHealth>;
  /** False until the first successful instance list. */
  readonly loaded: boolean;
  /** Epoch ms of the last good poll as of this snapshot (exact whenever `error` is set). */
  readonly lastOkAt: number | null;
  /** Set while the API fails; the previous good data stays in `instances`. */
  readonly error: FleetError | null;
}

/** Options of a FleetStore. */
export interface FleetStoreOptions {
  api: Pick<VastApi, 'listInstances' | 'currentUser' | 'clockOffsetMs'>;
  /** Poll interval; floored at 2 s by the poller. */
  pollMs: number;
  /** How often the account balance is refreshed (it changes slowly); 60 s by default. */
  userEveryMs?: number;
  clock?: PollerClock;
  /** The clock ages and "stuck" are measured on; the API's (serverClock) by default, as startedAt is on it. */
  now?: () => number;
  random?: () => number;
}

const EMPTY: FleetSnapshot = Object.freeze({
  instances: Object.freeze([]) as readonly Instance[],
  statusSince: new Map<number, number>(),
  user: null,
  health: new Map<number, InstanceHealth>(),
  loaded: false,
  lastOkAt: null,
  error: null,
});

/** Error kind and a one-line message, whatever was thrown. */
function describe(err: unknown): { kind: string; message: string } {
  const e = err as { kind?: unknown; message?: unknown } | null;
  const kind = typeof e?.kind === 'string' ? e.kind : 'error';
  const raw = typeof e?.message === 'string' ? e.message : String(err);
  return { kind, message: sanitizeLine(raw).slice(0, 200) };
}

/** Owns the fleet poll and the current snapshot. */
export class FleetStore {
  private snap: FleetSnapshot = EMPTY;
  private readonly listeners = new Set<() => void>();
  private readonly poller: Poller;
  /** Now on the API's clock (or the one given): what views compare startedAt and statusSince with. */
  readonly now: () => number;
  private readonly userEveryMs: number;
  private userAt = -Infinity;
  /** Real time of the last good poll; copied into the snapshot only when an emit happens anyway. */
  private lastOk: number | null = null;

  constructor(private readonly opts: FleetStoreOptions) {
    this.now = opts.now ?? serverClock(opts.api);
    this.userEveryMs = opts.userEveryMs ?? 60_000;
    this.poller = new Poller({ task: () => this.poll(), intervalMs: opts.pollMs, clock: opts.clock, random: opts.random });
  }

  /** useSyncExternalStore subscribe. */
  subscribe = (listener: () => void): (() => void) => {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  };

  /** useSyncExternalStore getSnapshot: the same object until something changes. */
  getSnapshot = (): FleetSnapshot => this.snap;

  /** Starts polling; the first refresh runs at once. */
  start(): void {
    this.poller.start();
  }

  /** Stops polling for good. */
  stop(): void {
    this.poller.stop();
  }

  /** Pauses polling while something else (ssh, tmux attach) owns the terminal. */
  pause(): void {
    this.poller.pause();
  }

  /** Resumes polling with an immediate refresh. */
  resume(): void {
    this.poller.resume();
  }

  /** Refreshes now, joining a poll already in flight. */
  refresh(): Promise<void> {
    return this.poller.refreshNow();
  }

  /** The poller's chosen delay before the next poll (backoff shows here). */
  get nextDelayMs(): number {
    return this.poller.nextDelayMs;
  }

  /** Sets (or clears, with null) the health of one instance; emits only when it changed. */
  setHealth(id: number, health: InstanceHealth | null): void {
    const old = this.snap.health.get(id);
    if (health === null ? old === undefined : old !== undefined && sameData(old, health)) return;
    const next = new Map(this.snap.health);
    if (health === null) next.delete(id);
    else next.set(id, Object.freeze({ ...health }));
    this.commit({ ...this.snap, health: next });
  }

  private async poll(): Promise<void> {
    const now = this.now();
    const wantUser = now - this.userAt >= this.userEveryMs;
    const userP = wantUser ? this.opts.api.currentUser().then((u) => u, () => null) : Promise.resolve(null);
    let list: Instance[];
    try {
      list = await this.opts.api.listInstances();
    } catch (err) {
      await userP;
      const { kind, message } = describe(err);
      const failures = (this.snap.error?.failures ?? 0) + 1;
      this.commit({ ...this.snap, lastOkAt: this.lastOk, error: { kind, message, at: this.now(), failures } });
      throw err;
    }
    const user = await userP;
    if (user) this.userAt = now;
    this.apply(list, user, this.now());
  }

  private apply(list: Instance[], user: User | null, now: number): void {
    const prev = this.snap;
    this.lastOk = now;
    const instances = mergeRows(prev.instances, list);
    const statusSince = this.nextSince(prev, instances, now);
    const nextUser = user && !sameData(user, prev.user) ? Object.freeze({ ...user }) : prev.user;
    const changed =
      instances !== prev.instances || statusSince !== prev.statusSince || nextUser !== prev.user ||
      prev.error !== null || !prev.loaded;
    if (!changed) return;
    this.commit({ ...prev, instances, statusSince, user: nextUser, loaded: true, lastOkAt: now, error: null });
  }

  /** Tracks when each row entered its status; the previous map is kept when nothing moved. */
  private nextSince(prev: FleetSnapshot, rows: readonly Instance[], now: number): ReadonlyMap<number, number> {
    if (rows === prev.instances && prev.loaded) return prev.statusSince;
    const oldStatus = new Map(prev.instances.map((r) => [r.id, r.status]));
    const next = new Map<number, number>();
    let changed = rows.length !== prev.statusSince.size;
    for (const row of rows) {
      const had = prev.statusSince.get(row.id);
      let since: number;
      if (had !== undefined && oldStatus.get(row.id) === row.status) since = had;
      else if (!prev.loaded) since = row.startedAt ?? now; // first look: the best we know
      else since = now;
      if (since !== had) changed = true;
      next.set(row.id, since);
    }
    return changed ? next : prev.statusSince;
  }

  private commit(next: FleetSnapshot): void {
    this.snap = Object.freeze(next);
    for (const l of [...this.listeners]) l();
  }
}
