/**
 * Training health per instance, from the Vast container status plus what its log says: progress, failures,
 * completion, and how long ago the step last moved. `classifyHealth` is pure; `HealthTracker` feeds it.
 */
import { ErrorScanner, type LogEvent } from '../logs/errors.js';
import { ProgressParser, type Progress, type ProgressCounter } from '../logs/progress.js';

/** How bad a health state is: the colour level the UI maps to a theme token (ui/theme-context.tsx). */
export type HealthSeverity = 'ok' | 'warn' | 'error' | 'unknown';

/** What every consumer knows about a health state: read from HEALTH, never from `state === '…'` chains. */
export interface HealthInfo {
  /** The word in the HEALTH column, `wait` and the keeper's lines. */
  readonly label: string;
  readonly severity: HealthSeverity;
  /** The run advances now: cost projections and value per GPU type use it; every other state is "not projected". */
  readonly projects: boolean;
  /** The run is over, and how: a lifecycle trigger (onFinish/onCrash), a `wait` outcome, not counted by the keeper. */
  readonly ends: 'finished' | 'crashed' | null;
  /** A step is being trained (or should be): the GPU ought to be busy (triage warns when it idles). */
  readonly trains: boolean;
  /** One line: what the state means and how it is detected (docs, tests). */
  readonly meaning: string;
}

/**
 * THE table of health states. `HealthState` is its keys, so a new state is one row here (plus its detection
 * rule in classifyHealth); every consumer reads the row's properties.
 */
export const HEALTH = {
  unknown: {
    label: 'unknown',
    severity: 'unknown',
    projects: false,
    ends: null,
    trains: false,
    meaning: 'not seen, or a status with no rule (offline, no heartbeat)',
  },
  booting: {
    label: 'booting',
    severity: 'ok',
    projects: false,
    ends: null,
    trains: false,
    meaning: 'the container is being created, loaded or rebooted',
  },
  setup: {
    label: 'setup',
    severity: 'ok',
    projects: false,
    ends: null,
    trains: false,
    meaning: 'running, no training step in the log yet',
  },
  training: {
    label: 'training',
    severity: 'ok',
    projects: true,
    ends: null,
    trains: true,
    meaning: 'the step advances',
  },
  stalled: {
    label: 'stalled',
    severity: 'warn',
    projects: false,
    ends: null,
    trains: true,
    meaning: 'running, the step has not advanced for stallAfterMs (stallOf)',
  },
  crashed: {
    label: 'crashed',
    severity: 'error',
    projects: false,
    ends: 'crashed',
    trains: false,
    meaning:
      'a fatal log line (traceback, OOM, NCCL, disk full, killed) after the last advance, or the container exited',
  },
  unreachable: {
    label: 'no ssh',
    severity: 'unknown',
    projects: false,
    ends: null,
    trains: false,
    meaning: 'running, but its host has not answered SSH since vastdeck started, so nothing was read',
  },
  finished: {
    label: 'finished',
    severity: 'ok',
    projects: false,
    ends: 'finished',
    trains: false,
    meaning: 'the completion marker after the last advance',
  },
} as const satisfies Record<string, HealthInfo>;

/** Where a training run stands: a row of HEALTH. */
export type HealthState = keyof typeof HEALTH;

/** Every health state, in table order. */
export const HEALTH_STATES = Object.keys(HEALTH) as HealthState[];

/** The row of a state; a value that is not a state (an old journal, a foreign caller) reads as unknown, never ok. */
export function healthInfo(state: HealthState | string | null | undefined): HealthInfo {
  return state != null && Object.hasOwn(HEALTH, state) ? HEALTH[state as HealthState] : HEALTH.unknown;
}

/** What the fleet table shows in its health column. Immutable; the tracker keeps identity while unchanged. */
export interface Health {
  readonly state: HealthState;
  readonly step?: number;
  readonly total?: number;
  /** Iterations per second. */
  readonly rate?: number;
  readonly loss?: number;
  /** What `step` counts when a profile names its own counter ("games"). */
  readonly unit?: string;
  /** One short line: the error for crashed, how long for stalled, an ETA for training. */
  readonly detail?: string;
  /** Epoch ms when this state began, when known. */
  readonly since?: number;
}

