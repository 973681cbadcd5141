/**
 * The command store: a command the user wrote in their profile prints what it holds off the host (their own
 * script: aws s3 ls, gsutil, a database…): the sha256 of each file of the checkpoint in `sha256sum` format
 * ("HEX  checkpoint-N/FILE" or "HEX  FILE"), optionally "run: ID" (the run that uploaded it), and the step on
 * its last line. It runs locally through the shell, as the user wrote it. A command that prints no hashes is
 * "unverifiable": only a typed or --force destroy goes through.
 */
import { sanitizeLine } from '../util/sanitize.js';
import { StoreError, type CheckpointFile, type CheckpointStoreReader, type StoredCheckpoint } from './types.js';

/** Settings of a command store. */
export interface CommandStoreOptions {
  /** The profile's command line. */
  cmd: string;
  /** Extra env for the command, e.g. VASTDECK_INSTANCE_ID. */
  env?: Record<string, string>;
  /** Deadline, ms (default 120 s). */
  timeoutMs?: number;
  cwd?: string;
}

/** Reads the step from the command's output: the last non-empty line is a whole number, or empty/"none". */
export function parseStepOutput(stdout: string): number | null | 'bad' {
  const last = stdout
    .split('\n')
    .map((l) => l.trim())
    .filter(Boolean)
    .at(-1);
  if (last === undefined || /^(none|null|-)$/i.test(last)) return null;
  return /^\d+$/.test(last) ? Number(last) : 'bad';
}

/** The "HEX  [checkpoint-N/]PATH" and "run: ID" lines of a command's output (sizes unknown). */
export function parseHashLines(stdout: string, step: number): { files: CheckpointFile[]; runId: string | null } {
  const files: CheckpointFile[] = [];
  let runId: string | null = null;
  for (const raw of stdout.split('\n')) {
    const line = raw.trim();
    const run = /^run:\s*([A-Za-z0-9._-]+)$/.exec(line);
    if (run) runId = run[1]!;
    const m = /^\\?([0-9a-fA-F]{64})\s+\*?(.+)$/.exec(line);
    if (!m) continue;
    const path = m[2]!.replace(/^\.\//, '');
    const inDir = /^(?:.*\/)?checkpoint-(\d+)\/(.+)$/.exec(path);
    if (inDir && Number(inDir[1]) !== step) continue;
    files.push({ path: inDir ? inDir[2]! : path, size: null, sha256: m[1]!.toLowerCase() });
  }
  return { files, runId };
}

/** A store whose newest verified step comes from a user command. */
export class CommandStore implements CheckpointStoreReader {
  /** "command" (the command text itself may hold paths the user prefers not to print everywhere). */
  readonly where = 'command';
  constructor(private readonly opts: CommandStoreOptions) {}

  /** The one step the command reports (or none), with the hashes it printed. */
  async list(): Promise<StoredCheckpoint[]> {
    const { execa } = await import('execa'); // loaded on first use, off the TUI's start-up path
    const r = await execa(this.opts.cmd, {
      shell: true,
      reject: false,
      stdin: 'ignore',
      timeout: this.opts.timeoutMs ?? 120_000,
      env: this.opts.env,
      cwd: this.opts.cwd,
    });
    if (r.timedOut)
      throw new StoreError(
        'unreachable',
        `the checkpoint command did not finish within ${Math.round((this.opts.timeoutMs ?? 120_000) / 1000)} s`,
      );
    if (r.exitCode !== 0) {
      const why = sanitizeLine(r.stderr.split('\n').find((l) => l.trim()) ?? '').slice(0, 160);
      throw new StoreError('failed', `the checkpoint command exited ${r.exitCode ?? r.signal}${why ? `: ${why}` : ''}`);
    }
    const step = parseStepOutput(r.stdout);
    if (step === 'bad')
      throw new StoreError(
        'config',
        'the checkpoint command must print the latest verified step as a whole number on its last line',
      );
    if (step === null) return [];
    const { files, runId } = parseHashLines(r.stdout, step);
    return [{ step, files: files.length ? files : null, runId }];
  }

  /** The command reports steps only. */
  async readGlobalStep(): Promise<number | null> {
    return null;
  }
}
