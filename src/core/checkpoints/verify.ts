/**
 * Verification: is the host's newest checkpoint safely off the host? Compares it (files, sizes, global_step)
 * with what the store holds and names exactly what is missing. Pure apart from the store calls.
 */
import type { CheckpointFile, CheckpointStoreReader, HostCheckpoint, SizeMismatch, StoredCheckpoint, Verification } from './types.js';
import { StoreError } from './types.js';

/** Options of a verification. */
export interface VerifyOptions {
  /** rsync-style patterns of files the store deliberately leaves out (e.g. "optimizer.pt", "*.tmp"). */
  exclude?: readonly string[];
}

/** Matches a path against an rsync-like exclude pattern: * and ?, on the basename unless the pattern has a slash. */
export function isExcluded(path: string, patterns: readonly string[] = []): boolean {
  for (const raw of patterns) {
    const pat = raw.replace(/^\/+/, '').replace(/\/+$/, '');
    if (!pat) continue;
    const re = new RegExp(`^${pat.split('').map((c) => (c === '*' ? '[^/]*' : c === '?' ? '[^/]' : c.replace(/[.+^${}()|[\]\\]/g, '\\$&'))).join('')}$`);
    const parts = path.split('/');
    if (pat.includes('/') ? re.test(path) : parts.some((p) => re.test(p))) return true;
  }
  return false;
}

/** What the stored copy lacks compared with the host's files: missing names and size mismatches. */
export function compareFiles(host: readonly CheckpointFile[], stored: readonly CheckpointFile[], exclude: readonly string[] = []): { missing: string[]; mismatched: SizeMismatch[] } {
  const have = new Map(stored.map((f) => [f.path, f.size]));
  const missing: string[] = [];
  const mismatched: SizeMismatch[] = [];
  for (const f of host) {
    if (isExcluded(f.path, exclude)) continue;
    if (!have.has(f.path)) {
      missing.push(f.path);
      continue;
    }
    const s = have.get(f.path);
    if (f.size !== null && s !== null && s !== undefined && s !== f.size) mismatched.push({ path: f.path, host: f.size, store: s });
  }
  return { missing, mismatched };
}

/** Whether an older stored checkpoint has every file name the host's newest has (sizes differ between steps). */
function namesComplete(host: HostCheckpoint, c: StoredCheckpoint, exclude: readonly string[]): boolean {
  if (c.files === null) return true;
  const names = new Set(c.files.map((f) => f.path));
  return host.files.every((f) => isExcluded(f.path, exclude) || names.has(f.path));
}

/** Verifies the host's newest checkpoint against the store. Never throws: a store failure is 'unavailable'. */
export async function verifyCheckpoint(host: HostCheckpoint | null, store: CheckpointStoreReader, opts: VerifyOptions = {}): Promise<Verification> {
  const exclude = opts.exclude ?? [];
  let stored: StoredCheckpoint[];
  try {
    stored = (await store.list()).sort((a, b) => b.step - a.step);
  } catch (err) {
    return { state: 'unavailable', hostStep: host?.step ?? null, verifiedStep: null, reason: reasonOf(err, store) };
  }
  if (!host) {
    return { state: 'no-host-checkpoint', hostStep: null, verifiedStep: stored[0]?.step ?? null };
  }
  const hostStep = host.step;
  const exact = stored.find((c) => c.step === host.step);
  let incomplete: Extract<Verification, { state: 'incomplete' }> | null = null;
  if (exact) {
    const diff = exact.files === null ? { missing: [], mismatched: [] } : compareFiles(host.files, exact.files, exclude);
    let staleState: { expected: number; found: number | null } | undefined;
    if (diff.missing.length === 0 && diff.mismatched.length === 0 && host.globalStep !== null) {
      try {
        const found = await store.readGlobalStep(exact.step);
        if (found !== null && found !== host.globalStep) staleState = { expected: host.globalStep, found };
      } catch (err) {
        return { state: 'unavailable', hostStep, verifiedStep: null, reason: reasonOf(err, store) };
      }
    }
    if (diff.missing.length === 0 && diff.mismatched.length === 0 && !staleState) {
      return { state: 'verified', hostStep, verifiedStep: hostStep };
    }
    incomplete = { state: 'incomplete', hostStep, step: exact.step, ...diff, ...(staleState ? { staleState } : {}), verifiedStep: null };
  }
  // A newer stored step than the host's newest (the host pruned or rolled back) still holds everything.
  const newer = stored.find((c) => c.step > host.step && namesComplete(host, c, exclude));
  if (newer && !incomplete) return { state: 'verified', hostStep, verifiedStep: newer.step };
  const older = stored.find((c) => c.step < host.step && namesComplete(host, c, exclude));
  if (incomplete) return { ...incomplete, verifiedStep: older?.step ?? null };
  if (older) return { state: 'behind', hostStep, verifiedStep: older.step, behindBy: host.step - older.step };
  const partial = stored.find((c) => c.step < host.step);
  if (partial?.files) {
    return { state: 'incomplete', hostStep, step: partial.step, ...compareNames(host, partial.files, exclude), verifiedStep: null };
  }
  return { state: 'not-found', hostStep, verifiedStep: null };
}

function compareNames(host: HostCheckpoint, files: CheckpointFile[], exclude: readonly string[]): { missing: string[]; mismatched: SizeMismatch[] } {
  const names = new Set(files.map((f) => f.path));
  return { missing: host.files.filter((f) => !isExcluded(f.path, exclude) && !names.has(f.path)).map((f) => f.path), mismatched: [] };
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
        ...(v.staleState ? [`stored trainer_state.json says step ${v.staleState.found}, expected ${v.staleState.expected}`] : []),
      ];
      const older = v.verifiedStep !== null ? `; newest complete copy is step ${v.verifiedStep}` : '';
      return `incomplete upload of checkpoint-${v.step}: ${parts.join('; ')}${older}`;
    }
    case 'not-found':
      return `not found in the store (host has step ${v.hostStep})`;
    case 'no-host-checkpoint':
      return 'no checkpoint on the host yet';
    case 'unavailable':
      return `cannot verify: ${v.reason}`;
  }
}
