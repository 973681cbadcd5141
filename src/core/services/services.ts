/**
 * The composition root: the one place vastdeck's shared services are built, for every CLI command
 * (src/cli/context.ts) and the TUI (src/ui/run.tsx). Each service is made on first use and then shared: one
 * SSH identity, one pool per row of the SSH settings table, one journal, one clock on the API's time. Nothing
 * here loads ssh2, the HTTP client or the Hub client before it is used (the TUI paints first).
 *
 * The SSH and journal modules are parts loaded by `load(parts)` (a dynamic import each), so a command that
 * declares neither (`instances`, `offers`…) never loads them; their accessors stay synchronous and throw a
 * programming error when their part was not loaded. The types follow: `Services<A, P>` has `ssh()`/`identity()`
 * only when P holds 'ssh' and `journal()` only when it holds 'journal'.
 */
import path from 'node:path';
import { defaultConfig, type Config } from '../config/config.js';
import { stateDir as defaultStateDir } from '../config/paths.js';
import type { OpenedStore } from '../checkpoints/store.js';
import type { FileJournal } from '../journal/journal.js';
import type { CheckpointStore } from '../profiles/schema.js';
import type { SshIdentity } from '../ssh/identity.js';
import type { SshPool } from '../ssh/pool.js';
import type { SshSettingName } from '../ssh/settings.js';
import type { VastApi } from '../vast/api.js';
import { serverClock } from '../vast/server-clock.js';

/** What makeServices is built from. */
export interface ServiceOptions<A extends VastApi = VastApi> {
  /** The Vast API: a client, or (TUI) a deferred one that is made on its first call. Absent for commands that
   * work offline (the journal, `migrate --list`): reading `services.api` then throws. */
  api?: A;
  /** config.yaml; defaults when absent. */
  config?: Config;
  /** The state dir (journal, known_hosts, own key, blacklist, crash log); default stateDir(). */
  stateDir?: string;
  /** Now on the API's clock; default serverClock(api) (--demo: the simulator's sped-up clock). */
  now?: () => number;
  /** Hub URL for Hugging Face checkpoint stores (--demo: the simulator's stand-in), resolved when a store opens. */
  hubUrl?: () => Promise<string | null>;
  /** Secrets known from the start (the API key): never written to the journal. */
  secrets?: readonly string[];
  /** Called with every secret learnt later (a store's token), so the CLI can redact it from its output too. */
  onSecret?: (secret: string) => void;
  /** vastdeck's SSH identity (tests); default sshIdentity() in the state dir, resolved on first SSH use. */
  identity?: () => SshIdentity;
}

/** Files in the state dir. */
export interface ServicePaths {
  state: string;
  journal: string;
  knownHosts: string;
  blacklist: string;
  crashLog: string;
}

/** Parts of the services whose modules load only when asked for: SSH (pools, identity) and the journal. */
export type ServicePart = 'ssh' | 'journal';

/** Every part: what the TUI loads. */
export const ALL_PARTS = ['ssh', 'journal'] as const satisfies readonly ServicePart[];

/** The services every command has: no SSH or journal module behind them. */
export interface BaseServices<A extends VastApi = VastApi> {
  readonly api: A;
  readonly config: Config;
  readonly paths: ServicePaths;
  /** Now on the API's clock: what every comparison with an API timestamp uses. */
  readonly now: () => number;
  /** Hub URL for checkpoint stores, when one is set (--demo). */
  readonly hubUrl?: () => Promise<string | null>;
  /** Keeps a secret out of the journal and (through onSecret) out of printed output. */
  addSecret(secret: string | undefined): void;
  /** Opens a profile's checkpoint store (the Hub URL applied), its secrets registered. */
  checkpointStore(cfg: CheckpointStore): Promise<OpenedStore>;
  /** Closes every SSH pool opened. */
  close(): Promise<void>;
  /** Loads the modules of the parts named (once each); resolves to these services with those parts' accessors. */
  load<P extends ServicePart>(parts: readonly P[]): Promise<Services<A, P>>;
}

/** The 'ssh' part. */
export interface SshServices {
  /** vastdeck's SSH identity (agent, ~/.ssh keys, else its own key), resolved once. */
  identity(): SshIdentity;
  /** The shared pool for one row of the SSH settings table (made on first use). */
  ssh(name?: SshSettingName): SshPool;
}

/** The 'journal' part. */
export interface JournalServices {
  /** The journal; secrets added with addSecret are scrubbed from it. */
  journal(): FileJournal;
}

/** The shared services with the parts P loaded (every part by default: the TUI's). */
export type Services<A extends VastApi = VastApi, P extends ServicePart = ServicePart> = BaseServices<A> &
  ('ssh' extends P ? SshServices : unknown) &
  ('journal' extends P ? JournalServices : unknown);

