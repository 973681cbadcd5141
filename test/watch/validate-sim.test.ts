/**
 * The validation window (issue 15): `validate: {within: 10m, minSteps: 50, loss: decreasing}` judged from the
 * logs API of simulated runs — a healthy run passes early, a crash, a run too slow for the window and a run
 * whose loss rises are flagged within the window.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { startSimulator, type SimHandle } from '../../src/sim/index.js';
import { VastClient } from '../../src/core/vast/client.js';
import { ApiLogHealth } from '../../src/core/watch/api-health.js';
import {
  evaluateValidation,
  lossPoints,
  lossTrend,
  waitValidation,
  type ValidateSpec,
} from '../../src/core/watch/validate.js';
import { parseProfiles } from '../../src/core/profiles/load.js';
import { runCli } from '../helpers/run-cli.js';

const M = 60_000;
const SPEC: ValidateSpec = { within: '10m', minSteps: 50, loss: 'decreasing' };
let sim: SimHandle;
let api: VastClient;
const ids = new Map<string, number>();

before(async () => {
  sim = await startSimulator({
    rateLimit: false,
    seed: 4,
    scenario: {
      market: { size: 300 },
      lifecycle: { loadSec: [30, 30], provisionSec: 5 },
      fleet: [
        { label: 'good', gpu: 'RTX 4090', status: 'loading', age: '10s', host: { stepsPerSec: 0.5 } },
        { label: 'crash', gpu: 'RTX 4090', status: 'loading', age: '10s', host: { stepsPerSec: 0.5, crashAtStep: 35 } },
        { label: 'slow', gpu: 'RTX 4090', status: 'loading', age: '10s', host: { stepsPerSec: 0.05 } },
        { label: 'diverge', gpu: 'RTX 4090', status: 'loading', age: '10s', host: { stepsPerSec: 0.5, diverge: true } },
      ],
    },
  });
  api = new VastClient({ apiKey: sim.apiKey, baseUrl: sim.url, sleep: async () => {}, logPollIntervalMs: 1 });
  for (const i of await api.listInstances()) ids.set(i.label ?? '', i.id);
});
after(() => sim.close());

/** Validation of one instance on the simulator's clock. */
async function validate(label: string) {
  const clock = { now: () => sim.simNow(), sleep: async (ms: number) => sim.advance(ms) };
  const polls: string[] = [];
  const v = await waitValidation({
    api,
    id: ids.get(label)!,
    spec: SPEC,
    health: new ApiLogHealth(api, { now: clock.now }),
    clock,
    everyMs: M,
    onPoll: (x) => polls.push(x.summary),
  });
  return { v, polls };
}

describe('wait --validate against the simulator', () => {
  test('a healthy run passes as soon as it has 50 steps and a falling loss, well inside the window', async () => {
    const { v, polls } = await validate('good');
    assert.equal(v.state, 'pass', polls.join('\n'));
    assert.deepEqual(
      v.checks.map((c) => [c.name, c.state]),
      [
        ['steps', 'pass'],
        ['loss', 'pass'],
      ],
    );
    assert.match(v.summary, /^pass: \d+ steps, loss [\d.]+ → [\d.]+$/);
    assert.ok(polls.length < 10, `decided early: ${polls.length} polls`);
  });

  test('a crash inside the window fails it at once', async () => {
    const { v } = await validate('crash');
    assert.equal(v.state, 'fail');
    assert.match(v.summary, /^FAIL: crashed: RuntimeError: CUDA error: an illegal memory access/);
  });

  test('too slow for the window: fails when the window closes, saying how far it got', async () => {
    const { v } = await validate('slow');
    assert.equal(v.state, 'fail');
    assert.match(v.summary, /^FAIL: \d+ of 50 steps after 10m/);
  });

  test('a rising loss is flagged', async () => {
    const { v } = await validate('diverge');
    assert.equal(v.state, 'fail');
    assert.match(v.summary, /FAIL: loss not decreasing: [\d.]+ → [\d.]+ over steps/);
  });
});

describe('the validation rules', () => {
  test('loss points from Trainer dicts; a NaN loss fails; too few points wait', () => {
    const pts = lossPoints([
      "{'loss': '7.6', 'epoch': '0.01'}",
      "{'loss': '5.1', 'epoch': '0.02'}",
      "{'loss': 'nan', 'epoch': '0.03'}",
    ]);
    assert.equal(pts.length, 3);
    assert.match(lossTrend(pts).detail, /loss is NaN/);
    assert.equal(lossTrend(pts.slice(0, 2)).state, 'pending');
  });

  test('a noisy start is not failed early; the window end decides', () => {
    const health = { state: 'training' as const, step: 20 };
    const rising = [
      { step: 1, loss: 2 },
      { step: 10, loss: 2.1 },
      { step: 20, loss: 2.2 },
    ];
    assert.equal(evaluateValidation(SPEC, { startedAt: 0, now: 3 * M, health, points: rising }).state, 'pending');
    assert.equal(evaluateValidation(SPEC, { startedAt: 0, now: 10 * M, health, points: rising }).state, 'fail');
  });

  test('the profile field: within must be a duration', () => {
    const base = 'profiles:\n  p:\n    model: m\n    image: img:1\n    diskGb: 20\n    validate:\n';
    assert.deepEqual(
      parseProfiles(`${base}      within: 10m\n      minSteps: 50\n      loss: decreasing\n`, 'p.yaml').p!.validate,
      SPEC,
    );
    assert.throws(
      () => parseProfiles(`${base}      within: soon\n`, 'p.yaml'),
      /field "validate.within": expected a duration like 10m/,
    );
  });

  test('wait --validate without a profile validate block is a usage error (exit 2) naming what to add', async () => {
    const r = await runCli(['wait', '123', '--validate', '--api-url', sim.url, '--api-key', sim.apiKey], {
      env: { VAST_API_KEY: '' },
    });
    assert.equal(r.code, 2, r.err);
    assert.match(r.err, /--validate needs --profile P with a validate: block/);
  });
});
