import { parseArgs, type ParseArgsConfig } from 'node:util';
import { UsageError } from './output.js';

type Options = NonNullable<ParseArgsConfig['options']>;

/** Options every command takes. */
export const globalOptions = {
  'api-url': { type: 'string' },
  'api-key': { type: 'string' },
  config: { type: 'string' },
  help: { type: 'boolean', short: 'h' },
} as const satisfies Options;

/** Parses a command's argv with its own options plus the global ones; unknown flags are a one-line UsageError. */
export function parseCommand<O extends Options>(argv: string[], options: O, command: string) {
  try {
    return parseArgs({ args: argv, options: { ...globalOptions, ...options }, allowPositionals: true, strict: true });
  } catch (err) {
    const msg = (err as Error).message.split('\n')[0] ?? '';
    throw new UsageError(`${command}: ${msg.replace(/\. To specify a positional argument.*$/, '')}; see \`vastdeck ${command} --help\``);
  }
}

/** Reads an integer flag, with a clear error naming the flag when it is not one. */
export function intFlag(value: string | undefined, flag: string, min: number, max: number): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!Number.isInteger(n) || n < min || n > max) throw new UsageError(`--${flag} must be a whole number from ${min} to ${max} (got "${value}")`);
  return n;
}

/** Reads a number flag, with a clear error naming the flag when it is not one. */
export function numberFlag(value: string | undefined, flag: string, min: number, max: number): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!Number.isFinite(n) || n < min || n > max) throw new UsageError(`--${flag} must be a number from ${min} to ${max} (got "${value}")`);
  return n;
}
