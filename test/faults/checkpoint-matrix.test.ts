/**
 * The checkpoint half of the fault matrix (issue 12): `vastdeck destroy ID --yes` and `migrate` against stores
 * that hold the wrong thing — a Hub repo shared with a run that uploaded while this one never did, a profile naming
 * another run's repo, an rsync store with another run's bytes under the same names and sizes, a partial upload,
 * an upload that lags behind, a command store that prints no hashes — plus two controls that must verify and
 * destroy (so the matrix can tell "refuses everything" from "verifies by content"). Every cell asserts 0
 * unverified destroys; the summary table is printed for the lead. The simulator runs in this process; the CLI
 * runs as a child (the shared bundle), as a user runs it.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { startSimulator, type SimHandle } from '../../src/sim/index.js';
import { contentBytes, contentSize } from '../../src/sim/content.js';
import { VastClient } from '../../src/core/vast/client.js';
import type { Instance } from '../../src/core/vast/types.js';
import { readJournal } from '../../src/core/journal/journal.js';
import { bundleCli, homeEnv, runCli } from '../helpers/run-cli.js';
import { TEST_KEY, writeOwnKey } from '../helpers/ssh-key.js';

/** Finished runs (10 min old at 10 steps/s), so nothing moves while a cell looks. */
const run = (totalSteps: number, saveSteps: number) => ({ totalSteps, stepsPerSec: 10, saveSteps });
const FLEET = [
  {
    label: 'uploader#upl00001',
    env: { HUB_MODEL_ID: 'me/shared', VASTDECK_RUN_ID: 'vd-upl00001' },
    host: run(1500, 500),
  },
  {
    label: 'never#nev00001',
    env: { HUB_MODEL_ID: 'me/shared', SIM_HUB_UPLOAD: 'never', VASTDECK_RUN_ID: 'vd-nev00001' },
    host: run(1000, 100),
  },
  {
    label: 'wrong#wro00001',
    env: { HUB_MODEL_ID: 'me/wrong-actual', VASTDECK_RUN_ID: 'vd-wro00001' },
    host: run(1500, 500),
  },
  {
    label: 'partial#par00001',
    env: { HUB_MODEL_ID: 'me/partial', SIM_HUB_UPLOAD: 'partial', VASTDECK_RUN_ID: 'vd-par00001' },
    host: run(1000, 500),
  },
  {
    label: 'lag#lag00001',
    env: { HUB_MODEL_ID: 'me/lag', SIM_HUB_UPLOAD: 'lag:300', VASTDECK_RUN_ID: 'vd-lag00001' },
    host: run(1000, 250),
  },
  { label: 'rsync#rsy00001', env: {}, host: run(1000, 500) },
  { label: 'cmd#cmd00001', env: {}, host: run(1000, 500) },
  { label: 'ok#okk00001', env: { HUB_MODEL_ID: 'me/ok', VASTDECK_RUN_ID: 'vd-okk00001' }, host: run(1000, 500) },
  { label: 'rsyncok#rok00001', env: {}, host: run(1000, 500) },
].map((f) => ({ ...f, gpu: 'RTX 4090', status: 'running' as const, age: '10m' }));

let sim: SimHandle;
let client: VastClient;
let bundle: string;
let dir: string;
let profiles: string;
const byLabel = new Map<string, Instance>();

interface Row {
  cell: string;
  store: string;
  verdict: string;
  lost: string;
  destroyed: boolean;
  expected: 'refused' | 'destroyed';
}
const rows: Row[] = [];

/**
 * Writes what a store holds as checkpoint-N files: the bytes of a simulated host's checkpoint (or another seed's, same
 * sizes).
 */
function writeStoreCheckpoint(root: string, inst: Instance, step: number, otherSeed?: string): void {
  const files = sim.hosts!.trainer(inst.id)!.checkpointFiles(step)!;
  const d = path.join(root, `checkpoint-${step}`);
  mkdirSync(d, { recursive: true });
  for (const [name, c] of files) {
    const bytes =
      otherSeed && !('bytes' in c)
        ? contentBytes({ seed: `${otherSeed}/${name}`, size: contentSize(c) })
        : contentBytes(c);
    writeFileSync(path.join(d, name), bytes);
  }
}

