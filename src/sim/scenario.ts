/**
 * Scenario files (YAML): seed, balance, a starting fleet, market tweaks, lifecycle odds and faults, so a demo,
 * a test or a bug report is reproducible. Validated with zod; a bad file gives one line naming the file, the
 * field and what was expected.
 */
import { readFile } from 'node:fs/promises';
import { parse as parseYaml } from 'yaml';
import * as z from 'zod';
import { findGpu } from './gpus.js';
import { FaultSchema } from './faults.js';

/** "90s", "45m", "3h", "2d", or a number of seconds → milliseconds. */
const Duration = z
  .union([
    z.number().nonnegative(),
    z.string().regex(/^\d+(\.\d+)?\s*(s|m|h|d)$/, 'expected a duration like 90s, 45m, 3h or 2d'),
  ])
  .transform((v) => {
    if (typeof v === 'number') return v * 1000;
    const n = parseFloat(v);
    const unit = v.trim().slice(-1);
    return n * { s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 }[unit as 's' | 'm' | 'h' | 'd'];
  });

/** What an instance's simulated host does (src/sim/hosts): the job's length and speed, and how it fails. */
const HostBlock = z.strictObject({
  totalSteps: z.number().int().positive().optional(),
  /** Optimizer steps per second of instance uptime. */
  stepsPerSec: z.number().positive().optional(),
  loggingSteps: z.number().int().positive().optional(),
  saveSteps: z.number().int().positive().optional(),
  crashAtStep: z.number().int().positive().optional(),
  oomAtStep: z.number().int().positive().optional(),
  stallAtStep: z.number().int().positive().optional(),
  noCuda: z.boolean().optional(),
  diskFull: z.boolean().optional(),
  /** Slow network: every reply is delayed this long (ms). */
  outputDelayMs: z.number().int().nonnegative().optional(),
  tmuxSession: z.boolean().optional(),
  /** `worker`: the log of the runbook's self-play worker (games, not Trainer steps). */
  logStyle: z.enum(['trainer', 'worker']).optional(),
  /** A host that is not what was paid for: the GPU model nvidia-smi names (e.g. "NVIDIA GeForce RTX 3080"). */
  gpuName: z.string().min(1).max(200).optional(),
  gpuMemoryMiB: z.number().int().positive().optional(),
  /** GPUs nvidia-smi lists (default: the offer's count). */
  gpuCount: z.number().int().min(0).max(16).optional(),
  driverVersion: z.string().min(1).max(50).optional(),
  /** Size of the disk df reports, GB (smaller than asked for). */
  diskGb: z.number().positive().optional(),
  /** nvidia-smi works, a CUDA kernel fails. */
  cudaFails: z.boolean().optional(),
  /** Download speed by URL substring, Mbps: one slow artifact endpoint. */
  urlMbps: z.record(z.string(), z.number().positive()).optional(),
  /** The loss rises instead of falling. */
  diverge: z.boolean().optional(),
});

/**
 * What the host behind a NEW rental does (an instance created through the API): the first rule whose match
 * fits the rented offer applies, `count` times at most. This is how a test makes a host lie about what was paid.
 */
export const HostRuleSchema = z.strictObject({
  machineId: z.number().int().optional(),
  offerId: z.number().int().optional(),
  /** GPU name of the offer as Vast spells it ("RTX 3090"). */
  gpu: z.string().optional(),
  /** Rentals it applies to; absent = every matching one. */
  count: z.number().int().positive().optional(),
  host: HostBlock,
});

/** A host rule (see HostRuleSchema). */
export type HostRule = z.input<typeof HostRuleSchema>;

const FleetEntry = z.strictObject({
  label: z.string().max(256).nullable().default(null),
  gpu: z.string().refine((g) => findGpu(g) !== undefined, 'expected a GPU name from the catalogue, e.g. "RTX 4090"'),
  /** GPUs per instance. */
  count: z.number().int().min(1).max(16).default(1),
  /** Instances made from this entry; labels get "-1", "-2", ... (or "{n}" in the label is replaced). */
  replicas: z.number().int().min(1).max(500).default(1),
  status: z.enum(['running', 'loading', 'stopped', 'exited', 'created', 'provisioning']).default('running'),
  age: Duration.default(3_600_000),
  stuck: z.boolean().default(false),
  exitAfter: Duration.optional(),
  outbid: z.boolean().default(false),
  interruptible: z.boolean().default(false),
  outbidAfter: Duration.optional(),
  image: z.string().min(1).max(1024).default('pytorch/pytorch:2.5.1-cuda12.4-cudnn9-devel'),
  disk: z.number().min(8).max(100_000).default(50),
  runtype: z.string().default('ssh_direc ssh_proxy'),
  env: z.record(z.string(), z.string()).default({}),
  host: HostBlock.optional(),
});

