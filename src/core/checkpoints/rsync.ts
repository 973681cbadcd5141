/**
 * The rsync store: checkpoint-N dirs under a path on another machine (a cluster login node) reached over
 * ssh, or on this machine when host is "local"/"localhost". Uploads run the real rsync (execa, argv, no
 * local shell); verification lists the destination with `find` and hashes the checkpoint it compares with
 * `sha256sum` WHERE THE STORE IS (locally, or through `ssh host`), cached by path, size and mtime. A
 * `.vastdeck-run` file in checkpoint-N names the run that wrote it.
 */
import type { execa as Execa } from 'execa';

/** execa, loaded on first use (off the TUI's start-up path). */
const loadExeca = async (): Promise<typeof Execa> => (await import('execa')).execa;
import { parseFindSizes, parseGlobalStep, type ListedFile } from './host.js';
import { hashHostFiles } from './hash.js';
import { RUN_MARKER } from './verify.js';
import { shellQuote } from '../ssh/quote.js';
import { StoreError, type CheckpointFile, type CheckpointStoreReader, type StoredCheckpoint } from './types.js';

/** Settings of an rsync store (profile fields plus ssh options the profile cannot hold). */
export interface RsyncStoreOptions {
  /** ssh destination, e.g. "me@login.cluster"; "local" or "localhost" means this machine's filesystem. */
  host: string;
  /** Dir holding checkpoint-N dirs. */
  path: string;
  /** rsync --exclude patterns; excluded files are not expected in the store. */
  exclude?: string[];
  /** Extra ssh arguments (-p PORT, -i KEY, -o …) for the remote side. */
  sshArgs?: string[];
  /** Deadline for one listing, ms (default 60 s). */
  timeoutMs?: number;
}

/** True when the store is on this machine. */
export function isLocalHost(host: string): boolean {
  return host === 'local' || host === 'localhost';
}

/** Quotes a remote path, keeping a leading ~/ unquoted so the remote shell expands it. */
function remotePath(p: string): string {
  return p.startsWith('~/') ? `~/${shellQuote(p.slice(2))}` : shellQuote(p);
}

/** The rsync argv (without "rsync"): archive mode, keep partial files for resume, excludes, ssh options. */
export function rsyncArgv(
  from: string,
  to: string,
  exclude: readonly string[] = [],
  sshArgs: readonly string[] = [],
): string[] {
  const args = ['-a', '--partial', ...exclude.map((e) => `--exclude=${e}`)];
  // rsync splits -e itself (honouring quotes), so each ssh argument is quoted for it.
  args.push('-e', ['ssh', '-o', 'BatchMode=yes', ...sshArgs].map(shellQuote).join(' '));
  args.push(from, to);
  return args;
}

/** Where one side of a copy is: a local dir, or a dir on an ssh host. */
export interface RsyncEndpoint {
  dir: string;
  /** ssh destination; absent for a local dir. */
  host?: string;
  sshArgs?: string[];
}

/** A checkpoint store reached with rsync/ssh. */
export class RsyncStore implements CheckpointStoreReader {
  /** e.g. "rsync:me@login:/ckpt/run1". */
  readonly where: string;
  constructor(private readonly opts: RsyncStoreOptions) {
    this.where = `rsync:${opts.host}:${opts.path}`;
  }

  /** Runs a fixed shell command line where the store is (sh -c locally, ssh remotely). */
  private async run(cmd: string): Promise<{ stdout: string; code: number }> {
    const local = isLocalHost(this.opts.host);
    const [file, args] = local
      ? ['sh', ['-c', cmd]]
      : ['ssh', ['-o', 'BatchMode=yes', ...(this.opts.sshArgs ?? []), this.opts.host, '--', cmd]];
    const execa = await loadExeca();
    const r = await execa(file, args, { reject: false, timeout: this.opts.timeoutMs ?? 60_000, stdin: 'ignore' });
    if (r.timedOut) throw new StoreError('unreachable', `listing ${this.where} timed out`);
    // ssh exits 255 on its own failures (unreachable, auth, host key).
    if (!local && r.exitCode === 255)
      throw new StoreError('unreachable', `cannot ssh to ${this.opts.host} (${firstLine(r.stderr)})`);
    return { stdout: r.stdout, code: r.exitCode ?? 1 };
  }

  private listed = new Map<number, ListedFile[]>();

