/**
 * `vastdeck pull`: copies a directory (or file) from an instance to this machine with the real rsync over the
 * system ssh, trusting and authenticating as vastdeck's ssh does (sshTrustOptions: vastdeck's known_hosts, its keys;
 * the user's ~/.ssh/config still applies). `--partial` keeps a half-copied file, so a rerun after Ctrl-C or a
 * dropped link continues instead of starting over; progress is rsync's own total (`--info=progress2`).
 */
import type { execa as Execa } from 'execa';
import { rsyncArgv } from '../checkpoints/rsync.js';
import { sshTrustOptions } from '../ssh/attach.js';

const HOST = /^[A-Za-z0-9][A-Za-z0-9.:-]*$/;
const USER = /^[A-Za-z_][A-Za-z0-9_.-]*$/;

/** What to copy, and how to reach the instance. */
export interface PullSpec {
  host: string;
  port: number;
  /** Login user; default root (Vast's). */
  user?: string;
  /** Path on the instance; a trailing / copies the directory's contents (rsync's rule). */
  remote: string;
  /** Local destination directory. */
  local: string;
  exclude?: readonly string[];
  knownHostsFile: string;
  identityFiles?: readonly string[];
  /** rsync --bwlimit in KiB/s, to leave room on a shared link. */
  bwlimitKBps?: number;
}

/** The rsync argv (without "rsync"). Throws on a host, user or path that could be read as an option. */
export function pullArgv(s: PullSpec): string[] {
  const user = s.user ?? 'root';
  if (!HOST.test(s.host)) throw new Error(`invalid host name: ${JSON.stringify(s.host)}`);
  if (!USER.test(user)) throw new Error(`invalid user name: ${JSON.stringify(user)}`);
  if (!Number.isInteger(s.port) || s.port < 1 || s.port > 65535) throw new Error(`invalid port: ${s.port}`);
  if (!s.remote || s.remote.startsWith('-')) throw new Error(`invalid remote path: ${JSON.stringify(s.remote)}`);
  // A local path starting with "-" would be an rsync option; ./ makes it a path.
  const local = s.local.startsWith('-') ? `./${s.local}` : s.local;
  const ssh = ['-p', String(s.port), ...sshTrustOptions(s.knownHostsFile, s.identityFiles ?? [])];
  // -z as the runbook's rsync -avz; progress2 = one running total line; rsync escapes odd bytes in names itself.
  const limit = s.bwlimitKBps ? [`--bwlimit=${Math.max(1, Math.round(s.bwlimitKBps))}`] : [];
  return [
    '-z',
    '--info=progress2',
    '--human-readable',
    ...limit,
    ...rsyncArgv(`${user}@${s.host}:${s.remote}`, local, s.exclude ?? [], ssh),
  ];
}

/** How a pull ended. */
export interface PullResult {
  exitCode: number;
  /** rsync's last stderr line when it failed. */
  error?: string;
  /** True when it was interrupted (a rerun resumes from the kept partial files). */
  interrupted: boolean;
}

/**
 * Runs rsync; `onProgress` gets each progress line (rsync redraws with \r: every state is passed on). Resolves
 * when rsync ends; an interrupt (signal) leaves partial files for the next run.
 */
export async function runPull(
  s: PullSpec,
  o: { onProgress?: (line: string) => void; signal?: AbortSignal } = {},
): Promise<PullResult> {
  const execa: typeof Execa = (await import('execa')).execa;
  const child = execa('rsync', pullArgv(s), {
    reject: false,
    stdin: 'ignore',
    buffer: { stdout: false },
    cancelSignal: o.signal,
    forceKillAfterDelay: 5000,
    killSignal: 'SIGINT',
  });
  let buf = '';
  child.stdout?.setEncoding('utf8');
  child.stdout?.on('data', (d: string) => {
    buf += d;
    const parts = buf.split(/[\r\n]/);
    buf = parts.pop()!;
    for (const p of parts) if (p.trim()) o.onProgress?.(p.trim());
  });
  const r = await child;
  if (buf.trim()) o.onProgress?.(buf.trim());
  const err = String(r.stderr ?? '')
    .trim()
    .split('\n')
    .filter(Boolean)
    .at(-1);
  if (r.failed && r.exitCode === undefined && !r.isCanceled && !r.signal)
    throw new Error(`cannot run rsync: ${r.shortMessage ?? 'not found'} (install rsync)`);
  return {
    exitCode: r.exitCode ?? 1,
    error: r.exitCode ? err : undefined,
    interrupted: Boolean(r.isCanceled || r.signal || r.exitCode === 20),
  };
}
