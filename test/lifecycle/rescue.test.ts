/** Outbid rescue against the simulator: both ways back priced, raise in place by hand and by rule. */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { startSimulator, type SimHandle } from '../../src/sim/index.js';
import { startHubStandIn, type HubStandIn } from '../../src/sim/hub/index.js';
import { VastClient } from '../../src/core/vast/client.js';
import { readJournal } from '../../src/core/journal/journal.js';
import { homeEnv, runCli, type CliRun } from '../helpers/run-cli.js';

const TOKEN = 'hf_rescueToken000000000000000000000';

describe('rescue', () => {
  let sim: SimHandle;
  let hub: HubStandIn;
  let client: VastClient;
  let dir: string;
  let profiles: string;
  before(async () => {
    sim = await startSimulator({
      rateLimit: false,
      seed: 43,
      hosts: false,
      scenario: {
        market: { size: 600, traps: false },
        fleet: [
          { label: 'spot-a', gpu: 'RTX 4090', status: 'stopped', outbid: true, age: '5h' },
          { label: 'spot-mine', gpu: 'RTX 4090', status: 'stopped', interruptible: true, age: '5h' },
          { label: 'rule-b', gpu: 'RTX 3090', status: 'stopped', outbid: true, age: '5h' },
        ],
      },
    });
    hub = await startHubStandIn({ token: TOKEN });
    hub.putFile('me/spot', 'checkpoint-500/model.safetensors', { size: 1000 });
    hub.putFile('me/spot', 'checkpoint-500/trainer_state.json', JSON.stringify({ global_step: 500 }));
    client = new VastClient({ apiKey: sim.apiKey, baseUrl: sim.url });
    dir = mkdtempSync(path.join(os.tmpdir(), 'vd-rescue-'));
    profiles = path.join(dir, 'profiles.yaml');
    writeFileSync(
      profiles,
      [
        'profiles:',
        '  spot:',
        '    model: gpt2',
        '    image: pytorch/pytorch:2.4.0-cuda12.4-cudnn9-runtime',
        '    diskGb: 40',
        '    checkpoint: { kind: hf, repo: me/spot, tokenEnv: HF_TOKEN }',
        '  rb:',
        '    model: gpt2',
        '    image: pytorch/pytorch:2.4.0-cuda12.4-cudnn9-runtime',
        '    diskGb: 40',
        '    lifecycle: { onOutbid: raise-bid, maxBid: 5 }',
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

  test('lists the outbid ones (not one its owner stopped) with both ways back and their prices', async () => {
    const a = await inst('spot-a');
    const r = await cli(['rescue', String(a.id), '--profile', 'spot', '--json']);
    assert.equal(r.code, 0, r.err);
    const [row] = JSON.parse(r.out);
    assert.equal(row.instanceId, a.id);
    assert.ok(row.raise.bid >= a.minBid!, 'at least the machine’s new minimum');
    assert.ok(Math.abs(row.raise.totalPerHour - (row.raise.bid + a.storageDph)) < 0.002);
    assert.equal(row.migrate.fromStep, 500);
    assert.ok(row.migrate.perHour > 0 && row.migrate.offerId > 0);
    const text = await cli(['rescue']);
    assert.match(text.out, /outbid at \$\d\.\d{3}\/hr, stopped, paying \$\d\.\d{3}\/hr storage/);
    assert.match(text.out, /raise the bid: \$\d\.\d{3}\/hr \(minimum now/);
    assert.match(text.out, /migrate: pass --profile P to price it/);
    assert.doesNotMatch(text.out, /spot-mine/);
  });

  test('--raise changes the bid in place (journaled) and the instance starts again on its disk', async () => {
    const a = await inst('spot-a');
    const r = await cli(['rescue', String(a.id), '--raise']);
    assert.equal(r.code, 0, r.err);
    assert.match(r.out, /bid of \d+ raised to \$\d\.\d{3}\/hr; it restarts on its own disk/);
    assert.equal((await inst('spot-a')).status, 'loading');
    const j = await readJournal(path.join(dir, 'state', 'vastdeck', 'journal.jsonl'));
    assert.deepEqual(
      j.records.filter((x) => x.op === 'rescue.raise-bid').map((x) => x.phase),
      ['before', 'after'],
    );
    assert.ok(!(r.out + r.err + JSON.stringify(j.records)).includes(TOKEN));
  });

  test('autopilot raises the bid by rule (onOutbid: raise-bid)', async () => {
    const r = await cli(['autopilot', '--fleet', 'rule-', '--profile', 'rb', '--once', '--json']);
    assert.equal(r.code, 0, r.err);
    const [a] = JSON.parse(r.out);
    assert.deepEqual([a.type, a.trigger, a.outcome], ['raise-bid', 'outbid', 'bid-raised']);
    assert.equal((await inst('rule-b')).status, 'loading');
  });
});
