/** Opens the checkpoint store a profile names (hf | rsync | command) as one CheckpointStoreReader. */
import type { CheckpointStore } from '../profiles/schema.js';
import { CommandStore } from './command.js';
import { HfStore } from './hf.js';
import { RsyncStore } from './rsync.js';
import type { CheckpointStoreReader } from './types.js';

/** What openStore needs besides the profile's store entry. */
export interface OpenStoreOptions {
  /** Where the Hub token env var is read (default process.env). */
  env?: NodeJS.ProcessEnv;
  /** Hub base URL; default $HF_ENDPOINT, then the real Hub. */
  hubUrl?: string;
  /** ssh options for an rsync store's host. */
  sshArgs?: string[];
  /** Extra env for a command store. */
  commandEnv?: Record<string, string>;
}

/** An opened store, what it deliberately leaves out, and secret values the caller must keep out of output. */
export interface OpenedStore {
  reader: CheckpointStoreReader;
  exclude: string[];
  secrets: string[];
}

/** Builds the reader for a profile's checkpoint store. */
export function openStore(cfg: CheckpointStore, opts: OpenStoreOptions = {}): OpenedStore {
  const env = opts.env ?? process.env;
  switch (cfg.kind) {
    case 'hf': {
      const token = env[cfg.tokenEnv] || undefined;
      const hubUrl = opts.hubUrl ?? (env.HF_ENDPOINT || undefined);
      return {
        reader: new HfStore({
          repo: cfg.repo,
          revision: cfg.revision,
          prefix: cfg.prefix,
          token,
          tokenEnv: cfg.tokenEnv,
          hubUrl,
        }),
        exclude: [],
        secrets: token ? [token] : [],
      };
    }
    case 'rsync':
      return {
        reader: new RsyncStore({ host: cfg.host, path: cfg.path, exclude: cfg.exclude, sshArgs: opts.sshArgs }),
        exclude: cfg.exclude,
        secrets: [],
      };
    case 'command':
      return { reader: new CommandStore({ cmd: cfg.cmd, env: opts.commandEnv }), exclude: [], secrets: [] };
  }
}
