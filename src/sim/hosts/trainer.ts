/**
 * A simulated Hugging Face Trainer run: writes /workspace/train.log the way the real one does (tqdm
 * redraws with \r, `{'loss': ...}` dicts every logging_steps, a final summary dict), saves checkpoint-N
 * every save_steps, and fails the ways a scenario asks for. Progress is a pure function of elapsed time,
 * so a faster `speed` simply moves through the same run sooner.
 */
import { g4, trainerDict, tqdmBar } from './formats.js';
import type { HostScenario } from './scenario.js';
import type { SimContent } from '../content.js';

/**
 * The files of every checkpoint-N dir with the sizes of the real fixture (test/fixtures/gpu-host/
 * hf-checkpoint-layout.txt); trainer_state.json is generated. Model config files are the same for every run of
 * the model; the rest differ per run and step.
 */
export const CKPT_LAYOUT: ReadonlyArray<{ name: string; size: number; perRun: boolean }> = [
  { name: 'config.json', size: 829, perRun: false },
  { name: 'generation_config.json', size: 203, perRun: false },
  { name: 'model.safetensors', size: 15002608, perRun: true },
  { name: 'optimizer.pt', size: 30040011, perRun: true },
  { name: 'rng_state.pth', size: 14645, perRun: true },
  { name: 'scheduler.pt', size: 1465, perRun: true },
  { name: 'trainer_state.json', size: 0, perRun: true },
  { name: 'training_args.bin', size: 5201, perRun: true },
];

/** Where the job is; 'idle' = the host is up but no training was started yet (an onstart that only fetches). */
export type TrainerStatus = 'running' | 'stalled' | 'crashed' | 'finished' | 'idle';

/** What a command hook answers (src/sim/hub-link.ts adds the resume and checkpoint-download commands). */
export type HookResult = { stdout: string; stderr: string; code: number };

/** Called with each piece of text appended to the log. */
export type AppendListener = (text: string) => void;

const MAX_LOG = 4 * 1024 * 1024;
/** Log dicts kept when catching up a long gap (a demo host "booted" two days into its run): the log tail only. */
const CATCH_UP_DICTS = 300;

const WARNINGS =
  '[transformers] Model config: bos_token_id must be `None` or an integer within the vocabulary (between 0 and ' +
  '2047), got 50256. This may result in unexpected behavior.\n' +
  ('[transformers] Model config: eos_token_id must be `None` or an integer within the vocabulary (between 0 and ' +
    '2047), got 50256. This may result in unexpected behavior.\n');

const TRACE_HEAD =
  'Traceback (most recent call last):\n' +
  '  File "/workspace/train.py", line 88, in <module>\n' +
  '    trainer.train()\n' +
  '  File "/usr/local/lib/python3.12/dist-packages/transformers/trainer.py", line 2240, in train\n' +
  '    return inner_training_loop(\n' +
  '           ^^^^^^^^^^^^^^^^^^^^\n';

/** The last lines of a traceback for each failure. */
const FAILURES = {
  crash:
    '  File "/workspace/train.py", line 61, in compute_loss\n    raise RuntimeError("CUDA error: an illegal ' +
    'memory access was encountered")\nRuntimeError: CUDA error: an illegal memory access was encountered\n',
  oom:
    '  File "/usr/local/lib/python3.12/dist-packages/torch/nn/functional.py", line 3479, in cross_entropy\n    ' +
    'return torch._C._nn.cross_entropy_loss(\n           ' +
    '^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^\ntorch.OutOfMemoryError: CUDA out of memory. Tried to allocate 2.00 GiB. ' +
    'GPU 0 has a total capacity of 79.19 GiB of which 1.12 GiB is free. Including non-PyTorch memory, this ' +
    'process has 78.06 GiB memory in use. Of the allocated memory 75.50 GiB is allocated by PyTorch, and 1.93 ' +
    'GiB is reserved by PyTorch but unallocated.\n',
  noCuda:
    '  File "/usr/local/lib/python3.12/dist-packages/torch/cuda/__init__.py", line 372, in _lazy_init\n    ' +
    'torch._C._cuda_init()\nRuntimeError: Found no NVIDIA driver on your system. Please check that you have an ' +
    'NVIDIA GPU and installed a driver from http://www.nvidia.com/Download/index.aspx\n',
  disk:
    '  File "/usr/local/lib/python3.12/dist-packages/transformers/trainer.py", line 3205, in ' +
    '_save_checkpoint\n    self.save_model(output_dir, _internal_call=True)\nOSError: [Errno 28] No space left ' +
    'on device\n',
};

