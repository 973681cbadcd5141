/**
 * The demo's state folder. Every `--demo` run starts a new simulated world (new instances, new host ports), so
 * what the last run wrote about its world starts fresh with it: the journal is moved aside to
 * journal.previous.jsonl (kept for reading, never offered for resume) and the simulated hosts' keys are dropped.
 */
import { mkdirSync, renameSync, rmSync } from 'node:fs';
import path from 'node:path';
import { demoStateDir } from '../core/config/paths.js';

/** Makes the demo's state folder fresh for a new world; returns its path. */
export function prepareDemoState(env: NodeJS.ProcessEnv = process.env): string {
  const dir = demoStateDir(env);
  mkdirSync(dir, { recursive: true });
  try {
    renameSync(path.join(dir, 'journal.jsonl'), path.join(dir, 'journal.previous.jsonl'));
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
  }
  rmSync(path.join(dir, 'known_hosts'), { force: true });
  return dir;
}
