/**
 * Verification: are the host's newest checkpoint's BYTES safely off the host? Each file's sha256 (hashed on the
 * host, hash.ts) is compared with what the store holds for the same checkpoint-N: the Hub's LFS sha256 or git blob
 * id, the sha256 computed where an rsync store is, or the hashes a command store prints. Names and sizes alone,
 * or any other step, never verify; an older step counts only as "behind" when it matches the host's own copy of
 * that step. The run that uploaded a stored checkpoint (when marked) names the other run in the verdict.
 */
import type {
  CheckpointFile,
  CheckpointStoreReader,
  HostCheckpoint,
  SizeMismatch,
  StoredCheckpoint,
  Verification,
} from './types.js';
import { StoreError } from './types.js';

/** Options of a verification. */
export interface VerifyOptions {
  /** rsync-style patterns of files the store deliberately leaves out (e.g. "optimizer.pt", "*.tmp"). */
  exclude?: readonly string[];
  /** This run's id (VASTDECK_RUN_ID given at provisioning), to say whose checkpoint the store holds. */
  runId?: string | null;
}

/** The run marker file an rsync or command store may hold in checkpoint-N; never compared as content. */
export const RUN_MARKER = '.vastdeck-run';

/** Older stored steps compared with the host's own copy when looking for a "behind" verdict. */
const OLDER_TRIES = 2;

/** Matches a path against an rsync-like exclude pattern: * and ?, on the basename unless the pattern has a slash. */
export function isExcluded(path: string, patterns: readonly string[] = []): boolean {
  for (const raw of patterns) {
    const pat = raw.replace(/^\/+/, '').replace(/\/+$/, '');
    if (!pat) continue;
    const re = new RegExp(
      `^${pat
        .split('')
        .map((c) => (c === '*' ? '[^/]*' : c === '?' ? '[^/]' : c.replace(/[.+^${}()|[\]\\]/g, '\\$&')))
        .join('')}$`,
    );
    const parts = path.split('/');
    if (pat.includes('/') ? re.test(path) : parts.some((p) => re.test(p))) return true;
  }
  return false;
}

/** What the stored copy lacks or holds differently compared with the host's files. */
export function compareFiles(
  host: readonly CheckpointFile[],
  stored: readonly CheckpointFile[],
  exclude: readonly string[] = [],
): { missing: string[]; mismatched: SizeMismatch[]; differ: string[]; unhashed: string[] } {
  const have = new Map(stored.map((f) => [f.path, f]));
  const out = {
    missing: [] as string[],
    mismatched: [] as SizeMismatch[],
    differ: [] as string[],
    unhashed: [] as string[],
  };
  for (const f of host) {
    if (f.path === RUN_MARKER || isExcluded(f.path, exclude)) continue;
    const s = have.get(f.path);
    if (!s) {
      out.missing.push(f.path);
      continue;
    }
    if (f.size !== null && s.size !== null && s.size !== f.size) {
      out.mismatched.push({ path: f.path, host: f.size, store: s.size });
      continue;
    }
    if (s.sha256 && f.sha256) {
      if (s.sha256 !== f.sha256) out.differ.push(f.path);
    } else if (s.blobId && f.blobId) {
      if (s.blobId !== f.blobId) out.differ.push(f.path);
    } else {
      out.unhashed.push(f.path);
    }
  }
  return out;
}

/**
 * Verifies the host's newest checkpoint against the store by content. Never throws: a store failure is 'unavailable'.
 */
export async function verifyCheckpoint(
  host: HostCheckpoint | null,
  store: CheckpointStoreReader,
  opts: VerifyOptions = {},
): Promise<Verification> {
  const exclude = opts.exclude ?? [];
  let stored: StoredCheckpoint[];
  try {
    stored = (await store.list()).sort((a, b) => b.step - a.step);
  } catch (err) {
    return { state: 'unavailable', hostStep: host?.step ?? null, verifiedStep: null, reason: reasonOf(err, store) };
  }
  if (!host) return { state: 'no-host-checkpoint', hostStep: null, verifiedStep: null };
  try {
    return await judge(host, stored, store, exclude, opts.runId ?? null);
  } catch (err) {
    return { state: 'unavailable', hostStep: host.step, verifiedStep: null, reason: reasonOf(err, store) };
  }
}

