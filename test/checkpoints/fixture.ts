/**
 * Builds a run dir from the real checkpoint fixture (test/fixtures/gpu-host/hf-checkpoint-layout.txt): the
 * `ls -lR` listing gives every checkpoint-N's files and exact sizes (written as sparse files), and the real
 * trainer_state.json of the last checkpoint is written as is; older ones are cut from it by step, as the
 * Trainer would have written them.
 */
import { mkdirSync, readFileSync, truncateSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { execa } from 'execa';
import type { Exec } from '../../src/core/checkpoints/host.js';

const FIXTURE = path.join(import.meta.dirname, '../fixtures/gpu-host/hf-checkpoint-layout.txt');

/** One checkpoint of the fixture: step and files with sizes. */
export interface FixtureCheckpoint {
  step: number;
  files: Array<{ path: string; size: number }>;
}

/** The fixture's checkpoints (ascending) and the last trainer_state.json text. */
export function loadLayout(): { checkpoints: FixtureCheckpoint[]; lastState: string } {
  const text = readFileSync(FIXTURE, 'utf8');
  const [listing, state] = text.split('### trainer_state.json (last checkpoint)\n');
  const checkpoints: FixtureCheckpoint[] = [];
  let cur: FixtureCheckpoint | null = null;
  for (const line of listing!.split('\n')) {
    const dir = /\/checkpoint-(\d+):$/.exec(line);
    if (dir) {
      cur = { step: Number(dir[1]), files: [] };
      checkpoints.push(cur);
      continue;
    }
    const f = /^-\S+\s+\d+\s+\S+\s+\S+\s+(\d+)\s+\w{3}\s+\d+\s+[\d:]+\s+(.+)$/.exec(line);
    if (f && cur) cur.files.push({ path: f[2]!, size: Number(f[1]) });
  }
  return { checkpoints: checkpoints.sort((a, b) => a.step - b.step), lastState: state! };
}

/** trainer_state.json for an earlier step, cut from the last one (log_history up to that step). */
export function stateAt(lastState: string, step: number): string {
  const j = JSON.parse(lastState);
  if (j.global_step === step) return lastState;
  j.global_step = step;
  j.log_history = j.log_history.filter((h: { step: number }) => h.step <= step);
  j.epoch = j.log_history.at(-1)?.epoch ?? 0;
  return JSON.stringify(j, null, 2) + '\n';
}

/** Writes the fixture's checkpoints (those with step ≤ upTo) under `runDir`. */
export function buildRunDir(runDir: string, upTo = Infinity): FixtureCheckpoint[] {
  const { checkpoints, lastState } = loadLayout();
  const written: FixtureCheckpoint[] = [];
  mkdirSync(runDir, { recursive: true });
  for (const c of checkpoints.filter((c) => c.step <= upTo)) {
    const dir = path.join(runDir, `checkpoint-${c.step}`);
    mkdirSync(dir, { recursive: true });
    const files = c.files.map((f) => {
      const file = path.join(dir, f.path);
      if (f.path === 'trainer_state.json') {
        const text = stateAt(lastState, c.step);
        writeFileSync(file, text);
        return { path: f.path, size: Buffer.byteLength(text) };
      }
      writeFileSync(file, '');
      truncateSync(file, f.size);
      return f;
    });
    written.push({ step: c.step, files });
  }
  return written;
}

/** An Exec over a local bash: the host side of tests. */
export const localExec: Exec = async (cmd) => {
  const r = await execa('bash', ['-c', cmd], { reject: false, stdin: 'ignore' });
  return { stdout: r.stdout + (r.stdout ? '\n' : ''), stderr: r.stderr, code: r.exitCode ?? null };
};
