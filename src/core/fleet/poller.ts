/**
 * The one poller shape (ENGINEERING.md "one poller shape for everything"): single-flight, a first refresh at
 * once, then a steady interval with a floor, exponential backoff with jitter on rate limits / server / network
 * errors, and pause/resume for when ssh or tmux owns the terminal. Timers and randomness are injectable so tests
 * drive it with a fake clock.
 */

/** Timer functions the poller uses; tests pass a fake clock. */
export interface PollerClock {
  setTimeout(fn: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
}

/** Options of a Poller. */
export interface PollerOptions {
  /** One refresh. Throws on failure; the error decides whether to back off (see `shouldBackOff`). */
  task: () => Promise<void>;
  /** Steady interval; raised to `floorMs` when lower. */
  intervalMs: number;
  /** Minimum interval, 2 s by default (k9s's refresh floor; Vast documents ~1 req/s per endpoint). */
  floorMs?: number;
  /** Backoff ceiling, 5 min by default. Backoff starts at 1–2× the interval: Vast's own CLI retries after
   * 0.15 s, far below its documented per-endpoint thresholds (vast-api.md §10). */
  backoffMaxMs?: number;
  clock?: PollerClock;
  /** 0 ≤ r < 1, for jitter. */
  random?: () => number;
}

/** Error kinds (VastError.kind) that mean "ask less often". */
const BACKOFF_KINDS = new Set(['rate_limited', 'server', 'network', 'timeout']);

/** True when an error from the task should slow the poller down (429, 5xx, network). */
export function shouldBackOff(err: unknown): boolean {
  const kind = (err as { kind?: unknown } | null)?.kind;
  return typeof kind === 'string' && BACKOFF_KINDS.has(kind);
}

/** Server-provided wait (VastError.retryAfterMs), when the error carries one. */
function retryAfter(err: unknown): number | null {
  const ms = (err as { retryAfterMs?: unknown } | null)?.retryAfterMs;
  return typeof ms === 'number' && ms > 0 ? ms : null;
}

const realClock: PollerClock = {
  setTimeout: (fn, ms) => {
    const t = setTimeout(fn, ms);
    // A pending poll must not keep a quitting process alive.
    t.unref?.();
    return t;
  },
  clearTimeout: (h) => clearTimeout(h as NodeJS.Timeout),
};

/** Runs `task` repeatedly; at most one run is in flight at any time. */
export class Poller {
  private readonly opts: Required<Omit<PollerOptions, 'clock' | 'random'>> & {
    clock: PollerClock;
    random: () => number;
  };
  private timer: unknown = null;
  private inFlight: Promise<void> | null = null;
  private started = false;
  private paused = false;
  private failures = 0;
  /** The delay chosen for the next run, for tests and the footer. */
  nextDelayMs = 0;

  constructor(opts: PollerOptions) {
    const floorMs = opts.floorMs ?? 2000;
    this.opts = {
      task: opts.task,
      floorMs,
      intervalMs: Math.max(floorMs, opts.intervalMs),
      backoffMaxMs: Math.max(opts.backoffMaxMs ?? 300_000, floorMs, opts.intervalMs),
      clock: opts.clock ?? realClock,
      random: opts.random ?? Math.random,
    };
  }

  /** The steady interval after the floor is applied. */
  get intervalMs(): number {
    return this.opts.intervalMs;
  }

  /** True between pause() and resume(). */
  get isPaused(): boolean {
    return this.paused;
  }

  /** Starts polling: the first refresh runs at once. */
  start(): void {
    if (this.started) return;
    this.started = true;
    if (!this.paused) void this.refreshNow();
  }

  /** Stops for good: clears the timer; an in-flight run finishes but schedules nothing. */
  stop(): void {
    this.started = false;
    this.clearTimer();
  }

  /** Pauses (e.g. while ssh owns the terminal); an in-flight run finishes but schedules nothing. */
  pause(): void {
    this.paused = true;
    this.clearTimer();
  }

  /** Resumes with an immediate refresh. */
  resume(): void {
    if (!this.paused) return;
    this.paused = false;
    if (this.started) void this.refreshNow();
  }

  /** Runs the task now unless a run is already in flight, in which case that run is returned (single-flight). */
  refreshNow(): Promise<void> {
    if (this.inFlight) return this.inFlight;
    this.clearTimer();
    const run = (async () => {
      let delay = this.opts.intervalMs;
      try {
        await this.opts.task();
        this.failures = 0;
      } catch (err) {
        if (shouldBackOff(err)) {
          this.failures += 1;
          delay = this.backoffDelay(err);
        } else {
          this.failures = 0;
        }
      } finally {
        this.inFlight = null;
      }
      this.schedule(delay);
    })();
    this.inFlight = run;
    return run;
  }

  /** Exponential backoff with "equal jitter": half fixed, half random, so many clients do not synchronise. */
  private backoffDelay(err: unknown): number {
    const exp = Math.min(this.opts.backoffMaxMs, this.opts.intervalMs * 2 ** this.failures);
    const jittered = exp / 2 + this.opts.random() * (exp / 2);
    const floor = Math.max(retryAfter(err) ?? 0, this.opts.intervalMs);
    return Math.max(floor, Math.round(jittered));
  }

  private schedule(delay: number): void {
    this.nextDelayMs = delay;
    if (!this.started || this.paused) return;
    this.clearTimer();
    this.timer = this.opts.clock.setTimeout(() => {
      this.timer = null;
      void this.refreshNow();
    }, delay);
  }

  private clearTimer(): void {
    if (this.timer !== null) this.opts.clock.clearTimeout(this.timer);
    this.timer = null;
  }
}
