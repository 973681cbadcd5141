/**
 * Training progress read from log lines: tqdm bars (Hugging Face Trainer, Accelerate, Lightning), the
 * Trainer's metric dicts, plain `step=N` / `step N/M` / `global_step` lines, and a user regex from a profile.
 */

/** The latest training progress seen in a log. */
export interface Progress {
  step?: number;
  total?: number;
  /** Iterations per second (a tqdm "s/it" rate is inverted). */
  rate?: number;
  loss?: number;
  epoch?: number;
  learningRate?: number;
  evalLoss?: number;
  /** What `step` counts when a profile names its own counter ("games"); absent = optimizer steps. */
  unit?: string;
}

/** One parsed tqdm bar. */
export interface TqdmBar {
  /** Text before the percentage, trimmed ("" for the Trainer's bar, "Writing model shards:" for others). */
  desc: string;
  step: number;
  total?: number;
  rate?: number;
  /** A `loss=` value from the bar's postfix, when present. */
  loss?: number;
}

// "  37%|███▋      | 111/300 [00:21<00:35,  5.31it/s]" and "Epoch 0:  37%|…| 111/300 [00:21<00:35, 5.31it/s,
// loss=2.3]".
const TQDM = /^(.*?)\s*(\d{1,3})%\|[^|]*\|\s*(\d+)\/(\d+|\?)\s*\[([^\]]*)\]/;
const RATE = /(\d+(?:\.\d+)?)\s*(it\/s|s\/it)/;
const POSTFIX_LOSS = /\bloss\s*=\s*(-?\d+(?:\.\d+)?(?:e[+-]?\d+)?)/i;
// Trainer metric dicts; transformers 5 quotes the values ('loss': '7.647'), older versions do not.
const DICT_PAIR = /'([A-Za-z_][\w/.-]*)':\s*'?(-?(?:\d+(?:\.\d*)?|\.\d+)(?:e[+-]?\d+)?|nan|inf)'?/gi;
const PLAIN_STEP = /\b(?:global_step|step)\s*[=:]?\s*(\d+)(?:\s*(?:\/|of)\s*(\d+))?/i;
const PLAIN_LOSS = /\b(?:train_)?loss\s*[=:]\s*(-?\d+(?:\.\d+)?(?:e[+-]?\d+)?)/i;
/** tqdm bars that are not the training loop: checkpoint writes, downloads, dataset maps, evaluation. */
const AUX_BAR =
  /shard|checkpoint|download|upload|fetch|map|filter|load|sav|writ|token|eval|predict|generat|extract|resolv|process|valid/i;

/** Parses one tqdm bar state (no \r inside), or undefined if the text is not a bar. */
export function parseTqdm(text: string): TqdmBar | undefined {
  const m = TQDM.exec(text);
  if (!m) return undefined;
  const bar: TqdmBar = { desc: m[1]!.trim(), step: Number(m[3]) };
  if (m[4] !== '?') bar.total = Number(m[4]);
  const inside = m[5]!;
  const r = RATE.exec(inside);
  if (r) {
    const v = Number(r[1]);
    const rate = r[2] === 'it/s' ? v : v > 0 ? 1 / v : undefined;
    if (rate !== undefined && Number.isFinite(rate)) bar.rate = rate;
  }
  const l = POSTFIX_LOSS.exec(inside);
  if (l) bar.loss = Number(l[1]);
  return bar;
}

/** Parses a Trainer metrics dict line (`{'loss': '2.3', 'epoch': '0.3'}`) into numbers, or undefined. */
export function parseMetricsDict(text: string): Record<string, number> | undefined {
  const t = text.trim();
  if (!t.startsWith('{') || !t.endsWith('}')) return undefined;
  const out: Record<string, number> = {};
  let found = false;
  for (const m of t.matchAll(DICT_PAIR)) {
    out[m[1]!] = Number(m[2]!.toLowerCase() === 'inf' ? Infinity : m[2]);
    found = true;
  }
  return found ? out : undefined;
}

/**
 * Compiles a profile's progress regex. Named groups step, total, loss (and optionally rate, epoch) are read.
 * Throws an Error naming the problem when the pattern is invalid or has no usable group.
 */
