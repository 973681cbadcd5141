/**
 * The user's ~/.ssh/config for the ssh2 pool (logs, triage, health, checkpoint reads): a host's `User` (replaces
 * root), `IdentityFile` (tried before vastdeck's own keys) and `ProxyJump` (one hop: the pool logs in to the jump
 * host with ssh2, same host-key store and identity rules, and reaches the target through `forwardOut`), as
 * `ssh -G` resolves them, so the background reads reach a host the way `ssh HOST` does.
 */
import { existsSync } from 'node:fs';
import path from 'node:path';
import type { Duplex } from 'node:stream';
import type { Client } from 'ssh2';
import { homeDir } from '../config/paths.js';
import { resolveAuth, type ResolvedAuth } from './auth.js';
import { connect, endpointOf, type ConnectContext, type SshTarget } from './connect.js';
import { SshConfigError, SshError, SshUnreachableError } from './errors.js';
import { defaultRun, hostConfig, parse, type Run } from './user-config.js';

/** Where the config is and how ssh is run (tests pass their own). */
export interface UserConfigOptions {
  /** The ssh config file; default ~/.ssh/config. null: ignore the user's config. */
  file?: string | null;
  /** Passphrase for encrypted key files (never logged). */
  passphrase?: string;
  run?: Run;
}

/** base with the config's IdentityFiles (those that exist) tried first; an encrypted one becomes a one-line problem. */
export function withIdentityFiles(base: ResolvedAuth, files: string[], passphrase?: string): ResolvedAuth {
  const present = files.filter((f) => existsSync(f) && !base.keys.some((k) => k.path === f));
  if (present.length === 0) return base;
  const extra = resolveAuth({ agentSocket: null, keyPaths: present, passphrase });
  return { ...base, keys: [...extra.keys, ...base.keys], problems: [...extra.problems, ...base.problems] };
}

/** One ProxyJump hop, `[user@]host[:port]` (also `ssh://…` and `[v6addr]:port`); undefined when malformed. */
export function parseHop(spec: string): { user?: string; host: string; port?: number } | undefined {
  const m = /^(?:ssh:\/\/)?(?:([^@\s]+)@)?(\[[^\]\s]+\]|[^:@\s[\]]+)(?::(\d{1,5}))?$/.exec(spec.trim());
  if (!m) return undefined;
  const port = m[3] ? Number(m[3]) : undefined;
  if (port !== undefined && (port < 1 || port > 65535)) return undefined;
  return { user: m[1], host: m[2]!.replace(/^\[|\]$/g, ''), port };
}

interface Hop extends SshTarget {
  identityFiles: string[];
  proxyJump?: string;
}

/** Jump hosts resolved this process (as hostConfig caches targets): a reconnect runs no `ssh -G` again. */
const hops = new Map<string, Promise<Hop>>();

/**
 * The jump host as `ssh -G` resolves it (HostName, Port, User, its own IdentityFiles and ProxyJump), once per process.
 */
function resolveHop(spec: { user?: string; host: string; port?: number }, file: string, run: Run): Promise<Hop> {
  const key = JSON.stringify([file, spec.user ?? '', spec.host, spec.port ?? 0]);
  let hop = hops.get(key);
  if (!hop) {
    hop = runHop(spec, file, run);
    hop.catch(() => hops.delete(key));
    hops.set(key, hop);
  }
  return hop;
}

async function runHop(spec: { user?: string; host: string; port?: number }, file: string, run: Run): Promise<Hop> {
  const args = [...(spec.port ? ['-p', String(spec.port)] : []), ...(spec.user ? ['-l', spec.user] : []), spec.host];
  const [withCfg, without] = await Promise.all([
    run(['-G', '-F', file, ...args]),
    run(['-G', '-F', '/dev/null', ...args]),
  ]);
  const a = parse(withCfg);
  const base = new Set(parse(without).get('identityfile') ?? []);
  const jump = a.get('proxyjump')?.[0];
  return {
    host: a.get('hostname')?.[0] ?? spec.host,
    port: Number(a.get('port')?.[0] ?? spec.port ?? 22),
    user: a.get('user')?.[0] ?? spec.user ?? 'root',
    identityFiles: (a.get('identityfile') ?? []).filter((f) => !base.has(f)),
    proxyJump: jump && jump !== 'none' ? jump : undefined,
  };
}

function chainError(endpoint: string, chain: string): SshConfigError {
  return new SshConfigError(
    endpoint,
    `ProxyJump ${chain} in ~/.ssh/config is a chain of jump hosts; vastdeck's background connections (logs, ` +
      `triage, health) support one jump host: give this host a single ProxyJump`,
  );
}

/** Connects to target as the user's ~/.ssh/config says (User, IdentityFile, ProxyJump); plain connect without one. */
export async function connectPerConfig(
  target: SshTarget,
  ctx: ConnectContext,
  o: UserConfigOptions = {},
): Promise<Client> {
  if (o.file === null) return connect(target, ctx);
  const file = o.file ?? path.join(homeDir(), '.ssh', 'config');
  const run = o.run ?? defaultRun;
  const endpoint = endpointOf(target);
  const cfg = await hostConfig(target.host, target.port, { file, run });
  const t: SshTarget = { ...target, user: target.user ?? cfg.user };
  const tctx = { ...ctx, auth: withIdentityFiles(ctx.auth, cfg.identityFiles, o.passphrase) };
  if (!cfg.proxyJump) return connect(t, tctx);
  if (cfg.proxyJump.includes(',')) throw chainError(endpoint, cfg.proxyJump);
  const spec = parseHop(cfg.proxyJump);
  if (!spec)
    throw new SshConfigError(
      endpoint,
      `ProxyJump ${cfg.proxyJump} in ${file} is not [user@]host[:port]: fix that line`,
    );
  const hop = await resolveHop(spec, file, run);
  if (hop.proxyJump) throw chainError(endpoint, `${cfg.proxyJump} → ${hop.proxyJump}`);
  const jumpTarget: SshTarget = { host: hop.host, port: hop.port, user: hop.user };
  const via = `jump host ${endpointOf(jumpTarget)} (ProxyJump ${cfg.proxyJump})`;
  let jump: Client;
  try {
    jump = await connect(jumpTarget, { ...ctx, auth: withIdentityFiles(ctx.auth, hop.identityFiles, o.passphrase) });
  } catch (err) {
    if (err instanceof SshError) err.message = `${err.message} (the ${via} for ${endpoint})`;
    throw err;
  }
  let sock: Duplex;
  try {
    sock = await new Promise<Duplex>((resolve, reject) =>
      jump.forwardOut('127.0.0.1', 0, target.host, target.port, (err, ch) => (err ? reject(err) : resolve(ch))),
    );
  } catch (err) {
    jump.end();
    throw new SshUnreachableError(endpoint, `${via} could not open a connection to it: ${(err as Error).message}`);
  }
  try {
    const client = await connect(t, tctx, sock);
    client.once('close', () => jump.end());
    jump.once('close', () => client.end());
    return client;
  } catch (err) {
    jump.end();
    throw err;
  }
}
