/**
 * Reads the GPU host's checkpoints through an exec function, so the same code runs over SshPool.exec and
 * over a local shell in tests. Only fixed commands with quoted paths are sent; remote output is parsed,
 * never passed on to a local shell.
 */
import * as z from 'zod';
import { shellQuote } from '../ssh/quote.js';
import type { CheckpointFile, HostCheckpoint } from './types.js';
import { hashHostFiles } from './hash.js';

/** Runs one shell command line on the host. */
export type Exec = (cmd: string) => Promise<{ stdout: string; stderr?: string; code: number | null }>;

/** The host's run dir cannot be read (missing dir, permission): not the same as "no checkpoint yet". */
export class HostReadError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'HostReadError';
  }
}

const CKPT_DIR = /^checkpoint-(\d+)$/;
const trainerStateSchema = z.object({ global_step: z.number().int().min(0) });

/** Steps of the checkpoint-N dirs under runDir, ascending. Throws HostReadError when the dir cannot be listed. */
export async function listHostSteps(exec: Exec, runDir: string): Promise<number[]> {
  const r = await exec(`ls -1 ${shellQuote(runDir)}`);
  if (r.code !== 0) {
    const why = (r.stderr ?? '').split('\n')[0]?.trim() || `exit ${r.code}`;
    throw new HostReadError(`cannot list ${runDir} on the host (${why.slice(0, 160)})`);
  }
  const steps: number[] = [];
  for (const line of r.stdout.split('\n')) {
    const m = CKPT_DIR.exec(line.trim());
    if (m) steps.push(Number(m[1]));
  }
  return steps.sort((a, b) => a - b);
}

/** A host file with its mtime (epoch ms; null when unknown), as listed before hashing. */
export interface ListedFile extends CheckpointFile {
  mtimeMs?: number | null;
}

/** Parses `find -printf '%s\t%T@\t%P\n'` output (the older two-column `%s\t%P` too). */
export function parseFindSizes(text: string): ListedFile[] {
  const out: ListedFile[] = [];
  for (const line of text.split('\n')) {
    const m = /^(\d+)\t(?:(\d+(?:\.\d+)?)\t)?(.+)$/.exec(line);
    if (!m) continue;
    out.push({ path: m[3]!, size: Number(m[1]), ...(m[2] !== undefined ? { mtimeMs: Number(m[2]) * 1000 } : {}) });
  }
  return out.sort((a, b) => a.path.localeCompare(b.path));
}

/**
 * Files of one checkpoint dir with sizes and mtimes; hosts without GNU find fall back to a plain listing (sizes
 * unknown).
 */
export async function listHostFiles(exec: Exec, dir: string): Promise<ListedFile[]> {
  const q = shellQuote(dir);
  const r = await exec(`find ${q} -type f -printf '%s\\t%T@\\t%P\\n'`);
  if (r.code === 0) return parseFindSizes(r.stdout);
  const ls = await exec(`ls -1 ${q}`);
  if (ls.code !== 0) throw new HostReadError(`cannot list ${dir} on the host`);
  return ls.stdout
    .split('\n')
    .map((l) => l.trim())
    .filter(Boolean)
    .map((path) => ({ path, size: null }))
    .sort((a, b) => a.path.localeCompare(b.path));
}

/** global_step of a trainer_state.json text; null when it is not one. */
export function parseGlobalStep(text: string): number | null {
  try {
    const r = trainerStateSchema.safeParse(JSON.parse(text));
    return r.success ? r.data.global_step : null;
  } catch {
    return null;
  }
}

/** Options of a host read. */
export interface HostReadOptions {
  /** Identifies the host (instance id and SSH endpoint) for the hash cache; without it nothing is cached. */
  hostKey?: string;
}

/**
 * The newest checkpoint-N under runDir with its files, their sha256 (and git blob ids for small files) hashed ON
 * the host, and global_step; null when the run dir has none yet. The Trainer writes into tmp-checkpoint-N and
 * renames when done, so a checkpoint-N dir is a finished save.
 */
export async function readHostCheckpoint(
  exec: Exec,
  runDir: string,
  opts: HostReadOptions = {},
): Promise<HostCheckpoint | null> {
  const steps = await listHostSteps(exec, runDir);
  const step = steps.at(-1);
  if (step === undefined) return null;
  return readStep(exec, runDir, step, steps, opts);
}

async function readStep(
  exec: Exec,
  runDir: string,
  step: number,
  steps: number[],
  opts: HostReadOptions,
): Promise<HostCheckpoint> {
  const dir = `${runDir.replace(/\/+$/, '')}/checkpoint-${step}`;
  const listed = await listHostFiles(exec, dir);
  const hashed = await hashHostFiles(exec, dir, listed, opts.hostKey);
  const st = await exec(`cat ${shellQuote(`${dir}/trainer_state.json`)}`);
  const globalStep = st.code === 0 ? parseGlobalStep(st.stdout) : null;
  const times = listed.map((f) => f.mtimeMs).filter((t): t is number => typeof t === 'number');
  return {
    step,
    dir,
    files: hashed.files,
    globalStep,
    steps,
    mtimeMs: times.length ? Math.max(...times) : null,
    ...(hashed.error ? { hashError: hashed.error } : {}),
    load: (n) => (steps.includes(n) ? readStep(exec, runDir, n, steps, opts) : Promise.resolve(null)),
    mtimeOf: async (n) => {
      if (!steps.includes(n)) return null;
      const t = (await listHostFiles(exec, `${runDir.replace(/\/+$/, '')}/checkpoint-${n}`))
        .map((f) => f.mtimeMs)
        .filter((x): x is number => typeof x === 'number');
      return t.length ? Math.max(...t) : null;
    },
  };
}
