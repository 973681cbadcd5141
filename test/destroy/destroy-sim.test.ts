/**
 * Safe destroy against the simulator over real HTTP: the host side is a local shell over a run dir built
 * from the real checkpoint fixture, the store is the Hub stand-in read through the real @huggingface/hub.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { startSimulator, type SimHandle } from '../../src/sim/index.js';
import { startHubStandIn, type HubStandIn } from '../../src/sim/hub/index.js';
import { VastClient } from '../../src/core/vast/client.js';
import { MemoryJournal } from '../../src/core/journal/journal.js';
import { HfStore, readHostCheckpoint } from '../../src/core/checkpoints/index.js';
import { executeDestroy, planDestroy, type CheckpointSource, type DestroyEvent } from '../../src/core/ops/destroy.js';
import { SshUnreachableError } from '../../src/core/ssh/errors.js';
import { rentOne } from '../sim/helpers.js';
import { buildRunDir, localExec } from '../checkpoints/fixture.js';

const TOKEN = 'hf_destroyTestToken000000000000000';
let sim: SimHandle;
let hub: HubStandIn;
let client: VastClient;
let tmp: string;
let runDir: string;
let repoN = 0;

before(async () => {
  sim = await startSimulator({ rateLimit: false, seed: 5, scenario: { market: { size: 800 } } });
  hub = await startHubStandIn({ token: TOKEN });
  // One try per call: the destroy op's own retries are what is under test.
  client = new VastClient({ apiKey: sim.apiKey, baseUrl: sim.url, attempts: 1, timeoutMs: 2000 });
  tmp = mkdtempSync(path.join(os.tmpdir(), 'vd-destroy-'));
  runDir = path.join(tmp, 'run');
  buildRunDir(runDir);
});
after(async () => {
  await sim?.close();
  await hub?.close();
  rmSync(tmp, { recursive: true, force: true });
});

/** A fresh repo holding the given checkpoints of the host (skipping named files of the last). */
function repoWith(steps: number[], skip: string[] = []): HfStore {
  const repo = `me/run-${++repoN}`;
  hub.createRepo(repo);
  for (const step of steps) {
    const dir = path.join(runDir, `checkpoint-${step}`);
    for (const f of [
      'config.json',
      'generation_config.json',
      'model.safetensors',
      'optimizer.pt',
      'rng_state.pth',
      'scheduler.pt',
      'trainer_state.json',
      'training_args.bin',
    ]) {
      if (step === steps.at(-1) && skip.includes(f)) continue;
      hub.putFile(repo, `checkpoint-${step}/${f}`, readFileSync(path.join(dir, f)));
    }
  }
  return new HfStore({ repo, token: TOKEN, hubUrl: hub.url });
}

const source = (store: HfStore | null): CheckpointSource => ({
  store,
  readHost: () => readHostCheckpoint(localExec, runDir),
});

async function rent(label: string): Promise<number> {
  const { id } = await rentOne(sim, { label });
  return id;
}

function deps(journal = new MemoryJournal()) {
  const sleeps: number[] = [];
  return {
    journal,
    sleeps,
    d: { api: client, journal, sleep: async (ms: number) => void sleeps.push(ms), now: Date.now },
  };
}

const listed = async (id: number) => (await client.listInstances()).some((i) => i.id === id);

describe('refusals', () => {
  test('not found in the store: refused, nothing sent, nothing journaled', async () => {
    const id = await rent('gpt2-a');
    const plan = await planDestroy(await client.showInstance(id), source(repoWith([])));
    assert.equal(plan.safe, false);
    assert.equal(plan.refusal, 'not-found');
    assert.equal(plan.hostStep, 300);
    assert.match(
      plan.summary,
      /would lose steps 1–300 \(300 steps, .*\): not found in the store \(host has step 300\) in hf:me\/run-\d+@main/,
    );
    const { d, journal } = deps();
    const before = sim.requestLog.filter((r) => r.method === 'DELETE').length;
    const r = await executeDestroy(d, plan);
    assert.equal(r.outcome, 'refused');
    assert.match(r.message, /use --force/);
    assert.equal(sim.requestLog.filter((r) => r.method === 'DELETE').length, before);
    assert.equal(journal.records.length, 0);
    assert.ok(await listed(id));
  });

  test('behind: the plan says which steps would be lost', async () => {
    const id = await rent('gpt2-b');
    const plan = await planDestroy(await client.showInstance(id), source(repoWith([100, 200])));
    assert.equal(plan.refusal, 'behind');
    assert.equal(plan.verifiedStep, 200);
    assert.match(plan.summary, /would lose steps 201–300/);
    assert.equal((await executeDestroy(deps().d, plan)).outcome, 'refused');
    assert.ok(await listed(id));
  });

  test('incomplete upload: refused, the missing file is named', async () => {
    const id = await rent('gpt2-c');
    const plan = await planDestroy(await client.showInstance(id), source(repoWith([200, 300], ['optimizer.pt'])));
    assert.equal(plan.refusal, 'incomplete');
    assert.match(
      plan.summary,
      /incomplete upload of checkpoint-300: missing optimizer\.pt; newest complete copy is step 200/,
    );
    assert.equal((await executeDestroy(deps().d, plan)).outcome, 'refused');
    assert.ok(await listed(id));
  });

  test('no store configured: refused', async () => {
    const id = await rent('gpt2-d');
    const plan = await planDestroy(await client.showInstance(id), source(null));
    assert.equal(plan.refusal, 'no-store');
    assert.match(plan.summary, /no checkpoint store configured.*checkpoint-300/);
    assert.equal((await executeDestroy(deps().d, plan)).outcome, 'refused');
  });

  test('stopped instance whose host is unreachable: says exactly that, refused; forced destroys it', async () => {
    const id = await rent('gpt2-e');
    await client.stopInstance(id);
    const inst = await client.showInstance(id);
    assert.equal(inst.status, 'stopped');
    const plan = await planDestroy(inst, {
      store: repoWith([300]),
      readHost: () => Promise.reject(new SshUnreachableError('ssh5.vast.ai:41000', 'ECONNREFUSED')),
    });
    assert.equal(plan.refusal, 'host-unreachable');
    assert.match(
      plan.summary,
      new RegExp(`instance ${id} is stopped and its host is unreachable .*can't verify the newest checkpoint`),
    );
    assert.equal((await executeDestroy(deps().d, plan)).outcome, 'refused');
    const { d, journal } = deps();
    const r = await executeDestroy(d, plan, { force: true });
    assert.equal(r.outcome, 'destroyed');
    assert.equal(journal.records[0]!.details.refusal, 'host-unreachable');
    assert.ok(!(await listed(id)));
  });
});

