/**
 * The command store: a command the user wrote in their profile prints the latest step it has verified
 * off the host (their own script: aws s3 ls, gsutil, a database…). It runs locally through the shell, as
 * the user wrote it; only its last output line is read. It cannot name files, so verification of this
 * store is by step alone.
 */
import { sanitizeLine } from '../util/sanitize.js';
import { StoreError, type CheckpointStoreReader, type StoredCheckpoint } from './types.js';

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
  const last = stdout.split('\n').map((l) => l.trim()).filter(Boolean).at(-1);
  if (last === undefined || /^(none|null|-)$/i.test(last)) return null;
  return /^\d+$/.test(last) ? Number(last) : 'bad';
}

/** A store whose newest verified step comes from a user command. */
export class CommandStore implements CheckpointStoreReader {
  /** "command" (the command text itself may hold paths the user prefers not to print everywhere). */
  readonly where = 'command';
  constructor(private readonly opts: CommandStoreOptions) {}

  /** The one step the command reports (or none). */
  async list(): Promise<StoredCheckpoint[]> {
    const { execa } = await import('execa'); // loaded on first use, off the TUI's start-up path
    const r = await execa(this.opts.cmd, {
      shell: true, reject: false, stdin: 'ignore', timeout: this.opts.timeoutMs ?? 120_000,
      env: this.opts.env, cwd: this.opts.cwd,
    });
    if (r.timedOut) throw new StoreError('unreachable', `the checkpoint command did not finish within ${Math.round((this.opts.timeoutMs ?? 120_000) / 1000)} s`);
    if (r.exitCode !== 0) {
      const why = sanitizeLine(r.stderr.split('\n').find((l) => l.trim()) ?? '').slice(0, 160);
      throw new StoreError('failed', `the checkpoint command exited ${r.exitCode ?? r.signal}${why ? `: ${why}` : ''}`);
    }
    const step = parseStepOutput(r.stdout);
    if (step === 'bad') throw new StoreError('config', 'the checkpoint command must print the latest verified step as a whole number on its last line');
    return step === null ? [] : [{ step, files: null }];
  }

  /** The command reports steps only. */
  async readGlobalStep(): Promise<number | null> {
    return null;
  }
}
