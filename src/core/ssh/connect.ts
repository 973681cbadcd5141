/**
 * Opens one ssh2 connection with vastdeck's host-key store and credentials, and turns ssh2's loosely
 * typed errors into our typed ones.
 */
import ssh2 from 'ssh2';
import type { Client } from 'ssh2';
import type { Duplex } from 'node:stream';
import { authMethods, describeAuth, type ResolvedAuth } from './auth.js';
import { HostKeyChangedError, SshAuthError, SshError, SshTimeoutError, SshUnreachableError } from './errors.js';
import type { HostKeyStore } from './host-keys.js';

/** Where to connect. `user` defaults to root, as on Vast.ai. */
export interface SshTarget {
  /** Host name or IP. */
  host: string;
  /** TCP port. */
  port: number;
  /** Login user; default 'root'. */
  user?: string;
}

/** Everything a connection needs besides the target. */
export interface ConnectContext {
  /** Host-key store (TOFU). */
  store: HostKeyStore;
  /** Resolved credentials. */
  auth: ResolvedAuth;
  /** SSH-level keepalive period; 0 disables. */
  keepaliveIntervalMs: number;
  /** Unanswered keepalives before the connection is declared dead. */
  keepaliveCountMax: number;
  /** Handshake deadline. */
  readyTimeoutMs: number;
}

/** "host:port", the form every message uses. */
export function endpointOf(t: SshTarget): string {
  return `${t.host}:${t.port}`;
}

/** Host-key algorithms for each stored key type, so a host we know is asked for that key first (as OpenSSH does). */
const ALGOS_FOR_TYPE: Record<string, string[]> = {
  'ssh-ed25519': ['ssh-ed25519'],
  'ecdsa-sha2-nistp256': ['ecdsa-sha2-nistp256'],
  'ecdsa-sha2-nistp384': ['ecdsa-sha2-nistp384'],
  'ecdsa-sha2-nistp521': ['ecdsa-sha2-nistp521'],
  'ssh-rsa': ['rsa-sha2-512', 'rsa-sha2-256', 'ssh-rsa'],
};

/** Maps an ssh2 error (or ours, thrown inside the host verifier) to a typed SshError. */
export function toSshError(err: unknown, endpoint: string, auth: ResolvedAuth, timeoutMs = 0): SshError {
  if (err instanceof SshError) return err;
  const e = err as Error & { level?: string; code?: string };
  const msg = e?.message ?? String(err);
  if (e?.level === 'client-authentication') return new SshAuthError(endpoint, describeAuth(auth));
  if (e?.level === 'client-timeout')
    return new SshTimeoutError(endpoint, /keepalive/i.test(msg) ? 'keepalive' : 'handshake', timeoutMs);
  return new SshUnreachableError(endpoint, e?.code ?? msg);
}

/** Connects and authenticates; resolves with a ready ssh2 Client whose 'error' events are already handled. */
export function connect(target: SshTarget, ctx: ConnectContext, sock?: Duplex): Promise<Client> {
  const endpoint = endpointOf(target);
  const username = target.user ?? 'root';
  const methods = authMethods(ctx.auth, username);
  if (methods.length === 0) return Promise.reject(new SshAuthError(endpoint, describeAuth(ctx.auth)));
  const prepend = ctx.store.knownTypes(target.host, target.port).flatMap((t) => ALGOS_FOR_TYPE[t] ?? []);
  return new Promise((resolve, reject) => {
    const client = new ssh2.Client();
    let hostKeyError: HostKeyChangedError | undefined;
    let settled = false;
    const fail = (err: unknown) => {
      if (settled) return;
      settled = true;
      client.end();
      reject(hostKeyError ?? toSshError(err, endpoint, ctx.auth, ctx.readyTimeoutMs));
    };
    client.on('error', fail);
    client.on('close', () => fail(new SshUnreachableError(endpoint, 'connection closed during handshake')));
    client.on('ready', () => {
      settled = true;
      // After ready, errors are reported through 'close'; keep a listener so none is ever unhandled.
      client.removeListener('error', fail);
      client.on('error', () => {});
      resolve(client);
    });
    client.connect({
      host: target.host,
      port: target.port,
      sock, // a stream forwarded through a jump host (ProxyJump), else ssh2 opens the TCP connection
      username,
      agent: ctx.auth.agent,
      agentForward: ctx.auth.agentForward,
      authHandler: methods,
      keepaliveInterval: ctx.keepaliveIntervalMs,
      keepaliveCountMax: ctx.keepaliveCountMax,
      readyTimeout: ctx.readyTimeoutMs,
      // ssh2's 'prepend' skips algorithms already in the default list, so remove them first (keys apply in order).
      algorithms: prepend.length ? { serverHostKey: { remove: prepend, prepend } as never } : undefined,
      hostVerifier: (key: Buffer) => {
        try {
          ctx.store.verify(target.host, target.port, key);
          return true;
        } catch (err) {
          if (err instanceof HostKeyChangedError) hostKeyError = err;
          return false;
        }
      },
    });
  });
}
