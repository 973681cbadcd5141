/**
 * vastdeck's SSH identity: the user's agent or ~/.ssh keys when they exist, else a key pair of vastdeck's
 * own, generated once in the state dir, so `vastdeck --demo` works on a fresh machine with no ~/.ssh.
 * Host keys live in vastdeck's own known_hosts next to it (the system ssh is pointed at the same file).
 */
import { chmodSync, existsSync, mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import ssh2 from 'ssh2';
import { homeDir, stateDir } from '../config/paths.js';
import { resolveAuth, type AuthOptions } from './auth.js';

/** What the pool and the attach command need. */
export interface SshIdentity {
  /** Credentials for SshPool. */
  auth: AuthOptions;
  /** vastdeck's known_hosts file. */
  knownHostsFile: string;
  /** Key files to offer the system ssh with -i (vastdeck's own key when it is in use). */
  identityFiles: string[];
  /** vastdeck's own private key file, when it is in use. */
  ownKeyFile?: string;
  /** True when this call generated the own key pair. */
  generated: boolean;
}

/** Options, mainly for tests. */
export interface IdentityOptions {
  env?: NodeJS.ProcessEnv;
  /** State dir; default stateDir(env). */
  dir?: string;
}

/**
 * A fresh ed25519 pair in OpenSSH format. ssh2 1.17's generateKeyPairSync sometimes writes a public key it
 * cannot parse back ("Malformed OpenSSH public key", when the key starts with a zero byte): retry those.
 */
function generatePair(): { private: string; public: string } {
  for (;;) {
    const pair = ssh2.utils.generateKeyPairSync('ed25519', { comment: 'vastdeck' });
    if (!(ssh2.utils.parseKey(pair.public) instanceof Error) && !(ssh2.utils.parseKey(pair.private) instanceof Error))
      return pair;
  }
}

/** Writes the own key pair unless it exists; 'wx' so two processes starting at once cannot clobber each other. */
function ensureOwnKey(file: string): boolean {
  if (existsSync(file)) return false;
  mkdirSync(path.dirname(file), { recursive: true, mode: 0o700 });
  const pair = generatePair();
  try {
    writeFileSync(file, pair.private, { mode: 0o600, flag: 'wx' });
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw err;
  }
  chmodSync(file, 0o600); // the umask may have narrowed nothing, but never leave it wider
  writeFileSync(`${file}.pub`, pair.public + '\n', { mode: 0o644 });
  return true;
}

/** Resolves the identity; generates stateDir()/id_ed25519 (0600) only when no agent and no usable ~/.ssh key exist. */
export function sshIdentity(opts: IdentityOptions = {}): SshIdentity {
  const env = opts.env ?? process.env;
  const dir = opts.dir ?? stateDir(env);
  const home = homeDir(env);
  const own = path.join(dir, 'id_ed25519');
  const agentSocket = env.SSH_AUTH_SOCK || null;
  const userKeys = [path.join(home, '.ssh', 'id_ed25519'), path.join(home, '.ssh', 'id_rsa')];
  const usable = resolveAuth({ agentSocket, keyPaths: userKeys.filter((f) => existsSync(f)) });
  let generated = false;
  if (!usable.agent && usable.keys.length === 0) generated = ensureOwnKey(own);
  const ownInUse = existsSync(own);
  const keyPaths = [...usable.keys.map((k) => k.path), ...(ownInUse ? [own] : [])];
  return {
    auth: { agentSocket, keyPaths },
    knownHostsFile: path.join(dir, 'known_hosts'),
    identityFiles: ownInUse ? [own] : [],
    ownKeyFile: ownInUse ? own : undefined,
    generated,
  };
}
