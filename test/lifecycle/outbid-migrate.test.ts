/**
 * onOutbid: migrate by rule, against the simulator: an outbid interruptible instance with a checkpoint in its
 * profile's store is moved through the journaled migrate op (target rented on the same GPU model, the source kept
 * until the target advances), once; without a checkpoint nothing is rented and the reason is said; --dry-run says
 * what it would do.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { startSimulator, type SimHandle } from '../../src/sim/index.js';
import { startHubStandIn, type HubStandIn } from '../../src/sim/hub/index.js';
import { VastClient } from '../../src/core/vast/client.js';
import { MemoryJournal } from '../../src/core/journal/journal.js';
import { loadProfiles } from '../../src/core/profiles/load.js';
import { openStore } from '../../src/core/checkpoints/index.js';
import { LifecycleEnforcer } from '../../src/core/lifecycle/enforcer.js';
import { ruleMigrator } from '../../src/core/lifecycle/migrate-rule.js';
import { rulesFromProfile } from '../../src/core/lifecycle/rules.js';
import { homeEnv, runCli, type CliRun } from '../helpers/run-cli.js';

const TOKEN = 'hf_outbidMigrateToken00000000000000';

describe('onOutbid: migrate', () => {
  let sim: SimHandle;
  let hub: HubStandIn;
  let client: VastClient;
  let dir: string;
  let profiles: string;
  before(async () => {
    sim = await startSimulator({
      rateLimit: false,
      seed: 47,
      hosts: false,
      speed: 60,
      scenario: {
        market: { size: 600, traps: false },
        fleet: [
          { label: 'mig-a', gpu: 'RTX 4090', status: 'stopped', outbid: true, age: '5h' },
          { label: 'bare-b', gpu: 'RTX 4090', status: 'stopped', outbid: true, age: '5h' },
        ],
      },
    });
    hub = await startHubStandIn({ token: TOKEN });
    hub.putFile('me/spot', 'checkpoint-500/model.safetensors', { size: 1000 });
    hub.putFile('me/spot', 'checkpoint-500/trainer_state.json', JSON.stringify({ global_step: 500 }));
    client = new VastClient({ apiKey: sim.apiKey, baseUrl: sim.url });
    dir = mkdtempSync(path.join(os.tmpdir(), 'vd-outbid-mig-'));
    profiles = path.join(dir, 'profiles.yaml');
    const common = [
      '    model: gpt2',
      '    image: pytorch/pytorch:2.4.0-cuda12.4-cudnn9-runtime',
      '    diskGb: 40',
      '    resume: "python train.py --resume {checkpoint}"',
      '    lifecycle: { onOutbid: migrate }',
    ];
    writeFileSync(
      profiles,
      [
        'profiles:',
        '  mig:',
        ...common,
        '    checkpoint: { kind: hf, repo: me/spot, tokenEnv: HF_TOKEN }',
        '  bare:',
        ...common,
        '    checkpoint: { kind: hf, repo: me/empty, tokenEnv: HF_TOKEN }',
        '',
      ].join('\n'),
    );
  });
  after(async () => {
    await sim?.close();
    await hub?.close();
    rmSync(dir, { recursive: true, force: true });
  });
  const cli = (args: string[]): Promise<CliRun> =>
    runCli([...args, '--profiles', profiles, '--api-url', sim.url, '--api-key', sim.apiKey], {
      env: { ...homeEnv(dir), HF_TOKEN: TOKEN, HF_ENDPOINT: hub.url },
    });
  const inst = async (label: string) => (await client.listInstances()).find((i) => i.label === label)!;

  test('--dry-run says what it would do and rents nothing', async () => {
    const before = (await client.listInstances()).length;
    const r = await cli(['autopilot', '--fleet', 'mig-', '--profile', 'mig', '--dry-run', '--json']);
    assert.equal(r.code, 0, r.err);
    const [a] = JSON.parse(r.out);
    assert.deepEqual([a.type, a.outcome], ['migrate', 'dry-run']);
    assert.match(
      a.message,
      new RegExp(`would migrate ${(await inst('mig-a')).id} from checkpoint-500 in .*me/spot.* to a new 1x RTX 4090`),
    );
    assert.equal((await client.listInstances()).length, before);
  });

  test('without a checkpoint in the store it is not migrated, and says why', async () => {
    const before = (await client.listInstances()).length;
    const r = await cli(['autopilot', '--fleet', 'bare-', '--profile', 'bare', '--once', '--json']);
    assert.equal(r.code, 0, r.err);
    const [a] = JSON.parse(r.out);
    assert.deepEqual([a.type, a.outcome], ['migrate', 'left']);
    assert.match(a.message, /not migrated: no verified checkpoint in .*me\/empty/);
    assert.equal((await client.listInstances()).length, before, 'nothing rented');
    assert.equal((await inst('bare-b')).status, 'stopped');
    assert.ok(!(r.out + r.err).includes(TOKEN));
  });

  test('with a checkpoint: the migrate op rents a target of the same GPU, keeps the source, and runs once', async () => {
    const all = await loadProfiles(profiles);
    const source = await inst('mig-a');
    const journal = new MemoryJournal([TOKEN]);
    const env = { ...process.env, HF_TOKEN: TOKEN };
    const migrate = ruleMigrator({
      api: client,
      journal,
      records: async () => journal.records,
      profiles: all,
      profilesFile: profiles,
      profileOf: () => 'mig',
      store: (n) => openStore(all[n]!.checkpoint!, { env, hubUrl: hub.url }),
      // No SSH in this simulator: the target never becomes ready, so the migration stops before the source is touched.
      exec: async () => {
        throw new Error('no ssh here');
      },
      now: Date.now,
      sleep: (ms) => new Promise((r) => setTimeout(r, Math.min(ms, 50))),
      timing: { pollMs: 100, bootTimeoutMs: 30_000, stuckAfterMs: 30_000, readyTimeoutMs: 500, uploadWaitMs: 500 },
    });
    const enforcer = new LifecycleEnforcer(
      {
        api: client,
        journal,
        health: async () => null,
        source: () => null,
        migrate,
        now: Date.now,
        sleep: async () => {},
      },
      { rulesFor: (i) => (i.label === 'mig-a' ? rulesFromProfile(all.mig!.lifecycle) : null) },
    );
    const [r] = await enforcer.pass();
    assert.equal(r!.action.type, 'migrate');
    const listing = await client.listInstances();
    const rented = journal.records.find((x) => x.op === 'migrate.provision' && x.phase === 'after')?.details.state as
      | { targetId: number }
      | undefined;
    const target = listing.find((i) => i.id === rented?.targetId && i.id !== source.id);
    assert.ok(target, `a target was rented: ${r!.message}`);
    assert.equal(target!.gpuName, source.gpuName);
    assert.equal(target!.numGpus, source.numGpus);
    assert.ok(
      listing.some((i) => i.id === source.id),
      'the source is not destroyed before the target advances',
    );
    assert.equal(r!.outcome, 'failed', r!.message);
    assert.match(r!.message, /continue with: vastdeck migrate --resume \w+/);
    const ops = journal.records.map((x) => x.op);
    assert.ok(ops.includes('migrate.verify-source') && ops.includes('migrate.provision'), ops.join(' '));
    const verify = journal.records.find((x) => x.op === 'migrate.verify-source' && x.phase === 'after')!;
    assert.equal((verify.details.state as { verifiedStep: number }).verifiedStep, 500);
    assert.ok(!JSON.stringify(journal.records).includes(TOKEN));
    // Once per instance: a later pass (or another autopilot) does not start a second migration.
    const again = await migrate(source, false);
    assert.equal(again.outcome, 'left');
    assert.match(again.message, /already started .*vastdeck migrate --resume/);
    assert.equal((await client.listInstances()).length, listing.length, 'no second target');
  });
});
