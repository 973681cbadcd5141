/**
 * The embedded Vast.ai simulator: an HTTP server on 127.0.0.1 that speaks Vast's REST API (vast-api.md),
 * with a seeded market, instances on a speedable clock, billing, rate limits, faults, scenarios and an
 * optional state file. Ports: each instance reserves 4 numbers from sshPortBase (option or scenario; else a
 * random free block): ssh_port (proxy), ssh_port+1 (jupyter proxy), ssh_port+2 (direct 22/tcp), ssh_port+3
 * (direct 8080/tcp). Running instances have a simulated GPU host listening there (host-fleet.ts).
 */
import net, { type AddressInfo } from 'node:net';
import { SimClock } from './clock.js';
import { Faults, type FaultSpec } from './faults.js';
import { SimHostFleet } from './host-fleet.js';
import { HubLink } from './hub-link.js';
import { startHubStandIn, type HubStandIn } from './hub/index.js';
import { buildFleet } from './fleet.js';
import { hashSeed, makeRng } from './prng.js';
import { RateLimiter } from './ratelimit.js';
import {
  HostRuleSchema,
  loadScenario as loadScenarioFile,
  parseScenario,
  type HostRule,
  type Scenario,
} from './scenario.js';
import { createSimServer, type LoggedRequest } from './server.js';
import { loadState, saveState } from './state.js';
import { World } from './world.js';

export type { FaultSpec } from './faults.js';
export type { HostRule, Scenario } from './scenario.js';

/** Options for startSimulator; each overrides the scenario's value. */
export interface SimOptions {
  /** Port on 127.0.0.1 (default 0 = any free port). */
  port?: number;
  /** PRNG seed for market, fleet and faults. */
  seed?: number;
  /** Sim-clock multiplier (10 = ten sim seconds per real second). */
  speed?: number;
  /** Scenario: a YAML file path, or an already-parsed object. */
  scenario?: string | object;
  /** JSON state file, written atomically on change and read back on start. */
  stateFile?: string;
  /** The account API key (default `sim-demo-key`). */
  apiKey?: string;
  /** Per-endpoint rate limiting (default true, like the real API). */
  rateLimit?: boolean;
  /** Faults active from the start. */
  faults?: FaultSpec[];
  /** Real-time source (epoch ms), for tests. */
  now?: () => number;
  /** First SSH port of the instance port blocks (overrides the scenario); default a random free block. */
  sshPortBase?: number;
  /**
   * Hosts of new rentals that lie (another GPU, a smaller disk, failing CUDA, a slow endpoint), after the scenario's.
   */
  hostRules?: HostRule[];
  /** Run a simulated SSH host for each running instance (default true). */
  hosts?: boolean;
  /** SSH public keys on the account from the start, added to the scenario's (its fleet is created with them). */
  sshKeys?: string[];
  /** Run the Hub stand-in that jobs upload checkpoints to (default: whenever hosts run). */
  hub?: boolean;
}

/** A running simulator. */
export interface SimHandle {
  /** http://127.0.0.1:PORT (no trailing slash). */
  url: string;
  port: number;
  apiKey: string;
  /** Save state (if any) and stop listening. */
  close(): Promise<void>;
  /** Add a fault rule. */
  injectFault(f: FaultSpec): void;
  /** Remove every fault rule. */
  clearFaults(): void;
  /** Make the hosts of new rentals that match lie (see HostRuleSchema in scenario.ts). */
  addHostRule(rule: HostRule): void;
  /** Move the sim clock forward (lifecycle + billing). */
  advance(ms: number): void;
  /** The sim clock now (epoch ms): ahead of the wall clock when speed > 1, so a demo UI shows ages in sim time. */
  simNow(): number;
  /** Every request seen: method, path, status (0 = dropped). Never header values. */
  requestLog: Array<{ method: string; path: string; status: number }>;
  /** The simulated hosts of running instances (null when started with hosts: false). */
  hosts: SimHostFleet | null;
  /** The Hub stand-in's URL (http://127.0.0.1:PORT), for a checkpoint store's hubUrl / HF_ENDPOINT; null without it. */
  hubUrl: string | null;
  /** The Hub stand-in and its link to the hosts (upload policies), when running. */
  hub: { server: HubStandIn; link: HubLink } | null;
  /**
   * The simulated world itself, for benches that reshape it (bench/fleet-scale-sim.ts points every SSH port at one
   * sink).
   */
  world: World;
}

/** The default account key. */
export const DEFAULT_API_KEY = 'sim-demo-key';

/** Read and validate a scenario file; throws Error('scenario FILE: field X: expected …'). */
export function loadScenario(path: string): Promise<Scenario> {
  return loadScenarioFile(path);
}

/** True when nothing listens on any of the ports (a quick probe; another process may still race us). */
async function portsFree(ports: number[]): Promise<boolean> {
  const probes = ports.map(
    (port) =>
      new Promise<boolean>((resolve) => {
        const srv = net.createServer();
        srv.once('error', () => resolve(false));
        srv.listen(port, '127.0.0.1', () => srv.close(() => resolve(true)));
      }),
  );
  return (await Promise.all(probes)).every(Boolean);
}

