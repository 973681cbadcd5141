/**
 * Sparse training-health polling for the whole fleet: every ~30 s, for each running instance with an SSH
 * endpoint (at most 4 at a time), read the last 64 KiB of its log and probe the host (GPU, RAM, disk), feed
 * a HealthTracker per instance and publish `healthCell(...)` and its explanation to the FleetStore. Booting
 * instances are classified from their status alone; stopped and exited ones (no SSH) have their log read once
 * through the logs API when one is given, so their last step and error show. Paused while ssh/tmux owns the terminal.
 */
import type { ExecOptions, ExecResult } from '../ssh/exec.js';
import type { SshTarget } from '../ssh/connect.js';
import { shellQuote } from '../ssh/quote.js';
import { hostProbeCommand } from '../host/probe-commands.js';
import { parseHostFacts, type HostFacts } from '../host/probe.js';
import { LogRing } from '../logs/ring.js';
import { sshEndpoint } from '../vast/units.js';
import type { Instance } from '../vast/types.js';
import { HealthTracker, healthCell, healthExplained, type Health } from './health.js';
import type { FleetSnapshot, InstanceHealth } from './store.js';

/** Bytes of log read per poll. */
export const HEALTH_TAIL_BYTES = 65_536;
/** How much of the previous read is used to find where the new text starts. */
const ANCHOR = 256;

/** What the monitor needs from an SshPool. */
export interface ExecPool {
  exec(target: SshTarget, cmd: string, opts?: ExecOptions): Promise<ExecResult>;
}

/** What the monitor needs from a FleetStore. */
export interface HealthSink {
  getSnapshot(): Pick<FleetSnapshot, 'instances' | 'statusSince'>;
  setHealth(id: number, health: InstanceHealth | null): void;
  /** Many at once with one emit (FleetStore); the monitor batches its results through it when present. */
  setHealthMany?(updates: Iterable<readonly [number, InstanceHealth | null]>): void;
}

/** Options of a HealthMonitor. */
export interface HealthMonitorOptions {
  store: HealthSink;
  ssh: ExecPool;
  /** Clock for the trackers (stall detection); tests pass a fake one. */
  now?: () => number;
  /** Poll period. Default 30 s. */
  intervalMs?: number;
  /** Hosts polled at once. Default 4. */
  concurrency?: number;
  /** Remote log path. Default /workspace/train.log. */
  logPath?: string;
  /** Stall threshold handed to each tracker. */
  stallAfterMs?: number;
  /** Deadline per remote command. Default 15 s. */
  execTimeoutMs?: number;
  /** Reads the tail of a log through the Vast logs API, for instances that are not running (no SSH). */
  apiLog?: (id: number) => Promise<string>;
  /**
   * Host probes per second across the fleet, default 2: a pass probes at most intervalMs × this many hosts (60 per
   * 30 s), focused ones first, then the least recently probed, so a 10,000-instance fleet costs a slice per pass.
   */
  probesPerSecond?: number;
}

/** Logs-API reads (stopped instances) per pass: each is a request against Vast's rate limits. */
export const API_LOG_READS_PER_PASS = 4;

/** Quiet time after a scroll before never-probed rows on screen are probed (a held key scrolls past many). */
const FOCUS_DELAY_MS = 800;

/** Statuses with no SSH and no log coming: their log is read once through the logs API. */
const STOPPED = new Set(['stopped', 'exited', 'offline']);

/** What the monitor knows about one instance. */
export interface InstanceLive {
  health: Health;
  tracker: HealthTracker;
  /** Latest host probe, when SSH worked. */
  facts?: HostFacts;
  /** Latest SSH failure (one line), cleared by the next success. */
  sshError?: string;
  /** Epoch ms (monitor clock) of the last successful SSH poll. */
  polledAt?: number;
}

interface Entry extends Omit<InstanceLive, 'health'> {
  /** Line splitter with \r handling, so tqdm redraws reach the tracker as ring lines do. */
  ring: LogRing;
  /** Tail of the previous read, to find the new part of the next one. */
  anchor: string;
  /** The log's mtime has been read (once is enough: later advances are seen live). */
  mtimeRead?: boolean;
  /** The stopped instance's log was read through the logs API (once: nothing more is written to it). */
  apiLogRead?: boolean;
  /** host:port last polled, failures in a row there, and when to try it again (monitor clock). */
  target?: string;
  failures?: number;
  retryAt?: number;
  /** The pass that last probed it (host or logs API); -1 before the first. Least recent goes first. */
  probedPass: number;
}

