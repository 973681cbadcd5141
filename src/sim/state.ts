/**
 * The optional state file: the world as JSON, written atomically (tmp file + rename) whenever something
 * changes, so a simulator restarted on the same file resumes where it was. Read back through zod.
 */
import { existsSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import * as z from 'zod';
import type { SavedState } from './world.js';

const Num = z.number();
const Range = z.tuple([Num, Num]);
const Instance = z.object({
  id: Num,
  offer: z.looseObject({
    id: Num,
    gpu_name: z.string(),
    num_gpus: Num,
    dph_base: Num,
    min_bid: Num,
    storage_cost: Num,
  }),
  label: z.string().nullable(),
  image: z.string(),
  disk: Num,
  env: z.array(z.tuple([z.string(), z.string()])),
  onstart: z.string().nullable(),
  runtype: z.string(),
  args: z.array(z.string()).nullable(),
  isBid: z.boolean(),
  dphBase: Num,
  storageCost: Num,
  status: z.enum(['created', 'loading', 'running', 'stopped', 'frozen', 'exited', 'rebooting']).nullable(),
  intended: z.enum(['running', 'stopped']),
  statusMsg: z.string(),
  since: Num,
  createdAt: Num,
  uptimeMs: Num,
  loadMs: Num,
  stuck: z.boolean(),
  exitAfterMs: Num.nullable(),
  outbidAfterMs: Num.nullable(),
  sshPort: Num,
  sshKeys: z.array(z.object({ id: Num, key: z.string() })),
  billedUntil: Num,
  instanceKey: z.string(),
  // Checked again by the host scenario schema when a host starts.
  host: z.record(z.string(), z.unknown()).optional(),
});
const Bucket = z.object({
  instanceId: Num,
  label: z.string().nullable(),
  day: Num,
  start: Num,
  end: Num,
  gpuHours: Num,
  gpuAmount: Num,
  gpuRate: Num,
  diskHours: Num,
  diskAmount: Num,
  diskRate: Num,
});
const State = z.object({
  version: z.literal(1),
  simNow: Num,
  market: z.object({
    seed: Num,
    size: Num,
    traps: z.boolean(),
    gpus: z.record(z.string(), z.object({ weight: Num.optional(), priceFactor: Num.optional() })),
    nowMs: Num,
  }),
  lifecycle: z.object({
    provisionSec: Num,
    loadSec: Range,
    stuckRate: Num,
    exitRate: Num,
    exitAfterHours: Range,
    outbidMeanHours: Num,
  }),
  seed: Num,
  sshPortBase: Num,
  user: z.object({ email: z.string(), username: z.string() }),
  credit: Num,
  buckets: z.array(Bucket),
  instances: z.array(Instance),
  secrets: z.array(z.tuple([z.string(), z.string()])),
  rented: z.array(Num),
  nextId: Num,
  nextSlot: Num,
  nextKeyId: Num,
  accountKeys: z.array(z.object({ id: Num, key: z.string(), createdAt: Num })).optional(),
});

/** Read a state file; null when it does not exist. Throws naming the file and field when it is invalid. */
export function loadState(path: string): SavedState | null {
  if (!existsSync(path)) return null;
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(path, 'utf8'));
  } catch (e) {
    throw new Error(`state file ${path}: not valid JSON (${(e as Error).message})`);
  }
  const r = State.safeParse(raw);
  if (!r.success) {
    const i = r.error.issues[0]!;
    throw new Error(`state file ${path}: field ${i.path.join('.') || '(top level)'}: ${i.message}`);
  }
  return r.data as SavedState;
}

/** Write the state atomically: a crash mid-write leaves the previous file intact. */
export function saveState(path: string, state: SavedState): void {
  const tmp = `${path}.${process.pid}.tmp`;
  writeFileSync(tmp, JSON.stringify(state));
  renameSync(tmp, path);
}
