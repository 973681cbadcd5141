/**
 * `destroy`/`down` find the run directory the way `migrate` does (the profile's onstart.runDir, else /workspace/run)
 * instead of refusing with "no run dir" when the profile's onstart is a script: the host's newest checkpoint is read.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { startSimulator, type SimHandle } from '../../src/sim/index.js';
import { homeEnv, runCli } from '../helpers/run-cli.js';
import { TEST_KEY, writeOwnKey } from '../helpers/ssh-key.js';
import { until } from '../live/helpers.js';
import { call } from '../sim/helpers.js';

let sim: SimHandle;
let dir: string;
let profiles: string;
let id: number;

before(async () => {
  sim = await startSimulator({
    seed: 12,
    speed: 20,
    rateLimit: false,
    sshKeys: [TEST_KEY.public],
    scenario: {
      market: { size: 300, traps: false },
      fleet: [
        {
          label: 'rd-main',
          gpu: 'RTX 4090',
          status: 'running',
          age: '10m',
          env: { HUB_MODEL_ID: 'me/rd' },
          host: { totalSteps: 1_000_000, stepsPerSec: 5, saveSteps: 100 },
        },
      ],
    },
  });
  dir = mkdtempSync(path.join(os.tmpdir(), 'vd-rundir-'));
  writeOwnKey(dir);
  profiles = path.join(dir, 'profiles.yaml');
  writeFileSync(
    profiles,
    [
      'profiles:',
      '  rd:',
      '    model: gpt2',
      '    image: pytorch/pytorch:2.5.1-cuda12.4-cudnn9-devel',
      '    diskGb: 40',
      '    onstart: { script: "python train.py\\n" }',
      '    checkpoint: { kind: hf, repo: me/rd }',
      '',
    ].join('\n'),
  );
  id = (await call(sim, 'GET', '/api/v0/instances/')).json.instances[0].id;
  await until(() => (sim.hosts?.trainer(id)?.checkpoints?.length ?? 0) > 0, 'a checkpoint on the host', 30_000);
});
after(async () => {
  await sim.close();
  rmSync(dir, { recursive: true, force: true });
});

test('destroy with a profile whose onstart is a script reads /workspace/run, as migrate would', async () => {
  const r = await runCli(
    [
      'destroy',
      String(id),
      '--profile',
      'rd',
      '--profiles',
      profiles,
      '--json',
      '--api-url',
      sim.url,
      '--api-key',
      sim.apiKey,
    ],
    {
      env: { ...homeEnv(dir), HF_ENDPOINT: sim.hubUrl!, HF_TOKEN: '' },
      stdin: null,
    },
  );
  assert.doesNotMatch(r.err, /no run dir/);
  const rows = JSON.parse(r.out) as Array<{ instanceId: number; hostStep: number | null; outcome: string }>;
  assert.equal(rows[0]!.instanceId, id);
  assert.ok((rows[0]!.hostStep ?? 0) > 0, `host step read over SSH from /workspace/run: ${r.err}`);
  // Not confirmed (no --yes, no terminal): nothing destroyed.
  assert.notEqual(rows[0]!.outcome, 'destroyed');
  assert.ok((await call(sim, 'GET', `/api/v0/instances/${id}/`)).json.instances);
});
