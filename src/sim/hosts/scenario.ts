/** What a simulated host does: a plain object, validated with zod, so scenarios can come from files or tests. */
import * as z from 'zod';

/** Schema of a HostScenario; every field has a default, so `{}` is a healthy 300-step run. */
export const HostScenarioSchema = z.object({
  /** Steps of the whole run (Trainer max_steps). */
  totalSteps: z.number().int().positive().default(300),
  /** Training speed at speed 1. */
  stepsPerSecond: z.number().positive().default(5),
  /** Trainer logging_steps: a `{'loss': ...}` line every this many steps. */
  loggingSteps: z.number().int().positive().default(10),
  /** Trainer save_steps: a checkpoint-N dir every this many steps. */
  saveSteps: z.number().int().positive().default(100),
  /** Epochs advanced per step (the fixture run: 0.0016). */
  epochPerStep: z.number().positive().default(0.0016),
  /** Step the job hangs at: no more output, step stops advancing, GPU stays busy. */
  stallAtStep: z.number().int().positive().optional(),
  /** Step the job dies at with a Python traceback. */
  crashAtStep: z.number().int().positive().optional(),
  /** Step the job dies at with torch.OutOfMemoryError. */
  oomAtStep: z.number().int().positive().optional(),
  /** No usable GPU: nvidia-smi fails and the job dies at start. */
  noCuda: z.boolean().default(false),
  /** Disk full: df shows 100%, and the first checkpoint save dies with ENOSPC. */
  diskFull: z.boolean().default(false),
  /** Slow network: every reply and streamed chunk is delayed this long. */
  outputDelayMs: z.number().int().nonnegative().default(0),
  /** Whether the tmux session `train` exists (Vast's auto-tmux does not survive a container restart). */
  tmuxSession: z.boolean().default(true),
  /** GPU model name as nvidia-smi prints it. */
  gpuName: z.string().default('NVIDIA H100 80GB HBM3'),
  /** GPU memory in MiB. */
  gpuMemoryMiB: z.number().int().positive().default(81559),
  /** GPUs nvidia-smi lists (a host that lies shows fewer than the offer). */
  gpuCount: z.number().int().min(0).max(16).default(1),
  /** Driver version nvidia-smi reports. */
  driverVersion: z.string().min(1).default('580.159.04'),
  /** Size of the work disk df reports, GB (absent: the fixture host's 270 GB disk). */
  diskGb: z.number().positive().optional(),
  /** nvidia-smi works but a CUDA kernel fails (the smoke test dies with a CUDA error). */
  cudaFails: z.boolean().default(false),
  /** Download speed per URL, Mbps, by a substring of the URL (e.g. {"huggingface.co": 2}): one slow endpoint. */
  urlMbps: z.record(z.string(), z.number().positive()).default({}),
  /** The loss rises instead of falling (a run to catch in its validation window). */
  diverge: z.boolean().default(false),
  /** Print transformers' INFO line "Saving model checkpoint to DIR" at each save (scripts that raise verbosity). */
  logCheckpoints: z.boolean().default(false),
  /** Advertised internet download speed, Mbps; the simulated curl measures from it (curl.ts). */
  inetDownMbps: z.number().positive().optional(),
  /**
   * What the log looks like: `trainer` (HF Trainer: tqdm and loss dicts) or `worker` (the fleet-of-workers
   * runbook's self-play worker: `[worker-vast-0] batch N: 7168 examples, 1.5 games/s, step=142, total_games=…`
   * every loggingSteps, with `step=` fixed while total_games advances by 256 per batch).
   */
  logStyle: z.enum(['trainer', 'worker']).default('trainer'),
  /** Path of the training log. */
  logPath: z.string().default('/workspace/train.log'),
  /** Trainer output_dir holding checkpoint-N. */
  outputDir: z.string().default('/workspace/run'),
});

/** A validated scenario (all defaults filled in). */
export type HostScenario = z.output<typeof HostScenarioSchema>;
/** What callers may pass: any subset of the fields. */
export type HostScenarioInput = z.input<typeof HostScenarioSchema>;

/** Validates a scenario; throws a one-line message naming the bad field. */
export function parseScenario(input: unknown): HostScenario {
  const r = HostScenarioSchema.safeParse(input ?? {});
  if (!r.success) {
    const i = r.error.issues[0]!;
    throw new Error(`invalid host scenario: ${i.path.join('.') || '(root)'}: ${i.message}`);
  }
  return r.data;
}