const Range = z
  .tuple([z.number().nonnegative(), z.number().nonnegative()])
  .refine(([a, b]) => a <= b, 'expected [min, max] with min <= max');

/** The scenario file schema. */
export const ScenarioSchema = z.strictObject({
  seed: z.number().int().default(1),
  balance: z.number().default(100),
  speed: z.number().positive().optional(),
  apiKey: z.string().min(1).optional(),
  rateLimit: z.boolean().optional(),
  /** First SSH port; absent = a random free block per simulator, so parallel simulators do not collide. */
  sshPortBase: z.number().int().min(1024).max(64000).optional(),
  user: z.strictObject({ email: z.string().optional(), username: z.string().optional() }).default({}),
  secrets: z.record(z.string(), z.string()).default({}),
  /** SSH public keys on the account from the start; the scenario's fleet was created with them. */
  sshKeys: z.array(z.string().regex(/^ssh-\S+ \S+/, 'an OpenSSH public key line ("ssh-ed25519 AAAA…")')).default([]),
  market: z
    .strictObject({
      size: z.number().int().min(100).max(50_000).default(12_000),
      traps: z.boolean().default(true),
      gpus: z
        .record(
          z.string(),
          z.strictObject({
            weight: z.number().nonnegative().optional(),
            priceFactor: z.number().positive().optional(),
          }),
        )
        .default({}),
    })
    .default({ size: 12_000, traps: true, gpus: {} }),
  lifecycle: z
    .strictObject({
      provisionSec: z.number().nonnegative().optional(),
      loadSec: Range.optional(),
      stuckRate: z.number().min(0).max(1).optional(),
      exitRate: z.number().min(0).max(1).optional(),
      exitAfterHours: Range.optional(),
      outbidMeanHours: z.number().nonnegative().optional(),
    })
    .default({}),
  fleet: z.array(FleetEntry).default([]),
  faults: z.array(FaultSchema).default([]),
  /** Hosts of new rentals that lie (another GPU, a smaller disk, failing CUDA, a slow endpoint); see HostRuleSchema. */
  hostRules: z.array(HostRuleSchema).default([]),
});

/** A validated scenario (durations in ms, defaults filled in). */
export type Scenario = z.output<typeof ScenarioSchema>;
/** One fleet entry of a validated scenario. */
export type FleetSpec = Scenario['fleet'][number];

function fieldPath(path: ReadonlyArray<PropertyKey>): string {
  let s = '';
  for (const p of path) s += typeof p === 'number' ? `[${p}]` : s ? `.${String(p)}` : String(p);
  return s || '(top level)';
}

/** Validate a scenario object; `source` names it in errors (a file path, or "<inline>"). */
export function parseScenario(raw: unknown, source: string): Scenario {
  const res = ScenarioSchema.safeParse(raw ?? {});
  if (res.success) return res.data;
  const issue = res.error.issues[0]!;
  let path = fieldPath(issue.path);
  let what = issue.message;
  if (issue.code === 'unrecognized_keys') {
    path = fieldPath([...issue.path, issue.keys[0] ?? '?']);
    what = 'unknown field (check the spelling)';
  } else {
    const i = what.indexOf('expected');
    if (i > 0) what = what.slice(i);
  }
  throw new Error(`scenario ${source}: field ${path}: ${what}`);
}

/** Read, parse and validate a scenario file; throws Error('scenario FILE: field X: expected …'). */
export async function loadScenario(path: string): Promise<Scenario> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (e) {
    throw new Error(`scenario ${path}: cannot read file (${(e as NodeJS.ErrnoException).code ?? 'error'})`);
  }
  // A .json scenario (the bundle's copy of the demo, written by scripts/build.mjs) needs no YAML parser.
  const json = path.endsWith('.json');
  let raw: unknown;
  try {
    raw = json ? JSON.parse(text) : parseYaml(text);
  } catch (e) {
    throw new Error(`scenario ${path}: invalid ${json ? 'JSON' : 'YAML'}: ${(e as Error).message.split('\n')[0]}`);
  }
  return parseScenario(raw, path);
}