before(async () => {
  bundle = await bundleCli();
  sim = await startSimulator({
    seed: 77,
    speed: 1,
    rateLimit: false,
    sshKeys: [TEST_KEY.public],
    scenario: { market: { size: 400, traps: false }, fleet: FLEET },
  });
  client = new VastClient({ apiKey: sim.apiKey, baseUrl: sim.url });
  for (const i of await client.listInstances()) byLabel.set(i.label!, i);
  dir = mkdtempSync(path.join(os.tmpdir(), 'vd-ckpt-matrix-'));
  // Wait for the uploads the policies allow (the simulator uploads on its ticks).
  const has = (repo: string, file: string) => sim.hub!.server.files(repo).some((f) => f.path === file);
  const want: Array<[string, string]> = [
    ['me/shared', 'checkpoint-1500/model.safetensors'],
    ['me/shared', 'checkpoint-1000/trainer_state.json'],
    ['me/wrong-actual', 'checkpoint-1500/trainer_state.json'],
    ['me/partial', 'checkpoint-1000/trainer_state.json'],
    ['me/lag', 'checkpoint-500/trainer_state.json'],
    ['me/ok', 'checkpoint-1000/trainer_state.json'],
  ];
  const end = Date.now() + 20_000;
  while (!want.every(([r, f]) => has(r, f))) {
    if (Date.now() > end)
      throw new Error(
        `uploads did not arrive: ${want
          .filter(([r, f]) => !has(r, f))
          .map((w) => w.join(':'))
          .join(', ')}`,
      );
    await new Promise((r) => setTimeout(r, 100));
  }
  // The rsync stores: one written by another run (same names and sizes, other bytes), one with this host's bytes.
  writeStoreCheckpoint(path.join(dir, 'rsync-other'), byLabel.get('rsync#rsy00001')!, 1000, 'another run');
  writeStoreCheckpoint(path.join(dir, 'rsync-other'), byLabel.get('rsync#rsy00001')!, 500, 'another run');
  writeFileSync(path.join(dir, 'rsync-other', 'checkpoint-1000', '.vastdeck-run'), 'vd-oth00001\n');
  writeStoreCheckpoint(path.join(dir, 'rsync-ok'), byLabel.get('rsyncok#rok00001')!, 1000);
  profiles = path.join(dir, 'profiles.yaml');
  const p = (name: string, checkpoint: string, extra: string[] = []) => [
    `  ${name}:`,
    '    model: gpt2',
    '    image: pytorch/pytorch:2.5.1-cuda12.4-cudnn9-devel',
    '    diskGb: 40',
    `    checkpoint: ${checkpoint}`,
    ...extra,
  ];
  writeFileSync(
    profiles,
    [
      'profiles:',
      ...p('shared', '{ kind: hf, repo: me/shared }', [
        '    env: { HUB_MODEL_ID: me/shared }',
        `    resume: "tmux kill-session -t train 2>/dev/null; tmux new-session -d -s train 'python train.py ` +
          `--run-dir /workspace/run --resume_from_checkpoint {checkpoint}'"`,
      ]),
      ...p('partial', '{ kind: hf, repo: me/partial }'),
      ...p('lag', '{ kind: hf, repo: me/lag }'),
      ...p('ok', '{ kind: hf, repo: me/ok }'),
      ...p('rsync-other', `{ kind: rsync, host: local, path: "${path.join(dir, 'rsync-other')}" }`),
      ...p('rsync-ok', `{ kind: rsync, host: local, path: "${path.join(dir, 'rsync-ok')}" }`),
      ...p('cmd', '{ kind: command, cmd: "echo checking the bucket >&2; echo 1000" }'),
    ].join('\n') + '\n',
  );
});

after(async () => {
  await sim?.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
  if (rows.length) {
    const line = (r: string[]) => `| ${r.join(' | ')} |`;
    const table = [
      line(['cell', 'store', 'verdict', 'would lose', 'destroyed', 'expected']),
      line(['---', '---', '---', '---', '---', '---']),
    ];
    for (const r of rows)
      table.push(line([r.cell, r.store, r.verdict, r.lost, r.destroyed ? 'yes' : 'no', r.expected]));
    const unverified = rows.filter((r) => r.destroyed && r.expected === 'refused').length;
    console.log(
      `checkpoint fault matrix: ${rows.length} cells, ${unverified} unverified destroys\n${table.join('\n')}`,
    );
  }
});

const cliEnv = (home: string) => ({ ...homeEnv(home), HF_ENDPOINT: sim.hubUrl!, HF_TOKEN: '' });

/** `vastdeck destroy ID --yes --json` with a profile; returns the plan row and whether the instance is gone. */
async function destroyCell(
  cell: string,
  label: string,
  profile: string,
  expected: Row['expected'],
): Promise<{ row: Record<string, unknown>; err: string }> {
  const inst = byLabel.get(label)!;
  const home = path.join(dir, `home-${cell}`);
  writeOwnKey(home);
  const r = await runCli(
    [
      'destroy',
      String(inst.id),
      '--yes',
      '--json',
      '--profile',
      profile,
      '--profiles',
      profiles,
      '--run-dir',
      '/workspace/run',
      '--api-url',
      sim.url,
      '--api-key',
      sim.apiKey,
    ],
    {
      script: bundle,
      env: cliEnv(home),
    },
  );
  const [row] = JSON.parse(r.out || '[]') as Array<Record<string, unknown>>;
  assert.ok(row, `${cell}: no plan printed\n${r.err}`);
  const gone = !(await client.listInstances()).some((i) => i.id === inst.id);
  const loss = row.loss as {
    from: number;
    to: number;
    steps: number;
    hours: number | null;
    dollars: number | null;
  } | null;
  rows.push({
    cell,
    store: profile,
    verdict: String(row.refusal ?? 'verified'),
    destroyed: gone,
    expected,
    lost: loss
      ? `${loss.steps} steps, ${loss.hours === null ? '?' : loss.hours.toFixed(2)} h, ` +
        `$${loss.dollars === null ? '?' : loss.dollars.toFixed(2)}`
      : '-',
  });
  const journal = await readJournal(path.join(home, 'state', 'vastdeck', 'journal.jsonl'));
  const destroyRecords = journal.records.filter((x) => x.op === 'destroy' && x.ids.instanceId === inst.id).length;
  if (expected === 'refused') {
    assert.equal(gone, false, `${cell}: UNVERIFIED DESTROY: ${row.summary}`);
    assert.equal(r.code, 1, `${cell}: exit code`);
    assert.equal(destroyRecords, 0, `${cell}: nothing journaled for a refused destroy`);
  } else {
    assert.equal(gone, true, `${cell}: should have been verified and destroyed: ${row.summary}\n${r.err}`);
    assert.equal(r.code, 0);
  }
  return { row, err: r.err };
}