/** Health results reach the store at most this often during a pass (and at its end). */
const FLUSH_MS = 250;

/** Longest wait before an unreachable host is tried again. */
export const MAX_HOST_BACKOFF_MS = 5 * 60_000;

/** Remote command printing the log's mtime and the host's clock, epoch seconds, one per line. */
export function logMtimeCommand(path: string): string {
  return `stat -c %Y -- ${shellQuote(path)} && date +%s`;
}

/**
 * The log's last write on OUR clock (epoch ms), from logMtimeCommand's output: the host's "how long ago" is
 * kept and its absolute time dropped, so a host clock that is off does not matter. Null on anything odd.
 */
export function parseLogMtime(stdout: string, now: number): number | null {
  const m = /^\s*(\d{1,12})\s+(\d{1,12})\s*$/.exec(stdout);
  if (!m) return null;
  const ago = Number(m[2]) - Number(m[1]);
  return ago < 0 ? now : now - ago * 1000;
}

/** Polls health over SSH and publishes it to the fleet store. */
export class HealthMonitor {
  private readonly entries = new Map<number, Entry>();
  private readonly now: () => number;
  private timer: NodeJS.Timeout | undefined;
  private running = false;
  private paused = false;
  private inFlight: Promise<void> | undefined;
  /** Results not yet handed to the store; flushed together (one snapshot, one render) at most every FLUSH_MS. */
  private readonly pending = new Map<number, InstanceHealth | null>();
  private flushTimer: NodeJS.Timeout | undefined;
  private focusTimer: NodeJS.Timeout | undefined;
  /** Passes started so far. */
  private passes = 0;
  /** Ids probed before the others, in this order (the rows on screen, the selection). */
  private focused: number[] = [];

  constructor(private readonly opts: HealthMonitorOptions) {
    this.now = opts.now ?? Date.now;
  }

  /** Starts polling; the first poll runs at once. */
  start(): void {
    this.running = true;
    this.schedule(0);
  }

  /** Stops for good. */
  stop(): void {
    this.running = false;
    clearTimeout(this.timer);
    clearTimeout(this.focusTimer);
  }

  /** Stops polling until resume() (a poll in flight finishes). */
  pause(): void {
    this.paused = true;
    clearTimeout(this.timer);
  }

  /** Resumes with an immediate poll. */
  resume(): void {
    if (!this.paused) return;
    this.paused = false;
    this.schedule(0);
  }

  /** What is known about an instance (for the detail pane and triage). */
  get(id: number): InstanceLive | undefined {
    const e = this.entries.get(id);
    return e
      ? {
          tracker: e.tracker,
          facts: e.facts,
          sshError: e.sshError,
          polledAt: e.polledAt,
          health: e.tracker.health(this.now()),
        }
      : undefined;
  }

  /**
   * Ids to probe first on every pass, in order (the TUI's rows on screen and its selection); replaces the last call.
   * They count against the pass's budget like any other.
   */
  focus(ids: readonly number[]): void {
    this.focused = [...ids];
    // Rows scrolled into view that were never probed get a small pass of their own soon, not at the next interval.
    if (!ids.some((id) => this.neverProbed(id))) return;
    clearTimeout(this.focusTimer);
    this.focusTimer = setTimeout(() => {
      if (!this.running || this.paused || this.inFlight) return;
      const fresh = new Set(this.focused.filter((id) => this.neverProbed(id)));
      if (fresh.size) this.inFlight = this.pass(fresh).finally(() => (this.inFlight = undefined));
    }, FOCUS_DELAY_MS);
    this.focusTimer.unref?.();
  }

  private neverProbed(id: number): boolean {
    return (this.entries.get(id)?.probedPass ?? -1) < 0;
  }

  /** One pass over the fleet now (joins a pass in flight). */
  pollOnce(): Promise<void> {
    this.inFlight ??= this.pass().finally(() => (this.inFlight = undefined));
    return this.inFlight;
  }

