/** The simulated host's shell answers what the runbooks type at its /workspace prompt. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { runCommand } from '../../src/sim/hosts/shell.js';
import { SimTrainer } from '../../src/sim/hosts/trainer.js';
import { parseScenario } from '../../src/sim/hosts/scenario.js';
import { hostScenarioFor } from '../../src/sim/host-fleet.js';
import { parseNvidiaSmiCsv } from '../../src/core/host/nvidia-smi.js';
import { hostProbeCommand } from '../../src/core/host/probe-commands.js';

function sh(line: string, trainer: SimTrainer): Promise<{ out: string; err: string; code: number }> {
  return new Promise((resolve) => {
    let out = '';
    let err = '';
    runCommand(
      line,
      { trainer },
      {
        out: (t) => (out += t),
        err: (t) => (err += t),
        exit: (code) => resolve({ out, err, code }),
        onClose: () => {},
      },
    );
  });
}

const now = Date.now();
const h100x8 = () =>
  new SimTrainer(
    parseScenario({ gpuName: 'NVIDIA H100 SXM', gpuCount: 8, totalSteps: 20_000, stepsPerSecond: 1, loggingSteps: 10 }),
    1,
    () => now,
    now - 3_600_000,
  );

test('pwd, ls /workspace and relative paths at the /workspace prompt', async () => {
  const t = h100x8();
  assert.deepEqual(await sh('pwd', t), { out: '/workspace\n', err: '', code: 0 });
  const ls = await sh('ls /workspace', t);
  assert.equal(ls.code, 0, ls.err);
  assert.deepEqual(ls.out.trim().split('\n'), ['requirements.txt', 'run', 'train.log', 'train.py']);
  assert.equal((await sh('ls', t)).out, ls.out);
  assert.equal((await sh('ls /nope', t)).code, 2);
  const tail = await sh('tail -n 3 train.log', t);
  assert.equal(tail.code, 0, tail.err);
  assert.equal(tail.out.trim().split('\n').length, 3);
  assert.ok((await sh('cat /workspace/train.log', t)).out.length > 100);
  assert.match((await sh('cat requirements.txt', t)).out, /transformers==/);
});

test('nvidia-smi shows the instance GPUs: -L lists all 8, the query has 8 rows, plain has the table', async () => {
  const t = h100x8();
  const l = await sh('nvidia-smi -L', t);
  assert.equal(l.out.trim().split('\n').length, 8);
  assert.match(l.out, /^GPU 7: NVIDIA H100 SXM \(UUID: GPU-/m);
  const q = await sh(
    'nvidia-smi --query-gpu=index,name,memory.total,memory.used,utilization.gpu --format=csv,noheader,nounits',
    t,
  );
  assert.equal(q.out.trim().split('\n').length, 8);
  const table = await sh('nvidia-smi', t);
  assert.equal(table.code, 0);
  assert.match(table.out, /Driver Version: 580\.159\.04/);
  assert.equal((table.out.match(/H100 SXM/g) ?? []).length, 8);
  assert.match(table.out, /python/);
  // The fleet's hosts get the offer's GPU count.
  const rec = {
    offer: { gpu_name: 'H100 SXM', gpu_ram: 81559, num_gpus: 8, inet_down: 900 },
    host: undefined,
  } as unknown as Parameters<typeof hostScenarioFor>[0];
  assert.equal(parseScenario(hostScenarioFor(rec)).gpuCount, 8);
  // vastdeck's own probe reads all eight.
  const probe = await sh(hostProbeCommand(), t);
  const csv = probe.out.slice(0, probe.out.indexOf('\n\n') > 0 ? probe.out.indexOf('\n\n') : undefined);
  assert.ok(
    parseNvidiaSmiCsv(csv).length === 8 || (probe.out.match(/H100 SXM/g) ?? []).length === 8,
    probe.out.slice(0, 300),
  );
});

test('ps, df, free, tmux ls answer like a GPU host', async () => {
  const t = h100x8();
  assert.match((await sh('ps aux', t)).out, /python \/workspace\/train\.py/);
  assert.match((await sh('df -h', t)).out, /\/dev\/vda/);
  const free = await sh('free -h', t);
  assert.equal(free.code, 0);
  assert.match(free.out, /^Mem: +\d+(\.\d)?Gi/m);
  assert.match((await sh('free -b', t)).out, /^Mem: +135148564480/m);
  assert.equal((await sh('tmux ls', t)).out, 'train: 1 windows (created Tue Dec  1 10:02:11 2026)\n');
  assert.equal((await sh('frobnicate', t)).code, 127);
});
