/**
 * Simulated file contents: deterministic bytes from a seed, so a simulated GPU host and the Hub stand-in can
 * hold the same 45 MB checkpoint without keeping it in memory, and both answer with the REAL sha256 and git
 * blob id of those bytes (hashed once per seed and size, then cached).
 */
import { createHash } from 'node:crypto';

/** A file's content: real bytes, or `size` bytes generated from `seed` (seed '' = zeros). */
export type SimContent = { bytes: Buffer } | { seed: string; size: number };

const BLOCK = 64 * 1024;
const blocks = new Map<string, Buffer>();

/** The 64 KiB block a seed repeats (each copy stamped with its index, so no two blocks are equal). */
function baseBlock(seed: string): Buffer {
  let b = blocks.get(seed);
  if (!b) {
    b = Buffer.alloc(BLOCK);
    if (seed) {
      let h = createHash('sha256').update(seed).digest();
      for (let i = 0; i < BLOCK; i += 32) {
        h.copy(b, i);
        h = createHash('sha256').update(h).digest();
      }
    }
    if (blocks.size > 256) blocks.clear();
    blocks.set(seed, b);
  }
  return b;
}

/** Size of a content. */
export function contentSize(c: SimContent): number {
  return 'bytes' in c ? c.bytes.length : c.size;
}

/** Bytes [start, end) of a content. */
export function contentBytes(c: SimContent, start = 0, end = contentSize(c)): Buffer {
  if ('bytes' in c) return c.bytes.subarray(start, end);
  const size = c.size;
  end = Math.min(end, size);
  if (end <= start) return Buffer.alloc(0);
  const out = Buffer.alloc(end - start);
  if (!c.seed) return out;
  const base = baseBlock(c.seed);
  for (let blk = Math.floor(start / BLOCK); blk * BLOCK < end; blk++) {
    const chunk = Buffer.from(base);
    chunk.writeUInt32BE(blk, 0);
    const from = Math.max(start, blk * BLOCK);
    const to = Math.min(end, (blk + 1) * BLOCK);
    chunk.copy(out, from - start, from - blk * BLOCK, to - blk * BLOCK);
  }
  return out;
}

/** The real hashes of a content: sha256 (what sha256sum and an LFS oid say) and the git blob id. */
export interface ContentHashes {
  sha256: string;
  blobId: string;
}

const hashCache = new Map<string, ContentHashes>();

/** Hashes a content (generated contents once per seed and size). */
export function contentHashes(c: SimContent): ContentHashes {
  if ('bytes' in c) return hashOf([c.bytes], c.bytes.length);
  const key = `${c.seed}\0${c.size}`;
  let h = hashCache.get(key);
  if (!h) {
    const parts: Buffer[] = [];
    for (let at = 0; at < c.size; at += 4 * 1024 * 1024) parts.push(contentBytes(c, at, Math.min(c.size, at + 4 * 1024 * 1024)));
    h = hashOf(parts, c.size);
    if (hashCache.size > 4096) hashCache.clear();
    hashCache.set(key, h);
  }
  return h;
}

function hashOf(parts: Buffer[], size: number): ContentHashes {
  const s256 = createHash('sha256');
  const s1 = createHash('sha1').update(`blob ${size}\0`);
  for (const p of parts) {
    s256.update(p);
    s1.update(p);
  }
  return { sha256: s256.digest('hex'), blobId: s1.digest('hex') };
}