export function compileProgressPattern(source: string): RegExp {
  let re: RegExp;
  try {
    re = new RegExp(source, 'i');
  } catch (err) {
    throw new Error(`progress pattern is not a valid regular expression: ${(err as Error).message}`);
  }
  if (!/\(\?<(step|total|loss|rate|epoch)>/.test(source)) {
    throw new Error('progress pattern needs at least one named group: step, total, loss, rate or epoch');
  }
  return re;
}

/** A profile's own progress counter (`progress: {pattern, rate, unit}`): it replaces the step as progress. */
export interface ProgressCounter {
  /** The counter; its `count` group or first capture group is the number. */
  pattern: RegExp;
  /** The rate, per second; same rule. */
  rate?: RegExp;
  unit: string;
}

/** Compiles a profile's `progress` block; throws an Error naming the problem (the schema checks it too). */
export function compileProgressCounter(spec: { pattern: string; rate?: string; unit?: string }): ProgressCounter {
  const compile = (src: string, what: string) => {
    try {
      return new RegExp(src);
    } catch (err) {
      throw new Error(`progress ${what} is not a valid regular expression: ${(err as Error).message}`);
    }
  };
  return {
    pattern: compile(spec.pattern, 'pattern'),
    rate: spec.rate === undefined ? undefined : compile(spec.rate, 'rate'),
    unit: spec.unit ?? 'steps',
  };
}

/** The number a counter regex captures in `text` (group `count`, else the first group that matched), or undefined. */
export function matchCounter(re: RegExp, text: string): number | undefined {
  const m = re.exec(text);
  if (!m) return undefined;
  const raw = m.groups?.count ?? m.slice(1).find((g) => g !== undefined);
  const v = raw === undefined ? NaN : Number(raw.replace(/,/g, ''));
  return Number.isFinite(v) ? v : undefined;
}

/** Options for a ProgressParser. */
export interface ProgressOptions {
  /** A user regex (from a profile) tried before the built-in formats; see compileProgressPattern. */
  pattern?: RegExp;
  /**
   * A profile's own counter: it alone moves `step` (the built-in step formats are ignored, so a worker whose
   * `step=` stays fixed while `total_games=` advances is progressing); losses are still read.
   */
  counter?: ProgressCounter;
}

/**
 * Reads progress incrementally: feed lines (or raw \r-separated redraws) in order, read `progress`.
 * The first training-looking tqdm bar locks the bar identity (description and total), so evaluation or
 * checkpoint-writing bars that appear mid-run do not replace the training step.
 */
export class ProgressParser {
  private state: Progress = {};
  private lockedBar: string | undefined;
  private finishedRun = false;
  private readonly pattern: RegExp | undefined;
  private readonly counter: ProgressCounter | undefined;

  constructor(options: ProgressOptions = {}) {
    this.pattern = options.pattern;
    this.counter = options.counter;
    if (this.counter) this.state = { unit: this.counter.unit };
  }

  /** The latest progress; a new object after each change, the same object otherwise. */
  get progress(): Progress {
    return this.state;
  }

  /** Feeds one line; returns true when the progress changed. */
  feed(line: string): boolean {
    const before = this.state;
    const next: Progress = { ...before };
    for (const segment of line.split('\r')) if (segment.length > 0) this.feedSegment(segment, next);
    if (!sameProgress(before, next)) {
      this.state = next;
      return true;
    }
    return false;
  }

  /** Feeds many lines; returns true when any changed the progress. */
  feedAll(lines: Iterable<string>): boolean {
    let changed = false;
    for (const l of lines) changed = this.feed(l) || changed;
    return changed;
  }

  /** Forgets everything (a new run on the same instance). */
  reset(): void {
    this.state = this.counter ? { unit: this.counter.unit } : {};
    this.lockedBar = undefined;
    this.finishedRun = false;
  }

  private feedSegment(text: string, p: Progress): void {
    if (this.counter) return this.applyCounter(text, p);
    if (this.pattern && this.applyPattern(text, p)) return;
    const bar = parseTqdm(text);
    if (bar) {
      this.applyBar(bar, p);
      return;
    }
    const dict = parseMetricsDict(text);
    if (dict) {
      this.applyDict(dict, p);
      return;
    }
    const s = PLAIN_STEP.exec(text);
    if (s) {
      p.step = Number(s[1]);
      if (s[2] !== undefined) p.total = Number(s[2]);
    }
    const l = PLAIN_LOSS.exec(text);
    if (l) p.loss = Number(l[1]);
  }

  private applyCounter(text: string, p: Progress): void {
    const c = this.counter!;
    const n = matchCounter(c.pattern, text);
    if (n !== undefined) p.step = n;
    const r = c.rate ? matchCounter(c.rate, text) : undefined;
    if (r !== undefined) p.rate = r;
    const dict = parseMetricsDict(text);
    if (dict) return this.applyDict(dict, p);
    const l = PLAIN_LOSS.exec(text);
    if (l) p.loss = Number(l[1]);
  }

  private applyPattern(text: string, p: Progress): boolean {
    const g = this.pattern!.exec(text)?.groups;
    if (!g) return false;
    let used = false;
    for (const key of ['step', 'total', 'loss', 'rate', 'epoch'] as const) {
      const v = g[key] === undefined ? NaN : Number(g[key]);
      if (Number.isFinite(v)) {
        p[key] = v;
        used = true;
      }
    }
    return used;
  }

  private applyBar(bar: TqdmBar, p: Progress): void {
    if (bar.total === undefined || bar.total <= 1) return;
    const key = `${bar.desc}\u0000${bar.total}`;
    if (this.lockedBar === undefined || this.finishedRun) {
      if (bar.desc !== '' && AUX_BAR.test(bar.desc)) return;
      // A new run after a finished one starts over, so its bar may have another total.
      if (this.finishedRun && this.lockedBar !== key) delete p.loss;
      this.lockedBar = key;
      this.finishedRun = false;
    } else if (key !== this.lockedBar) return;
    p.step = bar.step;
    p.total = bar.total;
    if (bar.rate !== undefined) p.rate = bar.rate;
    if (bar.loss !== undefined) p.loss = bar.loss;
  }

  private applyDict(d: Record<string, number>, p: Progress): void {
    if (d.loss !== undefined) p.loss = d.loss;
    if (d.learning_rate !== undefined) p.learningRate = d.learning_rate;
    if (d.eval_loss !== undefined) p.evalLoss = d.eval_loss;
    if (d.epoch !== undefined) p.epoch = d.epoch;
    // A metrics dict that names its global step ({'loss': …, 'step': 9900}) says where the run is.
    if (d.step !== undefined && Number.isInteger(d.step) && d.step >= 0) p.step = d.step;
    if (d.train_runtime !== undefined) this.finishedRun = true;
  }
}

/** Progress of a whole set of lines at once (the latest values). */
export function parseProgress(lines: Iterable<string>, options: ProgressOptions = {}): Progress {
  const parser = new ProgressParser(options);
  parser.feedAll(lines);
  return parser.progress;
}

function sameProgress(a: Progress, b: Progress): boolean {
  const keys = new Set([...Object.keys(a), ...Object.keys(b)]) as Set<keyof Progress>;
  for (const k of keys) if (!Object.is(a[k], b[k])) return false;
  return true;
}
