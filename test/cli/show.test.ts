// `vastdeck show ID`: one instance's details as the TUI's detail pane shows them, against the simulator (the
// bundled CLI in a child process, as commands-sim.test.ts runs it), and its lines as a pure function.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { startSimulator, type SimHandle } from '../../src/sim/index.js';
import { showLines } from '../../src/cli/commands/show.js';
import { runCli, type CliRun } from '../helpers/run-cli.js';
import { makeInstance } from '../ui/fake-api.js';

let sim: SimHandle;

before(async () => {
  sim = await startSimulator({ rateLimit: false, hosts: false, scenario: path.resolve('src/sim/scenarios/demo.yaml') });
});
after(async () => {
  await sim.close();
});

const run = (args: string[]): Promise<CliRun> =>
  runCli([...args, '--api-url', sim.url, '--api-key', sim.apiKey], {
    bundle: true,
    clean: true,
    stdin: null,
    env: { HOME: '/nonexistent-vastdeck-home' },
  });

describe('vastdeck show', () => {
  test('--json is the instance as `instances --json` lists it, plus the displayed status and $/hr', async () => {
    const list = await run(['instances', '--json']);
    assert.equal(list.code, 0, list.err);
    const one = (JSON.parse(list.out) as Array<{ id: number; label: string | null; status: string }>).find(
      (i) => i.label === 'zeb-large-main',
    )!;
    const r = await run(['show', String(one.id), '--json']);
    assert.equal(r.code, 0, r.err);
    assert.equal(r.err, '');
    const shown = JSON.parse(r.out) as Record<string, unknown>;
    const { displayStatus, currentDph, ...inst } = shown;
    // The same instance, read a moment later (the simulator's live gauges, disk use and utilisation, move).
    assert.deepEqual(Object.keys(inst).sort(), Object.keys(one).sort());
    for (const k of [
      'id',
      'label',
      'machineId',
      'hostId',
      'gpuName',
      'numGpus',
      'diskGb',
      'image',
      'sshHost',
      'sshPort',
      'envKeys',
      'startedAt',
    ] as const) {
      assert.deepEqual(inst[k], (one as Record<string, unknown>)[k], k);
    }
    assert.equal(typeof displayStatus, 'string');
    assert.equal(typeof currentDph, 'number');
  });

  test('the text names every field of the detail pane, the SSH command and no env value', async () => {
    const list = JSON.parse((await run(['instances', '--json'])).out) as Array<{
      id: number;
      label: string;
      status: string;
      sshHost: string | null;
      sshPort: number | null;
      envKeys: string[];
    }>;
    const one = list.find((i) => i.status === 'running' && i.sshHost)!;
    const r = await run(['show', String(one.id)]);
    assert.equal(r.code, 0, r.err);
    const fields = r.out
      .trimEnd()
      .split('\n')
      .map((l) => l.split(/\s{2,}/)[0]);
    assert.deepEqual(fields, [
      'id',
      'label',
      'status',
      'GPU',
      '$/hr',
      'ssh',
      'age',
      'machine',
      'disk',
      'image',
      'location',
      'CUDA',
      'env',
      'message',
    ]);
    assert.match(r.out, new RegExp(`^id\\s+${one.id}$`, 'm'));
    assert.match(r.out, new RegExp(`^label\\s+${one.label}$`, 'm'));
    assert.match(r.out, /^ssh\s+ssh -p \d+ root@\S+$/m);
    assert.match(r.out, /^\$\/hr\s+\$\d+\.\d{2,3}$/m);
    assert.doesNotMatch(r.out, /=\S/, 'env names only, never a value');
  });

  test('an unknown ID is one line on stderr and exit 1; a bad ID is a usage error (exit 2)', async () => {
    const gone = await run(['show', '999999999']);
    assert.equal(gone.code, 1);
    assert.equal(gone.out, '');
    assert.equal(gone.err.trim().split('\n').length, 1, gone.err);
    assert.match(gone.err, /999999999/);
    const bad = await run(['show', 'abc']);
    assert.equal(bad.code, 2);
    assert.match(bad.err, /instance ID must be a positive whole number/);
    assert.equal((await run(['show'])).code, 2);
  });
});

test('showLines: a stopped instance costs its storage; machine, disk, image and age as the detail pane shows them', () => {
  const inst = makeInstance(0, {
    status: 'stopped',
    storageDph: 0.021,
    dphTotal: 0.5,
    image: 'img:1',
    machineId: 7,
    hostId: 9,
    verified: true,
    diskGb: 40,
    diskUsedGb: 12.34,
    startedAt: 0,
  });
  const lines = Object.fromEntries(showLines(inst, 3 * 3600_000));
  assert.equal(lines['$/hr'], '$0.021 (storage)');
  assert.equal(lines.machine, '7 (host 9) verified');
  assert.equal(lines.disk, '12.3 / 40 GB');
  assert.equal(lines.image, 'img:1');
  assert.equal(lines.age, '3h');
});
