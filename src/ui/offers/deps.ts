/**
 * What the offer browser needs from the outside world, built once by run.tsx from the app's services: the offers
 * store, the profiles (the user's file, or the shipped demo profiles under --demo when the user has none), the
 * journal, and the `provisionBoot` SSH pool for the post-boot check, opened only when a provision reaches it.
 */
import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { VastApi } from '../../core/vast/api.js';
import type { Instance, Offer } from '../../core/vast/types.js';
import { checkHostAfterBoot, type PostBootReport } from '../../core/ops/postboot.js';
import { addToBlacklist, type BlacklistEntry } from '../../core/offers/blacklist.js';
import { OffersStore } from '../../core/offers/store.js';
import { defaultProfilesPath, loadProfiles } from '../../core/profiles/load.js';
import type { Profile } from '../../core/profiles/schema.js';
import type { JournalWriter } from '../../core/journal/journal.js';
import { measureDownload, type SpeedtestResult } from '../../core/ops/speedtest.js';
import { sshEndpoint } from '../../core/vast/units.js';
import type { Services } from '../../core/services/services.js';

/** Collaborators of the offer browser and its provisioning. */
export interface OffersDeps {
  store: OffersStore;
  api: VastApi;
  journal: JournalWriter;
  /** Every profile, with the file they came from. */
  loadProfiles: () => Promise<{ file: string; profiles: Record<string, Profile> }>;
  /** Measures an instance's download speed over SSH (absent: no speed test). */
  speedtest?: (inst: Instance, urls: string[], seconds: number, advertisedMbps: number) => Promise<SpeedtestResult>;
  /** The post-boot host check over SSH (postboot.ts; it includes the speed test); absent: not checked. */
  hostCheck?: (inst: Instance, offer: Offer, profile: Profile) => Promise<PostBootReport>;
  /** Saves a machine whose host failed the check (the state dir's blacklist.json; the demo's own under --demo). */
  blacklist?: (entry: BlacklistEntry) => Promise<void>;
  sleep: (ms: number) => Promise<void>;
  now: () => number;
  /** Boot polling period: 10 s against Vast, faster against the demo's sped-up clock. */
  bootPollMs: number;
  /** Minutes in loading before a boot counts as stuck. */
  stuckAfterMs: number;
  /** Releases timers and connections. */
  close: () => Promise<void>;
}

/** The demo profiles shipped next to the sources or the bundle (src/sim/scenarios/demo-profiles.yaml). */
export function demoProfilesPath(): string | undefined {
  let dir = path.dirname(fileURLToPath(import.meta.url));
  for (let i = 0; i < 5; i++) {
    const f = path.join(dir, 'src', 'sim', 'scenarios', 'demo-profiles.yaml');
    if (existsSync(f)) return f;
    dir = path.dirname(dir);
  }
  return undefined;
}

/** Which profiles file to read: the user's, else (in --demo only) the shipped demo file. */
export function profilesFile(demo: boolean, userFile = defaultProfilesPath()): string {
  if (existsSync(userFile) || !demo) return userFile;
  return demoProfilesPath() ?? userFile;
}

/** Builds the real collaborators over the app's services. */
export function makeOffersDeps(opts: { services: Services; demo: boolean; profilesPath?: string }): OffersDeps {
  const { services } = opts;
  const store = new OffersStore({ api: services.api });
  // A freshly running host may not accept SSH for a moment: `provisionBoot` reconnects with backoff.
  const getPool = async () => services.ssh('provisionBoot');
  return {
    store,
    api: services.api,
    journal: services.journal(),
    loadProfiles: async () => {
      const file = opts.profilesPath ?? profilesFile(opts.demo);
      return { file, profiles: await loadProfiles(file) };
    },
    hostCheck: async (inst, offer, profile) => {
      const ep = sshEndpoint(inst);
      if (!ep) throw new Error(`instance ${inst.id} has no SSH endpoint yet`);
      const p = await getPool();
      const target = { host: ep.host, port: ep.port };
      await p.reconnect(target);
      return checkHostAfterBoot((t, cmd, o) => p.exec(t, cmd, o), target, { offer, profile });
    },
    blacklist: async (entry) => void (await addToBlacklist(entry, services.paths.blacklist)),
    speedtest: async (inst, urls, seconds, advertisedMbps) => {
      const ep = sshEndpoint(inst);
      if (!ep) throw new Error(`instance ${inst.id} has no SSH endpoint yet`);
      const p = await getPool();
      const target = { host: ep.host, port: ep.port };
      await p.reconnect(target);
      return measureDownload((t, cmd, o) => p.exec(t, cmd, o), target, urls, { advertisedMbps, seconds });
    },
    sleep: (ms) => new Promise((r) => setTimeout(r, ms)),
    now: Date.now,
    bootPollMs: opts.demo ? 1000 : 10_000,
    stuckAfterMs: opts.demo ? 90_000 : 10 * 60_000,
    // The pool is the services' (closed with them).
    close: async () => store.stop(),
  };
}
