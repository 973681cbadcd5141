/**
 * A simulated GPU host reachable over real SSH on 127.0.0.1 (ssh2's Server): public-key auth, exec
 * requests answered by the simulated shell, and a simulated training job writing /workspace/train.log.
 */
import net from 'node:net';
import { timingSafeEqual } from 'node:crypto';
import ssh2 from 'ssh2';
import type { AuthContext, Connection, ParsedKey, ServerChannel } from 'ssh2';
import { fingerprint } from '../../core/ssh/host-keys.js';
import { parseScenario, type HostScenarioInput } from './scenario.js';
import { runCommand, type CommandIO } from './shell.js';
import { servePty, type PtySize } from './pty.js';
import { SimTrainer } from './trainer.js';

/** Options for startSimHost. */
export interface SimHostOptions {
  /** Port on 127.0.0.1; default a free one. Pass the old port (and hostKey) to "restart" a host. */
  port?: number;
  /** OpenSSH private host key; default a fresh ed25519 key (so each new host has a new key). */
  hostKey?: Buffer | string;
  /** What the host does; validated with zod. */
  scenario?: HostScenarioInput;
  /** Time multiplier for the training job. Default 1. */
  speed?: number;
  /**
   * Public keys (OpenSSH `ssh-ed25519 AAAA...` lines) allowed to log in; default: any key that proves possession.
   * A function is asked at each login (the simulator's instances: the keys the instance has now, so an attach works
   * on a running host, as on Vast).
   */
  authorizedKeys?: (string | Buffer)[] | (() => readonly string[]);
  /** Keep an existing job instead of starting a new one (a host restart where the job survives). */
  trainer?: SimTrainer;
}

/** A running simulated host. */
export interface SimHost {
  /** Port on 127.0.0.1. */
  port: number;
  /** The private host key (pass it back to restart with the same identity). */
  hostKey: string;
  /** SHA256 fingerprint of the host key. */
  fingerprint: string;
  /** The simulated training job (tests read step/status/checkpoints). */
  trainer: SimTrainer;
  /** Drops every connection at once and stops listening, like a host losing power. The job keeps its state. */
  kill(): Promise<void>;
  /** kill() and stop the job's timer. */
  close(): Promise<void>;
}

/**
 * A fresh ed25519 key pair in OpenSSH format. ssh2 1.17's generateKeyPairSync sometimes (about 1 in 250)
 * writes a 31-byte public key when the key starts with a zero byte, which then fails to parse
 * ("Malformed OpenSSH public key"); such pairs are discarded.
 */
export function generateKeyPair(): { private: string; public: string } {
  for (;;) {
    const pair = ssh2.utils.generateKeyPairSync('ed25519');
    if (!(ssh2.utils.parseKey(pair.public) instanceof Error) && !(ssh2.utils.parseKey(pair.private) instanceof Error))
      return pair;
  }
}

/** One authorized key parsed; on failure throws (keys from a test) or gives undefined (keys from the API). */
function parseAuthorized(k: string | Buffer, strict: boolean): ParsedKey | undefined {
  const p = ssh2.utils.parseKey(k);
  if (p instanceof Error) {
    if (strict) throw new Error(`invalid authorized key: ${p.message}`);
    return undefined;
  }
  return Array.isArray(p) ? p[0] : p;
}

function authorize(ctx: AuthContext, allowed: ParsedKey[] | undefined): boolean {
  if (ctx.method !== 'publickey') return false;
  let key: ParsedKey | undefined;
  if (allowed) {
    key = allowed.find((k) => {
      const pub = k.getPublicSSH();
      return k.type === ctx.key.algo && pub.length === ctx.key.data.length && timingSafeEqual(pub, ctx.key.data);
    });
  } else {
    const parsed = ssh2.utils.parseKey(ctx.key.data);
    key = parsed instanceof Error ? undefined : Array.isArray(parsed) ? parsed[0] : parsed;
  }
  if (!key) return false;
  // Without a signature the client is only asking whether the key would do; the signed retry proves it.
  return !ctx.signature || key.verify(ctx.blob!, ctx.signature, ctx.hashAlgo) === true;
}

