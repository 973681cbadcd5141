/**
 * One SSH connection per host:port:user, shared by every exec and log follow to that host.
 * Connections send SSH keepalives so a dead host is noticed, and `reconnect` retries with jittered backoff.
 * With `maxConnections`, idle connections are closed least recently used first when the pool would grow past it.
 */
import type { Client } from 'ssh2';
import { resolveAuth, type AuthOptions, type ResolvedAuth } from './auth.js';
import { backoffDelay, sleep, type BackoffOptions } from './backoff.js';
import { endpointOf, type ConnectContext, type SshTarget } from './connect.js';
import { isRetryable, SshClosedError } from './errors.js';
import { execOn, type ExecOptions, type ExecResult } from './exec.js';
import { LogFollow, type FollowOptions } from './follow.js';
import { HostKeyStore } from './host-keys.js';
import { connectPerConfig } from './via-config.js';

/** Pool settings. Only knownHostsFile is required. */
export interface SshPoolOptions {
  /** vastdeck's known_hosts file, e.g. $XDG_STATE_HOME/vastdeck/known_hosts (the caller picks the dir). */
  knownHostsFile: string;
  /** Credentials; default: $SSH_AUTH_SOCK and ~/.ssh/id_ed25519, ~/.ssh/id_rsa. */
  auth?: AuthOptions;
  /** SSH keepalive period. Default 15 s. */
  keepaliveIntervalMs?: number;
  /** Unanswered keepalives before the connection is dropped. Default 3. */
  keepaliveCountMax?: number;
  /** Handshake deadline. Default 15 s. */
  readyTimeoutMs?: number;
  /** Reconnect backoff. */
  backoff?: BackoffOptions;
  /** Random source for jitter (tests pass a fixed one). */
  random?: () => number;
  /** The user's ssh config (User, IdentityFile, ProxyJump per host); default ~/.ssh/config; null ignores it. */
  sshConfigFile?: string | null;
  /**
   * Most connections kept open; default unlimited. Opening one past it closes the least recently used connections
   * (used: handed out by connection(), so by exec, follow and reconnect) that nothing needs: not one a LogFollow of
   * the pool follows, not one an exec is running on, not one still handshaking. When none qualifies the pool goes
   * over the cap, and comes back to it at a later opening.
   */
  maxConnections?: number;
}

/** Called before each reconnect wait, so callers can show "retrying in 4 s". */
export type RetryListener = (info: { attempt: number; delayMs: number; error: Error }) => void;

/** Shared SSH connections keyed by host:port:user. */
export class SshPool {
  /** The host-key store every connection verifies against. */
  readonly hostKeys: HostKeyStore;
  /** The cap on open connections (Infinity: none); see SshPoolOptions.maxConnections. */
  readonly maxConnections: number;
  private readonly ctx: ConnectContext;
  /** Connections by pool key, least recently used first (a use moves its entry to the end). */
  private readonly clients = new Map<string, Promise<Client>>();
  /** Connections whose handshake completed (the others cannot be closed mid-handshake). */
  private readonly ready = new WeakMap<Promise<Client>, Client>();
  /** Execs in flight, by pool key. */
  private readonly busy = new Map<string, number>();
  private readonly follows = new Set<LogFollow>();
  private closed = false;

  constructor(private readonly opts: SshPoolOptions) {
    this.hostKeys = new HostKeyStore(opts.knownHostsFile);
    this.maxConnections = opts.maxConnections ?? Infinity;
    this.ctx = {
      store: this.hostKeys,
      auth: resolveAuth(opts.auth),
      keepaliveIntervalMs: opts.keepaliveIntervalMs ?? 15_000,
      keepaliveCountMax: opts.keepaliveCountMax ?? 3,
      readyTimeoutMs: opts.readyTimeoutMs ?? 15_000,
    };
  }

  /** The credentials in use (paths and problems only; useful for a diagnostics screen). */
  get auth(): ResolvedAuth {
    return this.ctx.auth;
  }