/** A log event with the time it was seen. */
export interface TimedEvent extends LogEvent {
  /** Epoch ms. */
  at: number;
}

/** Everything the classifier looks at. Indices order log events against step advances (same line numbering). */
export interface HealthInput {
  /** Vast `actual_status` (InstanceStatus), or undefined when the instance was not seen. */
  status?: string | null;
  /** Epoch ms when the instance entered `status`. */
  statusSince?: number;
  progress?: Progress;
  /** Epoch ms and line index of the last step change. */
  lastAdvanceAt?: number;
  lastAdvanceIndex?: number;
  /** Epoch ms when a step was first seen in this run. */
  firstStepAt?: number;
  /** The latest fatal log event (traceback, OOM, no CUDA, NCCL, disk full, killed). */
  fatal?: TimedEvent;
  /** The completion marker, if printed. */
  finished?: TimedEvent;
  now: number;
  /** No step advance for this long while running means stalled. Default DEFAULT_STALL_AFTER_MS. */
  stallAfterMs?: number;
}

/** Default stall threshold: 15 minutes without a step advance. */
export const DEFAULT_STALL_AFTER_MS = 15 * 60_000;

const BOOTING = new Set(['provisioning', 'created', 'loading', 'rebooting']);
const DETAIL_MAX = 100;

/** Classifies one instance's training health. Pure: same input, same output. */
export function classifyHealth(input: HealthInput): Health {
  const { status, progress: p = {}, fatal, finished, now } = input;
  const numbers = pickNumbers(p);
  const advanceIndex = input.lastAdvanceIndex ?? -1;
  // A failure followed by further step advances (e.g. a dataloader worker restarted) is not a crash.
  const crashed =
    fatal !== undefined && fatal.index >= advanceIndex && !(finished !== undefined && finished.index > fatal.index);
  const done = finished !== undefined && finished.index >= advanceIndex && !crashed;

  if (status && BOOTING.has(status)) {
    return { state: 'booting', detail: `${status} ${age(now, input.statusSince)}`.trim(), since: input.statusSince };
  }
  if (crashed) {
    return { state: 'crashed', ...numbers, detail: clip(fatal!.line), since: fatal!.at };
  }
  if (done) return { state: 'finished', ...numbers, detail: finishedDetail(p), since: finished!.at };
  if (status === 'exited')
    return { state: 'crashed', ...numbers, detail: 'container exited', since: input.statusSince };
  if (status && status !== 'running') {
    return { state: 'unknown', ...numbers, detail: otherStatusDetail(status), since: input.statusSince };
  }
  if (p.step !== undefined) {
    const training: Health = {
      state: 'training',
      ...numbers,
      detail: eta(p),
      since: input.firstStepAt ?? input.statusSince,
    };
    return stallOf(training, { status, lastAdvanceAt: input.lastAdvanceAt, now, stallAfterMs: input.stallAfterMs });
  }
  if (status === 'running') {
    return {
      state: 'setup',
      detail: `running ${age(now, input.statusSince)}, no training output yet`,
      since: input.statusSince,
    };
  }
  return { state: 'unknown' };
}

/**
 * THE stall rule (the SSH monitor's trackers and the logs-API watcher both use it): a training run on a running
 * instance whose step has not advanced for `stallAfterMs` (default DEFAULT_STALL_AFTER_MS) is stalled, dated from
 * the last advance. Anything else comes back unchanged.
 */
export function stallOf(
  h: Health,
  o: { status?: string | null; lastAdvanceAt?: number; now: number; stallAfterMs?: number },
): Health {
  const last = o.lastAdvanceAt;
  if (h.state !== 'training' || o.status !== 'running' || last === undefined) return h;
  if (o.now - last < (o.stallAfterMs ?? DEFAULT_STALL_AFTER_MS)) return h;
  return {
    ...h,
    state: 'stalled',
    detail: `no ${h.unit && h.unit !== 'steps' ? `${h.unit} counted` : 'step advance'} for ${age(o.now, last)}`,
    since: last,
  };
}

/**
 * The compact form the fleet store keeps per instance (structurally its InstanceHealth): the row's label and severity.
 */
