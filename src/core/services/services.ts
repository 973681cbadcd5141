/**
 * The composition root: the one place vastdeck's shared services are built, for every CLI command
 * (src/cli/context.ts) and the TUI (src/ui/run.tsx). Each service is made on first use and then shared: one
 * SSH identity, one pool per row of the SSH settings table, one journal, one clock on the API's time. Nothing
 * here loads ssh2, undici or the Hub client before it is used (the TUI paints first).
 */
import path from 'node:path';
import { configSchema, type Config } from '../config/config.js';
import { stateDir as defaultStateDir } from '../config/paths.js';
import { openStore, type OpenedStore } from '../checkpoints/store.js';
import { FileJournal } from '../journal/journal.js';
import type { CheckpointStore } from '../profiles/schema.js';
import { sshIdentity, type SshIdentity } from '../ssh/identity.js';
import { SshPool } from '../ssh/pool.js';
import { SSH_SETTINGS, type SshSettingName } from '../ssh/settings.js';
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

/** The shared services. */
export interface Services<A extends VastApi = VastApi> {
  readonly api: A;
  readonly config: Config;
  readonly paths: ServicePaths;
  /** Now on the API's clock: what every comparison with an API timestamp uses. */
  readonly now: () => number;
  /** Hub URL for checkpoint stores, when one is set (--demo). */
  readonly hubUrl?: () => Promise<string | null>;
  /** vastdeck's SSH identity (agent, ~/.ssh keys, else its own key), resolved once. */
  identity(): SshIdentity;
  /** The shared pool for one row of the SSH settings table (made on first use). */
  ssh(name?: SshSettingName): SshPool;
  /** The journal; secrets added with addSecret are scrubbed from it. */
  journal(): FileJournal;
  /** Keeps a secret out of the journal and (through onSecret) out of printed output. */
  addSecret(secret: string | undefined): void;
  /** Opens a profile's checkpoint store (the Hub URL applied), its secrets registered. */
  checkpointStore(cfg: CheckpointStore): Promise<OpenedStore>;
  /** Closes every SSH pool opened. */
  close(): Promise<void>;
}

/** Builds the services; nothing is opened until it is first used. */
export function makeServices<A extends VastApi>(o: ServiceOptions<A>): Services<A> {
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
  const pools = new Map<SshSettingName, SshPool>();
  const getIdentity = () => (identity ??= o.identity ? o.identity() : sshIdentity({ dir: state }));
  const addSecret = (s: string | undefined) => {
    if (!s || secrets.has(s)) return;
    secrets.add(s);
    journal?.addSecret(s);
    o.onSecret?.(s);
  };
  const api = o.api;
  return {
    get api(): A {
      if (!api) throw new Error('these services were built without the Vast API (an offline command)');
      return api;
    },
    config: o.config ?? configSchema.parse({}),
    paths,
    now: o.now ?? (api ? serverClock(api) : Date.now),
    ...(o.hubUrl ? { hubUrl: o.hubUrl } : {}),
    identity: getIdentity,
    ssh(name = 'default') {
      let pool = pools.get(name);
      if (!pool) {
        const id = getIdentity();
        pool = new SshPool({ knownHostsFile: id.knownHostsFile, auth: id.auth, ...SSH_SETTINGS[name] });
        pools.set(name, pool);
      }
      return pool;
    },
    journal: () => (journal ??= new FileJournal({ file: paths.journal, secrets: [...secrets] })),
    addSecret,
    async checkpointStore(cfg) {
      const hubUrl = (await o.hubUrl?.()) ?? undefined;
      const opened = openStore(cfg, hubUrl ? { hubUrl } : {});
      for (const s of opened.secrets) addSecret(s);
      return opened;
    },
    async close() {
      const all = [...pools.values()];
      pools.clear();
      await Promise.all(all.map((p) => p.close()));
    },
  };
}
