/**
 * The log pane's store for one instance: one LogRing fed by SSH when it can be (live, ~instant) and by the
 * Vast logs API when it cannot (no endpoint yet, host unreachable, auth refused), with a status line saying
 * which. Emits are throttled to at most 10 per second (DESIGN rule 6); the UI reads it with
 * useSyncExternalStore through subscribe()/getSnapshot().
 */
import type { VastApi } from '../../vast/api.js';
import type { SshTarget } from '../../ssh/connect.js';
import { endpointOf } from '../../ssh/connect.js';
import { LogRing, type LogLine } from '../ring.js';
import { shellQuote } from '../../ssh/quote.js';
import { ApiLogSource } from './api-source.js';
import { SshLogSource, type FollowingPool, type SshSourceState } from './ssh-source.js';

/** Options of a LogPaneStore. */
export interface LogPaneOptions {
  instanceId: number;
  /** SSH endpoint of the instance; null/undefined when it has none (booting, stopped): API only. */
  target?: SshTarget | null;
  pool?: FollowingPool | null;
  api?: Pick<VastApi, 'getLogs'> | null;
  /** Remote log path (default /workspace/train.log). */
  path?: string;
  /** Show the Vast daemon log (API only) instead of the training log. */
  daemon?: boolean;
  /** API poll period (default 10 s). */
  apiIntervalMs?: number;
  /** How long SSH may take to connect (or reconnect) before the API fills in. Default 5 s. */
  fallbackAfterMs?: number;
  /** Minimum time between emits. Default 100 ms (10 Hz). */
  throttleMs?: number;
  /** An existing ring (tests, or a pane reopened); default a new 5,000-line ring. */
  ring?: LogRing;
  /** Runs one command on the host (for saving the whole log; without it the save reads the logs API). */
  exec?: (target: SshTarget, cmd: string, opts: { timeoutMs: number; maxBytes: number }) => Promise<{ stdout: string }>;
}

/** Largest log a save reads from the host. */
export const WHOLE_LOG_MAX_BYTES = 256 * 1024 * 1024;

/** Which source is feeding the pane now. */
export type PaneSource = 'ssh' | 'api' | 'none';

/** What the pane draws. Immutable; a new object per emit. */
export interface LogPaneSnapshot {
  readonly instanceId: number;
  /** The ring's lines, oldest first. */
  readonly lines: readonly LogLine[];
  /** The ring's version when this snapshot was taken. */
  readonly version: number;
  readonly source: PaneSource;
  /** One line for the pane's status bar. */
  readonly status: string;
  readonly sshState: SshSourceState | 'none';
}

/** Combines the SSH and API sources of one instance's log. */
export class LogPaneStore {
  /** The pane's ring (5,000 lines by default). */
  readonly ring: LogRing;
  private readonly ssh: SshLogSource | null;
  private readonly apiSource: ApiLogSource | null;
  private readonly listeners = new Set<() => void>();
  private snap: LogPaneSnapshot;
  private emitTimer: NodeJS.Timeout | undefined;
  private fallbackTimer: NodeJS.Timeout | undefined;
  private lastEmit = 0;
  private stopped = false;

  constructor(private readonly opts: LogPaneOptions) {
    this.ring = opts.ring ?? new LogRing();
    const onChange = () => this.changed();
    this.ssh =
      !opts.daemon && opts.target && opts.pool
        ? new SshLogSource({
            pool: opts.pool,
            target: opts.target,
            ring: this.ring,
            path: opts.path,
            onChange: () => this.onSsh(),
          })
        : null;
    this.apiSource = opts.api
      ? new ApiLogSource({
          api: opts.api,
          instanceId: opts.instanceId,
          ring: this.ring,
          daemon: opts.daemon,
          intervalMs: opts.apiIntervalMs,
          onChange,
        })
      : null;
    this.snap = this.build();
  }

  /**
   * The whole log, for saving: `cat` over SSH when the host is reachable, else as much as the logs API gives.
   * Control sequences are stripped, as everywhere remote text is printed; tqdm redraws keep their last state.
   */
  async readWhole(): Promise<{ text: string; from: 'host' | 'api' }> {
    const ring = new LogRing({ capacity: 64 }); // only its line handling is used: push() returns every line
    if (!this.opts.daemon && this.opts.target && this.opts.exec) {
      try {
        const r = await this.opts.exec(
          this.opts.target,
          `cat -- ${shellQuote(this.opts.path ?? '/workspace/train.log')}`,
          { timeoutMs: 120_000, maxBytes: WHOLE_LOG_MAX_BYTES },
        );
        return { text: wholeText(ring, r.stdout), from: 'host' };
      } catch {
        // The API below is the fallback, as for the live pane.
      }
    }
    if (!this.opts.api) throw new Error('no SSH and no logs API to read the whole log from');
    const text = await this.opts.api.getLogs(this.opts.instanceId, {
      tail: 1_000_000,
      ...(this.opts.daemon ? { daemon: true } : {}),
    });
    return { text: wholeText(ring, text), from: 'api' };
  }

