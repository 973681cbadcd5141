import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { parse as parseYaml } from 'yaml';
import '../util/zod-english.js';
import * as z from 'zod/mini';
import { configDir } from './paths.js';
import { lazy } from '../util/lazy.js';
import { describeZodError } from '../util/zod-message.js';

/**
 * The schema of config.yaml. Unknown keys are errors: a typo must not be silently ignored. Built on first use:
 * without a config.yaml nothing parses one (defaultConfig), and building it costs every command ~2 ms.
 */
export const configSchema = lazy(() =>
  z.strictObject({
    /** Vast API base URL (VAST_URL and --api-url win over it). */
    apiUrl: z.optional(z.url()),
    /** Fleet poll interval in seconds; 2 s is the floor (Vast's per-endpoint thresholds, vast-api.md §10). */
    pollSeconds: z._default(z.number().check(z.gte(2), z.lte(3600)), 5),
    /** Theme name (a file in themes/) or a path to a theme YAML file. */
    theme: z._default(z.string().check(z.minLength(1)), 'dark'),
    /** Start in read-only mode: every dangerous command is removed. */
    readOnly: z._default(z.boolean(), false),
    /** Labels starting with this prefix form the default fleet view. */
    fleet: z.optional(z.string()),
    /** Spending limits, checked by `vastdeck cost`, `wait` and the fleet keeper (see core/cost/budget.ts). */
    budget: z.optional(
      z.strictObject({
        /** Most $/hr one GPU may cost (storage included). */
        maxCardDph: z.optional(z.number().check(z.positive())),
        /** Most $/hr the fleet may burn. */
        maxFleetDph: z.optional(z.number().check(z.positive())),
        /** Most $ per day. */
        dailyBudget: z.optional(z.number().check(z.positive())),
        /** Least credit ($) to keep. */
        minBalance: z.optional(z.number().check(z.gte(0))),
      }),
    ),
    /** Where crash, stall, completion, budget and replacement notices go (see core/notify). */
    notify: z.optional(
      z.strictObject({
        /** A Slack- or Discord-compatible incoming webhook URL. It embeds a token: treated as a secret. */
        webhook: z.optional(z.url().check(z.refine((u) => /^https?:\/\//i.test(u), 'expected an http(s) URL'))),
        /** Ring the terminal bell (a tmux alert) on these events. */
        bell: z._default(z.boolean(), true),
        /** Webhook timeout per attempt, seconds. */
        timeoutSeconds: z._default(z.number().check(z.gte(1), z.lte(120)), 10),
      }),
    ),
  }),
);

/** The validated config. */
export type Config = z.infer<typeof configSchema>;

/** The config without a config.yaml: what `configSchema.parse({})` gives (test/config checks they match). */
export function defaultConfig(): Config {
  return { pollSeconds: 5, theme: 'dark', readOnly: false };
}

/** A config error whose message names the file, the field and what was expected. */
export class ConfigError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ConfigError';
  }
}

/** Default path of config.yaml. */
export function defaultConfigPath(env: NodeJS.ProcessEnv = process.env): string {
  return path.join(configDir(env), 'config.yaml');
}

/** Parses and validates config text; `file` is only used in messages. */
export function parseConfig(text: string, file: string): Config {
  let raw: unknown;
  try {
    raw = parseYaml(text);
  } catch (err) {
    const line = (err as { linePos?: Array<{ line: number }> }).linePos?.[0]?.line;
    throw new ConfigError(
      `${file}${line ? `:${line}` : ''}: not valid YAML ` +
        `(${firstLine((err as Error).message).replace(/:$/, '')}); fix the file or remove it`,
    );
  }
  const result = configSchema.safeParse(raw ?? {});
  if (!result.success) throw new ConfigError(`${file}: ${describeZodError(result.error)}; fix the file or remove it`);
  return result.data;
}

/** Loads config.yaml; a missing file gives the defaults, a broken one throws a ConfigError. */
export async function loadConfig(file = defaultConfigPath()): Promise<Config> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return defaultConfig();
    throw new ConfigError(`${file}: cannot be read (${(err as NodeJS.ErrnoException).code ?? 'error'})`);
  }
  return parseConfig(text, file);
}

function firstLine(text: string): string {
  return text.split('\n')[0] ?? text;
}
