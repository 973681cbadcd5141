import { parseArgs, type ParseArgsConfig } from 'node:util';
import { UsageError } from './output.js';
import { parseDurationWithUnit } from '../core/present/durations.js';

type Options = NonNullable<ParseArgsConfig['options']>;

/** Options every command takes. */
export const globalOptions = {
  'api-url': { type: 'string' },
  'api-key': { type: 'string' },
  config: { type: 'string' },
  help: { type: 'boolean', short: 'h' },
} as const satisfies Options;

/** "--limit -5" as "--limit=-5": a negative number after a value flag is its value (parseArgs calls it ambiguous). */
function joinNegativeValues(argv: string[], options: Options): string[] {
  const out: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (arg === '--') return [...out, ...argv.slice(i)];
    const next = argv[i + 1];
    const name = arg.startsWith('--') ? arg.slice(2) : undefined;
    if (name && options[name]?.type === 'string' && next !== undefined && /^-[\d.]/.test(next)) {
      out.push(`${arg}=${next}`);
      i++;
    } else out.push(arg);
  }
  return out;
}

/** Parses a command's argv with its own options plus the global ones; unknown flags are a one-line UsageError. */
export function parseCommand<O extends Options>(argv: string[], options: O, command: string) {
  const all = { ...globalOptions, ...options };
  try {
    return parseArgs({ args: joinNegativeValues(argv, all), options: all, allowPositionals: true, strict: true });
  } catch (err) {
    const msg = (err as Error).message.split('\n')[0] ?? '';
    throw new UsageError(
      `${command}: ${msg.replace(/\. To specify a positional argument.*$/, '')}; see \`vastdeck ${command} --help\``,
    );
  }
}

/*
 * The one parser for numbers typed on the command line: whole numbers, decimals (prices), instance IDs and
 * durations. Strict on purpose: Number() reads "0x10", "1e3" and "" as numbers; a typo must be an error that
 * names the flag and the form expected, never a different value.
 */
const WHOLE = /^-?\d+$/;
const DECIMAL = /^-?(\d+(\.\d*)?|\.\d+)$/;

/** Reads an integer flag, with a clear error naming the flag when it is not one. */
export function intFlag(value: string | undefined, flag: string, min: number, max: number): number | undefined {
  if (value === undefined) return undefined;
  const n = WHOLE.test(value) ? Number(value) : NaN;
  if (!Number.isSafeInteger(n) || n < min || n > max)
    throw new UsageError(`--${flag} must be a whole number from ${min} to ${max} (got "${value}")`);
  return n;
}

/** Reads a number flag (a plain decimal such as a price), with a clear error naming the flag when it is not one. */
export function numberFlag(value: string | undefined, flag: string, min: number, max: number): number | undefined {
  if (value === undefined) return undefined;
  const n = DECIMAL.test(value) ? Number(value) : NaN;
  if (!Number.isFinite(n) || n < min || n > max)
    throw new UsageError(`--${flag} must be a number from ${min} to ${max} (got "${value}")`);
  return n;
}

/** Reads an instance ID argument: a positive whole number that fits exactly (never "1e+23"). */
export function instanceId(raw: string, command: string): number {
  const n = /^\d+$/.test(raw) ? Number(raw) : NaN;
  if (!Number.isSafeInteger(n) || n <= 0)
    throw new UsageError(`${command}: instance ID must be a positive whole number (got "${raw}")`);
  return n;
}

/** Reads a duration flag in ms: a number with a unit ("90s", "30m", "8h", "2d", "1h30m"); a bare "5" is refused. */
export function durationFlag(
  text: string,
  flag: string,
  opts: { min?: number; max?: number; zero?: boolean } = {},
): number {
  const ms = parseDurationWithUnit(text);
  const tooSmall = ms !== null && (opts.zero ? ms < 0 : ms <= 0);
  if (ms === null || tooSmall || (opts.max !== undefined && ms > opts.max)) {
    throw new UsageError(`--${flag} must be a duration with a unit, like 90s, 30m, 8h or 2d (got "${text}")`);
  }
  if (opts.min !== undefined && ms < opts.min)
    throw new UsageError(`--${flag} must be at least ${opts.min / 1000}s (got "${text}")`);
  return ms;
}