  /** The live connection to target, opening one if needed (one attempt; concurrent callers share it). */
  connection(target: SshTarget): Promise<Client> {
    if (this.closed) return Promise.reject(new SshClosedError(endpointOf(target), 'pool closed'));
    const key = poolKey(target);
    const existing = this.clients.get(key);
    if (existing) {
      this.clients.delete(key); // most recently used: to the end
      this.clients.set(key, existing);
      return existing;
    }
    const p = connectPerConfig(target, this.ctx, {
      file: this.opts.sshConfigFile,
      passphrase: this.opts.auth?.passphrase,
    });
    this.clients.set(key, p);
    this.evict();
    p.then(
      (client) => {
        this.ready.set(p, client);
        client.once('close', () => {
          if (this.clients.get(key) === p) this.clients.delete(key);
        });
        if (this.closed) client.end();
      },
      () => {
        if (this.clients.get(key) === p) this.clients.delete(key);
      },
    );
    return p;
  }

  /**
   * A connection, retrying with jittered backoff while the failure is retryable (host down, timeout).
   * Auth and host-key errors are thrown at once; so is the last error after backoff.maxAttempts.
   */
  async reconnect(target: SshTarget, signal?: AbortSignal, onRetry?: RetryListener): Promise<Client> {
    const max = this.opts.backoff?.maxAttempts ?? Infinity;
    for (let attempt = 0; ; attempt++) {
      try {
        return await this.connection(target);
      } catch (err) {
        if (!isRetryable(err) || attempt + 1 >= max || this.closed || signal?.aborted) throw err;
        const delayMs = backoffDelay(attempt, this.opts.backoff, this.opts.random);
        onRetry?.({ attempt: attempt + 1, delayMs, error: err as Error });
        if (!(await sleep(delayMs, signal))) throw err;
      }
    }
  }

  /**
   * Past maxConnections, closes idle connections, least recently used first, until back at the cap or none is left
   * that can go (followed, running an exec, handshaking). The newest connection is still handshaking, so it stays.
   */
  private evict(): void {
    if (this.clients.size <= this.maxConnections) return;
    const followed = new Set([...this.follows].map((f) => poolKey(f.target)));
    for (const [key, p] of this.clients) {
      if (this.clients.size <= this.maxConnections) return;
      const client = this.ready.get(p);
      if (!client || followed.has(key) || this.busy.has(key)) continue;
      this.clients.delete(key);
      client.end();
    }
  }

  /** Runs one command on target (connecting if needed). */
  async exec(target: SshTarget, cmd: string, opts?: ExecOptions): Promise<ExecResult> {
    const key = poolKey(target);
    this.busy.set(key, (this.busy.get(key) ?? 0) + 1);
    try {
      const client = await this.connection(target);
      return await execOn(client, endpointOf(target), cmd, opts);
    } finally {
      const n = this.busy.get(key)! - 1;
      if (n > 0) this.busy.set(key, n);
      else this.busy.delete(key);
    }
  }

  /** Follows a remote log file (`tail -n 200 -F`); survives reconnects. Call stop() when done. */
  follow(target: SshTarget, path: string, opts?: FollowOptions): LogFollow {
    const f = new LogFollow(this, target, path, opts);
    this.follows.add(f);
    f.once('end', () => this.follows.delete(f));
    f.start();
    return f;
  }

  /** Closes target's connection (followers of it will reconnect unless stopped). */
  async drop(target: SshTarget): Promise<void> {
    const p = this.clients.get(poolKey(target));
    this.clients.delete(poolKey(target));
    if (p) (await p.catch(() => undefined))?.end();
  }

  /** Stops every follow and closes every connection. */
  async close(): Promise<void> {
    this.closed = true;
    for (const f of [...this.follows]) f.stop();
    const all = [...this.clients.values()];
    this.clients.clear();
    for (const p of all) (await p.catch(() => undefined))?.end();
  }
}

/** Pool key: host:port:user. */
export function poolKey(t: SshTarget): string {
  return `${t.host}:${t.port}:${t.user ?? 'root'}`;
}