export function healthCell(h: Pick<Health, 'state' | 'step'>): {
  step: number | null;
  text: string;
  level: HealthSeverity;
} {
  const info = healthInfo(h.state);
  return { step: h.step ?? null, text: info.label, level: info.severity };
}

/** Options for a HealthTracker. */
export interface HealthTrackerOptions {
  stallAfterMs?: number;
  /** A profile's progress regex (see compileProgressPattern). */
  pattern?: RegExp;
  /** A profile's own progress counter (`progress:`), which replaces the step. */
  counter?: ProgressCounter;
}

/**
 * Keeps one instance's log-derived state: feed it log lines as they arrive and the Vast status as it is
 * polled; it remembers when the step last advanced. `health(now)` returns the same object while unchanged.
 */
export class HealthTracker {
  private readonly parser: ProgressParser;
  private readonly scanner = new ErrorScanner();
  private readonly stallAfterMs: number | undefined;
  private status: string | null | undefined;
  private statusSince: number | undefined;
  private lastAdvanceAt: number | undefined;
  private lastAdvanceIndex: number | undefined;
  private firstStepAt: number | undefined;
  private fatal: TimedEvent | undefined;
  private finished: TimedEvent | undefined;
  private last: Health | undefined;
  private samples: ProgressSample[] = [];

  constructor(options: HealthTrackerOptions = {}) {
    this.parser = new ProgressParser({ pattern: options.pattern, counter: options.counter });
    this.stallAfterMs = options.stallAfterMs;
  }

  /** Records the polled Vast status; `since` is when it entered that status (defaults to now on a change). */
  setStatus(status: string | null, now: number, since?: number): void {
    if (status !== this.status) {
      this.status = status;
      this.statusSince = since ?? now;
    } else if (since !== undefined) this.statusSince = since;
  }

  /**
   * Feeds one log line seen at `now`. A partial line (a tqdm bar still redrawing) updates progress only;
   * complete lines are also scanned for failures.
   */
  feed(text: string, now: number, partial = false): void {
    const before = this.parser.progress.step;
    this.parser.feed(text);
    const step = this.parser.progress.step;
    if (step !== undefined && step !== before) {
      this.lastAdvanceAt = now;
      this.lastAdvanceIndex = this.scanner.position;
      this.firstStepAt ??= now;
      const { rate, loss } = this.parser.progress;
      this.samples.push({ step, ...(rate !== undefined ? { rate } : {}), ...(loss !== undefined ? { loss } : {}) });
      if (this.samples.length > HISTORY_MAX) this.samples.splice(0, this.samples.length - HISTORY_MAX);
    }
    if (partial) return;
    for (const e of this.scanner.feed(text)) {
      if (e.kind === 'finished') this.finished = { ...e, at: now };
      else this.fatal = { ...e, at: now };
    }
  }

  /** Feeds many lines (strings, or ring lines with their partial flag). */
  feedLines(lines: Iterable<string | { text: string; partial?: boolean }>, now: number): void {
    for (const l of lines) {
      if (typeof l === 'string') this.feed(l, now);
      else this.feed(l.text, now, l.partial ?? false);
    }
  }

  /**
   * The log file was last written at `mtime` (epoch ms, on our clock). No step can have advanced after the
   * log's last write, so a job that stalled before we first read it is dated from then, not from our read.
   */
  noteLogWrite(mtime: number): void {
    if (this.lastAdvanceAt !== undefined && Number.isFinite(mtime) && mtime < this.lastAdvanceAt) {
      this.lastAdvanceAt = mtime;
      if (this.firstStepAt !== undefined && this.firstStepAt > mtime) this.firstStepAt = mtime;
    }
  }

  /** Latest parsed progress. */
  get progress(): Progress {
    return this.parser.progress;
  }

  /** Step, rate and loss at each step advance seen, oldest first (at most HISTORY_MAX). */
  get history(): readonly ProgressSample[] {
    return this.samples;
  }

  /** The failure scanner (last traceback, events) for the triage bundle. */
  get errors(): ErrorScanner {
    return this.scanner;
  }