/** The start of a self-play worker's log (runbook 003, "What healthy startup looks like"). */
const WORKER_START =
  'Pulling initial weights from sim/zeb-42...\n  Model loaded (step 142), 557,186 params\n  Examples repo: ' +
  'sim/zeb-42-examples\n' +
  ('Creating self-play pipeline...\nPipeline created in 8.3s\n\nWorker worker-vast-0 starting (output: ' +
    'sim/zeb-42-examples)\n');

/** One worker batch line: the learner's step stays at 142 while total_games grows by 256 a batch. */
function workerLine(batch: number, batchSeconds: number): string {
  return (
    `[worker-vast-0] batch ${batch}: 7168 examples, ${(256 / batchSeconds).toFixed(1)} games/s, step=142, ` +
    `total_games=${batch * 256}\n`
  );
}

/** Loss, grad norm and learning rate at a step: smooth curves shaped like the fixture run. */
export function metricsAt(step: number, total: number): { loss: number; gradNorm: number; lr: number } {
  return {
    loss: 0.0148 + 7.7 * Math.exp(-step / 21),
    gradNorm: 0.018 + 2.9 * Math.exp(-step / 40),
    lr: (0.001 * (total - step + 1)) / total,
  };
}

/** The simulated job. Call tick() (or start()) to let time advance. */
export class SimTrainer {
  /** Last completed step. */
  step = 0;
  /** Current status. */
  status: TrainerStatus = 'running';
  /** Steps that have a checkpoint-N dir. */
  readonly checkpoints: number[] = [];
  private text = '';
  private begun = false;
  private readonly listeners = new Set<AppendListener>();
  private startedAt: number;
  /** Step the current run started from (a resumed run counts on from its checkpoint). */
  private fromStep = 0;
  private timer: NodeJS.Timeout | undefined;
  /** Extra shell commands for this host: consulted before the built-in ones; undefined = not mine. */
  commandHook?: (words: string[]) => HookResult | undefined;
  /** What makes this run's checkpoint bytes its own (the simulator uses the instance and its run id). */
  contentSeed = `run-${Math.random().toString(36).slice(2)}`;
  /** When each checkpoint-N was written, on the `now` clock. */
  private readonly savedAt = new Map<number, number>();
  /** Checkpoints that came from elsewhere (a download): their files, byte for byte. */
  private readonly received = new Map<number, Map<string, SimContent>>();
  private readonly states = new Map<number, Buffer>();

  constructor(
    /** The scenario it plays. */
    readonly scenario: HostScenario,
    private readonly speed = 1,
    private readonly now: () => number = Date.now,
    /** When the run began on the `now` clock; default now (a fresh run). An earlier time resumes mid-run. */
    startedAt?: number,
  ) {
    this.startedAt = startedAt ?? now();
  }

  /**
   * Ticks only while someone follows the log (onAppend), instead of always; commands tick on demand. Progress
   * is a function of time, so this changes nothing a client sees, but an idle demo fleet costs no timers.
   */
  lazyTimer = false;
  private live = false;

  /** Advances on a timer (10 Hz, like tqdm's refresh) until stop(). */
  start(): void {
    this.live = true;
    this.tick();
    this.syncTimer();
  }

  /** Stops the timer. */
  stop(): void {
    this.live = false;
    this.syncTimer();
  }

  private syncTimer(): void {
    const want = this.live && (!this.lazyTimer || this.listeners.size > 0);
    if (want && !this.timer) {
      this.timer = setInterval(() => this.tick(), 100);
      this.timer.unref();
    } else if (!want && this.timer) {
      clearInterval(this.timer);
      this.timer = undefined;
    }
  }

  /** The whole log as it is now (the oldest part dropped beyond 4 MiB). */
  get log(): string {
    return this.text;
  }

  /** The host clock now, epoch ms (what `date +%s` answers). */
  clock(): number {
    return this.now();
  }

  /**
   * When the log was last written, epoch ms (what `stat -c %Y` answers): the moment the current step was
   * reached, computed like progress so a host that stalled hours before anyone looked says so.
   */
  logMtime(): number {
    const sc = this.scenario;
    const at = this.startedAt + ((this.step - this.fromStep) / sc.stepsPerSecond / this.speed) * 1000;
    return Math.min(this.now(), Math.max(this.startedAt, at));
  }

  /** Subscribes to appended text; returns the unsubscribe function. */
  onAppend(fn: AppendListener): () => void {
    this.listeners.add(fn);
    this.syncTimer();
    return () => {
      this.listeners.delete(fn);
      this.syncTimer();
    };
  }

  private append(s: string): void {
    this.text += s;
    if (this.text.length > MAX_LOG) this.text = this.text.slice(this.text.length - MAX_LOG / 2);
    for (const fn of this.listeners) fn(s);
  }

