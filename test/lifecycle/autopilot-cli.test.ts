/** `vastdeck autopilot` and `provision`'s lifecycle flags in child processes against the simulator. */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { startSimulator, type SimHandle } from '../../src/sim/index.js';
import { VastClient } from '../../src/core/vast/client.js';
import { readJournal } from '../../src/core/journal/journal.js';
import { lifecycleFromFlags } from '../../src/cli/commands/provision.js';
import { parseProfiles } from '../../src/core/profiles/load.js';
import { homeEnv, runCli, type CliRun } from '../helpers/run-cli.js';
import { pause } from '../helpers/wait.js';

const PROFILES = [
  'profiles:',
  '  capped:',
  '    model: gpt2',
  '    image: pytorch/pytorch:2.4.0-cuda12.4-cudnn9-runtime',
  '    diskGb: 40',
  '    lifecycle: { maxRuntime: 12h, onFinish: stop }',
  '  plain:',
  '    model: gpt2',
  '    image: pytorch/pytorch:2.4.0-cuda12.4-cudnn9-runtime',
  '    diskGb: 40',
  '',
].join('\n');

describe('autopilot against the simulator', () => {
  let sim: SimHandle;
  let client: VastClient;
  let dir: string;
  let profiles: string;
  before(async () => {
    sim = await startSimulator({
      rateLimit: false,
      seed: 31,
      hosts: false,
      scenario: {
        market: { size: 400, traps: false },
        lifecycle: { provisionSec: 0, loadSec: [0, 0] },
        fleet: [
          { label: 'night-old', gpu: 'RTX 4090', age: '13h' },
          { label: 'night-young', gpu: 'RTX 4090', age: '2h' },
          { label: 'other', gpu: 'RTX 4090', age: '20h' },
        ],
      },
    });
    client = new VastClient({ apiKey: sim.apiKey, baseUrl: sim.url });
    dir = mkdtempSync(path.join(os.tmpdir(), 'vd-autopilot-'));
    profiles = path.join(dir, 'profiles.yaml');
    writeFileSync(profiles, PROFILES);
  });
  after(async () => {
    await sim?.close();
    rmSync(dir, { recursive: true, force: true });
  });
  const cli = (args: string[]): Promise<CliRun> =>
    runCli([...args, '--profiles', profiles, '--api-url', sim.url, '--api-key', sim.apiKey], { env: homeEnv(dir) });
  const status = async (label: string) => (await client.listInstances()).find((i) => i.label === label)?.status;
  const journal = () => readJournal(path.join(dir, 'state', 'vastdeck', 'journal.jsonl'));

  test('Ctrl-C stops the running autopilot at once: exit 130, "autopilot stopped"', async () => {
    const started = Date.now();
    const r = await runCli(
      [
        'autopilot',
        '--fleet',
        'empty-',
        '--profile',
        'capped',
        '--profiles',
        profiles,
        '--api-url',
        sim.url,
        '--api-key',
        sim.apiKey,
      ],
      {
        env: homeEnv(dir),
        interrupt: { afterMs: 50, when: (err) => /autopilot: a pass every/.test(err) },
      },
    );
    assert.equal(r.code, 130, r.err);
    assert.match(r.err, /autopilot stopped/);
    assert.ok(Date.now() - started < 15_000, 'the sleep between passes is cut short');
  });

  test('--dry-run prints what it would do and changes nothing; --once does it and journals why', async () => {
    const dry = await cli(['autopilot', '--fleet', 'night-', '--profile', 'capped', '--dry-run', '--json']);
    assert.equal(dry.code, 0, dry.err);
    const would = JSON.parse(dry.out);
    assert.deepEqual(
      would.map((a: { label: string; type: string; trigger: string; outcome: string }) => [
        a.label,
        a.type,
        a.trigger,
        a.outcome,
      ]),
      [['night-old', 'stop', 'max-runtime', 'dry-run']],
    );
    assert.equal(await status('night-old'), 'running');
    assert.deepEqual((await journal()).records, []);

    const once = await cli(['autopilot', '--fleet', 'night-', '--profile', 'capped', '--once']);
    assert.equal(once.code, 0, once.err);
    assert.match(
      once.err,
      /stop \d+ \(night-old\) \[max-runtime\]: running 7\d\d min, past maxRuntime 720 min -> stopped/,
    );
    assert.equal(await status('night-old'), 'stopped');
    assert.equal(await status('night-young'), 'running');
    assert.equal(await status('other'), 'running', 'outside the fleet: untouched');
    const recs = (await journal()).records.filter((r) => r.op === 'lifecycle.stop');
    assert.deepEqual(
      recs.map((r) => [r.phase, r.details.trigger]),
      [
        ['before', 'max-runtime'],
        ['after', 'max-runtime'],
      ],
    );
  });

  test('provision --max-runtime journals the rental’s rules; autopilot without --fleet enforces them', async () => {
    const p = await cli(['provision', '--profile', 'plain', '--best', '--no-wait', '--max-runtime', '1s', '--json']);
    assert.equal(p.code, 0, p.err);
    const { instanceId } = JSON.parse(p.out);
    assert.match(p.err, /lifecycle: maxRuntime 1s→stop/);
    const rules = (await journal()).records.find((r) => r.op === 'lifecycle.rules')!;
    assert.equal(rules.ids.instanceId, instanceId);
    assert.equal((rules.details.rules as { maxRuntimeMs: number }).maxRuntimeMs, 1000);
    assert.match(
      String(rules.ids.runId),
      /^vd-[a-z0-9]{8}$/,
      "the rental's run id, the one its checkpoints are bound to",
    );
    // Time passing is the subject: the rental's 1 s maxRuntime runs out (on the API's clock, read to the second).
    await pause(1100);
    const once = await cli(['autopilot', '--once', '--json']);
    assert.equal(once.code, 0, once.err);
    const acts = JSON.parse(once.out);
    assert.deepEqual(
      acts.map((a: { instanceId: number; trigger: string }) => [a.instanceId, a.trigger]),
      [[instanceId, 'max-runtime']],
    );
    assert.equal((await client.listInstances()).find((i) => i.id === instanceId)!.status, 'stopped');
  });

  test('bad flags are one clear line, exit 2', async () => {
    assert.match((await cli(['autopilot', '--profile', 'capped'])).err, /--profile applies to a --fleet PREFIX/);
    assert.equal((await cli(['autopilot', '--every', '1s'])).code, 2);
    assert.match((await cli(['autopilot', '--fleet', 'x', '--profile', 'nope'])).err, /no profile "nope"/);
    const gpt = parseProfiles(PROFILES, 'p.yaml').capped!;
    assert.equal(lifecycleFromFlags({ 'auto-shutdown': true }, gpt).onFinish, 'destroy');
    assert.throws(
      () => lifecycleFromFlags({ 'auto-shutdown': true, 'on-finish': 'stop' }, gpt),
      /--auto-shutdown means --on-finish destroy/,
    );
    assert.deepEqual(lifecycleFromFlags({ idle: '5:20m' }, gpt).idle, {
      gpuUtilBelow: 5,
      forMs: 1_200_000,
      then: 'stop',
    });
    assert.throws(() => lifecycleFromFlags({ idle: 'lots' }, gpt), /--idle must be PCT:DURATION/);
    assert.equal(lifecycleFromFlags({}, gpt).maxRuntimeMs, 12 * 3_600_000);
  });
});
