/**
 * Where our SSH credentials come from: the ssh agent (SSH_AUTH_SOCK, which on a cluster login node is
 * often a forwarded agent) and private key files. Encrypted key files without a passphrase are skipped
 * and named in the error if nothing else works, because ssh2 cannot prompt.
 */
import { existsSync, readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import ssh2 from 'ssh2';
import type { AnyAuthMethod, ParsedKey } from 'ssh2';

/** How to authenticate; every field is optional. */
export interface AuthOptions {
  /** ssh-agent socket. Default: $SSH_AUTH_SOCK. `null` disables the agent. */
  agentSocket?: string | null;
  /** Forward the agent to the host (like `ssh -A`), so git/ssh on the host can use it. */
  agentForward?: boolean;
  /** Private key files. Default: ~/.ssh/id_ed25519 and ~/.ssh/id_rsa, those that exist. */
  keyPaths?: string[];
  /** Passphrase for encrypted key files (never logged). */
  passphrase?: string;
  /** Home directory used for the default key paths; default os.homedir(). */
  home?: string;
}

/** Credentials ready for ssh2, plus what could not be used and why. */
export interface ResolvedAuth {
  /** Agent socket path, if any. */
  agent?: string;
  /** Whether to request agent forwarding. */
  agentForward: boolean;
  /** Parsed private keys with the file they came from. */
  keys: { path: string; key: ParsedKey }[];
  /** One short note per key file that could not be used (encrypted, unreadable, not a key). */
  problems: string[];
}

/** Reads the agent socket and key files once; does not contact any host. */
export function resolveAuth(opts: AuthOptions = {}): ResolvedAuth {
  const agent = opts.agentSocket === null ? undefined : (opts.agentSocket ?? process.env.SSH_AUTH_SOCK);
  const home = opts.home ?? os.homedir();
  const explicit = opts.keyPaths !== undefined;
  const candidates = opts.keyPaths ?? [path.join(home, '.ssh', 'id_ed25519'), path.join(home, '.ssh', 'id_rsa')];
  const keys: ResolvedAuth['keys'] = [];
  const problems: string[] = [];
  for (const file of candidates) {
    if (!existsSync(file)) {
      if (explicit) problems.push(`${file}: no such file`);
      continue;
    }
    let data: Buffer;
    try {
      data = readFileSync(file);
    } catch (err) {
      problems.push(`${file}: cannot read (${(err as NodeJS.ErrnoException).code ?? 'error'})`);
      continue;
    }
    const parsed = ssh2.utils.parseKey(data, opts.passphrase);
    if (parsed instanceof Error) {
      problems.push(
        /encrypted/i.test(parsed.message)
          ? `${file} is encrypted: add it to ssh-agent (ssh-add ${file}) or configure its passphrase`
          : /bad passphrase|decrypt/i.test(parsed.message)
            ? `${file}: wrong passphrase`
            : `${file}: not a usable private key`,
      );
      continue;
    }
    // parseKey returns an array for files holding several keys; the first is the one ssh would use.
    const key = Array.isArray(parsed) ? parsed[0] : parsed;
    if (key) keys.push({ path: file, key });
  }
  return { agent: agent || undefined, agentForward: Boolean(opts.agentForward && agent), keys, problems };
}

/** The ordered list of methods ssh2 tries: agent first (as OpenSSH does), then each key file. */
export function authMethods(auth: ResolvedAuth, username: string): AnyAuthMethod[] {
  const methods: AnyAuthMethod[] = [];
  if (auth.agent) methods.push({ type: 'agent', username, agent: auth.agent });
  for (const k of auth.keys) methods.push({ type: 'publickey', username, key: k.key });
  return methods;
}

/** One line describing what we offered, for an auth error (paths only, never key material). */
export function describeAuth(auth: ResolvedAuth): string {
  const offered = [auth.agent ? 'ssh-agent' : '', ...auth.keys.map((k) => k.path)].filter(Boolean);
  const parts = [offered.length ? `offered ${offered.join(', ')}` : 'no agent and no usable key file'];
  return [...parts, ...auth.problems].join('; ');
}
