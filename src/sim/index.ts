/**
 * The embedded Vast.ai simulator: an HTTP server on 127.0.0.1 that speaks Vast's REST API (vast-api.md),
 * with a seeded market, instances on a speedable clock, billing, rate limits, faults, scenarios and an
 * optional state file. Ports: each instance reserves 4 numbers from sshPortBase (scenario, default 41000):
 * ssh_port (proxy), ssh_port+1 (jupyter proxy), ssh_port+2 (direct 22/tcp), ssh_port+3 (direct 8080/tcp).
 */
import type { AddressInfo } from 'node:net';
import { SimClock } from './clock.js';
import { Faults, type FaultSpec } from './faults.js';
import { buildFleet } from './fleet.js';
import { hashSeed, makeRng } from './prng.js';
import { RateLimiter } from './ratelimit.js';
import { loadScenario as loadScenarioFile, parseScenario, type Scenario } from './scenario.js';
import { createSimServer, type LoggedRequest } from './server.js';
import { loadState, saveState } from './state.js';
import { World } from './world.js';

export type { FaultSpec } from './faults.js';
export type { Scenario } from './scenario.js';

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
  /** Move the sim clock forward (lifecycle + billing). */
  advance(ms: number): void;
  /** Every request seen: method, path, status (0 = dropped). Never header values. */
  requestLog: Array<{ method: string; path: string; status: number }>;
}

/** The default account key. */
export const DEFAULT_API_KEY = 'sim-demo-key';

/** Read and validate a scenario file; throws Error('scenario FILE: field X: expected …'). */
export function loadScenario(path: string): Promise<Scenario> {
  return loadScenarioFile(path);
}

/** Start the simulator on 127.0.0.1. */
export async function startSimulator(opts: SimOptions = {}): Promise<SimHandle> {
  const realNow = opts.now ?? Date.now;
  const sc = typeof opts.scenario === 'string' ? await loadScenarioFile(opts.scenario) : parseScenario(opts.scenario ?? {}, '<inline>');
  const seed = opts.seed ?? sc.seed;
  const apiKey = opts.apiKey ?? sc.apiKey ?? DEFAULT_API_KEY;
  const saved = opts.stateFile ? loadState(opts.stateFile) : null;
  const clock = new SimClock(realNow, opts.speed ?? sc.speed ?? 1, saved?.simNow ?? realNow());
  const marketCfg = { seed, size: sc.market.size, traps: sc.market.traps, gpus: sc.market.gpus, nowMs: clock.now() };
  const world = new World(clock, marketCfg, { ...sc, seed }, saved ?? undefined);
  if (!saved) buildFleet(world, sc);
  const faults = new Faults(makeRng(hashSeed(seed, 'faults')), [...(sc.faults as FaultSpec[]), ...(opts.faults ?? [])]);
  const persist = () => {
    world.dirty = false;
    if (opts.stateFile) saveState(opts.stateFile, world.save());
  };
  if (opts.stateFile) persist();
  const requestLog: LoggedRequest[] = [];
  let url = '';
  const advance = (ms: number) => {
    clock.advance(ms);
    world.tick();
    persist();
  };
  const server = createSimServer({
    world, apiKey, faults, requestLog, baseUrl: () => url,
    limiter: opts.rateLimit ?? sc.rateLimit ?? true ? new RateLimiter(realNow) : null,
    onChange: persist,
    injectFault: (f) => faults.add(f), clearFaults: () => faults.clear(), listFaults: () => faults.list(), advance,
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port ?? 0, '127.0.0.1', () => resolve());
  });
  const port = (server.address() as AddressInfo).port;
  url = `http://127.0.0.1:${port}`;
  return {
    url, port, apiKey, requestLog, advance,
    injectFault: (f) => faults.add(f),
    clearFaults: () => faults.clear(),
    close: async () => {
      world.tick();
      persist();
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
    },
  };
}