test('shared Hub repo, this run never uploaded: refused, and the other run is named (issue 12 repro)', async () => {
  const { row } = await destroyCell('shared store', 'never#nev00001', 'shared', 'refused');
  assert.equal(row.refusal, 'other-bytes');
  assert.match(
    String(row.summary),
    new RegExp(
      [
        '^would lose steps 1–1000 \\(1000 steps, ~[\\d.]+ h of training, ~\\$[\\d.]+ at \\$[\\d.]+\\/hr\\): ',
        'checkpoint-1000 in the store was uploaded by run vd-upl00001, not this run \\(vd-nev00001\\)',
      ].join(''),
    ),
  );
});

test('a profile whose store is another repo than the instance writes to: refused', async () => {
  const { row } = await destroyCell('wrong store', 'wrong#wro00001', 'shared', 'refused');
  assert.equal(row.refusal, 'other-bytes');
  assert.match(
    String(row.summary),
    /checkpoint-1500 in the store was uploaded by run vd-upl00001, not this run \(vd-wro00001\)/,
  );
});

test('rsync store written by another run (same names and sizes, other bytes): refused', async () => {
  const { row } = await destroyCell("other run's bytes", 'rsync#rsy00001', 'rsync-other', 'refused');
  assert.equal(row.refusal, 'other-bytes');
  assert.match(
    String(row.summary),
    new RegExp(
      [
        'checkpoint-1000 in the store was uploaded by run vd-oth00001, not this run \\(vd-rsy00001\\): ',
        'config\\.json|model\\.safetensors',
      ].join(''),
    ),
  );
});

test('partial upload (died before model.safetensors): refused as incomplete', async () => {
  const { row } = await destroyCell('partial upload', 'partial#par00001', 'partial', 'refused');
  assert.equal(row.refusal, 'incomplete');
  assert.match(String(row.summary), /incomplete upload of checkpoint-1000: missing model\.safetensors/);
});

test('lagging upload: behind, naming the steps, hours and dollars that would be lost', async () => {
  const { row } = await destroyCell('lag', 'lag#lag00001', 'lag', 'refused');
  assert.equal(row.refusal, 'behind');
  assert.match(
    String(row.summary),
    /^would lose steps 501–1000 \(500 steps, ~[\d.]+ h of training, ~\$[\d.]+ at \$[\d.]+\/hr\): behind by 500 steps/,
  );
});

test('command store that prints no hashes: unverifiable, --yes refuses', async () => {
  const { row } = await destroyCell('command, no hashes', 'cmd#cmd00001', 'cmd', 'refused');
  assert.equal(row.refusal, 'unverifiable');
  assert.match(String(row.summary), /unverifiable: command reports checkpoint-1000 without file hashes/);
});

test('controls: the host bytes in the Hub and in an rsync store verify, and --yes destroys', async () => {
  await destroyCell('control: hub', 'ok#okk00001', 'ok', 'destroyed');
  await destroyCell('control: rsync', 'rsyncok#rok00001', 'rsync-ok', 'destroyed');
});

test("migrate of the never-uploading run does not verify the other run's checkpoint: the source stays, nothing is rented", async () => {
  const inst = byLabel.get('never#nev00001')!;
  const before = (await client.listInstances()).length;
  const home = path.join(dir, 'home-migrate');
  writeOwnKey(home);
  const r = await runCli(
    [
      'migrate',
      String(inst.id),
      '--profile',
      'shared',
      '--profiles',
      profiles,
      '--run-dir',
      '/workspace/run',
      '--upload-wait',
      '1',
      '--poll',
      '0.2',
      '--api-url',
      sim.url,
      '--api-key',
      sim.apiKey,
    ],
    {
      script: bundle,
      stdin: null,
      env: cliEnv(home),
    },
  );
  assert.notEqual(r.code, 0, r.out);
  assert.match(r.err + r.out, /checkpoint-1000 in the store was uploaded by run vd-upl00001, not this run/);
  const after = await client.listInstances();
  assert.ok(
    after.some((i) => i.id === inst.id),
    'source kept',
  );
  assert.equal(after.length, before, 'no target rented');
  rows.push({
    cell: 'migrate, shared store',
    store: 'shared',
    verdict: 'failed at verify-source',
    lost: '-',
    destroyed: !after.some((i) => i.id === inst.id),
    expected: 'refused',
  });
});
