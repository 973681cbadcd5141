/**
 * Machines that must not be rented again: a host that was not what was paid for (post-boot check) goes here,
 * persisted in the state dir (`blacklist.json`), and every offer search of `offers`, `provision --best` and
 * the keeper leaves its machine out. Written atomically (temp file + rename), so a kill never leaves half a file.
 */
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import path from 'node:path';
import * as z from 'zod';
import { stateDir } from '../config/paths.js';
import type { OfferQuery } from '../vast/offer-query.js';

/** One blacklisted machine and why. */
export interface BlacklistEntry {
  machineId: number;
  reason: string;
  /** Epoch ms. */
  at: number;
  instanceId?: number;
  offerId?: number;
}

const EntrySchema = z.object({
  machineId: z.number().int(),
  reason: z.string().max(2000),
  at: z.number(),
  instanceId: z.number().int().optional(),
  offerId: z.number().int().optional(),
});
const FileSchema = z.object({ machines: z.array(EntrySchema) });

/** Default location: the state dir's blacklist.json. */
export function defaultBlacklistPath(env: NodeJS.ProcessEnv = process.env): string {
  return path.join(stateDir(env), 'blacklist.json');
}

/** Every entry; a missing file is an empty list, a broken one is an error that names the file. */
export async function readBlacklist(file = defaultBlacklistPath()): Promise<BlacklistEntry[]> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw new Error(`${file}: cannot be read (${(err as NodeJS.ErrnoException).code ?? 'error'})`);
  }
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch {
    throw new Error(`${file}: not valid JSON; fix it or delete it (it only lists machines not to rent again)`);
  }
  const r = FileSchema.safeParse(raw);
  if (!r.success)
    throw new Error(
      `${file}: not a machine blacklist (expected {"machines": [{"machineId": N, …}]}); fix it or delete it`,
    );
  return r.data.machines;
}

/** Adds a machine (once: a second entry for the same machine is not written); returns the whole list. */
export async function addToBlacklist(entry: BlacklistEntry, file = defaultBlacklistPath()): Promise<BlacklistEntry[]> {
  const list = await readBlacklist(file);
  if (list.some((e) => e.machineId === entry.machineId)) return list;
  const next = [...list, entry];
  await mkdir(path.dirname(file), { recursive: true, mode: 0o700 });
  const tmp = `${file}.${process.pid}.tmp`;
  await writeFile(tmp, JSON.stringify({ machines: next }, null, 2) + '\n', { mode: 0o600 });
  await rename(tmp, file);
  return next;
}

/** Leaves the machines out of an offer query (the server filters; callers filter the answer again). */
export function excludeMachines(q: OfferQuery, machineIds: readonly number[]): OfferQuery {
  if (machineIds.length === 0) return q;
  const cur = q.filters.machine_id?.notin;
  const notin = [...new Set([...(Array.isArray(cur) ? (cur as number[]) : []), ...machineIds])];
  q.filters.machine_id = { ...q.filters.machine_id, notin };
  return q;
}