/**
 * A random block start in [20000, 32000): below Linux's ephemeral range (32768+), so outgoing connections never
 * sit on it, and random so simulators in parallel test files rarely overlap. Probes the first 32 ports.
 */
async function pickPortBase(random: () => number = Math.random): Promise<number> {
  let base = 20000;
  for (let i = 0; i < 10; i++) {
    base = 20000 + 4 * Math.floor(random() * 2990);
    if (await portsFree(Array.from({ length: 32 }, (_, k) => base + k))) return base;
  }
  return base;
}

/** Start the simulator on 127.0.0.1. */
export async function startSimulator(opts: SimOptions = {}): Promise<SimHandle> {
  const realNow = opts.now ?? Date.now;
  const sc =
    typeof opts.scenario === 'string'
      ? await loadScenarioFile(opts.scenario)
      : parseScenario(opts.scenario ?? {}, '<inline>');
  const seed = opts.seed ?? sc.seed;
  const apiKey = opts.apiKey ?? sc.apiKey ?? DEFAULT_API_KEY;
  const saved = opts.stateFile ? loadState(opts.stateFile) : null;
  const sshPortBase = opts.sshPortBase ?? sc.sshPortBase ?? (saved ? undefined : await pickPortBase());
  const clock = new SimClock(realNow, opts.speed ?? sc.speed ?? 1, saved?.simNow ?? realNow());
  const marketCfg = { seed, size: sc.market.size, traps: sc.market.traps, gpus: sc.market.gpus, nowMs: clock.now() };
  const world = new World(
    clock,
    marketCfg,
    { ...sc, seed, sshPortBase, sshKeys: [...sc.sshKeys, ...(opts.sshKeys ?? [])] },
    saved ?? undefined,
  );
  if (!saved) buildFleet(world, sc);
  for (const rule of opts.hostRules ?? []) world.hostRules.push({ rule: HostRuleSchema.parse(rule), used: 0 });
  const faults = new Faults(makeRng(hashSeed(seed, 'faults')), [...sc.faults, ...(opts.faults ?? [])]);
  const persist = () => {
    world.dirty = false;
    if (opts.stateFile) saveState(opts.stateFile, world.save());
  };
  if (opts.stateFile) persist();
  const hosts = opts.hosts === false ? null : new SimHostFleet(world);
  // Reading the log brings the job up to the sim clock first (it ticks lazily, on commands and followers).
  if (hosts) {
    const ticked = (id: number) => {
      const t = hosts.trainer(id);
      t?.tick();
      return t;
    };
    world.hostLog = (id) => ticked(id)?.log;
    world.hostBusy = (id) => {
      const t = ticked(id);
      return t ? t.status === 'running' : undefined;
    };
  }
  const hubServer = hosts && opts.hub !== false ? await startHubStandIn() : null;
  const link = hubServer ? new HubLink(world, hubServer) : null;
  if (hosts && link) link.attachTo(hosts);
  const requestLog: LoggedRequest[] = [];
  let url = '';
  const advance = (ms: number) => {
    clock.advance(ms);
    world.tick();
    persist();
    hosts?.sync();
    link?.sync();
  };
  const server = createSimServer({
    world,
    apiKey,
    faults,
    requestLog,
    baseUrl: () => url,
    limiter: (opts.rateLimit ?? sc.rateLimit ?? true) ? new RateLimiter(realNow) : null,
    onChange: () => {
      persist();
      hosts?.sync();
      link?.sync();
    },
    injectFault: (f) => faults.add(f),
    clearFaults: () => faults.clear(),
    listFaults: () => faults.list(),
    advance,
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port ?? 0, '127.0.0.1', () => resolve());
  });
  const port = (server.address() as AddressInfo).port;
  url = `http://127.0.0.1:${port}`;
  // Instances reach running (or exit) on the sim clock even when nobody calls the API: catch up every second.
  let ticker: NodeJS.Timeout | undefined;
  if (hosts) {
    hosts.sync();
    ticker = setInterval(() => {
      world.tick();
      if (world.dirty) persist();
      hosts.sync();
      link?.sync();
    }, 1000);
    ticker.unref();
  }
  return {
    url,
    port,
    apiKey,
    requestLog,
    advance,
    hosts,
    world,
    simNow: () => clock.now(),
    hubUrl: hubServer?.url ?? null,
    hub: hubServer && link ? { server: hubServer, link } : null,
    injectFault: (f) => faults.add(f),
    clearFaults: () => faults.clear(),
    addHostRule: (rule) => world.hostRules.push({ rule: HostRuleSchema.parse(rule), used: 0 }),
    close: async () => {
      clearInterval(ticker);
      world.tick();
      persist();
      await hosts?.close();
      await hubServer?.close();
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
    },
  };
}
