/**
 * Output helpers for the headless commands. Every message that leaves the process goes through
 * `redact`, so an API key that slipped into an error (a server echoing it, a URL) is never printed.
 */

import { cutSecrets } from '../core/util/redact.js';
import { jsonSafe, sanitizeLine, sanitizeText } from '../core/util/sanitize.js';

const secrets = new Set<string>();

/**
 * Registers a secret (API key, token) that must never be printed. Short strings are ignored to avoid mangling output.
 */
export function registerSecret(value: string | undefined | null): void {
  if (value && value.length >= 6) secrets.add(value);
}

/**
 * Replaces every registered secret in `text`, in every serialized form (JSON-escaped, URL-encoded …), with
 * "<redacted>".
 */
export function redact(text: string): string {
  return cutSecrets(text, secrets, '<redacted>', 6);
}

/** The exit codes every command uses (`wait` adds its outcomes, 3 and up: src/core/watch/wait.ts). */
export const EXIT = { ok: 0, error: 1, usage: 2, sigint: 130, sigterm: 143 } as const;

/** The exit-code table shown in every --help; `extra` lines (e.g. wait's outcomes) follow the common three. */
export function exitStatusHelp(extra: string[] = []): string {
  return [
    'Exit status:',
    '  0  ok',
    '  1  error (API, network, host, refused or failed operation)',
    '  2  usage (unknown option, bad or missing argument)',
    ...extra.map((l) => `  ${l}`),
    '  130 / 143  interrupted by Ctrl-C / SIGTERM; the journal is consistent and --resume continues',
  ].join('\n');
}

/** An error the user caused (bad flag, bad value): exit code 2, one line. */
export class UsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UsageError';
  }
}

/*
 * Every print path of the headless commands is below: text is cleaned by sanitize.ts (remote text may hold
 * escape sequences or bidi controls, and errors quote it) and then redacted.
 */

/** Writes one clear error line on stderr, without a stack trace, and returns the exit code to use. */
export function reportError(err: unknown): number {
  const message = err instanceof Error ? err.message : String(err);
  process.stderr.write(`vastdeck: ${redact(sanitizeLine(message.split('\n')[0] ?? message))}\n`);
  return err instanceof UsageError ? EXIT.usage : EXIT.error;
}

/** Writes JSON on stdout: the only thing a --json command prints there (values kept; unsafe characters escaped). */
export function printJson(value: unknown): void {
  process.stdout.write(jsonSafe(redact(JSON.stringify(value, null, 2))) + '\n');
}

/** Writes text on stdout. */
export function printText(text: string): void {
  process.stdout.write(redact(sanitizeText(text)) + (text.endsWith('\n') ? '' : '\n'));
}

/** Writes progress or a note on stderr (one or more lines). */
export function warn(text: string): void {
  process.stderr.write(redact(sanitizeText(text)) + (text.endsWith('\n') ? '' : '\n'));
}
