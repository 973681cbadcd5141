/**
 * The user's ~/.ssh/config, as the system ssh resolves it for one Vast host (`ssh -G`). vastdeck's system-ssh
 * paths (attach, ssh, pull) leave IdentityFile and ProxyJump to ssh itself, which reads the config; only the login
 * user was forced (`root@host`), so this finds whether the config sets `User` for the host: the user `ssh -G`
 * resolves with the config differs from the one it resolves without (`-F /dev/null`).
 */
import { existsSync } from 'node:fs';
import path from 'node:path';
import { homeDir } from '../config/paths.js';

/** What the config says for one host. */
export interface HostConfig {
  /** User set by the config, else undefined (vastdeck then logs in as root, Vast's user). */
  user?: string;
  /** ProxyJump set by the config, else undefined. */
  proxyJump?: string;
  /** IdentityFile entries the config adds for the host (expanded by ssh). */
  identityFiles: string[];
}

/** Runs `ssh ARGS` and returns stdout ('' on failure). */
export type Run = (args: string[]) => Promise<string>;

export async function defaultRun(args: string[]): Promise<string> {
  const { execa } = await import('execa');
  const r = await execa('ssh', args, { reject: false, stdin: 'ignore', timeout: 5000 });
  return r.exitCode === 0 ? String(r.stdout) : '';
}

/** `ssh -G` output as lowercase key → values. */
export function parse(out: string): Map<string, string[]> {
  const m = new Map<string, string[]>();
  for (const line of out.split('\n')) {
    const at = line.indexOf(' ');
    if (at <= 0) continue;
    const k = line.slice(0, at).toLowerCase();
    m.set(k, [...(m.get(k) ?? []), line.slice(at + 1).trim()]);
  }
  return m;
}

const cache = new Map<string, Promise<HostConfig>>();

/** The config's settings for host:port; {} when there is no config file or ssh cannot tell. Cached per process. */
export function hostConfig(
  host: string,
  port: number,
  o: { file?: string; env?: NodeJS.ProcessEnv; run?: Run } = {},
): Promise<HostConfig> {
  const file = o.file ?? path.join(homeDir(o.env), '.ssh', 'config');
  const key = `${file}\0${host}\0${port}`;
  let p = cache.get(key);
  if (!p) {
    p = resolve(host, port, file, o.run ?? defaultRun);
    cache.set(key, p);
  }
  return p;
}

async function resolve(host: string, port: number, file: string, run: Run): Promise<HostConfig> {
  if (!existsSync(file) || host.startsWith('-')) return { identityFiles: [] };
  const [withCfg, without] = await Promise.all([
    run(['-G', '-F', file, '-p', String(port), host]),
    run(['-G', '-F', '/dev/null', '-p', String(port), host]),
  ]);
  if (!withCfg || !without) return { identityFiles: [] };
  const a = parse(withCfg);
  const b = parse(without);
  const user = a.get('user')?.[0];
  const jump = a.get('proxyjump')?.[0];
  const baseIds = new Set(b.get('identityfile') ?? []);
  return {
    user: user && user !== b.get('user')?.[0] ? user : undefined,
    proxyJump: jump && jump !== 'none' ? jump : undefined,
    identityFiles: (a.get('identityfile') ?? []).filter((f) => !baseIds.has(f)),
  };
}
