/**
 * The host side of a migration: the commands sent to the target over SSH (fetch a checkpoint, resume), reading
 * the training step from its log; the continuation file written at the end is in continuation.ts.
 */
import type { CheckpointStore } from '../profiles/schema.js';
import { parseProgress } from '../logs/progress.js';
import { shellQuote } from '../ssh/quote.js';
import type { Exec } from '../checkpoints/host.js';

/**
 * The command that downloads checkpoint-N from the store into runDir, or null when vastdeck cannot fetch from
 * that store itself (then the profile's onstart or resume must bring it). Hub stores use huggingface-cli, which
 * reads the token from the host's HF_TOKEN (the profile's env), never from this command line.
 */
export function fetchCommand(store: CheckpointStore | undefined, step: number, runDir: string): string | null {
  if (store?.kind !== 'hf') return null;
  const dir = `${store.prefix ? `${store.prefix.replace(/^\/+|\/+$/g, '')}/` : ''}checkpoint-${step}`;
  // With a prefix the files land under runDir/prefix/; only the plain layout lands where the Trainer looks.
  if (store.prefix) return null;
  return (
    `huggingface-cli download ${shellQuote(store.repo)} --revision ${shellQuote(store.revision)} --include ` +
    `${shellQuote(`${dir}/*`)} --local-dir ${shellQuote(runDir)}`
  );
}

/** Fills the profile's resume template: {step}, {checkpoint} (runDir/checkpoint-N) and {runDir}. */
export function renderResume(template: string, v: { step: number; runDir: string }): string {
  const dir = v.runDir.replace(/\/+$/, '');
  return template
    .replaceAll('{step}', String(v.step))
    .replaceAll('{checkpoint}', `${dir}/checkpoint-${v.step}`)
    .replaceAll('{runDir}', dir);
}

/** The newest training step in the host's log (last 200 lines), or null when none is there yet. */
export async function readLogStep(exec: Exec, logPath: string): Promise<number | null> {
  const r = await exec(`tail -n 200 ${shellQuote(logPath)}`);
  if (r.code !== 0) return null;
  // tqdm redraws with \r: each redraw is its own line for the parser.
  const p = parseProgress(r.stdout.split(/\r|\n/));
  return p.step ?? null;
}

export { writeContinuation, readContinuation, type Continuation } from './continuation.js';
