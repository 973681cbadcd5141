/**
 * Safe destroy end to end over the simulator's SSH hosts: the host side is read over real SSH (SshPool) from
 * the simulated GPU host (`find -printf` for sizes and mtimes, `sha256sum` and the blob-id pipeline for the
 * hashes, `cat` for global_step). The store is the Hub stand-in through the real @huggingface/hub.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { rmSync } from 'node:fs';
import type { SshPool } from '../../src/core/ssh/index.js';
import type { VastClient } from '../../src/core/vast/client.js';
import type { Instance } from '../../src/core/vast/types.js';
import type { SimHandle } from '../../src/sim/index.js';
import { startHubStandIn, type HubStandIn } from '../../src/sim/hub/index.js';
import { HfStore, readHostCheckpoint } from '../../src/core/checkpoints/index.js';
import { executeDestroy, planDestroy } from '../../src/core/ops/destroy.js';
import { MemoryJournal } from '../../src/core/journal/journal.js';
import { liveSim, testPool, until } from '../live/helpers.js';

const TOKEN = 'hf_simHostToken00000000000000000000';
let sim: SimHandle;
let client: VastClient;
let byLabel: Map<string, Instance>;
let pool: SshPool;
let dir: string;
let hub: HubStandIn;

before(async () => {
  ({ sim, client, byLabel } = await liveSim());
  ({ pool, dir } = testPool());
  hub = await startHubStandIn({ token: TOKEN });
});
after(async () => {
  await pool.close();
  await sim.close();
  await hub.close();
  rmSync(dir, { recursive: true, force: true });
});

const exec = (inst: Instance) => (cmd: string) =>
  pool.exec({ host: inst.sshHost!, port: inst.sshPort! }, cmd, { timeoutMs: 10_000 });

test('a training run on a simulated host: behind until its newest checkpoint is uploaded, then destroyed and gone', async () => {
  const inst = byLabel.get('train')!;
  let host = null as Awaited<ReturnType<typeof readHostCheckpoint>>;
  await until(async () => {
    host = await readHostCheckpoint(exec(inst), '/workspace/run').catch(() => null);
    return (host?.step ?? 0) > 100;
  }, 'checkpoints on the simulated host');
  const n = host!.step;
  assert.equal(host!.globalStep, n);
  const opt = host!.files.find((f) => f.path === 'optimizer.pt')!;
  assert.equal(opt.size, 30040011, 'the fixture size, from find -printf');
  assert.match(opt.sha256 ?? '', /^[0-9a-f]{64}$/, 'hashed on the host');

  const repo = 'me/sim-done';
  // The training script's push: the host's own bytes.
  const upload = async (step: number) => {
    for (const [name, c] of sim.hosts!.trainer(inst.id)!.checkpointFiles(step)!)
      hub.putFile(repo, `checkpoint-${step}/${name}`, 'bytes' in c ? c.bytes : c);
  };
  // Names and sizes alone (another run's files) never verify.
  for (const f of host!.files)
    hub.putFile('me/sim-fake', `checkpoint-${n}/${f.path}`, { size: f.size!, seed: 'another run' });
  const fake = await planDestroy(inst, {
    store: new HfStore({ repo: 'me/sim-fake', token: TOKEN, hubUrl: hub.url }),
    readHost: () => readHostCheckpoint(exec(inst), '/workspace/run'),
  });
  assert.equal(fake.safe, false, fake.summary);
  assert.equal(fake.refusal, 'other-bytes');
  const prev = host!.steps!.at(-2)!;
  await upload(prev);
  const store = new HfStore({ repo, token: TOKEN, hubUrl: hub.url });
  const readHost = () => readHostCheckpoint(exec(inst), '/workspace/run');
  const behind = await planDestroy(inst, { store, readHost });
  assert.equal(behind.refusal, 'behind');
  // Steps, hours (from the checkpoints' mtimes on the host) and dollars at the instance's rate.
  assert.match(
    behind.summary,
    new RegExp(
      `would lose steps ${prev + 1}–${n} \\(${n - prev} steps, ~[\\d.]+ h of training, ~\\$[\\d.]+ at ` +
        `\\$${inst.dphTotal.toFixed(3)}/hr\\)`,
    ),
  );
  assert.ok(behind.loss!.hours! > 0 && behind.loss!.dollars! > 0, JSON.stringify(behind.loss));

  await upload(n);
  let plan = await planDestroy(inst, { store, readHost });
  // The job saves every 20 s of real time; if it saved again meanwhile, upload that one too.
  if (!plan.safe && plan.hostStep !== null && plan.hostStep > n) {
    await upload(plan.hostStep);
    plan = await planDestroy(inst, { store, readHost });
  }
  assert.equal(plan.safe, true, plan.summary);
  const journal = new MemoryJournal();
  const r = await executeDestroy({ api: client, journal, sleep: async () => {}, now: Date.now }, plan);
  assert.equal(r.outcome, 'destroyed');
  assert.ok(!(await client.listInstances()).some((i) => i.id === inst.id));
  assert.deepEqual(
    journal.records.map((x) => x.phase),
    ['before', 'after'],
  );
});

test('a stopped instance: its host is unreachable, refused with exactly that reason', async () => {
  const inst = byLabel.get('off')!;
  assert.equal(inst.status, 'stopped');
  const plan = await planDestroy(inst, {
    store: new HfStore({ repo: 'me/none', token: TOKEN, hubUrl: hub.url }),
    readHost: () => readHostCheckpoint(exec(inst), '/workspace/run'),
  });
  assert.equal(plan.refusal, 'host-unreachable');
  assert.match(plan.summary, /is stopped and its host is unreachable/);
  assert.equal(
    (await executeDestroy({ api: client, journal: new MemoryJournal(), sleep: async () => {}, now: Date.now }, plan))
      .outcome,
    'refused',
  );
});
