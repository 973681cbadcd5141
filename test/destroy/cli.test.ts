/** `vastdeck destroy` / `down` in child processes against the simulator, and the prompt decisions. */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { startSimulator, type SimHandle } from '../../src/sim/index.js';
import { startHubStandIn, type HubStandIn } from '../../src/sim/hub/index.js';
import { VastClient } from '../../src/core/vast/client.js';
import { readJournal } from '../../src/core/journal/journal.js';
import { decideDestroy } from '../../src/cli/commands/destroy.js';
import type { DestroyPlan } from '../../src/core/ops/destroy.js';
import { rentOne } from '../sim/helpers.js';
import { homeEnv, runCli, type CliRun } from '../helpers/run-cli.js';
import { TEST_KEY, writeOwnKey } from '../helpers/ssh-key.js';

const TOKEN = 'hf_cliDestroyToken0000000000000000';

const plan = (safe: boolean): DestroyPlan => ({
  instanceId: 7,
  label: 'gpt2-x',
  status: 'running',
  hostStep: 300,
  verifiedStep: safe ? 300 : 200,
  verification: null,
  safe,
  refusal: safe ? null : 'behind',
  summary: safe ? 'verified' : 'would lose steps 201–300',
});

describe('decideDestroy', () => {
  test('verified: --yes skips the prompt; otherwise y/N; no prompt possible means no', async () => {
    assert.deepEqual(await decideDestroy(plan(true), { yes: true }, null), { go: true, force: false });
    assert.equal((await decideDestroy(plan(true), {}, async () => 'y')).go, true);
    assert.equal((await decideDestroy(plan(true), {}, async () => '')).go, false);
    assert.match((await decideDestroy(plan(true), {}, null)).why!, /--yes/);
  });

  test('unverified: --yes is not enough; typing the label forces; --force forces', async () => {
    assert.equal((await decideDestroy(plan(false), { yes: true }, null)).go, false);
    assert.equal((await decideDestroy(plan(false), { yes: true }, async () => 'y')).go, false);
    let asked = '';
    const typed = await decideDestroy(plan(false), {}, async (q) => ((asked = q), 'gpt2-x'));
    assert.deepEqual(typed, { go: true, force: true });
    assert.match(asked, /NOT VERIFIED: would lose steps 201–300/);
    assert.deepEqual(await decideDestroy(plan(false), { force: true }, null), { go: true, force: true });
  });

  test('an empty label (or one that sanitizes to empty) asks for the instance ID; a bare Enter never confirms', async () => {
    for (const label of ['', '\u001b[31m\u001b[0m', '   ', null]) {
      const p = { ...plan(false), label };
      let asked = '';
      const bare = await decideDestroy(p, {}, async (q) => ((asked = q), ''));
      assert.equal(bare.go, false, `bare Enter must keep it (label ${JSON.stringify(label)})`);
      assert.match(asked, /Type the instance ID "7"/, asked);
      assert.equal((await decideDestroy(p, {}, async () => '   ')).go, false);
      assert.deepEqual(await decideDestroy(p, {}, async () => '7'), { go: true, force: true });
    }
  });

  test('an older label with its #nonce tag asks for the plain label', async () => {
    const p = { ...plan(false), label: 'mosaic-gpt2-4x3090#k3f9a2c1' };
    let asked = '';
    assert.deepEqual(await decideDestroy(p, {}, async (q) => ((asked = q), 'mosaic-gpt2-4x3090')), {
      go: true,
      force: true,
    });
    assert.match(asked, /Type the label "mosaic-gpt2-4x3090" /);
  });
});