  private simSeconds(step: number): number {
    return step / this.scenario.stepsPerSecond;
  }

  private fail(kind: keyof typeof FAILURES): void {
    this.append('\n' + TRACE_HEAD + FAILURES[kind]);
    this.status = 'crashed';
  }

  /** Dies now with a traceback ending in `lastLines` (e.g. a resume from a checkpoint that is not there). */
  failWith(lastLines: string): void {
    this.append('\n' + TRACE_HEAD + lastLines);
    this.status = 'crashed';
  }

  /** Brings the job up to the current time. */
  tick(): void {
    const sc = this.scenario;
    if (!this.begun) {
      this.begun = true;
      this.append(sc.logStyle === 'worker' ? WORKER_START : WARNINGS);
      if (sc.noCuda) return this.fail('noCuda');
      if (sc.logStyle !== 'worker') this.append('\r' + tqdmBar(0, sc.totalSteps, 0));
    }
    if (this.status !== 'running') return;
    const elapsed = ((this.now() - this.startedAt) / 1000) * this.speed;
    const target = Math.min(sc.totalSteps, this.fromStep + Math.floor(elapsed * sc.stepsPerSecond));
    if (target <= this.step) return;
    this.skipAhead(target);
    let out = '';
    for (let s = this.step + 1; s <= target; s++) {
      if (sc.stallAtStep !== undefined && s > sc.stallAtStep) {
        this.status = 'stalled';
        break;
      }
      if (s === sc.crashAtStep || s === sc.oomAtStep) {
        this.append(out);
        return this.fail(s === sc.oomAtStep ? 'oom' : 'crash');
      }
      this.step = s;
      if (sc.logStyle === 'worker') {
        if (s % sc.loggingSteps === 0) out += workerLine(s / sc.loggingSteps, sc.loggingSteps / sc.stepsPerSecond);
        continue;
      }
      if (s === 1 || s % sc.loggingSteps === 0) {
        const bar = '\r' + tqdmBar(s, sc.totalSteps, this.simSeconds(s));
        const m = metricsAt(s, sc.totalSteps);
        if (sc.diverge) m.loss = 2 + s * 0.02;
        const dict = trainerDict([
          ['loss', m.loss],
          ['grad_norm', m.gradNorm],
          ['learning_rate', m.lr],
          ['epoch', s * sc.epochPerStep],
        ]);
        out += `${bar}\r${' '.repeat(bar.length - 1)}\r${dict}\n${bar}`;
      }
      if (s % sc.saveSteps === 0) {
        if (sc.diskFull) {
          this.append(out);
          return this.fail('disk');
        }
        this.checkpoints.push(s);
        this.savedAt.set(s, this.timeOfStep(s));
        if (sc.logCheckpoints) out += `\nSaving model checkpoint to ${sc.outputDir}/checkpoint-${s}\n`;
      }
    }
    if (sc.logStyle !== 'worker') out += '\r' + tqdmBar(this.step, sc.totalSteps, this.simSeconds(this.step));
    if (this.step === sc.totalSteps && sc.logStyle !== 'worker') {
      const runtime = this.simSeconds(sc.totalSteps);
      out +=
        '\n' +
        `\r${' '.repeat(49)}\r` +
        trainerDict([
          ['train_runtime', runtime],
          ['train_samples_per_second', (sc.totalSteps * 32) / runtime],
          ['train_steps_per_second', sc.totalSteps / runtime],
          ['train_loss', 0.795],
          ['epoch', sc.totalSteps * sc.epochPerStep],
        ]) +
        '\n';
      this.status = 'finished';
    }
    this.append(out);
  }

  /**
   * Jumps over most of a long gap without writing it: checkpoints are recorded, and the step lands a few
   * hundred log dicts before the target (or the failure/stall step), so only the log's tail is generated.
   * Without this, a host starting two days into a run would build and then throw away megabytes of log.
   */
  private skipAhead(target: number): void {
    const sc = this.scenario;
    const stops = [target, sc.stallAtStep, sc.crashAtStep, sc.oomAtStep, sc.diskFull ? sc.saveSteps : undefined];
    const end = Math.min(...stops.filter((s): s is number => s !== undefined));
    const keep = sc.loggingSteps * CATCH_UP_DICTS;
    const to = Math.floor((end - keep) / sc.loggingSteps) * sc.loggingSteps;
    if (to <= this.step + keep) return;
    for (let s = (Math.floor(this.step / sc.saveSteps) + 1) * sc.saveSteps; s <= to; s += sc.saveSteps) {
      this.checkpoints.push(s);
      this.savedAt.set(s, this.timeOfStep(s));
    }
    this.step = to;
  }

