/** Shared setup for the live tests: a small simulator with one instance per host scenario, and a test SSH pool. */
import { after, before } from 'node:test';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { SshPool } from '../../src/core/ssh/index.js';
import { VastClient } from '../../src/core/vast/client.js';
import type { Instance } from '../../src/core/vast/types.js';
import { startSimulator, type SimHandle } from '../../src/sim/index.js';
import { TEST_KEY, writeOwnKey, writeTestKey } from '../helpers/ssh-key.js';

/** One running instance per host behaviour the health classifier must tell apart. */
export const LIVE_FLEET = [
  { label: 'train', gpu: 'RTX 4090', status: 'running', age: '1h', host: { totalSteps: 1_000_000, stepsPerSec: 5 } },
  { label: 'oom', gpu: 'RTX 4090', status: 'running', age: '1h', host: { totalSteps: 100_000, oomAtStep: 420 } },
  { label: 'stall', gpu: 'RTX 4090', status: 'running', age: '1h', host: { totalSteps: 100_000, stallAtStep: 250 } },
  { label: 'done', gpu: 'RTX 4090', status: 'running', age: '1h', host: { totalSteps: 300 } },
  { label: 'nocuda', gpu: 'RTX 4090', status: 'running', age: '1h', host: { noCuda: true } },
  { label: 'boot', gpu: 'RTX 4090', status: 'loading', stuck: true, age: '5m' },
  { label: 'off', gpu: 'RTX 4090', status: 'stopped', age: '3h' },
];

/** A started simulator with LIVE_FLEET, its client, and the instances by label. */
export async function liveSim(
  extra: Record<string, unknown> = {},
): Promise<{ sim: SimHandle; client: VastClient; byLabel: Map<string, Instance> }> {
  // TEST_KEY is on the account, so the fleet's hosts accept it (Vast's rule: the keys an instance was created with).
  const sim = await startSimulator({
    seed: 17,
    rateLimit: false,
    sshKeys: [TEST_KEY.public],
    scenario: { market: { size: 400 }, fleet: LIVE_FLEET },
    ...extra,
  });
  const client = new VastClient({
    apiKey: sim.apiKey,
    baseUrl: sim.url,
    sleep: (ms) => new Promise((r) => setTimeout(r, Math.min(ms, 20))),
  });
  const list = await client.listInstances();
  return { sim, client, byLabel: new Map(list.map((i) => [i.label ?? '', i])) };
}

/** A temp dir with a client key (TEST_KEY, registered by liveSim) and a pool that fails fast. */
export function testPool(): { dir: string; pool: SshPool; keyFile: string } {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'vd-live-'));
  const keyFile = path.join(dir, 'id_ed25519');
  writeTestKey(keyFile);
  const pool = new SshPool({
    knownHostsFile: path.join(dir, 'known_hosts'),
    auth: { agentSocket: null, keyPaths: [keyFile] },
    readyTimeoutMs: 3000,
    backoff: { initialMs: 50, maxMs: 200, maxAttempts: 40 },
  });
  return { dir, pool, keyFile };
}

/** Waits until pred() is true (polling), or throws naming what was awaited. */
export async function until(pred: () => boolean | Promise<boolean>, what: string, ms = 8000): Promise<void> {
  const end = Date.now() + ms;
  while (!(await pred())) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

/** Steps shown by tqdm bars and log dicts in a text. */
export function barSteps(text: string): number[] {
  return [...text.matchAll(/\| (\d+)\/\d+ \[/g)].map((m) => Number(m[1]));
}

/** What useLiveSim() provides; fields are set by its before() hook, so read them inside tests. */
export interface LiveEnv {
  sim: SimHandle;
  client: VastClient;
  byLabel: Map<string, Instance>;
  /** A test SSH pool (only with `pool: true`). */
  pool: SshPool;
  /** A temp dir (the pool's key dir, or a fresh HOME for CLI runs), removed after. */
  dir: string;
  /** The id of the LIVE_FLEET instance with this label. */
  id(label: string): number;
}

/** Registers before/after hooks for a file: LIVE_FLEET in a simulator, a temp dir, and a test pool if asked. */
export function useLiveSim(o: { pool?: boolean } = {}): LiveEnv {
  const env = { id: (label: string) => env.byLabel.get(label)!.id } as LiveEnv;
  before(async () => {
    Object.assign(env, await liveSim());
    // Without a pool, env.dir is the CLI's HOME: vastdeck's own key is TEST_KEY.
    if (o.pool) Object.assign(env, testPool());
    else writeOwnKey((env.dir = mkdtempSync(path.join(os.tmpdir(), 'vd-live-'))));
  });
  after(async () => {
    await env.pool?.close();
    await env.sim?.close();
    if (env.dir) rmSync(env.dir, { recursive: true, force: true });
  });
  return env;
}
