/** `vastdeck monitor` / `replenish` in child processes against the simulator and the Hub stand-in. */
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
import { thresholdFlag } from '../../src/cli/commands/monitor.js';

const TOKEN = 'hf_cliKeeperToken000000000000000000';

describe('monitor / replenish against the simulator', () => {
  let sim: SimHandle;
  let hub: HubStandIn;
  let client: VastClient;
  let dir: string;
  let profiles: string;
  before(async () => {
    sim = await startSimulator({ rateLimit: false, seed: 11, hosts: false, scenario: { market: { size: 600 } } });
    hub = await startHubStandIn({ token: TOKEN });
    client = new VastClient({ apiKey: sim.apiKey, baseUrl: sim.url });
    dir = mkdtempSync(path.join(os.tmpdir(), 'vd-keeper-cli-'));
    profiles = path.join(dir, 'profiles.yaml');
    const p = (name: string, repo: string) => [
      `  ${name}:`,
      '    model: gpt2',
      '    image: pytorch/pytorch:2.4.0-cuda12.4-cudnn9-runtime',
      '    diskGb: 40',
      '    onstart: { repo: "https://example.invalid/x.git", train: "python train.py", config: c.yaml, runDir: /workspace/run }',
      `    checkpoint: { kind: hf, repo: ${repo}, tokenEnv: HF_TOKEN }`,
    ];
    writeFileSync(
      profiles,
      ['profiles:', ...p('gpt2', 'me/gpt2-run'), ...p('empty', 'me/nothing-here'), ''].join('\n'),
    );
    hub.putFile('me/gpt2-run', 'checkpoint-100/model.safetensors', { size: 1000 });
    hub.putFile('me/gpt2-run', 'checkpoint-100/trainer_state.json', JSON.stringify({ global_step: 100 }));
  });
  after(async () => {
    await sim?.close();
    await hub?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  function cli(name: 'monitor' | 'replenish', argv: string[], opts: { killAfterMs?: number } = {}): Promise<CliRun> {
    return runCli([name, ...argv, '--profiles', profiles, '--api-url', sim.url, '--api-key', sim.apiKey], {
      env: { ...homeEnv(dir), HF_TOKEN: TOKEN, HF_ENDPOINT: hub.url },
      // Once the first pass has been reported, interrupt as a person would with Ctrl-C.
      interrupt:
        opts.killAfterMs === undefined
          ? undefined
          : { afterMs: opts.killAfterMs, when: (err) => /keeping \d+ worker/.test(err) && /workers:/.test(err) },
    });
  }

  test('no weights in the checkpoint store: nothing is launched, a clear message, exit 1', async () => {
    const r = await cli('replenish', ['2', '--fleet', 'boot-', '--profile', 'empty']);
    assert.equal(r.code, 1, r.err);
    assert.match(r.err, /not launching: no weights in hf:me\/nothing-here@main: upload the starting checkpoint there/);
    assert.equal((await client.listInstances()).filter((i) => i.label?.startsWith('boot-')).length, 0);
  });

  test('replenish --dry-run decides but rents nothing', async () => {
    const r = await cli('replenish', ['2', '--fleet', 'dry-', '--profile', 'gpt2', '--dry-run', '--json']);
    assert.equal(r.code, 0, r.err);
    assert.match(r.err, /bootstrap weights found in hf:me\/gpt2-run@main \(newest step 100\)/);
    const decisions = JSON.parse(r.out);
    assert.deepEqual(
      decisions.map((d: { type: string; count: number; result: string }) => [d.type, d.count, d.result]),
      [['launch', 2, 'dry run: nothing done']],
    );
    assert.equal((await client.listInstances()).filter((i) => i.label?.startsWith('dry-')).length, 0);
  });

  test('replenish rents up to N with the fleet prefix and journals why; a second pass rents nothing', async () => {
    const r = await cli('replenish', ['2', '--fleet', 'night-', '--profile', 'gpt2', '--max-dph', '2', '--json']);
    assert.equal(r.code, 0, r.err);
    const mine = (await client.listInstances()).filter((i) => i.label?.startsWith('night-'));
    assert.equal(mine.length, 2);
    for (const i of mine) {
      assert.match(i.label!, /^night-gpt2-\d+x\w+$/);
      assert.match(i.nonce ?? '', /^[a-z0-9]{8}$/, 'the nonce is in the env, not the label');
      assert.ok(i.dphTotal <= 2);
    }
    const again = await cli('replenish', ['2', '--fleet', 'night-', '--profile', 'gpt2', '--json']);
    assert.equal(again.code, 0, again.err);
    assert.deepEqual(JSON.parse(again.out), []);
    assert.equal((await client.listInstances()).filter((i) => i.label?.startsWith('night-')).length, 2);
    const j = await readJournal(path.join(dir, 'state', 'vastdeck', 'journal.jsonl'));
    const launch = j.records.filter((x) => x.op === 'keeper.launch');
    assert.deepEqual(
      launch.map((x) => x.phase),
      ['before', 'after'],
    );
    assert.match(String(launch[0]!.details.reason), /0 of 2 workers alive or starting; launching 2/);
    assert.equal((launch[1]!.details.launched as number[]).length, 2);
    assert.ok(!(r.out + r.err + JSON.stringify(j.records)).includes(TOKEN));
  });

  test('monitor without a terminal rents nothing without --yes (as down): a clear message, exit 2', async () => {
    const r = await cli('monitor', ['2', '--fleet', 'ask-', '--profile', 'gpt2']);
    assert.equal(r.code, 2, r.err);
    assert.match(r.err, /monitor rents machines: pass --yes to start it without a terminal/);
    assert.equal((await client.listInstances()).filter((i) => i.label?.startsWith('ask-')).length, 0);
  });

  test('monitor without a terminal: Ctrl-C exits 130, leaves the fleet running and the journal consistent', async () => {
    const before = (await client.listInstances()).filter((i) => i.label?.startsWith('night-')).length;
    const r = await cli('monitor', ['2', '--fleet', 'night-', '--profile', 'gpt2', '--yes'], { killAfterMs: 100 });
    assert.equal(r.code, 130, r.err);
    // Every provision the keeper opened is closed (none left half-done for the next start to guess about).
    const { records } = await readJournal(path.join(dir, 'state', 'vastdeck', 'journal.jsonl'));
    const opened = new Set(
      records.filter((x) => x.op === 'provision.create' && x.phase === 'before').map((x) => x.ids?.nonce),
    );
    const closed = new Set(records.filter((x) => x.op === 'provision.end').map((x) => x.ids?.nonce));
    for (const n of opened) assert.ok(closed.has(n), `provision ${String(n)} is closed in the journal`);
    assert.match(r.err, /keeping 2 workers of fleet night-; Ctrl-C to stop/);
    assert.match(r.err, /stopped; fleet night- is left running/);
    assert.equal((await client.listInstances()).filter((i) => i.label?.startsWith('night-')).length, before);
  });

  test('usage errors exit 2', async () => {
    assert.equal((await cli('monitor', ['--fleet', 'x', '--profile', 'gpt2'])).code, 2);
    assert.match((await cli('replenish', ['2', '--profile', 'gpt2'])).err, /--fleet PREFIX is required/);
    assert.throws(() => thresholdFlag('soon', 'stall', 1), /--stall must be a duration with a unit like 10m, or off/);
    assert.equal(thresholdFlag('off', 'stall', 1), null);
    assert.equal(thresholdFlag('20m', 'stall', 1), 20 * 60_000);
  });
});
