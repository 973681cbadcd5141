/**
 * Failure and completion markers in training logs: Python tracebacks (with their final error line),
 * CUDA out of memory, missing CUDA/driver, NCCL failures, disk full, the OOM killer, and "training finished".
 */

/** What a log line says went wrong (or right). */
export type LogEventKind = 'traceback' | 'cuda_oom' | 'no_cuda' | 'nccl' | 'disk_full' | 'killed' | 'finished';

/** One detected event; `line` is the line that shows it (for a traceback, its final error line). */
export interface LogEvent {
  kind: LogEventKind;
  line: string;
  /** Position of the line in the stream (as given to the scanner), for ordering against progress. */
  index: number;
}

/** A captured Python traceback. */
export interface Traceback {
  /** The traceback as printed, including the final error line, capped at the last MAX_TRACEBACK_LINES. */
  lines: string[];
  /** The final line, e.g. "torch.OutOfMemoryError: CUDA out of memory. Tried to allocate 2.00 GiB". */
  errorLine: string;
  index: number;
}

/** Line patterns, in the order they are tried: the more specific first. */
const PATTERNS: [Exclude<LogEventKind, 'traceback'>, RegExp][] = [
  [
    'cuda_oom',
    new RegExp(
      [
        'CUDA out of memory',
        'OutOfMemoryError',
        'CUBLAS_STATUS_ALLOC_FAILED',
        'cudaErrorMemoryAllocation',
        'CUDA error: out of memory',
      ].join('|'),
      'i',
    ),
  ],
  [
    'no_cuda',
    new RegExp(
      [
        'CUDA driver version is insufficient',
        'no CUDA-capable device',
        'No CUDA GPUs are available',
        'Found no NVIDIA driver',
        'no NVIDIA driver',
        'NVIDIA driver on your system is too old',
        'Torch not compiled with CUDA enabled',
        'torch\\.cuda\\.is_available\\(\\) is False',
        'No CUDA runtime is found',
        'NVIDIA-SMI has failed',
        'CUDA initialization: .*(?:error|failed)',
      ].join('|'),
      'i',
    ),
  ],
  [
    'nccl',
    new RegExp(
      [
        'NCCL error',
        'ncclInternalError',
        'ncclSystemError',
        'ncclUnhandledCudaError',
        'ncclInvalidUsage',
        'ncclRemoteError',
        'DistBackendError',
        'Watchdog caught collective operation timeout',
        'ProcessGroupNCCL.*(?:timed? ?out|abort)',
      ].join('|'),
      'i',
    ),
  ],
  ['disk_full', /No space left on device|\bENOSPC\b|Disk quota exceeded/i],
  [
    'killed',
    new RegExp(
      [
        '^Killed\\s*$',
        '\\d+\\s+Killed\\s+\\S',
        'Out of memory: Kill(?:ed)? process',
        'oom-kill',
        'Signals\\.SIGKILL',
        'exitcode\\s*:\\s*-9\\b',
        '\\bexit(?:ed with)? (?:code|status) (?:-9|137)\\b',
      ].join('|'),
      'i',
    ),
  ],
  // The Trainer prints {'train_runtime': …} once train() returns; older versions also say "Training completed".
  ['finished', /'train_runtime':|\bTraining completed\b/],
];

/** torchrun/accelerate prefix every line of a worker with "[rank0]: "; the traceback is the same under it. */
const RANK_PREFIX = /^\[(?:rank|default)\d*\]:\s?/;
const TRACEBACK_START = /^Traceback \(most recent call last\):/;
const CHAINED = /^(?:During handling of the above exception|The above exception was the direct cause)/;
/** "ValueError: bad", "torch.OutOfMemoryError: …", a bare "KeyboardInterrupt". */
const ERROR_LINE = /^[A-Za-z_][\w.]*(?::\s|:?$)/;
/** A traceback longer than this (deep recursion) keeps its last lines only. */
export const MAX_TRACEBACK_LINES = 200;

/** Classifies one line by the simple (single-line) patterns; tracebacks need ErrorScanner. */
export function classifyLine(line: string): Exclude<LogEventKind, 'traceback'> | undefined {
  for (const [kind, re] of PATTERNS) if (re.test(line)) return kind;
  return undefined;
}