  /** Every checkpoint-N dir under the path, files, sizes and run markers; an absent path is an empty store. */
  async list(): Promise<StoredCheckpoint[]> {
    const r = await this.run(
      `cd ${remotePath(this.opts.path)} 2>/dev/null || exit 3; find . -mindepth 2 -type f -printf '%s\\t%T@\\t%P\\n'; ` +
        (`for f in checkpoint-*/${RUN_MARKER}; do [ -f "$f" ] && printf 'RUN\\t%s\\t%s\\n' "\${f%%/*}" "$(head ` +
          `-c 80 "$f" | tr -cd 'A-Za-z0-9._-')"; done; true`),
    );
    if (r.code === 3) return [];
    if (r.code !== 0) throw new StoreError('failed', `listing ${this.where} failed (exit ${r.code})`);
    const dirs = new Map<number, ListedFile[]>();
    const runs = new Map<number, string>();
    for (const line of r.stdout.split('\n')) {
      const run = /^RUN\tcheckpoint-(\d+)\t(.+)$/.exec(line);
      if (run) {
        runs.set(Number(run[1]), run[2]!);
        continue;
      }
      const [f] = parseFindSizes(line);
      const m = f && /^checkpoint-(\d+)\/(.+)$/.exec(f.path);
      if (!f || !m) continue;
      const step = Number(m[1]);
      const list = dirs.get(step) ?? [];
      list.push({ ...f, path: m[2]! });
      dirs.set(step, list);
    }
    this.listed = dirs;
    return [...dirs].map(([step, files]) => ({
      step,
      files: files
        .map((f): CheckpointFile => ({ path: f.path, size: f.size }))
        .sort((a, b) => a.path.localeCompare(b.path)),
      runId: runs.get(step) ?? null,
    }));
  }

  /** The files of stored checkpoint-N with sha256 computed where the store is (cached by path, size and mtime). */
  async contentOf(step: number): Promise<CheckpointFile[] | null> {
    const files = this.listed.get(step);
    if (!files) return null;
    const dir = `${this.opts.path.replace(/\/+$/, '')}/checkpoint-${step}`;
    // Hashed from inside the dir, so a path starting with ~/ is expanded by the remote shell.
    const exec = async (cmd: string) => {
      const out = await this.run(`cd ${remotePath(dir)} && ${cmd}`);
      return { stdout: out.stdout, code: out.code };
    };
    const r = await hashHostFiles(exec, '.', files, `${this.where}/checkpoint-${step}`);
    if (r.error) throw new StoreError('failed', `hashing checkpoint-${step} in ${this.where} failed: ${r.error}`);
    return r.files;
  }

  /** global_step of the stored trainer_state.json. */
  async readGlobalStep(step: number): Promise<number | null> {
    const r = await this.run(
      `cat ${remotePath(`${this.opts.path.replace(/\/+$/, '')}/checkpoint-${step}/trainer_state.json`)}`,
    );
    return r.code === 0 ? parseGlobalStep(r.stdout) : null;
  }

  /**
   * Copies one checkpoint dir into the store as checkpoint-N. rsync cannot copy between two remote hosts,
   * so a remote source (the GPU host) needs a local store, and a remote store needs a local source.
   */
  async upload(source: RsyncEndpoint, step: number, signal?: AbortSignal): Promise<void> {
    const storeLocal = isLocalHost(this.opts.host);
    if (source.host && !storeLocal) {
      throw new StoreError(
        'config',
        `rsync cannot copy from ${source.host} straight to ${this.opts.host}; run vastdeck on ` +
          `${this.opts.host} with host: local`,
      );
    }
    const from = `${source.host ? `${source.host}:` : ''}${source.dir.replace(/\/+$/, '')}/`;
    const destDir = `${this.opts.path.replace(/\/+$/, '')}/checkpoint-${step}/`;
    const to = storeLocal ? destDir : `${this.opts.host}:${destDir}`;
    const sshArgs = source.host ? (source.sshArgs ?? []) : (this.opts.sshArgs ?? []);
    if (!storeLocal) {
      // rsync creates only the last path component; make the parent first.
      const mk = await this.run(`mkdir -p ${remotePath(this.opts.path)}`);
      if (mk.code !== 0) throw new StoreError('failed', `cannot create ${this.opts.path} on ${this.opts.host}`);
    } else {
      await (await loadExeca())('mkdir', ['-p', this.opts.path]);
    }
    const r = await (await loadExeca())('rsync', rsyncArgv(from, to, this.opts.exclude ?? [], sshArgs), {
      reject: false,
      cancelSignal: signal,
      stdin: 'ignore',
    });
    if (r.exitCode !== 0)
      throw new StoreError('failed', `rsync to ${this.where} failed (exit ${r.exitCode}: ${firstLine(r.stderr)})`);
  }
}

function firstLine(s: string): string {
  return (s.split('\n').find((l) => l.trim()) ?? '').trim().slice(0, 160);
}