  private schedule(ms: number): void {
    clearTimeout(this.timer);
    if (!this.running || this.paused) return;
    this.timer = setTimeout(() => void this.pollOnce().then(() => this.schedule(this.opts.intervalMs ?? 30_000)), ms);
    this.timer.unref?.();
  }

  private entry(id: number): Entry {
    let e = this.entries.get(id);
    if (!e) {
      e = {
        tracker: new HealthTracker({ stallAfterMs: this.opts.stallAfterMs }),
        ring: new LogRing({ capacity: 64 }),
        anchor: '',
        probedPass: -1,
      };
      this.entries.set(id, e);
    }
    return e;
  }

  /** A pass over the fleet, or over `only` (never-probed rows just scrolled into view). */
  private async pass(only?: ReadonlySet<number>): Promise<void> {
    const pass = this.passes++;
    const snap = this.opts.store.getSnapshot();
    const seen = new Set<number>();
    const hosts: Array<[Instance, SshTarget]> = [];
    const logs: Instance[] = [];
    for (const inst of snap.instances) {
      if (only && !only.has(inst.id)) continue;
      seen.add(inst.id);
      const e = this.entry(inst.id);
      e.tracker.setStatus(inst.status, this.now(), snap.statusSince.get(inst.id));
      const ep = inst.status === 'running' ? sshEndpoint(inst) : null;
      if (ep && `${ep.host}:${ep.port}` !== e.target) {
        e.target = `${ep.host}:${ep.port}`;
        e.failures = 0;
        e.retryAt = undefined;
      }
      // An unreachable host is tried again after 1, 2, 4, … intervals (at most MAX_HOST_BACKOFF_MS), so a few
      // dead hosts cost the fleet's pass little; a host that answers is polled every pass.
      const due = e.retryAt === undefined || this.now() >= e.retryAt;
      if (ep && due) hosts.push([inst, { host: ep.host, port: ep.port }]);
      else if (!ep && this.opts.apiLog && STOPPED.has(inst.status ?? '') && !e.apiLogRead && due) logs.push(inst);
      else this.publish(inst.id, e);
    }
    for (const id of only ? [] : [...this.entries.keys()]) {
      if (!seen.has(id)) {
        this.entries.delete(id);
        this.pending.set(id, null);
      }
    }
    this.flush();
    const budget = Math.max(
      1,
      Math.round(((this.opts.intervalMs ?? 30_000) / 1000) * (this.opts.probesPerSecond ?? 2)),
    );
    const queue: Array<[Instance, SshTarget | 'api']> = [
      ...this.pick(hosts, (h) => h[0].id, budget),
      ...this.pick(logs, (i) => i.id, API_LOG_READS_PER_PASS).map((i): [Instance, 'api'] => [i, 'api']),
    ];
    const picked = new Set(queue.map((j) => j[0].id));
    // Due but over the budget: one probed before shows what it knew (a stall keeps ageing); one never probed stays
    // blank rather than look "no training output yet" before anyone looked.
    for (const inst of [...hosts.map((h) => h[0]), ...logs]) {
      const e = this.entries.get(inst.id)!;
      if (!picked.has(inst.id) && e.probedPass >= 0) this.publish(inst.id, e);
    }
    for (const id of picked) this.entries.get(id)!.probedPass = pass;
    const workers = Array.from({ length: Math.max(1, this.opts.concurrency ?? 4) }, async () => {
      for (let job = queue.shift(); job; job = queue.shift()) {
        if (this.paused && this.running) return;
        if (job[1] === 'api') await this.readApiLog(job[0].id);
        else await this.pollHost(job[0].id, job[1]);
      }
    });
    await Promise.all(workers);
    this.flush();
  }

  /** At most `n` of the due items: the focused ones in focus order, then the least recently probed. */
  private pick<T>(due: T[], idOf: (t: T) => number, n: number): T[] {
    if (due.length <= n && this.focused.length === 0) return due;
    const rank = new Map(this.focused.map((id, k) => [id, k - this.focused.length]));
    const key = (t: T) => rank.get(idOf(t)) ?? this.entries.get(idOf(t))!.probedPass;
    // Stable: equals keep the fleet's order.
    return due
      .map((t) => [key(t), t] as const)
      .sort((a, b) => a[0] - b[0])
      .slice(0, n)
      .map((x) => x[1]);
  }

