/** Cost per logical run: membership from the journal (rental run ids, migrations, keeper fleets) and the sums. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { costByRun, runMembership } from '../../src/core/cost/runs.js';
import { spendBySource } from '../../src/core/cost/spend.js';
import type { JournalRecord } from '../../src/core/journal/record.js';
import type { RunProjection } from '../../src/core/cost/projection.js';
import type { Charge } from '../../src/core/vast/types.js';
import { startSimulator } from '../../src/sim/index.js';
import { makeInstance } from '../ui/fake-api.js';
import { homeEnv, runCli } from '../helpers/run-cli.js';

const H = 3_600_000;
const T = 1_800_000_000_000;
const rec = (
  op: string,
  phase: JournalRecord['phase'],
  ids: JournalRecord['ids'],
  details: Record<string, unknown> = {},
): JournalRecord => ({ ts: T, op, phase, ids, details });
const charge = (id: number, amount: number): Charge => ({
  source: `instance-${id}`,
  instanceId: id,
  type: 'instance',
  description: `Instance ${id}`,
  amount,
  start: T - 2 * H,
  end: T,
});

const SPEC = {
  id: 'mig00001',
  sourceId: 10,
  profileName: 'gpt2',
  profilesFile: '/p.yaml',
  runDir: '/workspace/run',
  logPath: '/workspace/train.log',
};
const JOURNAL: JournalRecord[] = [
  rec('lifecycle.rules', 'after', { instanceId: 10, runId: 'gpt2-abcd1234' }, { profile: 'gpt2', rules: {} }),
  rec('migrate', 'before', { runId: 'mig00001', instanceId: 10 }, { spec: SPEC }),
  rec(
    'migrate.provision',
    'after',
    { runId: 'mig00001', instanceId: 11 },
    { state: { done: ['verify-source', 'provision'], targetId: 11 } },
  ),
  rec('migrate', 'before', { runId: 'mig00002', instanceId: 11 }, { spec: { ...SPEC, id: 'mig00002', sourceId: 11 } }),
  rec(
    'migrate.provision',
    'after',
    { runId: 'mig00002', instanceId: 12 },
    { state: { done: ['verify-source', 'provision'], targetId: 12 } },
  ),
  rec('keeper.launch', 'after', {}, { fleet: 'fl-', launched: [20, 21] }),
  rec('keeper.replace', 'after', { instanceId: 20 }, { fleet: 'fl-', outcome: 'destroyed' }),
  rec('keeper.launch', 'after', {}, { fleet: 'fl-', launched: [22] }),
];

test('a run keeps its identity across two migrations and keeper replacements; spend and projection add up', () => {
  const runOf = runMembership(JOURNAL);
  assert.deepEqual(
    [10, 11, 12].map((i) => runOf.get(i)),
    ['gpt2-abcd1234', 'gpt2-abcd1234', 'gpt2-abcd1234'],
  );
  assert.deepEqual(
    [20, 21, 22].map((i) => runOf.get(i)),
    ['fl-', 'fl-', 'fl-'].map((f) => `fleet:${f}`),
  );
  const live = [
    makeInstance(0, { id: 12, status: 'running', dphTotal: 0.5 }),
    makeInstance(1, { id: 21, status: 'running', dphTotal: 0.4 }),
    makeInstance(2, { id: 22, status: 'running', dphTotal: 0.4 }),
    makeInstance(3, { id: 99, status: 'stopped', storageDph: 0.02 }),
  ];
  const charges = [charge(10, 3), charge(11, 2), charge(12, 1), charge(20, 0.5), charge(21, 0.8), charge(22, 0.1)];
  const proj: RunProjection = {
    instanceId: 12,
    label: null,
    gpuName: 'RTX 4090',
    step: 500,
    targetStep: 1000,
    remainingSteps: 500,
    rate: { low: 1, mid: 1, high: 1 },
    etaMs: { low: H, mid: H, high: H },
    costUsd: { low: 0.4, mid: 0.5, high: 0.6 },
    finishAt: { low: T, mid: T, high: T },
  };
  const runs = costByRun(runOf, spendBySource(charges, live), live, [proj]);
  const byId = Object.fromEntries(runs.map((r) => [r.runId, r]));
  assert.equal(byId['gpt2-abcd1234']!.spent, 6);
  assert.deepEqual(
    byId['gpt2-abcd1234']!.instances.map((i) => [i.instanceId, i.status]),
    [
      [10, 'gone'],
      [11, 'gone'],
      [12, 'running'],
    ],
  );
  assert.equal(byId['gpt2-abcd1234']!.burnPerHour, 0.5);
  assert.deepEqual(byId['gpt2-abcd1234']!.projectedTotal, { low: 6.4, mid: 6.5, high: 6.6 });
  assert.ok(Math.abs(byId['fleet:fl-']!.spent - 1.4) < 1e-9);
  assert.ok(Math.abs(byId['fleet:fl-']!.burnPerHour - 0.8) < 1e-9);
  assert.equal(byId['instance:99']!.spent, 0, 'an instance the journal does not place is a run of its own');
  assert.equal(runs[0]!.runId, 'gpt2-abcd1234', 'largest spend first');
});

test('cost --runs against the simulator: the rental’s run id from provision, with its spend', async () => {
  const sim = await startSimulator({
    rateLimit: false,
    seed: 47,
    hosts: false,
    scenario: { market: { size: 300, traps: false }, lifecycle: { provisionSec: 0, loadSec: [0, 0] } },
  });
  const dir = mkdtempSync(path.join(os.tmpdir(), 'vd-runs-'));
  try {
    const profiles = path.join(dir, 'p.yaml');
    writeFileSync(
      profiles,
      'profiles:\n  plain:\n    model: gpt2\n    image: pytorch/pytorch:2.4.0-cuda12.4-cudnn9-runtime\n    ' +
        'diskGb: 40\n',
    );
    const env = homeEnv(dir);
    const api = ['--api-url', sim.url, '--api-key', sim.apiKey];
    const p = await runCli(
      ['provision', '--profile', 'plain', '--profiles', profiles, '--best', '--no-wait', '--json', ...api],
      { env },
    );
    assert.equal(p.code, 0, p.err);
    const { instanceId, nonce } = JSON.parse(p.out);
    sim.advance(2 * H);
    const r = await runCli(['cost', '--runs', '--quick', '--json', ...api], { env });
    assert.equal(r.code, 0, r.err);
    const runs = JSON.parse(r.out) as Array<{ runId: string; spent: number; instances: Array<{ instanceId: number }> }>;
    const mine = runs.find((x) => x.runId === `vd-${nonce}`)!;
    assert.deepEqual(
      mine.instances.map((i) => i.instanceId),
      [instanceId],
    );
    assert.ok(mine.spent > 0);
    const text = await runCli(['cost', '--runs', '--quick', ...api], { env });
    assert.match(text.out, new RegExp(`vd-${nonce}\\s+${instanceId}\\s+\\$`));
  } finally {
    await sim.close();
    rmSync(dir, { recursive: true, force: true });
  }
});
