/**
 * Health from the Vast logs API (request_logs → result_url): nothing is installed on the host and no SSH is
 * needed, which suits a sparse overnight watcher. Each poll reads the log tail afresh; the step seen at each
 * poll is remembered so a run whose step stops moving between polls shows as stalled.
 */
import { HealthTracker, stallOf, type Health } from '../fleet/health.js';
import type { ProgressCounter } from '../logs/progress.js';
import { buildTriage, type TriageBundle } from '../logs/triage.js';
import type { VastApi } from '../vast/api.js';
import type { Instance } from '../vast/types.js';

/** Where a watcher gets an instance's health (and, for a crash, its triage bundle). */
export interface HealthSource {
  healthOf(inst: Instance): Promise<Health>;
  /** The bundle printed when a run crashes; a minimal one is built from the health when absent. */
  triageOf?(inst: Instance, health: Health): Promise<TriageBundle>;
}

/** Options for ApiLogHealth. */
export interface ApiLogHealthOptions {
  now?: () => number;
  /** No step change for this long between polls means stalled (default 15 min). */
  stallAfterMs?: number;
  /** Log lines to read per poll (default 2000). */
  tail?: number;
  /** A profile's progress regex. */
  pattern?: RegExp;
  /** A profile's own progress counter (`progress:`): it, not the step, must advance. */
  counter?: ProgressCounter;
  /** Secret values masked in triage text. */
  redact?: readonly string[];
}

interface Seen {
  step: number | undefined;
  /** When `step` was first seen. */
  since: number;
  tracker: HealthTracker;
  /** The log lines of the last read (for the validation window's loss series). */
  lines: string[];
}

/** A HealthSource over `api.getLogs`. */
export class ApiLogHealth implements HealthSource {
  private readonly seen = new Map<number, Seen>();
  private readonly now: () => number;

  constructor(
    private readonly api: Pick<VastApi, 'getLogs'>,
    private readonly opts: ApiLogHealthOptions = {},
  ) {
    this.now = opts.now ?? Date.now;
  }

  /** Reads the log tail and classifies it. */
  async healthOf(inst: Instance): Promise<Health> {
    const text = await this.api.getLogs(inst.id, { tail: this.opts.tail ?? 2000 });
    const now = this.now();
    const tracker = new HealthTracker({ pattern: this.opts.pattern, counter: this.opts.counter });
    tracker.setStatus(inst.status, now);
    const lines = text.split('\n');
    tracker.feedLines(lines, now);
    const h = tracker.health(now);
    const prev = this.seen.get(inst.id);
    const since = prev && prev.step === h.step ? prev.since : now;
    this.seen.set(inst.id, { step: h.step, since, tracker, lines });
    // Each read starts a fresh tracker, so the last advance is when this step was first seen across polls.
    return stallOf(h, { status: inst.status, lastAdvanceAt: since, now, stallAfterMs: this.opts.stallAfterMs });
  }

  /** The log lines of the last read of an instance (empty before one). */
  linesOf(id: number): readonly string[] {
    return this.seen.get(id)?.lines ?? [];
  }

  /** The triage bundle from the last log read (traceback, last error, progress); no host facts without SSH. */
  async triageOf(inst: Instance, health: Health): Promise<TriageBundle> {
    const t = this.seen.get(inst.id)?.tracker;
    return buildTriage({
      instanceId: inst.id,
      label: inst.label,
      now: this.now(),
      health,
      progress: t?.progress,
      lastError: t?.errors.lastFatal,
      traceback: t?.errors.lastTraceback,
      redact: this.opts.redact,
    });
  }
}
