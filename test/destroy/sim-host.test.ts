/**
 * Safe destroy end to end over the simulator's SSH hosts: the host side is read over real SSH (SshPool) from
 * the simulated GPU host, whose shell has no `find`, so the reader falls back to `ls` (names, no sizes) and
 * reads global_step with `cat`. The store is the Hub stand-in through the real @huggingface/hub.
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

const exec = (inst: Instance) => (cmd: string) => pool.exec({ host: inst.sshHost!, port: inst.sshPort! }, cmd, { timeoutMs: 10_000 });

test('a training run on a simulated host: behind until its newest checkpoint is uploaded, then destroyed and gone', async () => {
  const inst = byLabel.get('train')!;
  let host = null as Awaited<ReturnType<typeof readHostCheckpoint>>;
  await until(async () => {
    host = await readHostCheckpoint(exec(inst), '/workspace/run').catch(() => null);
    return (host?.step ?? 0) > 100;
  }, 'checkpoints on the simulated host');
  const n = host!.step;
  assert.equal(host!.globalStep, n);
  assert.ok(host!.files.some((f) => f.path === 'optimizer.pt' && f.size === null), 'ls fallback: names without sizes');

  const repo = 'me/sim-done';
  const upload = async (step: number) => {
    for (const f of host!.files) {
      const content = f.path === 'trainer_state.json' ? (await exec(inst)(`cat /workspace/run/checkpoint-${step}/trainer_state.json`)).stdout : { size: 1000 };
      hub.putFile(repo, `checkpoint-${step}/${f.path}`, content);
    }
  };
  await upload(n - 100);
  const store = new HfStore({ repo, token: TOKEN, hubUrl: hub.url });
  const readHost = () => readHostCheckpoint(exec(inst), '/workspace/run');
  const behind = await planDestroy(inst, { store, readHost });
  assert.equal(behind.refusal, 'behind');
  assert.match(behind.summary, new RegExp(`would lose steps ${n - 99}–`));

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
  assert.deepEqual(journal.records.map((x) => x.phase), ['before', 'after']);
});

test('a stopped instance: its host is unreachable, refused with exactly that reason', async () => {
  const inst = byLabel.get('off')!;
  assert.equal(inst.status, 'stopped');
  const plan = await planDestroy(inst, { store: new HfStore({ repo: 'me/none', token: TOKEN, hubUrl: hub.url }), readHost: () => readHostCheckpoint(exec(inst), '/workspace/run') });
  assert.equal(plan.refusal, 'host-unreachable');
  assert.match(plan.summary, /is stopped and its host is unreachable/);
  assert.equal((await executeDestroy({ api: client, journal: new MemoryJournal(), sleep: async () => {}, now: Date.now }, plan)).outcome, 'refused');
});
