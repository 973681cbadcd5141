/**
 * The Hugging Face Hub store, read through the real `@huggingface/hub` client (its `hubUrl` option points it
 * at the simulator's stand-in in tests). Layout: `{prefix}/checkpoint-N/…` (hub_strategy "all_checkpoints")
 * and `{prefix}/last-checkpoint/…` (hub_strategy "checkpoint", step read from its trainer_state.json). Each
 * file comes with what the tree listing says of its bytes: the LFS sha256 (large files) or the git blob id
 * (small ones), and the title of the commit that wrote it, where a run's uploads name it ("vastdeck-run=ID").
 * The token is only ever passed to the client: messages name the env var, never the value.
 */
/** The Hub client, loaded on first use: keeps it off the TUI's start-up path (ENGINEERING.md rule 4). */
const loadHub = () => import('@huggingface/hub');
import { parseGlobalStep } from './host.js';
import { StoreError, type CheckpointFile, type CheckpointStoreReader, type StoredCheckpoint } from './types.js';

/** Settings of a Hub store. */
export interface HfStoreOptions {
  /** "owner/name". */
  repo: string;
  revision?: string;
  /** Folder in the repo holding the checkpoint dirs ('' = the root). */
  prefix?: string;
  /** The token's value (from the env var the profile names); undefined for public repos. */
  token?: string;
  /** Name of that env var, for messages. */
  tokenEnv?: string;
  /** Hub base URL (default the real Hub). */
  hubUrl?: string;
}

const DIR = /^(checkpoint-(\d+)|last-checkpoint)\/(.+)$/;

/** The run id a commit title names ("… vastdeck-run=ID"), or null. */
export function runIdOf(title: string | undefined): string | null {
  return /\bvastdeck-run=([A-Za-z0-9._-]+)/.exec(title ?? '')?.[1] ?? null;
}

/** A checkpoint store on the Hugging Face Hub. */
export class HfStore implements CheckpointStoreReader {
  /** e.g. "hf:me/run@main/ckpt". */
  readonly where: string;
  private readonly prefix: string;
  private readonly lastStep = new Map<number, string>();

  constructor(private readonly opts: HfStoreOptions) {
    this.prefix = (opts.prefix ?? '').replace(/^\/+|\/+$/g, '');
    this.where = `hf:${opts.repo}@${opts.revision ?? 'main'}${this.prefix ? `/${this.prefix}` : ''}`;
  }

  private params() {
    return {
      repo: this.opts.repo,
      revision: this.opts.revision ?? 'main',
      ...(this.opts.hubUrl ? { hubUrl: this.opts.hubUrl.replace(/\/+$/, '') } : {}),
      ...(this.opts.token ? { credentials: { accessToken: this.opts.token } } : {}),
    };
  }

  /** Every checkpoint dir under the prefix with its files, sizes, content ids and the run that uploaded it. */
  async list(): Promise<StoredCheckpoint[]> {
    const dirs = new Map<string, CheckpointFile[]>();
    const runs = new Map<string, { runId: string; date: number }>();
    const { listFiles, HubApiError } = await loadHub();
    try {
      for await (const e of listFiles({
        ...this.params(),
        recursive: true,
        expand: true,
        ...(this.prefix ? { path: this.prefix } : {}),
      })) {
        if (e.type !== 'file') continue;
        const rel = this.prefix ? e.path.slice(this.prefix.length + 1) : e.path;
        const m = DIR.exec(rel);
        if (!m || (this.prefix && !e.path.startsWith(`${this.prefix}/`))) continue;
        const list = dirs.get(m[1]!) ?? [];
        // An LFS file's oid is its pointer's blob id: only lfs.oid speaks for its bytes.
        list.push({
          path: m[3]!,
          size: e.lfs?.size ?? e.size,
          sha256: e.lfs?.oid ?? null,
          blobId: e.lfs ? null : (e.oid ?? null),
        });
        dirs.set(m[1]!, list);
        const run = runIdOf(e.lastCommit?.title);
        const date = e.lastCommit ? new Date(e.lastCommit.date).getTime() || 0 : 0;
        if (run && (runs.get(m[1]!)?.date ?? -1) <= date) runs.set(m[1]!, { runId: run, date });
      }
    } catch (err) {
      // A repo, revision or prefix that does not exist holds no checkpoint.
      if (err instanceof HubApiError && err.statusCode === 404) return [];
      throw this.toStoreError(err, HubApiError);
    }
    const out: StoredCheckpoint[] = [];
    for (const [dir, files] of dirs) {
      let step = /^checkpoint-(\d+)$/.exec(dir)?.[1];
      if (dir === 'last-checkpoint') {
        const gs = await this.globalStepOf(dir);
        if (gs === null) continue;
        this.lastStep.set(gs, dir);
        step = String(gs);
      }
      out.push({
        step: Number(step),
        files: files.sort((a, b) => a.path.localeCompare(b.path)),
        runId: runs.get(dir)?.runId ?? null,
      });
    }
    return out;
  }

  /** global_step of the stored checkpoint's trainer_state.json (downloaded through the client). */
  readGlobalStep(step: number): Promise<number | null> {
    return this.globalStepOf(this.lastStep.get(step) ?? `checkpoint-${step}`);
  }

  private async globalStepOf(dir: string): Promise<number | null> {
    const path = `${this.prefix ? `${this.prefix}/` : ''}${dir}/trainer_state.json`;
    const { downloadFile, HubApiError } = await loadHub();
    try {
      const blob = await downloadFile({ ...this.params(), path });
      return blob ? parseGlobalStep(await blob.text()) : null;
    } catch (err) {
      if (err instanceof HubApiError && err.statusCode === 404) return null;
      throw this.toStoreError(err, HubApiError);
    }
  }

  private toStoreError(err: unknown, HubApiError: Awaited<ReturnType<typeof loadHub>>['HubApiError']): StoreError {
    const env = `$${this.opts.tokenEnv ?? 'HF_TOKEN'}`;
    if (err instanceof HubApiError) {
      if (err.statusCode === 401 || err.statusCode === 403) {
        const why = this.opts.token ? `rejected the token in ${env}` : `needs a token: set ${env}`;
        return new StoreError('auth', `Hugging Face Hub ${why} (${err.statusCode}) for ${this.where}`);
      }
      return new StoreError('failed', `Hugging Face Hub answered ${err.statusCode} for ${this.where}`);
    }
    // @huggingface/hub refuses tokens that do not start with hf_ before sending anything.
    if (err instanceof TypeError && /access token/i.test(err.message)) {
      return new StoreError('auth', `${env} does not hold a Hub token (expected one starting with hf_)`);
    }
    const cause = (err as { cause?: { code?: string } })?.cause?.code;
    return new StoreError(
      'unreachable',
      `cannot reach the Hugging Face Hub for ${this.where} (${cause ?? (err as Error)?.name ?? 'error'})`,
    );
  }
}