describe('destroys', () => {
  test('verified: destroyed, confirmed gone from a fresh listing, journaled before and after', async () => {
    const id = await rent('gpt2-f');
    const plan = await planDestroy(await client.showInstance(id), source(repoWith([200, 300])));
    assert.equal(plan.safe, true);
    assert.match(plan.summary, /checkpoint-300 is verified by content in hf:me\/run-\d+@main/);
    const { d, journal } = deps();
    const events: DestroyEvent[] = [];
    const r = await executeDestroy(d, plan, { onEvent: (e) => events.push(e) });
    assert.equal(r.outcome, 'destroyed');
    assert.equal(r.forced, false);
    assert.ok(!(await listed(id)));
    assert.deepEqual(
      journal.records.map((x) => [x.op, x.phase]),
      [
        ['destroy', 'before'],
        ['destroy', 'after'],
      ],
    );
    assert.equal(journal.records[0]!.ids.instanceId, id);
    assert.equal(journal.records[0]!.ids.label, 'gpt2-f');
    assert.deepEqual(
      [
        journal.records[0]!.details.hostStep,
        journal.records[0]!.details.verifiedStep,
        journal.records[0]!.details.forced,
      ],
      [300, 300, false],
    );
    assert.equal(journal.records[1]!.details.confirmedGone, true);
    assert.deepEqual(
      events.map((e) => e.type),
      ['request', 'gone'],
    );
  });

  test('forced destroy of an unverified instance: destroyed, journal says forced and why', async () => {
    const id = await rent('gpt2-g');
    const plan = await planDestroy(await client.showInstance(id), source(repoWith([100])));
    assert.equal(plan.refusal, 'behind');
    const { d, journal } = deps();
    const r = await executeDestroy(d, plan, { force: true });
    assert.equal(r.outcome, 'destroyed');
    assert.equal(r.forced, true);
    assert.match(r.message, /forced: would lose steps 101–300/);
    assert.equal(journal.records[0]!.details.forced, true);
    assert.equal(journal.records[0]!.details.verification, 'behind');
    assert.ok(!(await listed(id)));
  });

  test('rate-limited deletes are retried with growing waits', async () => {
    const id = await rent('gpt2-h');
    const plan = await planDestroy(await client.showInstance(id), source(repoWith([300])));
    sim.injectFault({ route: `/instances/${id}/`, method: 'DELETE', kind: 'ratelimit', count: 2 });
    const { d, sleeps, journal } = deps();
    const events: DestroyEvent[] = [];
    const r = await executeDestroy(d, plan, { retryBaseMs: 100, onEvent: (e) => events.push(e) });
    sim.clearFaults();
    assert.equal(r.outcome, 'destroyed');
    assert.deepEqual(sleeps, [100, 200]);
    assert.equal(events.filter((e) => e.type === 'retry').length, 2);
    assert.equal(
      sim.requestLog.filter((x) => x.method === 'DELETE' && x.path.includes(`/instances/${id}/`) && x.status === 429)
        .length,
      2,
    );
    assert.equal(journal.records.at(-1)!.phase, 'after');
  });

  test('a delete whose answer was lost after it happened: the retry gets 404, the listing confirms it is gone', async () => {
    const id = await rent('gpt2-i');
    const plan = await planDestroy(await client.showInstance(id), source(repoWith([300])));
    sim.injectFault({ route: `/instances/${id}/`, method: 'DELETE', kind: 'drop', afterHandling: true, count: 1 });
    const { d, journal } = deps();
    const r = await executeDestroy(d, plan, { retryBaseMs: 1 });
    sim.clearFaults();
    assert.equal(r.outcome, 'destroyed');
    assert.equal(journal.records.at(-1)!.details.alreadyGone, true);
    assert.equal(journal.records.at(-1)!.details.confirmedGone, true);
  });

  test('bad request is not retried: failed, journaled as error', async () => {
    const id = await rent('gpt2-j');
    const plan = await planDestroy(await client.showInstance(id), source(repoWith([300])));
    sim.injectFault({ route: `/instances/${id}/`, method: 'DELETE', kind: 'status', status: 400, count: 1 });
    const { d, journal, sleeps } = deps();
    const r = await executeDestroy(d, plan);
    sim.clearFaults();
    assert.equal(r.outcome, 'failed');
    assert.deepEqual(sleeps, []);
    assert.deepEqual(
      journal.records.map((x) => x.phase),
      ['before', 'error'],
    );
    assert.ok(await listed(id));
  });
});