describe('CLI against the simulator', () => {
  let sim: SimHandle;
  let hub: HubStandIn;
  let client: VastClient;
  let dir: string;
  let profiles: string;
  before(async () => {
    // No simulated hosts: the instances' SSH ports refuse connections, i.e. hosts that cannot be reached.
    sim = await startSimulator({ rateLimit: false, seed: 9, hosts: false, scenario: { market: { size: 800 } } });
    hub = await startHubStandIn({ token: TOKEN });
    client = new VastClient({ apiKey: sim.apiKey, baseUrl: sim.url });
    dir = mkdtempSync(path.join(os.tmpdir(), 'vd-destroy-cli-'));
    profiles = path.join(dir, 'profiles.yaml');
    writeFileSync(
      profiles,
      [
        'profiles:',
        '  gpt2:',
        '    model: gpt2',
        '    image: pytorch/pytorch:2.4.0-cuda12.4-cudnn9-runtime',
        '    diskGb: 40',
        '    onstart: { repo: "https://example.invalid/x.git", train: "python train.py", config: c.yaml, runDir: /workspace/run }',
        '    checkpoint: { kind: hf, repo: me/gpt2-run, tokenEnv: HF_TOKEN }',
        '',
      ].join('\n'),
    );
  });
  after(async () => {
    await sim?.close();
    await hub?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  function cli(name: 'destroy' | 'down', argv: string[]): Promise<CliRun> {
    return runCli([name, ...argv, '--api-url', sim.url, '--api-key', sim.apiKey], {
      env: { ...homeEnv(dir), HF_TOKEN: TOKEN, HF_ENDPOINT: hub.url },
    });
  }

  test('destroy of an instance whose host is unreachable is refused (exit 1), and it stays rented', async () => {
    const { id } = await rentOne(sim, { label: 'solo-1' });
    const r = await cli('destroy', [String(id), '--profile', 'gpt2', '--profiles', profiles, '--yes']);
    assert.equal(r.code, 1, r.err);
    assert.match(
      r.err,
      new RegExp(
        `instance ${id} is \\w+ but its host is unreachable|instance ${id} is \\w+ and its host is unreachable`,
      ),
    );
    assert.match(r.out, /refused: .*can't verify the newest checkpoint/);
    assert.ok((await client.listInstances()).some((i) => i.id === id));
  });

  test('down PREFIX --force --json lists every match first, destroys them all, journals, leaves the others', async () => {
    const a = (await rentOne(sim, { label: 'sweep-a' })).id;
    const b = (await rentOne(sim, { label: 'sweep-b' })).id;
    const keep = (await rentOne(sim, { label: 'keep-me' })).id;
    const r = await cli('down', ['sweep-', '--force', '--json', '--profile', 'gpt2', '--profiles', profiles]);
    assert.equal(r.code, 0, r.err);
    assert.match(r.err, /2 instances labelled sweep-\*:/);
    assert.ok(
      r.err.indexOf(`${b}  sweep-b`) < r.err.indexOf(`${a} sweep-a:`),
      'the list comes before the first verification',
    );
    const rows = JSON.parse(r.out);
    assert.deepEqual(
      rows.map((x: { instanceId: number; outcome: string; refusal: string }) => [x.instanceId, x.outcome, x.refusal]),
      [
        [a, 'destroyed', 'host-unreachable'],
        [b, 'destroyed', 'host-unreachable'],
      ],
    );
    const ids = (await client.listInstances()).map((i) => i.id);
    assert.ok(!ids.includes(a) && !ids.includes(b) && ids.includes(keep));
    const j = await readJournal(path.join(dir, 'state', 'vastdeck', 'journal.jsonl'));
    const mine = j.records.filter((x) => x.op === 'destroy');
    assert.deepEqual(
      mine.map((x) => [x.ids.instanceId, x.phase, x.details.forced]),
      [
        [a, 'before', true],
        [a, 'after', true],
        [b, 'before', true],
        [b, 'after', true],
      ],
    );
    assert.ok(!(r.out + r.err + JSON.stringify(j.records)).includes(TOKEN));
  });

  test('destroy of an unknown id says so and exits 1', async () => {
    const r = await cli('destroy', ['999999', '--force']);
    assert.equal(r.code, 1);
    assert.match(r.err, /instance 999999 is not in your account/);
  });
});

describe('CLI against the simulator with its SSH hosts, on a machine with no ~/.ssh keys and no agent', () => {
  let sim: SimHandle;
  let dir: string;
  let profiles: string;
  before(async () => {
    // vastdeck's own key (made on an earlier run) is on the account: Vast hosts accept only the account's keys.
    sim = await startSimulator({
      rateLimit: false,
      seed: 12,
      speed: 20,
      sshKeys: [TEST_KEY.public],
      scenario: {
        market: { size: 400, traps: false },
        fleet: [
          {
            label: 'keyless-1',
            gpu: 'RTX 4090',
            status: 'running',
            age: '10m',
            env: { HUB_MODEL_ID: 'me/keyless' },
            host: { totalSteps: 1_000_000, stepsPerSec: 5, saveSteps: 100 },
          },
        ],
      },
    });
    dir = mkdtempSync(path.join(os.tmpdir(), 'vd-destroy-keyless-'));
    writeOwnKey(dir);
    profiles = path.join(dir, 'profiles.yaml');
    writeFileSync(
      profiles,
      [
        'profiles:',
        '  p:',
        '    model: gpt2',
        '    image: pytorch/pytorch:2.4.0-cuda12.4-cudnn9-runtime',
        '    diskGb: 40',
        '    checkpoint: { kind: hf, repo: me/keyless }',
        '',
      ].join('\n'),
    );
  });
  after(async () => {
    await sim?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  test('destroy reads the host with vastdeck’s own key, finds the checkpoint verified, and destroys with --yes', async () => {
    const [inst] = await new VastClient({ apiKey: sim.apiKey, baseUrl: sim.url }).listInstances();
    const r = await runCli(
      [
        'destroy',
        String(inst!.id),
        '--profile',
        'p',
        '--profiles',
        profiles,
        '--run-dir',
        '/workspace/run',
        '--yes',
        '--api-url',
        sim.url,
        '--api-key',
        sim.apiKey,
      ],
      {
        env: { ...homeEnv(dir), HF_ENDPOINT: sim.hubUrl!, HF_TOKEN: '' },
      },
    );
    assert.equal(r.code, 0, r.err + r.out);
    assert.doesNotMatch(r.err + r.out, /unreachable/);
    assert.ok(existsSync(path.join(dir, 'state', 'vastdeck', 'id_ed25519')), 'its own key, used for the SSH read');
  });
});
