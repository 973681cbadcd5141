/**
 * The argv for the SYSTEM ssh that hands the terminal to a host: into the tmux session of the training
 * job, or a plain login shell. Host keys are checked against vastdeck's own known_hosts file, so the
 * interactive ssh and the ssh2 core agree on what each host's key is.
 */
import { shellQuote } from './quote.js';

/** What to attach to. */
export interface AttachOptions {
  /** Host name or IP (Vast: e.g. ssh5.vast.ai). */
  host: string;
  /** SSH port. */
  port: number;
  /** Login user; default root. */
  user?: string;
  /** tmux session name; default 'train'. */
  session?: string;
  /** 'tmux': attach to (or create) the session; 'shell': a plain interactive shell. */
  mode: 'tmux' | 'shell';
  /** vastdeck's known_hosts file (the same one the SshPool uses). */
  knownHostsFile: string;
  /** Private key files to offer (`-i`); the agent is used as usual. */
  identityFiles?: string[];
  /** Forward the agent (`-A`). */
  agentForward?: boolean;
}

/** A program and its arguments, ready for execa/spawn without a local shell. */
export interface AttachCommand {
  /** Program to run. */
  file: 'ssh';
  /** Its arguments. */
  args: string[];
}

const HOST = /^[A-Za-z0-9][A-Za-z0-9.:-]*$/;
const USER = /^[A-Za-z_][A-Za-z0-9_.-]*$/;
// tmux turns '.' and ':' in session names into '_', so accept only names that survive unchanged.
const SESSION = /^[A-Za-z0-9_-]+$/;

/** A path as an ssh -o value: '%' is a token character in ssh_config, whitespace needs double quotes. */
function sshConfigPath(p: string): string {
  if (/["\n\r]/.test(p)) throw new Error(`path not usable in an ssh option: ${JSON.stringify(p)}`);
  const escaped = p.replace(/%/g, '%%');
  return /\s/.test(escaped) ? `"${escaped}"` : escaped;
}

/**
 * The system ssh's host-key and identity options, so it trusts and authenticates as vastdeck's own ssh2 core does:
 * vastdeck's known_hosts only (trust on first use, a changed key refused) and vastdeck's key files.
 */
export function sshTrustOptions(knownHostsFile: string, identityFiles: readonly string[] = []): string[] {
  const args = [
    // accept-new = trust on first use, refuse a changed key: the same policy as the ssh2 core.
    '-o',
    'StrictHostKeyChecking=accept-new',
    '-o',
    `UserKnownHostsFile=${sshConfigPath(knownHostsFile)}`,
    // The system-wide file could hold a stale key for a recycled Vast port; vastdeck's file is the authority.
    '-o',
    'GlobalKnownHostsFile=/dev/null',
    // Debian sets HashKnownHosts yes; plain entries keep the file readable for people editing it.
    '-o',
    'HashKnownHosts=no',
  ];
  for (const f of identityFiles) args.push('-i', f);
  return args;
}

/** Builds the ssh argv; throws on a host, user or session name that could be read as an option or code. */
export function attachCommand(o: AttachOptions): AttachCommand {
  const user = o.user ?? 'root';
  const session = o.session ?? 'train';
  // A host like "-oProxyCommand=..." would be an option to ssh: refuse anything but a plain name.
  if (!HOST.test(o.host)) throw new Error(`invalid host name: ${JSON.stringify(o.host)}`);
  if (!USER.test(user)) throw new Error(`invalid user name: ${JSON.stringify(user)}`);
  if (!Number.isInteger(o.port) || o.port < 1 || o.port > 65535) throw new Error(`invalid port: ${o.port}`);
  if (!SESSION.test(session)) throw new Error(`invalid tmux session name: ${JSON.stringify(session)}`);
  const args = [
    '-t',
    '-p',
    String(o.port),
    ...sshTrustOptions(o.knownHostsFile),
    '-o',
    'ServerAliveInterval=15',
    '-o',
    'ServerAliveCountMax=3',
  ];
  for (const f of o.identityFiles ?? []) args.push('-i', f);
  if (o.agentForward) args.push('-A');
  args.push('--', `${user}@${o.host}`);
  if (o.mode === 'tmux') {
    const s = shellQuote(session);
    // Vast's automatic tmux session does not survive a container restart, hence the new-session fallback.
    args.push(`tmux attach -t ${s} || tmux new -s ${s}`);
  }
  return { file: 'ssh', args };
}
