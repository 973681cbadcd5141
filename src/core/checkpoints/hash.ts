/**
 * Hashing a checkpoint's files ON the GPU host (nothing is downloaded): `sha256sum` for every file, and for
 * files up to 10 MiB also the git blob id (`printf 'blob N\000' | cat - FILE | sha1sum`), which is what the
 * Hub lists for files it does not keep in LFS. Results are cached by host, path, size and mtime, in memory and in
 * the state dir (`hash-cache.jsonl`), so a second check of the same checkpoint — in this process or a later
 * `vastdeck destroy` — sends no hashing command at all.
 */
import { appendFileSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { stateDir } from '../config/paths.js';
import { shellQuote } from '../ssh/quote.js';
import type { Exec, ListedFile } from './host.js';
import type { CheckpointFile } from './types.js';

/** Files up to this size also get a git blob id (the Hub stores larger ones in LFS, listed by sha256). */
export const BLOB_MAX = 10 * 1024 * 1024;

interface Hashes {
  sha256: string;
  blobId: string | null;
}

const CACHE_MAX = 20_000;
const cache = new Map<string, Hashes>();
/** Hashing commands sent (tests read it to prove a second check hashes nothing). */
export const hashStats = { commands: 0, files: 0 };

function keyOf(hostKey: string, dir: string, f: ListedFile): string | null {
  if (f.size === null || typeof f.mtimeMs !== 'number') return null;
  return `${hostKey}\0${dir}/${f.path}\0${f.size}\0${f.mtimeMs}`;
}

/** The cache file: one JSON line per hashed file version; read once per process, appended after each hashing. */
let cacheFile: string | null | undefined;
let loaded = false;

/** Where hashes persist between runs (null: memory only). Defaults to the state dir's hash-cache.jsonl. */
export function setHashCacheFile(file: string | null): void {
  cacheFile = file;
  loaded = false;
}

function fileOf(): string | null {
  if (cacheFile === undefined) cacheFile = path.join(stateDir(), 'hash-cache.jsonl');
  return cacheFile;
}

/** Loads the newest CACHE_MAX entries of the cache file into memory, once. A damaged line is skipped. */
function load(): void {
  if (loaded) return;
  loaded = true;
  const file = fileOf();
  if (!file) return;
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch {
    return; // no cache yet
  }
  const lines = text.split('\n').filter((l) => l);
  // Append-only between loads: once it holds twice what is kept, rewrite it with the kept part.
  if (lines.length > 2 * CACHE_MAX) {
    try {
      writeFileSync(file, lines.slice(-CACHE_MAX).join('\n') + '\n', { mode: 0o600 });
    } catch {
      // read-only state dir: the memory cache still serves
    }
  }
  for (const line of lines.slice(-CACHE_MAX)) {
    try {
      const e = JSON.parse(line) as { k?: unknown; sha256?: unknown; blobId?: unknown };
      if (typeof e.k === 'string' && typeof e.sha256 === 'string' && /^[0-9a-f]{64}$/.test(e.sha256)) {
        cache.set(e.k, {
          sha256: e.sha256,
          blobId: typeof e.blobId === 'string' && /^[0-9a-f]{40}$/.test(e.blobId) ? e.blobId : null,
        });
      }
    } catch {
      // a torn last line from a killed run
    }
  }
}

/** Appends new entries to the cache file; a write that fails only costs a re-hash next time. */
function persist(entries: Array<[string, Hashes]>): void {
  const file = fileOf();
  if (!file || entries.length === 0) return;
  try {
    mkdirSync(path.dirname(file), { recursive: true, mode: 0o700 });
    appendFileSync(
      file,
      entries.map(([k, h]) => JSON.stringify({ k, sha256: h.sha256, blobId: h.blobId })).join('\n') + '\n',
      { mode: 0o600 },
    );
  } catch {
    // the state dir is not writable: the memory cache still serves this process
  }
}

/** Forgets every cached hash in memory (tests); the next use reads the cache file again. */
export function clearHashCache(): void {
  cache.clear();
  loaded = false;
}

/**
 * Adds sha256 (and blob ids for small files) to the listed files, hashing on the host only what the cache
 * lacks. On failure (no sha256sum, a read error) the files come back without hashes and `error` says why.
 */
export async function hashHostFiles(
  exec: Exec,
  dir: string,
  listed: ListedFile[],
  hostKey?: string,
): Promise<{ files: CheckpointFile[]; error?: string }> {
  if (hostKey) load();
  const known = new Map<string, Hashes>();
  const todo: ListedFile[] = [];
  for (const f of listed) {
    const k = hostKey ? keyOf(hostKey, dir, f) : null;
    const hit = k ? cache.get(k) : undefined;
    if (hit) known.set(f.path, hit);
    else todo.push(f);
  }
  const plain = (f: ListedFile): CheckpointFile => ({ path: f.path, size: f.size });
  if (todo.length) {
    const full = (f: ListedFile) => shellQuote(`${dir.replace(/\/+$/, '')}/${f.path}`);
    const small = todo.filter((f) => f.size !== null && f.size <= BLOB_MAX);
    const cmd = [
      `sha256sum -- ${todo.map(full).join(' ')}`,
      ...small.map((f) => `printf 'blob %s\\000' ${f.size} | cat -- - ${full(f)} | sha1sum`),
    ].join(' && ');
    hashStats.commands++;
    hashStats.files += todo.length;
    let r: Awaited<ReturnType<Exec>>;
    try {
      r = await exec(cmd);
    } catch (err) {
      return {
        files: listed.map(plain),
        error: `hashing on the host failed: ${(err as Error)?.message ?? String(err)}`,
      };
    }
    const lines = r.stdout.split('\n').filter((l) => l.trim());
    const hex = (line: string | undefined, len: number) => {
      const m = new RegExp(`^\\\\?([0-9a-f]{${len}})\\s`).exec(line ?? '');
      return m ? m[1]! : null;
    };
    const sums = todo.map((_, i) => hex(lines[i], 64));
    const blobs = small.map((_, i) => hex(lines[todo.length + i], 40));
    if (r.code !== 0 || sums.some((s) => s === null) || blobs.some((b) => b === null)) {
      const why =
        (r.stderr ?? '')
          .split('\n')
          .find((l) => l.trim())
          ?.trim()
          .slice(0, 160) || `exit ${r.code}`;
      return { files: listed.map(plain), error: `the host could not hash ${dir} (${why})` };
    }
    const fresh: Array<[string, Hashes]> = [];
    todo.forEach((f, i) => {
      const b = small.indexOf(f);
      const h: Hashes = { sha256: sums[i]!, blobId: b >= 0 ? blobs[b]! : null };
      known.set(f.path, h);
      const k = hostKey ? keyOf(hostKey, dir, f) : null;
      if (k) {
        if (cache.size >= CACHE_MAX) cache.delete(cache.keys().next().value!);
        cache.set(k, h);
        fresh.push([k, h]);
      }
    });
    persist(fresh);
  }
  return {
    files: listed.map((f) => ({ ...plain(f), sha256: known.get(f.path)!.sha256, blobId: known.get(f.path)!.blobId })),
  };
}
