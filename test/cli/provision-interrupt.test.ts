/**
 * Issue 13: Ctrl-C during `vastdeck provision`'s boot wait stops waiting at once and exits 130; the rental stays
 * rented, the journal closes the provision as stopped (nothing left open, nothing rented twice).
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { startSimulator, type SimHandle } from '../../src/sim/index.js';
import { VastClient } from '../../src/core/vast/client.js';
import { readJournal } from '../../src/core/journal/journal.js';
import { PROFILES_YAML } from '../profiles/fixtures.js';
import { runCli } from '../helpers/run-cli.js';

let sim: SimHandle;
let client: VastClient;
let dir: string;
let profiles: string;

before(async () => {
  // Instances take 45 s or more (sim time = real time) to boot: the wait is under way when Ctrl-C comes.
  sim = await startSimulator({
    seed: 7,
    rateLimit: false,
    hosts: false,
    scenario: { market: { size: 200 }, secrets: { WANDB_API_KEY: 'wandb-int-value' } },
  });
  client = new VastClient({ apiKey: sim.apiKey, baseUrl: sim.url });
  dir = mkdtempSync(path.join(os.tmpdir(), 'vd-prov-int-'));
  profiles = path.join(dir, 'profiles.yaml');
  writeFileSync(profiles, PROFILES_YAML);
});
after(async () => sim?.close());

test('Ctrl-C in the boot wait: exit 130 at once, instance stays rented, provision closed as stopped', async () => {
  const before = (await client.listInstances()).length;
  const started = Date.now();
  const r = await runCli(
    [
      'provision',
      '--profile',
      'gpt2',
      '--profiles',
      profiles,
      '--best',
      '--no-check',
      '--api-url',
      sim.url,
      '--api-key',
      sim.apiKey,
    ],
    {
      env: {
        XDG_STATE_HOME: path.join(dir, 'state'),
        XDG_CONFIG_HOME: path.join(dir, 'config'),
        HF_TOKEN: 'hf_INTsecretINTsecret0123456789ab',
        VAST_API_KEY: '',
      },
      interrupt: { afterMs: 50, when: (err) => /waiting for instance \d+ to boot/.test(err) },
    },
  );
  assert.equal(r.code, 130, r.err);
  assert.ok(Date.now() - started < 20_000, 'stopped at once, not after the boot');
  const id = Number(/stopped waiting: instance (\d+) stays rented/.exec(r.out)?.[1]);
  assert.ok(id > 0, r.out + r.err);
  assert.match(r.out, /destroy it with `vastdeck destroy \d+`/);
  const after = await client.listInstances();
  assert.equal(after.length, before + 1, 'one rental, still rented');
  assert.ok(after.some((i) => i.id === id));
  const { records } = await readJournal(path.join(dir, 'state', 'vastdeck', 'journal.jsonl'));
  const end = records.find((x) => x.op === 'provision.end' && x.ids?.instanceId === id);
  assert.equal(end?.details?.outcome, 'stopped', 'the provision is closed as stopped');
  assert.ok(!records.some((x) => x.op === 'provision.destroy'));
});
