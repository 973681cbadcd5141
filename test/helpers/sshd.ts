/**
 * A real OpenSSH sshd on 127.0.0.1 for tests, started without systemd: its own config, host key,
 * authorized_keys and pid file in a temp dir. It can be killed like a dying host (listener and every
 * per-connection child) and restarted on the same port, with the same or a new host key.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { skipOutsideCi } from './require-tool.js';

const SSHD = '/usr/sbin/sshd';

/**
 * Why real-sshd tests must be skipped here, or false when they can run (under CI they always run: a missing sshd
 * fails).
 */
export const sshdSkipReason: string | false = skipOutsideCi(
  !existsSync(SSHD)
    ? `${SSHD} not installed (apt-get install -y openssh-server tmux)`
    : typeof process.getuid === 'function' && process.getuid() !== 0
      ? 'real-sshd tests log in as root and must run as root'
      : undefined,
);

/** A free TCP port on 127.0.0.1 (closed again before return). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const port = (srv.address() as net.AddressInfo).port;
      srv.close(() => resolve(port));
    });
  });
}

/** Waits until something accepts TCP connections on port. */
async function waitForPort(port: number, ms = 5000): Promise<void> {
  const until = Date.now() + ms;
  while (Date.now() < until) {
    const ok = await new Promise<boolean>((resolve) => {
      const s = net.connect(port, '127.0.0.1');
      s.once('connect', () => (s.destroy(), resolve(true)));
      s.once('error', () => resolve(false));
    });
    if (ok) return;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`sshd did not listen on 127.0.0.1:${port} within ${ms} ms`);
}

/** Every descendant pid of `pid`, from /proc (so we end only processes this helper started). */
function descendants(pid: number): number[] {
  const children = new Map<number, number[]>();
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    try {
      const stat = readFileSync(`/proc/${name}/stat`, 'utf8');
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      const list = children.get(ppid) ?? [];
      list.push(Number(name));
      children.set(ppid, list);
    } catch {
      // The process exited while we read /proc.
    }
  }
  const out: number[] = [];
  const walk = (p: number) => {
    for (const c of children.get(p) ?? []) {
      out.push(c);
      walk(c);
    }
  };
  walk(pid);
  return out;
}

function keygen(file: string, comment: string): void {
  rmSync(file, { force: true });
  rmSync(`${file}.pub`, { force: true });
  const r = spawnSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-C', comment, '-f', file]);
  if (r.status !== 0) throw new Error(`ssh-keygen failed: ${r.stderr}`);
}

/** A running test sshd. */
export interface TestSshd {
  /** Its port on 127.0.0.1. */
  port: number;
  /** Temp dir holding config, keys and the tmux socket dir. */
  dir: string;
  /** Private key file authorized for root. */
  clientKey: string;
  /** TMUX_TMPDIR that sessions on this sshd use (so tests never touch the machine's default tmux server). */
  tmuxDir: string;
  /** Host key fingerprint as ssh-keygen prints it (SHA256:...). */
  fingerprint(): string;
  /** Kills the listener and every connection child at once, like a host losing power. */
  kill(): Promise<void>;
  /** Starts it again on the same port (after kill). */
  start(): Promise<void>;
  /** Replaces the host key (takes effect at the next start). */
  rotateHostKey(): void;
  /** Kills it and removes the temp dir. */
  stop(): Promise<void>;
  /** What sshd logged so far (stderr; raise the level with startSshd's logLevel). */
  log(): string;
}

/** Options for startSshd. */
export interface SshdOptions {
  /** sshd LogLevel (default ERROR, or $VD_SSHD_LOGLEVEL). */
  logLevel?: string;
  /** Lines appended to sshd_config (e.g. a Match block). */
  extraConfig?: string[];
}

/** Starts a real sshd on a free loopback port. Check sshdSkipReason first. */
export async function startSshd(o: SshdOptions = {}): Promise<TestSshd> {
  mkdirSync('/run/sshd', { recursive: true });
  const dir = mkdtempSync(path.join(os.tmpdir(), 'vd-sshd-'));
  const port = await freePort();
  const hostKey = path.join(dir, 'host_ed25519');
  const clientKey = path.join(dir, 'client_ed25519');
  const tmuxDir = path.join(dir, 'tmux');
  mkdirSync(tmuxDir, { mode: 0o700 });
  keygen(hostKey, 'vastdeck-test-host');
  keygen(clientKey, 'vastdeck-test-client');
  writeFileSync(path.join(dir, 'authorized_keys'), readFileSync(`${clientKey}.pub`));
  const config = path.join(dir, 'sshd_config');
  writeFileSync(
    config,
    [
      'ListenAddress 127.0.0.1',
      `Port ${port}`,
      `HostKey ${hostKey}`,
      `AuthorizedKeysFile ${path.join(dir, 'authorized_keys')}`,
      `PidFile ${path.join(dir, 'sshd.pid')}`,
      'StrictModes no',
      'UsePAM no',
      'PermitRootLogin yes',
      'PasswordAuthentication no',
      'KbdInteractiveAuthentication no',
      `SetEnv TMUX_TMPDIR=${tmuxDir}`,
      `LogLevel ${o.logLevel ?? process.env.VD_SSHD_LOGLEVEL ?? 'ERROR'}`,
      ...(o.extraConfig ?? []),
      '',
    ].join('\n'),
  );
  let child: ChildProcess | undefined;
  let log = '';

  const start = async () => {
    child = spawn(SSHD, ['-D', '-e', '-f', config], { stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr?.on('data', (d) => {
      stderr += d;
      log += d;
      if (process.env.VD_SSHD_LOGLEVEL) process.stderr.write(d);
    });
    const exited = new Promise<never>((_, reject) =>
      child!.once('exit', (code) => reject(new Error(`sshd exited (${code}): ${stderr.trim()}`))),
    );
    exited.catch(() => {});
    await Promise.race([waitForPort(port), exited]);
  };

  const kill = async () => {
    const c = child;
    if (!c || c.exitCode !== null || c.pid === undefined) return;
    const all = [c.pid, ...descendants(c.pid)];
    const gone = new Promise((r) => c.once('exit', r));
    for (const pid of all) {
      try {
        process.kill(pid, 'SIGKILL');
      } catch {
        // Already gone.
      }
    }
    await gone;
  };

  await start();
  return {
    port,
    dir,
    clientKey,
    tmuxDir,
    fingerprint: () =>
      spawnSync('ssh-keygen', ['-l', '-f', `${hostKey}.pub`])
        .stdout.toString()
        .split(' ')[1] ?? '',
    kill,
    start,
    rotateHostKey: () => keygen(hostKey, 'vastdeck-test-host-2'),
    log: () => log,
    stop: async () => {
      await kill();
      // A tmux server started through this sshd daemonized away from it; end it through its own socket.
      spawnSync('tmux', ['kill-server'], { env: { ...process.env, TMUX_TMPDIR: tmuxDir }, stdio: 'ignore' });
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
