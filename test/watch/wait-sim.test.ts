/** The watcher against the simulator: gone and timeout through the real client, and health from the logs API. */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { startSimulator, type SimHandle } from '../../src/sim/index.js';
import { VastClient } from '../../src/core/vast/client.js';
import { waitFor } from '../../src/core/watch/wait.js';
import { ApiLogHealth } from '../../src/core/watch/api-health.js';
import { rentOn } from '../sim/helpers.js';

const M = 60_000;
let sim: SimHandle;
let api: VastClient;

const rent = (label: string) => rentOn(sim, label);

/** A watcher clock that moves the simulator's clock with it. */
function simClock() {
  const c = {
    t: 0,
    sleeps: [] as number[],
    hook: async (_: number): Promise<unknown> => undefined,
    now: () => c.t,
    sleep: async (ms: number) => {
      c.sleeps.push(ms);
      c.t += ms;
      sim.advance(ms);
      await c.hook(c.sleeps.length);
    },
  };
  return c;
}

before(async () => {
  sim = await startSimulator({
    rateLimit: false,
    seed: 5,
    scenario: { market: { size: 2000 }, balance: 1000 },
  });
  api = new VastClient({ apiKey: sim.apiKey, baseUrl: sim.url, sleep: async () => {}, logPollIntervalMs: 1 });
});
after(() => sim.close());

describe('wait against the simulator', () => {
  test('timeout: a healthy run outlasts the wait (exit 3); health comes from the logs API', async () => {
    const id = await rent('wait-t');
    const clock = simClock();
    // The simulated trainer's log follows real time, not advance(); a long stall threshold keeps it "training".
    const health = new ApiLogHealth(api, { now: clock.now, stallAfterMs: 24 * 60 * M });
    const r = await waitFor({ api, target: { id }, health, timeoutMs: 90 * M, everyMs: 30 * M, clock });
    assert.deepEqual([r.reason, r.exitCode, r.polls], ['timeout', 4, 4]);
    assert.equal(r.members[0]!.status, 'running');
    assert.equal(r.members[0]!.health.state, 'training');
    assert.ok((r.members[0]!.health.step ?? 0) > 0, `step ${r.members[0]!.health.step}`);
  });

  test('gone: destroyed while waiting (exit 4)', async () => {
    const id = await rent('wait-g');
    const clock = simClock();
    clock.hook = async (n) => n === 2 && api.destroyInstance(id);
    const r = await waitFor({
      api,
      target: { id },
      health: new ApiLogHealth(api, { now: clock.now }),
      timeoutMs: 8 * 60 * M,
      everyMs: 10 * M,
      clock,
    });
    assert.deepEqual([r.reason, r.exitCode], ['gone', 5]);
    assert.match(r.message, new RegExp(`instance ${id} is gone`));
  });

  test('gone: a fleet whose every member is destroyed', async () => {
    const a = await rent('wfleet-1');
    const b = await rent('wfleet-2');
    const clock = simClock();
    clock.hook = async (n) => n === 1 && Promise.all([api.destroyInstance(a), api.destroyInstance(b)]);
    const r = await waitFor({
      api,
      target: { fleet: 'wfleet-' },
      health: new ApiLogHealth(api, { now: clock.now }),
      timeoutMs: 8 * 60 * M,
      everyMs: 10 * M,
      clock,
    });
    assert.deepEqual([r.reason, r.exitCode, r.polls], ['gone', 5, 2]);
    assert.match(r.message, /every instance labelled "wfleet-\*" is gone/);
  });
});
