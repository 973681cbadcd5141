/**
 * Shared shapes of checkpoint verification: what the GPU host holds, what a store holds, and the verdict.
 * A "step" is the Trainer's global_step; checkpoint dirs are named checkpoint-<step> (HF Trainer convention).
 */

/** One file of a checkpoint, path relative to the checkpoint dir; size null when the source cannot tell. */
export interface CheckpointFile {
  path: string;
  size: number | null;
  /** sha256 of the bytes (hex): hashed on the host, an LFS oid, or hashed where an rsync store is. */
  sha256?: string | null;
  /** git blob id (sha1 of "blob <len>\0" + bytes), as the Hub lists a small (non-LFS) file. */
  blobId?: string | null;
}

/** The newest checkpoint on the GPU host. */
export interface HostCheckpoint {
  /** N of checkpoint-N. */
  step: number;
  /** Absolute dir on the host. */
  dir: string;
  files: CheckpointFile[];
  /** global_step from its trainer_state.json; null when the file is missing or unreadable. */
  globalStep: number | null;
  /** When it was written (newest file mtime), epoch ms on the host's clock; null when unknown. */
  mtimeMs?: number | null;
  /** Why the files carry no hashes (the host could not hash them); absent when they do. */
  hashError?: string;
  /** Every checkpoint-N step on the host, ascending. */
  steps?: number[];
  /** Reads (and hashes) another checkpoint-N of the same host, for "behind" verdicts. */
  load?: (step: number) => Promise<HostCheckpoint | null>;
  /** When another checkpoint-N of the host was written (listing only, no hashing); null when unknown. */
  mtimeOf?: (step: number) => Promise<number | null>;
}

/** One checkpoint as a store holds it. */
export interface StoredCheckpoint {
  step: number;
  /** Files in the store; null when the store only reports a step (the command store). */
  files: CheckpointFile[] | null;
  /** The run that uploaded it (Hub commit message "vastdeck-run=ID", or a .vastdeck-run marker); null when unmarked. */
  runId?: string | null;
}

/** What every store offers verification. Methods throw a StoreError when the store cannot be checked. */
export interface CheckpointStoreReader {
  /** Where the store is, for messages ("hf:me/run@main", "rsync:login:/ckpt"); never a secret. */
  readonly where: string;
  /** Every checkpoint the store holds (any order). */
  list(): Promise<StoredCheckpoint[]>;
  /** global_step from the stored checkpoint's trainer_state.json; null when the store cannot read files. */
  readGlobalStep(step: number): Promise<number | null>;
  /** The files of one stored checkpoint with their hashes, for stores that hash on demand (rsync). */
  contentOf?(step: number): Promise<CheckpointFile[] | null>;
}

/** Why a store could not be checked: auth (bad or missing token), unreachable, or misconfigured. */
export class StoreError extends Error {
  /** What kind of failure, for callers that branch. */
  readonly kind: 'auth' | 'unreachable' | 'config' | 'failed';
  constructor(kind: StoreError['kind'], message: string) {
    super(message);
    this.name = 'StoreError';
    this.kind = kind;
  }
}

/** A file the store has at a different size than the host. */
export interface SizeMismatch {
  path: string;
  host: number;
  store: number;
}

/** The verdict of comparing the host's newest checkpoint with the store. */
export type Verification =
  | { state: 'verified'; hostStep: number; verifiedStep: number }
  | { state: 'behind'; hostStep: number; verifiedStep: number; behindBy: number }
  | {
      state: 'incomplete';
      hostStep: number;
      step: number;
      missing: string[];
      mismatched: SizeMismatch[];
      verifiedStep: number | null;
    }
  | {
      state: 'mismatch';
      hostStep: number;
      step: number;
      differ: string[];
      uploadedBy: string | null;
      thisRun: string | null;
      verifiedStep: number | null;
    }
  | { state: 'unverifiable'; hostStep: number; verifiedStep: null; reason: string }
  | { state: 'not-found'; hostStep: number; verifiedStep: null; newest?: { step: number; uploadedBy: string | null } }
  | { state: 'no-host-checkpoint'; hostStep: null; verifiedStep: number | null }
  | { state: 'unavailable'; hostStep: number | null; verifiedStep: null; reason: string };
