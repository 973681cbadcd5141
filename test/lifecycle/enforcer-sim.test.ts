/**
 * The lifecycle enforcer end to end on the simulator's sped-up clock: real client, health from the logs API,
 * the host's checkpoint read over SSH from the simulated GPU host, the Hub stand-in as the store, and the safe
 * destroy. Finished runs are stopped or destroyed as their rule says (destroyed only with a verified
 * checkpoint, else stopped and said so), a run past maxRuntime is stopped, an idle GPU is stopped after its
 * window, a crashed run is left for a human, a healthy run is left alone.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { rmSync } from 'node:fs';
import { startSimulator, type SimHandle } from '../../src/sim/index.js';
import { VastClient } from '../../src/core/vast/client.js';
import { MemoryJournal } from '../../src/core/journal/journal.js';
import { HfStore, readInstanceCheckpoint } from '../../src/core/checkpoints/index.js';
import { ApiLogHealth } from '../../src/core/watch/api-health.js';
import { LifecycleEnforcer, type EnforcedAction } from '../../src/core/lifecycle/enforcer.js';
import { KEEP_ALL, type LifecycleRules } from '../../src/core/lifecycle/rules.js';
import type { SshPool } from '../../src/core/ssh/index.js';
import { testPool, until } from '../live/helpers.js';
import { TEST_KEY } from '../helpers/ssh-key.js';

const MIN = 60_000;
const done = { totalSteps: 300, saveSteps: 100 };
const FLEET = [
  { label: 'fin-ok', gpu: 'RTX 4090', age: '1h', env: { HUB_MODEL_ID: 'me/fin-ok' }, host: done },
  {
    label: 'fin-never',
    gpu: 'RTX 4090',
    age: '1h',
    env: { HUB_MODEL_ID: 'me/fin-never', SIM_HUB_UPLOAD: 'never' },
    host: done,
  },
  { label: 'fin-stop', gpu: 'RTX 4090', age: '1h', host: done },
  { label: 'long', gpu: 'RTX 4090', age: '13h', host: { totalSteps: 100_000_000 } },
  { label: 'idle', gpu: 'RTX 4090', age: '1h', host: { totalSteps: 1_000_000, stallAtStep: 50 } },
  { label: 'crash', gpu: 'RTX 4090', age: '1h', host: { totalSteps: 100_000, oomAtStep: 420 } },
  { label: 'train', gpu: 'RTX 4090', age: '1h', host: { totalSteps: 100_000_000 } },
];
const RULES: Record<string, Partial<LifecycleRules>> = {
  'fin-ok': { onFinish: 'destroy' },
  'fin-never': { onFinish: 'destroy' },
  'fin-stop': { onFinish: 'stop' },
  long: { maxRuntimeMs: 12 * 60 * MIN },
  idle: { idle: { gpuUtilBelow: 5, forMs: 20 * MIN, then: 'stop' } },
  crash: { onFinish: 'destroy' },
  train: {
    onFinish: 'destroy',
    maxRuntimeMs: 12 * 60 * MIN,
    idle: { gpuUtilBelow: 5, forMs: 20 * MIN, then: 'destroy' },
  },
};

let sim: SimHandle;
let client: VastClient;
let pool: SshPool;
let dir: string;
before(async () => {
  sim = await startSimulator({
    seed: 23,
    rateLimit: false,
    speed: 60,
    sshKeys: [TEST_KEY.public],
    scenario: { market: { size: 400, traps: false }, fleet: FLEET },
  });
  client = new VastClient({
    apiKey: sim.apiKey,
    baseUrl: sim.url,
    sleep: (ms) => new Promise((r) => setTimeout(r, Math.min(ms, 20))),
  });
  ({ pool, dir } = testPool());
});
after(async () => {
  await pool?.close();
  await sim?.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

test('each rule acts as written, on the sim clock; a destroy only after the checkpoint is verified off the host', async () => {
  const all = await client.listInstances();
  const id = (label: string) => all.find((i) => i.label === label)!.id;
  await until(() => all.every((i) => sim.hosts!.ports(i.id).length > 0), 'simulated hosts up', 15_000);
  const journal = new MemoryJournal([], sim.simNow);
  const health = new ApiLogHealth(client, { now: sim.simNow });
  const enforcer = new LifecycleEnforcer(
    {
      api: client,
      journal,
      now: sim.simNow,
      sleep: (ms) => new Promise((r) => setTimeout(r, Math.min(ms, 50))),
      health: (inst) => health.healthOf(inst),
      source: (inst) => {
        const repo = FLEET.find((f) => f.label === inst.label)?.env?.HUB_MODEL_ID;
        if (!repo) return null;
        return {
          store: new HfStore({ repo, hubUrl: sim.hubUrl! }),
          readHost: () => readInstanceCheckpoint(pool, inst, '/workspace/run'),
        };
      },
    },
    { rulesFor: (inst) => ({ ...KEEP_ALL, ...RULES[inst.label ?? ''] }) },
  );
  const first = await enforcer.pass();
  const byLabel = (rs: EnforcedAction[]) =>
    Object.fromEntries(rs.map((r) => [r.action.label, [r.action.type, r.action.trigger, r.outcome]]));
  assert.deepEqual(byLabel(first), {
    'fin-ok': ['destroy', 'finished', 'destroyed'],
    'fin-never': ['destroy', 'finished', 'stopped-instead'],
    'fin-stop': ['stop', 'finished', 'stopped'],
    long: ['stop', 'max-runtime', 'stopped'],
    crash: ['leave', 'crashed', 'left'],
  });
  const never = first.find((r) => r.action.label === 'fin-never')!;
  assert.match(
    never.message,
    new RegExp(
      [
        'not destroyed: would lose steps 1–300 \\(300 steps, ~[\\d.]+ h of training, ~\\$[\\d.]+ at ',
        '\\$[\\d.]+\\/hr\\): not found in the store .*; stopped \\d+ instead',
      ].join(''),
    ),
  );
  assert.match(first.find((r) => r.action.label === 'fin-ok')!.message, /checkpoint-300 is verified/);

  // The idle GPU is stopped only once it has been idle for the whole window (20 sim minutes).
  sim.advance(10 * MIN);
  assert.deepEqual(await enforcer.pass(), []);
  sim.advance(11 * MIN);
  assert.deepEqual(byLabel(await enforcer.pass()), { idle: ['stop', 'idle', 'stopped'] });
  assert.deepEqual(await enforcer.pass(), [], 'nothing is acted on twice');

  const now = new Map((await client.listInstances()).map((i) => [i.label, i.status]));
  assert.equal(now.has('fin-ok'), false, 'destroyed');
  assert.deepEqual(
    ['fin-never', 'fin-stop', 'long', 'idle', 'crash', 'train'].map((l) => now.get(l)),
    ['stopped', 'stopped', 'stopped', 'stopped', 'running', 'running'],
  );
  const recs = journal.records.filter((r) => r.op.startsWith('lifecycle.'));
  assert.ok(recs.length >= 12);
  const stoppedInstead = recs.find((r) => r.ids.instanceId === id('fin-never') && r.phase === 'after')!;
  assert.equal(stoppedInstead.details.outcome, 'stopped-instead');
  assert.ok(
    journal.records.some((r) => r.op === 'destroy' && r.phase === 'after' && r.ids.instanceId === id('fin-ok')),
    'the safe destroy journaled its own records',
  );
});