/** Fatal kinds: any of them means the training process is (or is about to be) dead. */
export function isFatal(kind: LogEventKind): boolean {
  return kind !== 'finished';
}

/**
 * Scans log lines in order and remembers the failures and the completion marker. Feed each complete line
 * once (a partial tqdm line need not be fed; it never carries an error).
 */
export class ErrorScanner {
  private index = 0;
  private tb: string[] | undefined;
  /** Blank and "During handling…" lines seen since the last error line, while a chained traceback may follow. */
  private chain: string[] | undefined;
  private lastTb: Traceback | undefined;
  private lastFatalEvent: LogEvent | undefined;
  private finishedEvent: LogEvent | undefined;
  private readonly recent: LogEvent[] = [];

  /** Feeds one line; returns the events it produced (usually none). */
  feed(raw: string): LogEvent[] {
    const index = this.index++;
    const line = raw.replace(RANK_PREFIX, '');
    const out: LogEvent[] = [];
    const tbEvent = this.traceback(line, index);
    if (tbEvent) out.push(tbEvent);
    const kind = classifyLine(line);
    // A frame's source line ("    raise OutOfMemoryError(...)") is not an error by itself.
    if (kind && !(this.tb && /^\s/.test(line))) out.push({ kind, line: line.trim(), index });
    for (const e of out) this.remember(e);
    return out;
  }

  /** The most recent fatal event (traceback, OOM, no CUDA, NCCL, disk full, killed). */
  get lastFatal(): LogEvent | undefined {
    return this.lastFatalEvent;
  }

  /** The completion marker, when the run printed one. */
  get finished(): LogEvent | undefined {
    return this.finishedEvent;
  }

  /** The last complete traceback. */
  get lastTraceback(): Traceback | undefined {
    return this.lastTb;
  }

  /** The last 50 events, oldest first. */
  get events(): readonly LogEvent[] {
    return this.recent;
  }

  /** Lines fed so far (the index the next line gets). */
  get position(): number {
    return this.index;
  }

  /** Forgets everything. */
  reset(): void {
    this.index = 0;
    this.tb = undefined;
    this.chain = undefined;
    this.lastTb = undefined;
    this.lastFatalEvent = undefined;
    this.finishedEvent = undefined;
    this.recent.length = 0;
  }

  private remember(e: LogEvent): void {
    if (e.kind === 'finished') this.finishedEvent = e;
    else this.lastFatalEvent = e;
    this.recent.push(e);
    if (this.recent.length > 50) this.recent.shift();
  }

  /** Tracks a traceback across lines; returns the event when its final error line arrives. */
  private traceback(line: string, index: number): LogEvent | undefined {
    if (this.chain) {
      // Right after an error line: "During handling of the above exception…" joins the next traceback to it.
      if ((line.trim() === '' || CHAINED.test(line)) && this.chain.length < 8) {
        this.chain.push(line);
        return undefined;
      }
      if (TRACEBACK_START.test(line) && this.chain.some((l) => CHAINED.test(l))) {
        this.tb = [...this.lastTb!.lines, ...this.chain, line].slice(-MAX_TRACEBACK_LINES);
        this.chain = undefined;
        return undefined;
      }
      this.chain = undefined;
    }
    if (TRACEBACK_START.test(line)) {
      this.tb = this.tb ? [...this.tb, line] : [line];
      return undefined;
    }
    if (!this.tb) return undefined;
    if (line.trim() === '' || /^\s/.test(line) || CHAINED.test(line)) {
      this.tb.push(line);
      if (this.tb.length > MAX_TRACEBACK_LINES) this.tb.shift();
      return undefined;
    }
    if (!ERROR_LINE.test(line)) return undefined; // unrelated output interleaved from another process
    const lines = [...this.tb, line];
    this.tb = undefined;
    const errorLine = line.trim();
    this.lastTb = { lines, errorLine, index };
    this.chain = [];
    return { kind: 'traceback', line: errorLine, index };
  }
}