  /** Hands the pending results to the store in one batch. */
  private flush(): void {
    clearTimeout(this.flushTimer);
    this.flushTimer = undefined;
    if (this.pending.size === 0) return;
    const batch = [...this.pending];
    this.pending.clear();
    if (this.opts.store.setHealthMany) this.opts.store.setHealthMany(batch);
    else for (const [id, h] of batch) this.opts.store.setHealth(id, h);
  }

  private async pollHost(id: number, target: SshTarget): Promise<void> {
    const e = this.entry(id);
    const timeoutMs = this.opts.execTimeoutMs ?? 15_000;
    const path = this.opts.logPath ?? '/workspace/train.log';
    try {
      const log = await this.opts.ssh.exec(target, `tail -c ${HEALTH_TAIL_BYTES} -- ${shellQuote(path)}`, {
        timeoutMs,
        maxBytes: HEALTH_TAIL_BYTES * 2,
      });
      const probe = await this.opts.ssh.exec(target, hostProbeCommand(), { timeoutMs, maxBytes: 1 << 20 });
      this.feed(e, log.stdout);
      // Once per instance: date the last write, so a run that stalled before we looked shows stalled now.
      if (!e.mtimeRead) {
        e.mtimeRead = true;
        const m = await this.opts.ssh
          .exec(target, logMtimeCommand(path), { timeoutMs, maxBytes: 256 })
          .catch(() => null);
        const at = m ? parseLogMtime(m.stdout, this.now()) : null;
        if (at !== null) e.tracker.noteLogWrite(at);
      }
      e.facts = parseHostFacts(probe.stdout);
      e.sshError = undefined;
      e.polledAt = this.now();
      e.failures = 0;
      e.retryAt = undefined;
    } catch (err) {
      e.sshError = err instanceof Error ? err.message.split('\n')[0] : String(err);
      e.failures = (e.failures ?? 0) + 1;
      e.retryAt = this.now() + Math.min(MAX_HOST_BACKOFF_MS, (this.opts.intervalMs ?? 30_000) * 2 ** (e.failures - 1));
    }
    this.publish(id, e);
  }

  /** One read of a stopped instance's log through the logs API; a failure is retried with the same backoff. */
  private async readApiLog(id: number): Promise<void> {
    const e = this.entry(id);
    try {
      const text = await this.opts.apiLog!(id);
      e.apiLogRead = true;
      e.failures = 0;
      e.retryAt = undefined;
      // The log is complete (nothing more is written): its last line is a whole line, not a redraw in progress.
      const tail = text.slice(-HEALTH_TAIL_BYTES);
      this.feed(e, tail.endsWith('\n') ? tail : `${tail}\n`);
    } catch {
      e.failures = (e.failures ?? 0) + 1;
      e.retryAt = this.now() + Math.min(MAX_HOST_BACKOFF_MS, (this.opts.intervalMs ?? 30_000) * 2 ** (e.failures - 1));
    }
    this.publish(id, e);
  }

  /** Feeds only what is new since the previous read (the log is append-only; a miss means rotation or a flood). */
  private feed(e: Entry, text: string): void {
    let fresh = text;
    if (e.anchor) {
      const at = text.lastIndexOf(e.anchor);
      if (at >= 0) fresh = text.slice(at + e.anchor.length);
    }
    e.anchor = text.slice(-ANCHOR);
    if (!fresh) return;
    const now = this.now();
    e.tracker.feedLines(e.ring.push(fresh, 'ssh'), now);
  }

  private publish(id: number, e: Entry): void {
    const h = e.tracker.health(this.now());
    // Unreachable and never read: say so rather than guess "setup" from the status alone.
    const cell =
      e.sshError && e.polledAt === undefined ? healthCell({ state: 'unreachable', step: h.step }) : healthCell(h);
    const why = healthExplained(h, e.tracker);
    if (e.sshError && e.polledAt === undefined) why.reason = `no SSH: ${e.sshError}`;
    this.pending.set(id, { ...cell, ...why });
    // Shown within FLUSH_MS, batched with the others that finish meanwhile (a fleet of unreachable hosts fails fast).
    if (!this.flushTimer) {
      this.flushTimer = setTimeout(() => this.flush(), FLUSH_MS);
      this.flushTimer.unref?.();
    }
  }
}