/** Starts a simulated host; resolves when it listens. */
export async function startSimHost(opts: SimHostOptions = {}): Promise<SimHost> {
  const scenario = parseScenario(opts.scenario ?? {});
  // ssh2 (~35 ms to load) and the key parsing wait for the first connection: --demo's simulator starts a host per
  // running instance, and the TUI's first fleet data should not wait for them (ENGINEERING.md targets).
  const hostKey = opts.hostKey ? opts.hostKey.toString() : generateKeyPair().private;
  let keys: { host: ParsedKey; allowed: ParsedKey[] | undefined } | undefined;
  const parsedKeys = () =>
    (keys ??= (() => {
      const parsedHost = ssh2.utils.parseKey(hostKey);
      if (parsedHost instanceof Error) throw new Error(`invalid host key: ${parsedHost.message}`);
      const list = opts.authorizedKeys;
      const allowed = list && typeof list !== 'function' ? list.map((k) => parseAuthorized(k, true)!) : undefined;
      return { host: Array.isArray(parsedHost) ? parsedHost[0]! : parsedHost, allowed };
    })());
  if (!opts.hostKey || opts.authorizedKeys) parsedKeys(); // keys passed in by a test are checked at once
  // Keys from a function: parsed at each login (cached by text); a key that does not parse allows nobody.
  const liveKeys = typeof opts.authorizedKeys === 'function' ? opts.authorizedKeys : null;
  const cache = new Map<string, ParsedKey | undefined>();
  const allowedNow = (): ParsedKey[] | undefined => {
    if (!liveKeys) return parsedKeys().allowed;
    return liveKeys().flatMap((k) => {
      if (!cache.has(k)) cache.set(k, parseAuthorized(k, false));
      const p = cache.get(k);
      return p ? [p] : [];
    });
  };
  const trainer = opts.trainer ?? new SimTrainer(scenario, opts.speed ?? 1);
  trainer.start();
  const delay = trainer.scenario.outputDelayMs;
  const later = (fn: () => void) => (delay > 0 ? setTimeout(fn, delay) : fn());

  const serveExec = (ch: ServerChannel, command: string) => {
    let open = true;
    const cleanups: (() => void)[] = [];
    ch.on('close', () => {
      open = false;
      cleanups.forEach((f) => f());
    });
    ch.on('error', () => {});
    const io: CommandIO = {
      out: (s) => s && later(() => open && ch.write(s)),
      err: (s) => s && later(() => open && ch.stderr.write(s)),
      exit: (code) =>
        later(() => {
          if (!open) return;
          ch.exit(code);
          ch.end();
        }),
      onClose: (f) => cleanups.push(f),
    };
    runCommand(command, { trainer }, io);
  };

  const onClient = (client: Connection) => {
    client.on('error', () => {});
    client.on('authentication', (ctx) => (authorize(ctx, allowedNow()) ? ctx.accept() : ctx.reject(['publickey'])));
    client.on('ready', () => {
      client.on('session', (accept) => {
        const session = accept();
        // A pty request makes the next exec or shell interactive (ssh -t: vastdeck attach / ssh, see pty.ts).
        let pty: PtySize | null = null;
        session.on('pty', (acceptPty, _reject, info) => {
          pty = { cols: info.cols || 80, rows: info.rows || 24 };
          acceptPty?.();
        });
        session.on('window-change', (acceptWc, _reject, info) => {
          if (pty) Object.assign(pty, { cols: info.cols || pty.cols, rows: info.rows || pty.rows });
          acceptWc?.();
        });
        session.on('env', (acceptEnv) => acceptEnv?.());
        session.on('exec', (acceptExec, _reject, info) =>
          pty ? servePty(acceptExec(), { trainer }, pty, info.command) : serveExec(acceptExec(), info.command),
        );
        session.on('shell', (acceptShell, reject) => (pty ? servePty(acceptShell(), { trainer }, pty) : reject()));
      });
    });
  };
  let sshServer: InstanceType<typeof ssh2.Server> | undefined;

  // Our own TCP server hands sockets to ssh2 (injectSocket), so kill() can destroy every one of them.
  const sockets = new Set<net.Socket>();
  const tcp = net.createServer((sock) => {
    sockets.add(sock);
    sock.on('close', () => sockets.delete(sock));
    sock.on('error', () => {});
    try {
      parsedKeys();
      (sshServer ??= new ssh2.Server({ hostKeys: [hostKey] }, onClient)).injectSocket(sock);
    } catch {
      sock.destroy();
    }
  });
  await new Promise<void>((resolve, reject) => {
    tcp.once('error', reject);
    tcp.listen(opts.port ?? 0, '127.0.0.1', () => resolve());
  });
  const port = (tcp.address() as net.AddressInfo).port;
  const kill = async () => {
    for (const s of sockets) s.destroy();
    await new Promise<void>((r) => tcp.close(() => r()));
  };
  return {
    port,
    hostKey,
    get fingerprint() {
      return fingerprint(parsedKeys().host.getPublicSSH());
    },
    trainer,
    kill,
    close: async () => {
      trainer.stop();
      await kill();
    },
  };
}