  /** useSyncExternalStore subscribe. */
  subscribe = (listener: () => void): (() => void) => {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  };

  /** useSyncExternalStore getSnapshot. */
  getSnapshot = (): LogPaneSnapshot => this.snap;

  /** Starts the sources: SSH first, the API when SSH is absent or slow to come up. */
  start(): void {
    if (this.ssh) {
      this.ssh.start();
      this.armFallback();
    } else {
      this.apiSource?.start();
    }
    this.changed();
  }

  /** Stops every source and timer; the ring keeps its lines. */
  stop(): void {
    this.stopped = true;
    this.ssh?.stop();
    this.apiSource?.stop();
    clearTimeout(this.fallbackTimer);
    clearTimeout(this.emitTimer);
    this.emitTimer = undefined;
  }

  /** Which source is feeding the pane. */
  get source(): PaneSource {
    if (this.ssh?.state === 'following') return 'ssh';
    if (this.apiSource?.active) return 'api';
    return this.ssh && this.ssh.state !== 'ended' ? 'ssh' : 'none';
  }

  private armFallback(): void {
    clearTimeout(this.fallbackTimer);
    if (!this.apiSource || this.apiSource.active) return;
    this.fallbackTimer = setTimeout(() => {
      if (!this.stopped && this.ssh?.state !== 'following') {
        this.apiSource!.start();
        this.changed();
      }
    }, this.opts.fallbackAfterMs ?? 5000);
    this.fallbackTimer.unref?.();
  }

  private onSsh(): void {
    const s = this.ssh!.state;
    if (s === 'following') {
      // SSH is live again: the API would only repeat what tail already delivered.
      clearTimeout(this.fallbackTimer);
      this.apiSource?.stop();
    } else if (s === 'reconnecting') {
      this.armFallback();
    } else if (s === 'ended' && !this.stopped && this.apiSource && !this.apiSource.active) {
      this.apiSource.start();
    }
    this.changed();
  }

  private statusLine(): string {
    const ssh = this.ssh;
    const target = this.opts.target ? endpointOf(this.opts.target) : undefined;
    if (this.opts.daemon)
      return (
        `Vast daemon log (API, every ${Math.round((this.opts.apiIntervalMs ?? 10_000) / 1000)} ` + `s)${this.apiNote()}`
      );
    if (ssh?.state === 'following') return `ssh ${target} · following ${ssh.path}`;
    if (this.apiSource?.active) {
      const why = !ssh ? 'no SSH endpoint' : ssh.message ? `SSH unavailable: ${ssh.message}` : `SSH ${ssh.state}`;
      return (
        `${why} · showing Vast API logs (every ${Math.round((this.opts.apiIntervalMs ?? 10_000) / 1000)} ` +
        `s)${this.apiNote()}`
      );
    }
    if (ssh) return `ssh ${target} · ${ssh.state}${ssh.message ? `: ${ssh.message}` : ''}`;
    return 'no log source (no SSH endpoint and no API)';
  }

  private apiNote(): string {
    const st = this.apiSource?.status;
    if (!st) return '';
    if (st.state === 'error') return ` · last poll failed: ${st.error}`;
    if (st.state === 'polling' && st.lastOkAt === undefined) return ' · loading…';
    return '';
  }

  private build(): LogPaneSnapshot {
    return Object.freeze({
      instanceId: this.opts.instanceId,
      lines: Object.freeze(this.ring.lines()),
      version: this.ring.version,
      source: this.source,
      status: this.statusLine(),
      sshState: this.ssh?.state ?? 'none',
    });
  }

  /** Schedules an emit, at most one per throttle window (the first change of a quiet period goes out at once). */
  private changed(): void {
    if (this.stopped || this.emitTimer) return;
    const wait = Math.max(0, this.lastEmit + (this.opts.throttleMs ?? 100) - Date.now());
    this.emitTimer = setTimeout(() => {
      this.emitTimer = undefined;
      this.lastEmit = Date.now();
      const next = this.build();
      const prev = this.snap;
      if (
        next.version === prev.version &&
        next.status === prev.status &&
        next.source === prev.source &&
        next.sshState === prev.sshState
      )
        return;
      this.snap = next;
      for (const l of [...this.listeners]) l();
    }, wait);
  }
}

/** Raw log text as saved: through a ring's line handling (control sequences stripped, \r redraws settled). */
function wholeText(ring: LogRing, raw: string): string {
  const lines = ring.push(raw.endsWith('\n') ? raw : `${raw}\n`, 'ssh');
  return lines.length ? lines.map((l) => l.text).join('\n') + '\n' : '';
}
