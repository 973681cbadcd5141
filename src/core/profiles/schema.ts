/**
 * The schema of instance_profiles.yaml. A profile is everything needed to rent a host for one training job
 * and to judge offers for it. Unknown keys are errors (a typo must not silently drop a safety minimum), and
 * secrets can only be referenced by name, never written inline (see secrets.ts).
 */
import * as z from 'zod';
import { containsToken, isSecretName, looksLikeToken } from './secrets.js';
import { lifecycleSchema } from '../lifecycle/rules.js';
import { parseDuration } from '../present/durations.js';

const ENV_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

/** Why a progress regex cannot be used (null when it can): it must compile and capture a number. */
export function counterRegexProblem(source: string): string | null {
  try {
    new RegExp(source);
  } catch (err) {
    return `not a valid regular expression (${(err as Error).message})`;
  }
  // Some capturing group: "(" not followed by "?", or a named group.
  if (!/(^|[^\\])\((?!\?)|\(\?<[A-Za-z]/.test(source))
    return 'expected a capture group around the number, e.g. total_games=(\\d+)';
  return null;
}

/** An env value: a plain non-secret literal, a variable of the local environment, or a Vast account env var. */
export const envValueSchema = z.union([
  z.string().max(256),
  z.strictObject({ fromEnv: z.string().regex(ENV_NAME, 'expected an environment variable name') }),
  z.strictObject({ vast: z.string().regex(ENV_NAME, 'expected a Vast env var name') }),
  /** A secret kept in a file: `~/.env` (key, default the entry's name) or `~/.netrc` (machine; password, or login). */
  z.strictObject({
    fromFile: z.string().min(1).max(1024),
    key: z.string().regex(ENV_NAME, 'expected a variable name').optional(),
    machine: z.string().min(1).max(253).optional(),
    field: z.enum(['password', 'login']).optional(),
  }),
]);

/** The onstart script, either written out or built from its parts (clone, install, train in tmux session `train`). */
export const onstartSchema = z.union([
  z.strictObject({ script: z.string().min(1).max(4096) }),
  z.strictObject({
    /** Git URL to clone into workdir. */
    repo: z.string().min(1),
    ref: z.string().min(1).optional(),
    workdir: z.string().min(1).default('/workspace/code'),
    /** Run once after the clone, e.g. "pip install -r requirements.txt". */
    install: z.string().optional(),
    /** The training command without --config/--run-dir; those are added explicitly. */
    train: z.string().min(1),
    config: z.string().min(1),
    runDir: z.string().min(1),
    /** Where the tmux session's output is also written. */
    log: z.string().min(1).default('/workspace/train.log'),
  }),
]);

/** Where checkpoints live off the host. */
export const checkpointSchema = z.discriminatedUnion('kind', [
  z.strictObject({
    kind: z.literal('hf'),
    repo: z.string().regex(/^[\w.-]+\/[\w.-]+$/, 'expected "owner/name"'),
    revision: z.string().min(1).default('main'),
    prefix: z.string().default(''),
    /** Name of the env var holding the Hub token (never the token). */
    tokenEnv: z.string().regex(ENV_NAME, 'expected an environment variable name').default('HF_TOKEN'),
  }),
  z.strictObject({
    kind: z.literal('rsync'),
    host: z.string().min(1),
    path: z.string().min(1),
    exclude: z.array(z.string()).default([]),
  }),
  z.strictObject({ kind: z.literal('command'), cmd: z.string().min(1) }),
]);

const searchSchema = z.strictObject({
  /** Offer query in the official CLI's syntax, e.g. "num_gpus>=4 gpu_ram>=24". */
  query: z.string().default(''),
  /** Sort, e.g. "dph_total" or "score-". */
  order: z.string().optional(),
  type: z.enum(['on-demand', 'interruptible']).default('on-demand'),
  limit: z.number().int().min(1).max(1000).default(64),
});

const minSchema = z.strictObject({
  ramGb: z.number().min(0).optional(),
  diskGb: z.number().min(0).optional(),
  inetDownMbps: z.number().min(0).optional(),
  inetUpMbps: z.number().min(0).optional(),
  reliability: z.number().min(0).max(1).optional(),
  cuda: z.number().min(0).optional(),
});

const needsSchema = z.strictObject({
  /** VRAM per GPU the job needs, GB. */
  vramGb: z.number().min(0).optional(),
  /** System RAM the job needs, GB. */
  ramGb: z.number().min(0).optional(),
  /** Model, data and image on disk, GB. */
  modelGb: z.number().min(0).default(0),
  /** Checkpoints kept on the host, GB. */
  checkpointsGb: z.number().min(0).default(0),
});

/**
 * Rules the runbooks state as rules: a minimum disk, config files that must never be used, GPUs to refuse.
 * Written per model kind at the top of the file (`rules: {moe: {...}, '*': {...}}`) or in a profile; checked
 * (rules.ts) in the dry run, before any rental and in the TUI's confirmation.
 */
export const rulesSchema = z.strictObject({
  minDiskGb: z.number().min(0).optional(),
  /** Config files never to use (matched by path or file name), e.g. "never mosaic_small.yaml for MoE". */
  neverConfigs: z.array(z.string().min(1)).default([]),
  /** GPU names as Vast spells them ("RTX 3060", or RTX_3060). */
  refuseGpus: z.array(z.string().min(1)).default([]),
});

/** One profile. */
export const profileSchema = z
  .strictObject({
    /** Short model name for the label template's {model}. */
    model: z.string().regex(/^[\w.-]+$/, 'expected a short name (letters, digits, . _ -)'),
    image: z.string().min(1).max(1024),
    /** CUDA version the image is built for; read from the image tag (cuda12.4, cu124) when absent. */
    cuda: z.number().min(1).max(99).optional(),
    diskGb: z.number().min(8).max(100_000),
    env: z.record(z.string().regex(ENV_NAME, 'expected an env var name'), envValueSchema).default({}),
    onstart: onstartSchema.optional(),
    label: z.string().min(1).max(200).default('{model}-{gpu_type}'),
    search: searchSchema.prefault({}),
    excludeGpus: z.array(z.string()).default([]),
    min: minSchema.prefault({}),
    needs: needsSchema.prefault({}),
    resume: z.string().optional(),
    checkpoint: checkpointSchema.optional(),
    /** File a migration rewrites with where the run lives now (instance, SSH, step, time); `~/` = $HOME. */
    continuation: z.string().min(1).optional(),
    targetStep: z.number().int().min(1).optional(),
    /** Steps per hour per GPU, by GPU name as Vast spells it ("RTX 3090"); measured on earlier runs. */
    throughput: z.record(z.string(), z.number().positive()).default({}),
    /** After boot, measure the host's real download speed from these URLs (over SSH with curl). */
    speedtest: z
      .strictObject({
        urls: z
          .array(z.url({ protocol: /^https?$/, error: 'expected an http(s) URL' }))
          .min(1)
          .max(5),
        /** Seconds per URL at most. */
        seconds: z.number().int().min(1).max(120).default(15),
        /** One neutral sanity endpoint measured after the real ones (runbook 002), reported for comparison. */
        neutral: z.url({ protocol: /^https?$/, error: 'expected an http(s) URL' }).optional(),
        /** A real endpoint below this fails the post-boot check (default: a quarter of the advertised speed). */
        minMbps: z.number().positive().optional(),
      })
      .optional(),
    /**
     * Progress that is not a Trainer step (a worker's `total_games=N`): the counter's regex (first capture
     * group, or a group named `count`), an optional rate regex (same rule) and the unit they are counted in.
     */
    progress: z
      .strictObject({
        pattern: z.string().min(1).max(500),
        rate: z.string().min(1).max(500).optional(),
        unit: z
          .string()
          .regex(/^[A-Za-z][\w-]{0,19}$/, 'expected a short unit name, e.g. games')
          .default('steps'),
      })
      .optional(),
    /** Model kind (moe, dense, ...): the file's `rules:` for this kind apply. */
    kind: z
      .string()
      .regex(/^[\w.-]+$/, 'expected a short kind name (letters, digits, . _ -)')
      .optional(),
    /** This profile's own rules, on top of its kind's (load.ts merges them). */
    rules: rulesSchema.optional(),
    /** What happens when the run finishes, crashes, runs too long, idles or is outbid (src/core/lifecycle/rules.ts). */
    lifecycle: lifecycleSchema.optional(),
    /**
     * The validation window after launch (runbook 002: "smoke test — 50 steps, confirm loss decreases", "a
     * 10-minute validation loop"): within `within` of the instance starting, the run must reach `minSteps` and,
     * with `loss: decreasing`, its logged loss must fall. `wait --validate` and the TUI report pass/fail.
     */
    validate: z
      .strictObject({
        within: z.string().refine((t) => (parseDuration(t) ?? 0) > 0, 'expected a duration like 10m or 1h'),
        minSteps: z.number().int().min(1).optional(),
        loss: z.enum(['decreasing']).optional(),
      })
      .optional(),
  })
  .superRefine((p, ctx) => {
    for (const key of ['pattern', 'rate'] as const) {
      const src = p.progress?.[key];
      const problem = src === undefined ? null : counterRegexProblem(src);
      if (problem) ctx.addIssue({ code: 'custom', path: ['progress', key], message: problem });
    }
    for (const [name, value] of Object.entries(p.env)) {
      if (typeof value !== 'string') continue;
      if (looksLikeToken(value) || isSecretName(name)) {
        ctx.addIssue({
          code: 'custom',
          path: ['env', name],
          message:
            `looks like a secret written inline; reference it ` + `instead ({ fromEnv: ${name} } or { vast: ${name} })`,
        });
      }
    }
    const scripts: Array<[string[], string | undefined]> = [
      [['onstart'], p.onstart && 'script' in p.onstart ? p.onstart.script : p.onstart && JSON.stringify(p.onstart)],
      [['resume'], p.resume],
      [['checkpoint'], p.checkpoint?.kind === 'command' ? p.checkpoint.cmd : undefined],
    ];
    for (const [path, text] of scripts) {
      if (text && containsToken(text))
        ctx.addIssue({
          code: 'custom',
          path,
          message: 'contains something that looks like a token; read it from an env var instead',
        });
    }
    const need = p.needs.modelGb + p.needs.checkpointsGb;
    if (need > p.diskGb) {
      ctx.addIssue({
        code: 'custom',
        path: ['diskGb'],
        message: `expected at least needs.modelGb + needs.checkpointsGb = ${need} GB (got ${p.diskGb})`,
      });
    }
  });

/** The whole file: named profiles. */
export const profilesFileSchema = z.strictObject({
  /** Rules by model kind; "*" applies to every profile. */
  rules: z.record(z.string().regex(/^([\w.-]+|\*)$/, 'expected a kind name or "*"'), rulesSchema).default({}),
  profiles: z.record(z.string().regex(/^[\w.-]+$/, 'expected a profile name (letters, digits, . _ -)'), profileSchema),
});

/** A validated profile. */
export type Profile = z.infer<typeof profileSchema>;
/** A profile as written in YAML (before defaults). */
export type ProfileInput = z.input<typeof profileSchema>;
/** One env entry of a profile. */
export type EnvValue = z.infer<typeof envValueSchema>;
/** Profile rules (see rulesSchema). */
export type ProfileRules = z.infer<typeof rulesSchema>;
/** Where checkpoints go. */
export type CheckpointStore = z.infer<typeof checkpointSchema>;