async function judge(
  host: HostCheckpoint,
  stored: StoredCheckpoint[],
  store: CheckpointStoreReader,
  exclude: readonly string[],
  thisRun: string | null,
): Promise<Verification> {
  const hostStep = host.step;
  if (host.hashError) return { state: 'unverifiable', hostStep, verifiedStep: null, reason: host.hashError };
  const older = () => olderMatch(host, stored, store, exclude);
  const found = stored.find((c) => c.step === hostStep);
  const exact = found && store.contentOf ? { ...found, files: await filesOf(store, found) } : found;
  if (exact) {
    if (exact.files === null) {
      return {
        state: 'unverifiable',
        hostStep,
        verifiedStep: null,
        reason:
          `${store.where} reports checkpoint-${hostStep} without file hashes, so its bytes cannot be compared ` +
          `with the host's`,
      };
    }
    const d = compareFiles(host.files, exact.files, exclude);
    if (d.differ.length)
      return {
        state: 'mismatch',
        hostStep,
        step: exact.step,
        differ: d.differ,
        uploadedBy: exact.runId ?? null,
        thisRun,
        verifiedStep: await older(),
      };
    if (d.missing.length || d.mismatched.length) {
      // Missing files from ANOTHER run are still another run's checkpoint: say whose.
      if (exact.runId && thisRun && exact.runId !== thisRun)
        return {
          state: 'mismatch',
          hostStep,
          step: exact.step,
          differ: [],
          uploadedBy: exact.runId,
          thisRun,
          verifiedStep: await older(),
        };
      return {
        state: 'incomplete',
        hostStep,
        step: exact.step,
        missing: d.missing,
        mismatched: d.mismatched,
        verifiedStep: await older(),
      };
    }
    if (d.unhashed.length) {
      return {
        state: 'unverifiable',
        hostStep,
        verifiedStep: null,
        reason: `${store.where} lists no hash for ${d.unhashed.join(', ')} of checkpoint-${hostStep}`,
      };
    }
    return { state: 'verified', hostStep, verifiedStep: hostStep };
  }
  const behind = await older();
  if (behind !== null) return { state: 'behind', hostStep, verifiedStep: behind, behindBy: hostStep - behind };
  const newest = stored[0];
  return {
    state: 'not-found',
    hostStep,
    verifiedStep: null,
    ...(newest ? { newest: { step: newest.step, uploadedBy: newest.runId ?? null } } : {}),
  };
}

/** The newest stored step below the host's that matches the host's own copy of that step byte for byte. */
async function olderMatch(
  host: HostCheckpoint,
  stored: StoredCheckpoint[],
  store: CheckpointStoreReader,
  exclude: readonly string[],
): Promise<number | null> {
  if (!host.load || !host.steps) return null;
  const candidates = stored
    .filter((c) => c.step < host.step && c.files !== null && host.steps!.includes(c.step))
    .slice(0, OLDER_TRIES);
  for (const c of candidates) {
    const mine = await host.load(c.step).catch(() => null);
    if (!mine || mine.hashError) continue;
    const theirs = store.contentOf ? await filesOf(store, c) : c.files;
    if (!theirs) continue;
    const d = compareFiles(mine.files, theirs, exclude);
    if (!d.missing.length && !d.mismatched.length && !d.differ.length && !d.unhashed.length) return c.step;
  }
  return null;
}

/** A stored checkpoint's files with hashes from a store that hashes on demand; a failure leaves them unhashed. */
async function filesOf(store: CheckpointStoreReader, c: StoredCheckpoint): Promise<CheckpointFile[] | null> {
  return (await store.contentOf!(c.step)) ?? c.files;
}

function reasonOf(err: unknown, store: CheckpointStoreReader): string {
  if (err instanceof StoreError) return err.message;
  return `cannot check ${store.where}: ${(err as Error)?.message ?? String(err)}`;
}

/** One line describing a verdict, e.g. "verified at step 300" or "behind by 100 steps (host 300, store 200)". */
export function describeVerification(v: Verification): string {
  switch (v.state) {
    case 'verified':
      return `verified at step ${v.verifiedStep}`;
    case 'behind':
      return `behind by ${v.behindBy} steps (host has step ${v.hostStep}, store has step ${v.verifiedStep})`;
    case 'incomplete': {
      const parts = [
        ...(v.missing.length ? [`missing ${v.missing.join(', ')}`] : []),
        ...v.mismatched.map((m) => `${m.path} is ${m.store} bytes in the store, ${m.host} on the host`),
      ];
      const older = v.verifiedStep !== null ? `; newest complete copy is step ${v.verifiedStep}` : '';
      return `incomplete upload of checkpoint-${v.step}: ${parts.join('; ')}${older}`;
    }
    case 'mismatch': {
      const files = v.differ.length ? `${v.differ.join(', ')} differ from the host's` : "its files are not the host's";
      const older = v.verifiedStep !== null ? `; newest matching copy is step ${v.verifiedStep}` : '';
      if (v.uploadedBy && v.uploadedBy !== v.thisRun) {
        return (
          `checkpoint-${v.step} in the store was uploaded by run ${v.uploadedBy}, not this ` +
          `run${v.thisRun ? ` (${v.thisRun})` : ''}: ${files}${older}`
        );
      }
      return `checkpoint-${v.step} in the store is not the host's: ${files}${older}`;
    }
    case 'unverifiable':
      return `unverifiable: ${v.reason}`;
    case 'not-found': {
      const n = v.newest;
      const newest = !n
        ? ''
        : `; the store's newest is ` +
          `checkpoint-${n.step}${n.uploadedBy ? `, uploaded by run ${n.uploadedBy}` : ''}, and no stored step ` +
          `matches this host's files`;
      return `not found in the store (host has step ${v.hostStep})${newest}`;
    }
    case 'no-host-checkpoint':
      return 'no checkpoint on the host yet';
    case 'unavailable':
      return `cannot verify: ${v.reason}`;
  }
}
