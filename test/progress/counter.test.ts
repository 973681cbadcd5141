/**
 * Progress that is not a Trainer step (issue 15): the fleet-of-workers runbook's worker logs
 * `[worker-vast-0] batch 2: 7168 examples, 1.5 games/s, step=142, total_games=512`, with `step` fixed while
 * `total_games` advances. A profile's `progress:` counter makes that progress, not a stall.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { HealthTracker } from '../../src/core/fleet/health.js';
import { compileProgressCounter, parseProgress } from '../../src/core/logs/progress.js';
import { parseProfiles } from '../../src/core/profiles/load.js';
import { ApiLogHealth } from '../../src/core/watch/api-health.js';
import { VastClient } from '../../src/core/vast/client.js';
import { startSimulator, type SimHandle } from '../../src/sim/index.js';
import { waitFor } from '../../src/core/watch/wait.js';
import { collectCost } from '../../src/core/cost/collect.js';
import { renderCost } from '../../src/cli/commands/cost.js';

const M = 60_000;
const SPEC = { pattern: 'total_games=(\\d+)', rate: '([\\d.]+) games/s', unit: 'games' };
const line = (batch: number) =>
  `[worker-vast-0] batch ${batch}: 7168 examples, 1.5 games/s, step=142, total_games=${batch * 256}`;

describe('a profile progress counter', () => {
  test('the runbook worker line: total_games is the progress, games/s the rate', () => {
    const p = parseProgress(['  Model loaded (step 142), 557,186 params', line(1), line(2)], {
      counter: compileProgressCounter(SPEC),
    });
    assert.deepEqual(p, { unit: 'games', step: 512, rate: 1.5 });
  });

  test('step fixed, total_games advancing for 19 minutes: training, not stalled (without the counter: stalled)', () => {
    const withCounter = new HealthTracker({ counter: compileProgressCounter(SPEC) });
    const plain = new HealthTracker();
    for (const t of [withCounter, plain]) t.setStatus('running', 0);
    for (let batch = 1; batch <= 20; batch++) {
      for (const t of [withCounter, plain]) t.feed(line(batch), batch * M);
    }
    const now = 20 * M;
    assert.equal(plain.health(now + 19 * M).state, 'stalled', 'the bug: step=142 never moves');
    const h = withCounter.health(now);
    assert.equal(h.state, 'training');
    assert.deepEqual([h.step, h.unit, h.rate], [20 * 256, 'games', 1.5]);
    // And a worker whose counter really stops is still caught.
    const stalled = withCounter.health(now + 16 * M);
    assert.equal(stalled.state, 'stalled');
    assert.match(stalled.detail ?? '', /no games counted for 16m/);
  });

  test('the profile field is validated: a regex without a capture group, or broken, is one clear line', () => {
    const base = 'profiles:\n  w:\n    model: zeb\n    image: img:1\n    diskGb: 20\n    progress:\n';
    assert.throws(
      () => parseProfiles(`${base}      pattern: 'total_games=\\d+'\n`, 'p.yaml'),
      /profile "w": field "progress.pattern": expected a capture group/,
    );
    assert.throws(
      () => parseProfiles(`${base}      pattern: 'total_games=(\\d+'\n`, 'p.yaml'),
      /field "progress.pattern": not a valid regular expression/,
    );
    const ok = parseProfiles(
      `${base}      pattern: 'total_games=(\\d+)'\n      rate: '([\\d.]+) games/s'\n      unit: games\n`,
      'p.yaml',
    );
    assert.deepEqual(ok.w!.progress, SPEC);
  });
});

describe('a profile progress counter against the simulator (worker log over the logs API)', () => {
  let sim: SimHandle;
  let api: VastClient;
  before(async () => {
    sim = await startSimulator({
      rateLimit: false,
      seed: 3,
      scenario: {
        market: { size: 200 },
        fleet: [
          {
            label: 'zeb-worker-vast-0',
            gpu: 'RTX 3060',
            host: { logStyle: 'worker', stepsPerSec: 1, loggingSteps: 170 },
          },
        ],
      },
    });
    api = new VastClient({ apiKey: sim.apiKey, baseUrl: sim.url, sleep: async () => {}, logPollIntervalMs: 1 });
  });
  after(() => sim.close());

  test('polls 25 minutes apart: the counter says training; the step alone says stalled', async () => {
    const [inst] = await api.listInstances();
    assert.ok(inst, 'the worker instance');
    let t = 0;
    const now = () => t;
    const counted = new ApiLogHealth(api, { now, counter: compileProgressCounter(SPEC) });
    const plain = new ApiLogHealth(api, { now });
    const first = await counted.healthOf(inst);
    await plain.healthOf(inst);
    assert.equal(first.state, 'training');
    assert.equal(first.unit, 'games');
    for (let i = 0; i < 5; i++) {
      t += 5 * M;
      sim.advance(5 * M);
    }
    const h = await counted.healthOf(inst);
    const p = await plain.healthOf(inst);
    assert.equal(h.state, 'training', JSON.stringify(h));
    assert.ok(h.step! > first.step!, `total_games advanced: ${first.step} → ${h.step}`);
    assert.ok(Math.abs(h.rate! - 1.5) < 0.01, `games/s ${h.rate}`);
    assert.equal(p.state, 'stalled', JSON.stringify(p));
  });

  test('wait --until counts games with the counter: returns once total_games reached the target', async () => {
    const [inst] = await api.listInstances();
    const c = {
      t: 0,
      now: () => c.t,
      sleep: async (ms: number) => {
        c.t += ms;
        sim.advance(ms);
      },
    };
    const health = new ApiLogHealth(api, { now: c.now, counter: compileProgressCounter(SPEC) });
    const start = (await health.healthOf(inst!)).step!;
    // 1 batch (256 games) every 170 s: 4 batches take ~11 minutes.
    const r = await waitFor({
      api,
      target: { id: inst!.id },
      health,
      untilStep: start + 4 * 256,
      timeoutMs: 60 * M,
      everyMs: 5 * M,
      clock: c,
    });
    assert.equal(r.reason, 'step', r.message);
    assert.equal(r.exitCode, 0);
    assert.ok(r.members[0]!.health.step! >= start + 4 * 256);
    assert.equal(r.members[0]!.health.unit, 'games');
  });

  test('value per GPU type counts games/s per $/hr from the counter (the runbook table)', async () => {
    const [inst] = await api.listInstances();
    const health = new ApiLogHealth(api, { counter: compileProgressCounter(SPEC) });
    const r = await collectCost(api, { sinceMs: 86_400_000, healthOf: (i) => health.healthOf(i) });
    const v = r.value.find((g) => g.gpuName === inst!.gpuName);
    assert.ok(v, JSON.stringify(r.value));
    assert.ok(v.stepsPerSec > 1 && v.stepsPerSec < 2, `games/s ${v.stepsPerSec} (the worker logs 1.5)`);
    assert.ok(Math.abs(v.stepsPerSecPerDph - v.stepsPerSec / inst!.dphTotal) < 1e-9);
    const text = renderCost(r, 86_400_000, 160, 'games');
    assert.match(text, /GAMES\/S PER \$\/HR/);
    assert.doesNotMatch(text, /STEPS\/S/);
  });
});
