/**
 * The Hub stand-in's storage: model repos, each with revisions (branches) of files. A file is either real
 * bytes or a size-only placeholder (served as zeros), so tests can hold a 30 MB optimizer.pt for free.
 */
import { createHash } from 'node:crypto';

/** What putFile accepts: bytes, text, or a placeholder of a given size. */
export type HubContent = Uint8Array | string | { size: number };

/** One stored file. */
export interface HubFile {
  path: string;
  size: number;
  /** Git blob id (40 hex). */
  oid: string;
  /** Present for files stored with LFS (above 10 MB, as the Hub does). */
  lfs?: { oid: string; size: number; pointerSize: number };
  bytes: Buffer | null;
}

/** One repo. */
export interface HubRepo {
  private: boolean;
  /** Revision name → path → file. */
  revisions: Map<string, Map<string, HubFile>>;
  /** Bumped on every change; the commit sha is derived from it. */
  version: number;
}

const LFS_THRESHOLD = 10 * 1024 * 1024;

/** Builds the stored form of a file, with a git-style blob id. */
export function makeFile(path: string, content: HubContent): HubFile {
  if (typeof content === 'object' && !(content instanceof Uint8Array)) {
    const size = Math.max(0, Math.floor(content.size));
    // Placeholders are not hashed byte by byte: the id only needs to be stable and distinct.
    const oid = sha('sha1', `placeholder:${path}:${size}`);
    return { path, size, oid, bytes: null, ...(size > LFS_THRESHOLD ? { lfs: { oid: sha('sha256', oid), size, pointerSize: 134 } } : {}) };
  }
  const bytes = Buffer.from(content);
  const oid = createHash('sha1').update(`blob ${bytes.length}\0`).update(bytes).digest('hex');
  const lfs = bytes.length > LFS_THRESHOLD ? { oid: createHash('sha256').update(bytes).digest('hex'), size: bytes.length, pointerSize: 134 } : undefined;
  return { path, size: bytes.length, oid, bytes, ...(lfs ? { lfs } : {}) };
}

/** A slice of a file's content (zeros for a placeholder). */
export function fileBytes(f: HubFile, start = 0, end = f.size): Buffer {
  if (f.bytes) return f.bytes.subarray(start, end);
  return Buffer.alloc(Math.max(0, end - start));
}

/** The commit sha a repo's revision shows. */
export function commitSha(repoName: string, repo: HubRepo, rev: string): string {
  return sha('sha1', `${repoName}@${rev}#${repo.version}`);
}

function sha(alg: 'sha1' | 'sha256', text: string): string {
  return createHash(alg).update(text).digest('hex');
}

/** Directory entries implied by file paths under `base` ('' = root): immediate children, or all with recursive. */
export function treeEntries(files: Iterable<HubFile>, base: string, recursive: boolean): Array<{ type: 'file' | 'directory'; path: string; file?: HubFile }> {
  const prefix = base ? `${base}/` : '';
  const dirs = new Set<string>();
  const out: Array<{ type: 'file' | 'directory'; path: string; file?: HubFile }> = [];
  for (const f of files) {
    if (!f.path.startsWith(prefix)) continue;
    const rest = f.path.slice(prefix.length).split('/');
    for (let i = 1; i < rest.length; i++) {
      if (!recursive && i > 1) break;
      dirs.add(prefix + rest.slice(0, i).join('/'));
    }
    if (recursive || rest.length === 1) out.push({ type: 'file', path: f.path, file: f });
  }
  for (const d of dirs) out.push({ type: 'directory', path: d });
  return out.sort((a, b) => a.path.localeCompare(b.path));
}