/** The modules behind the parts, once loaded. */
interface SshModules {
  SshPool: typeof SshPool;
  sshIdentity: typeof import('../ssh/identity.js').sshIdentity;
  SSH_SETTINGS: typeof import('../ssh/settings.js').SSH_SETTINGS;
}

/** A part's accessor used before `load` brought its modules in: a programming error, named. */
function notLoaded(part: ServicePart, accessor: string): Error {
  return new Error(
    `services.${accessor}() needs the "${part}" part, which was not loaded: declare it where the services are made ` +
      `(makeContext(flags, ['${part}']) in a command, or services.load)`,
  );
}

/**
 * Builds the services with no part loaded (`load` adds them); nothing is opened until it is first used. The
 * object is the same after `load`: parts are loaded into it, so every holder sees them.
 */
export function makeServices<A extends VastApi>(o: ServiceOptions<A>): BaseServices<A> {
  const state = o.stateDir ?? defaultStateDir();
  const paths: ServicePaths = {
    state,
    journal: path.join(state, 'journal.jsonl'),
    knownHosts: path.join(state, 'known_hosts'),
    blacklist: path.join(state, 'blacklist.json'),
    crashLog: path.join(state, 'crash.log'),
  };
  const secrets = new Set<string>(o.secrets ?? []);
  let identity: SshIdentity | undefined;
  let journal: FileJournal | undefined;
  let sshMods: SshModules | undefined;
  let Journal: typeof FileJournal | undefined;
  const loaders: Record<ServicePart, () => Promise<void>> = {
    async ssh() {
      const [pool, id, settings] = await Promise.all([
        import('../ssh/pool.js'),
        import('../ssh/identity.js'),
        import('../ssh/settings.js'),
      ]);
      sshMods ??= { SshPool: pool.SshPool, sshIdentity: id.sshIdentity, SSH_SETTINGS: settings.SSH_SETTINGS };
    },
    async journal() {
      Journal ??= (await import('../journal/journal.js')).FileJournal;
    },
  };
  const pools = new Map<SshSettingName, SshPool>();
  const ssh = (accessor: string) => sshMods ?? throwError(notLoaded('ssh', accessor));
  const getIdentity = () => {
    const m = ssh('identity');
    return (identity ??= o.identity ? o.identity() : m.sshIdentity({ dir: state }));
  };
  const addSecret = (s: string | undefined) => {
    if (!s || secrets.has(s)) return;
    secrets.add(s);
    journal?.addSecret(s);
    o.onSecret?.(s);
  };
  const api = o.api;
  const services: Services<A> = {
    get api(): A {
      if (!api) throw new Error('these services were built without the Vast API (an offline command)');
      return api;
    },
    config: o.config ?? defaultConfig(),
    paths,
    now: o.now ?? (api ? serverClock(api) : Date.now),
    ...(o.hubUrl ? { hubUrl: o.hubUrl } : {}),
    identity: getIdentity,
    ssh(name = 'default') {
      const m = ssh('ssh');
      let pool = pools.get(name);
      if (!pool) {
        const id = getIdentity();
        pool = new m.SshPool({
          knownHostsFile: id.knownHostsFile,
          auth: id.auth,
          ...m.SSH_SETTINGS[name],
          // The TUI's health monitor touches every running host: past 100 connections the least recently used idle
          // one closes (followed hosts keep theirs). Headless commands and host work keep every connection.
          ...(name === 'interactive' ? { maxConnections: 100 } : {}),
        });
        pools.set(name, pool);
      }
      return pool;
    },
    journal() {
      const J = Journal ?? throwError(notLoaded('journal', 'journal'));
      return (journal ??= new J({ file: paths.journal, secrets: [...secrets] }));
    },
    addSecret,
    async checkpointStore(cfg) {
      const hubUrl = (await o.hubUrl?.()) ?? undefined;
      // Loaded here: the stores' modules (and their schemas) are off the path of every command that opens none.
      const { openStore } = await import('../checkpoints/store.js');
      const opened = openStore(cfg, hubUrl ? { hubUrl } : {});
      for (const s of opened.secrets) addSecret(s);
      return opened;
    },
    async close() {
      const all = [...pools.values()];
      pools.clear();
      await Promise.all(all.map((p) => p.close()));
    },
    async load<P extends ServicePart>(parts: readonly P[]) {
      await Promise.all(parts.map((p) => loaders[p]()));
      return services as Services<A, P>;
    },
  };
  return services;
}

function throwError(err: Error): never {
  throw err;
}
