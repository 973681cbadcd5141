/**
 * A log source on the Vast logs API: polls request_logs every ~10 s (longer after a 429 or an error, with
 * jitter), diffs each snapshot against the previous one and pushes only the new lines into a LogRing, tagged
 * 'api' (or 'daemon' for the daemon log). Single-flight: a slow poll is never overlapped by the next.
 */
import type { VastApi } from '../../vast/api.js';
import { sanitizeLine } from '../../util/sanitize.js';
import type { LogRing, LogSource } from '../ring.js';
import { diffSnapshots, splitLines } from './diff.js';

/** Options of an ApiLogSource. */
export interface ApiLogSourceOptions {
  api: Pick<VastApi, 'getLogs'>;
  instanceId: number;
  ring: LogRing;
  /** The daemon log (image pull, container start) instead of the container's stdout. */
  daemon?: boolean;
  /** Lines per request (server default 1000). */
  tail?: number;
  /** Poll period. Default 10 s (request_logs is rate limited). */
  intervalMs?: number;
  /** Longest wait after repeated failures. Default 120 s. */
  maxBackoffMs?: number;
  /** Called after each poll (new lines or a state change). */
  onChange?: () => void;
  random?: () => number;
}

/** Where the API source stands, for a status line. */
export interface ApiSourceStatus {
  state: 'idle' | 'polling' | 'ok' | 'error' | 'stopped';
  /** Epoch ms of the last good poll. */
  lastOkAt?: number;
  /** One line about the last failure (already sanitized by VastError). */
  error?: string;
  /** Consecutive failures. */
  failures: number;
  /** Lines added so far. */
  lines: number;
}

/** Polls the logs API into a ring. */
export class ApiLogSource {
  /** Current status. */
  status: ApiSourceStatus = { state: 'idle', failures: 0, lines: 0 };
  private prev: string[] = [];
  private timer: NodeJS.Timeout | undefined;
  private running = false;
  private inFlight: Promise<void> | undefined;
  private readonly tag: LogSource;

  constructor(private readonly opts: ApiLogSourceOptions) {
    this.tag = opts.daemon ? 'daemon' : 'api';
  }

  /** Starts polling; the first poll runs at once. */
  start(): void {
    if (this.running) return;
    this.running = true;
    this.schedule(0);
  }

  /** Stops polling (a poll in flight finishes but adds nothing). */
  stop(): void {
    this.running = false;
    clearTimeout(this.timer);
    this.timer = undefined;
    this.status = { ...this.status, state: 'stopped' };
  }

  /** Whether it is polling. */
  get active(): boolean {
    return this.running;
  }

  /** One poll now (joins one in flight); resolves when its lines are in the ring. */
  poll(): Promise<void> {
    this.inFlight ??= this.pollOnce().finally(() => (this.inFlight = undefined));
    return this.inFlight;
  }

  private schedule(ms: number): void {
    clearTimeout(this.timer);
    if (!this.running) return;
    this.timer = setTimeout(() => {
      void this.poll().then(() => this.schedule(this.nextDelay()));
    }, ms);
    this.timer.unref?.();
  }

  private nextDelay(): number {
    const base = this.opts.intervalMs ?? 10_000;
    if (this.status.failures === 0) return base;
    const max = this.opts.maxBackoffMs ?? 120_000;
    const jitter = 0.8 + 0.4 * (this.opts.random ?? Math.random)();
    return Math.min(max, base * 2 ** Math.min(this.status.failures, 6)) * jitter;
  }

  private async pollOnce(): Promise<void> {
    this.status = { ...this.status, state: 'polling' };
    try {
      const text = await this.opts.api.getLogs(this.opts.instanceId, {
        tail: this.opts.tail ?? 1000,
        daemon: this.opts.daemon,
      });
      if (!this.running && this.status.state === 'stopped') return;
      const next = splitLines(text).map((l) => sanitizeLine(l));
      const { added, gap } = diffSnapshots(this.prev, next);
      this.prev = next;
      if (gap) this.opts.ring.push('… (more lines were written than one API snapshot holds)\n', this.tag);
      for (const line of added) this.opts.ring.push(line + '\n', this.tag);
      this.status = { state: 'ok', lastOkAt: Date.now(), failures: 0, lines: this.status.lines + added.length };
    } catch (err) {
      const message = err instanceof Error ? err.message : String(err);
      this.status = {
        ...this.status,
        state: 'error',
        error: sanitizeLine(message).slice(0, 200),
        failures: this.status.failures + 1,
      };
    }
    this.opts.onChange?.();
  }
}