  /** Holds the job before its first step: the host is up, training waits for a resume command. */
  idle(): void {
    this.begun = true;
    this.status = 'idle';
  }

  /** When step `s` of the current run was (or will be) reached, on the `now` clock. */
  private timeOfStep(s: number): number {
    return this.startedAt + ((s - this.fromStep) / this.scenario.stepsPerSecond / this.speed) * 1000;
  }

  /** When checkpoint-N was written (its files' mtime), epoch ms on the host clock. */
  checkpointMtime(step: number): number {
    // A sub-millisecond part unique to this job, as real mtimes have nanoseconds: no two hosts' files share one.
    return Math.floor(this.savedAt.get(step) ?? this.now()) + this.mtimeFraction;
  }

  private readonly mtimeFraction = Math.random() * 0.999;

  /** The files of checkpoint-N with their contents (null when the host has no such checkpoint). */
  checkpointFiles(step: number): Map<string, SimContent> | null {
    if (!this.checkpoints.includes(step)) return null;
    const got = this.received.get(step);
    if (got) return got;
    const out = new Map<string, SimContent>();
    for (const f of CKPT_LAYOUT) {
      if (f.name === 'trainer_state.json') out.set(f.name, { bytes: this.stateBytes(step) });
      else
        out.set(f.name, {
          seed: f.perRun ? `${this.contentSeed}/checkpoint-${step}/${f.name}` : `model/${f.name}`,
          size: f.size,
        });
    }
    return out;
  }

  private stateBytes(step: number): Buffer {
    let b = this.states.get(step);
    if (!b) {
      b = Buffer.from(this.trainerState(step));
      if (this.states.size >= 64) this.states.delete(this.states.keys().next().value!);
      this.states.set(step, b);
    }
    return b;
  }

  /**
   * Adds checkpoint-N to the run dir (a download), with the downloaded files when given; false when it is already
   * there.
   */
  receiveCheckpoint(step: number, files?: Map<string, SimContent>): boolean {
    if (this.checkpoints.includes(step)) return false;
    if (files) this.received.set(step, files);
    this.savedAt.set(step, this.now());
    this.checkpoints.push(step);
    this.checkpoints.sort((a, b) => a - b);
    return true;
  }

  /** (Re)starts training from checkpoint-N, which must be on the host: the step continues from N from now on. */
  resumeFrom(step: number): void {
    this.fromStep = step;
    this.step = step;
    this.startedAt = this.now();
    this.status = 'running';
    this.begun = true;
    if (step > 0)
      this.append(
        `\nResuming training from checkpoint ${this.scenario.outputDir}/checkpoint-${step} (global_step ${step})\n`,
      );
    this.append('\r' + tqdmBar(step, this.scenario.totalSteps, this.simSeconds(step)));
  }

  /** trainer_state.json as saved with checkpoint-N (same keys and layout as the Trainer writes). */
  trainerState(step: number): string {
    const sc = this.scenario;
    const history = [];
    for (let s = 1; s <= step; s++) {
      if (s !== 1 && s % sc.loggingSteps !== 0) continue;
      const m = metricsAt(s, sc.totalSteps);
      history.push({
        epoch: Number(g4(s * sc.epochPerStep)),
        grad_norm: m.gradNorm,
        learning_rate: m.lr,
        loss: m.loss,
        step: s,
      });
    }
    const state = {
      best_global_step: null,
      best_metric: null,
      best_model_checkpoint: null,
      epoch: Number(g4(step * sc.epochPerStep)),
      eval_steps: 500,
      global_step: step,
      is_hyper_param_search: false,
      is_local_process_zero: true,
      is_world_process_zero: true,
      log_history: history,
      logging_steps: sc.loggingSteps,
      max_steps: sc.totalSteps,
      num_input_tokens_seen: 0,
      num_train_epochs: 1,
      save_steps: sc.saveSteps,
      stateful_callbacks: {
        TrainerControl: {
          args: {
            should_epoch_stop: false,
            should_evaluate: false,
            should_log: false,
            should_save: true,
            should_training_stop: step >= sc.totalSteps,
          },
          attributes: {},
        },
      },
      total_flos: 155298299904 * step,
      train_batch_size: 32,
      trial_name: null,
      trial_params: null,
    };
    return JSON.stringify(state, null, 2) + '\n';
  }
}

/** The last `n` lines of `text` as `tail -n` prints them (a final line without \n counts). */
export function lastLines(text: string, n: number): string {
  if (n <= 0) return '';
  let pos = text.length - (text.endsWith('\n') ? 1 : 0);
  for (let i = 0; i < n; i++) {
    pos = text.lastIndexOf('\n', pos - 1);
    if (pos < 0) return text;
  }
  return text.slice(pos + 1);
}