  /** The health at `now`; the previous object when nothing visible changed. */
  health(now: number): Health {
    const next = classifyHealth({
      status: this.status,
      statusSince: this.statusSince,
      progress: this.parser.progress,
      lastAdvanceAt: this.lastAdvanceAt,
      lastAdvanceIndex: this.lastAdvanceIndex,
      firstStepAt: this.firstStepAt,
      fatal: this.fatal,
      finished: this.finished,
      now,
      stallAfterMs: this.stallAfterMs,
    });
    if (this.last && sameHealth(this.last, next)) return this.last;
    this.last = Object.freeze(next);
    return this.last;
  }

  /** Forgets the log-derived state (a new run on the same instance); the status is kept. */
  reset(): void {
    this.parser.reset();
    this.scanner.reset();
    this.lastAdvanceAt = this.lastAdvanceIndex = this.firstStepAt = undefined;
    this.fatal = this.finished = this.last = undefined;
    this.samples = [];
  }
}

/** Progress at one step advance. */
export interface ProgressSample {
  step: number;
  rate?: number;
  loss?: number;
}

/** Step advances kept per instance for the detail pane's history and sparklines. */
export const HISTORY_MAX = 48;

/**
 * What the detail pane explains beyond the HEALTH word: the reason (Health.detail: "no step advance for 8h35m",
 * the OOM line), the last error line in the log, and the recent step, rate and loss history.
 */
export function healthExplained(
  h: Health,
  tracker: HealthTracker,
): { reason?: string; error?: string; steps?: number[]; rates?: number[]; losses?: number[] } {
  const out: { reason?: string; error?: string; steps?: number[]; rates?: number[]; losses?: number[] } = {};
  if (h.detail) out.reason = h.detail;
  const error = tracker.errors.lastFatal?.line ?? tracker.errors.lastTraceback?.errorLine;
  if (error) out.error = clip(error);
  const hist = tracker.history;
  if (hist.length) {
    out.steps = hist.map((x) => x.step);
    const rates = hist.flatMap((x) => (x.rate !== undefined ? [x.rate] : []));
    const losses = hist.flatMap((x) => (x.loss !== undefined ? [x.loss] : []));
    if (rates.length) out.rates = rates;
    if (losses.length) out.losses = losses;
  }
  return out;
}

function pickNumbers(p: Progress): Pick<Health, 'step' | 'total' | 'rate' | 'loss' | 'unit'> {
  const out: { step?: number; total?: number; rate?: number; loss?: number; unit?: string } = {};
  if (p.unit !== undefined && p.step !== undefined) out.unit = p.unit;
  if (p.step !== undefined) out.step = p.step;
  if (p.total !== undefined) out.total = p.total;
  if (p.rate !== undefined) out.rate = p.rate;
  if (p.loss !== undefined) out.loss = p.loss;
  return out;
}

/** A coarse age ("<1m", "17m", "2h05m"): coarse so the string does not change every second (DESIGN rule 3). */
export function age(now: number, since: number | undefined): string {
  if (since === undefined) return '';
  const min = Math.floor(Math.max(0, now - since) / 60_000);
  if (min < 1) return '<1m';
  if (min < 60) return `${min}m`;
  return `${Math.floor(min / 60)}h${String(min % 60).padStart(2, '0')}m`;
}

function eta(p: Progress): string | undefined {
  if (p.total === undefined || p.step === undefined || !p.rate || p.step >= p.total) return undefined;
  return `eta ${age(((p.total - p.step) / p.rate) * 1000, 0)}`;
}

function finishedDetail(p: Progress): string {
  return p.step !== undefined ? `finished at step ${p.step}` : 'finished';
}

function otherStatusDetail(status: string): string {
  if (status === 'offline') return 'host offline';
  if (status === 'unknown') return 'no heartbeat from host';
  return `instance ${status}`;
}

function clip(line: string): string {
  return line.length > DETAIL_MAX ? `${line.slice(0, DETAIL_MAX - 1)}…` : line;
}

function sameHealth(a: Health, b: Health): boolean {
  return (
    a.state === b.state &&
    a.step === b.step &&
    a.total === b.total &&
    a.rate === b.rate &&
    a.loss === b.loss &&
    a.unit === b.unit &&
    a.detail === b.detail &&
    a.since === b.since
  );
}
