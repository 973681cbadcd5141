/** The post-boot comparison on the real host fixtures (test/fixtures/gpu-host): an H100 80GB HBM3 host. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { compareHost, gpuNameMatches, parseCudaSmoke } from '../../src/core/ops/postboot.js';
import { parseNvidiaSmiCsv } from '../../src/core/host/nvidia-smi.js';
import { splitSections } from '../../src/core/host/probe.js';
import { parseDf } from '../../src/core/host/system.js';
import type { HostFacts } from '../../src/core/host/probe.js';
import { offer } from '../checks/offer-fixture.js';

const dir = new URL('../fixtures/gpu-host/', import.meta.url);
const csv = readFileSync(new URL('nvidia-smi-query-idle.csv', dir), 'utf8').split('\n');
const sections = splitSections(readFileSync(new URL('host-facts.txt', dir), 'utf8'));
/** The fixture host: one H100 (headerless row), driver 580.159.04, a 270 GB disk with 68.7 GB free. */
const facts: HostFacts = { gpus: parseNvidiaSmiCsv(csv[2]!), disks: parseDf(sections.get('df -B1 /')!) };
const h100 = offer({ gpuName: 'H100 SXM', numGpus: 1, gpuRamGb: 81.559, driverVersion: '580.159.04' });
const profile = { diskGb: 200, needs: { modelGb: 20, checkpointsGb: 40 } };
const cudaOk = { state: 'ok' as const, gpus: 1 };

test('the fixture host is what an H100 SXM offer with a 200 GB disk promised', () => {
  assert.equal(facts.gpus.length, 1);
  assert.deepEqual(compareHost(facts, cudaOk, h100, profile), []);
});

test('every lie is named: model, count, VRAM, driver, disk, CUDA', () => {
  const what = (o: Parameters<typeof compareHost>[2], p = profile, c: Parameters<typeof compareHost>[1] = cudaOk) =>
    compareHost(facts, c, o, p).map((m) => `${m.what}: ${m.message}`);
  assert.deepEqual(what({ ...h100, gpuName: 'RTX 4090', gpuRamGb: 24.5 }), [
    'gpu_model: GPU 0 is NVIDIA H100 80GB HBM3, the offer said RTX 4090',
  ]);
  assert.deepEqual(
    what({ ...h100, gpuName: 'H100 PCIE' }),
    [],
    'nvidia-smi does not name the SXM form factor: no mismatch',
  );
  assert.deepEqual(what({ ...h100, numGpus: 4 }, profile, { state: 'ok', gpus: 1 }), [
    'gpu_count: nvidia-smi lists 1 GPU, the offer has 4',
    'cuda: torch sees 1 CUDA device, the offer has 4',
  ]);
  assert.deepEqual(
    what({ ...h100, gpuName: 'H200', gpuRamGb: 143.7 }).map((s) => s.split(':')[0]),
    ['gpu_model', 'vram'],
  );
  assert.deepEqual(what({ ...h100, driverVersion: '535.104.05' }), [
    'driver: driver 580.159.04, the offer said 535.104.05',
  ]);
  assert.deepEqual(what(h100, { diskGb: 500, needs: { modelGb: 0, checkpointsGb: 0 } }), [
    'disk: disk is 271 GB, 500 GB was paid for',
  ]);
  assert.deepEqual(what(h100, { diskGb: 200, needs: { modelGb: 50, checkpointsGb: 40 } }), [
    'disk: 68.7 GB free on disk, the profile needs 90 GB (model + checkpoints)',
  ]);
  assert.deepEqual(
    what(h100, profile, { state: 'failed', detail: 'torch.AcceleratorError: CUDA error: unspecified launch failure' }),
    ['cuda: CUDA smoke test failed: torch.AcceleratorError: CUDA error: unspecified launch failure'],
  );
  assert.deepEqual(
    compareHost(
      {
        gpus: [],
        disks: facts.disks,
        gpuError: "NVIDIA-SMI has failed because it couldn't communicate with the NVIDIA driver.",
      },
      { state: 'failed', detail: 'x' },
      h100,
      profile,
    ).map((m) => m.what),
    ['probe', 'cuda'],
  );
});

test('GPU names: Vast spelling against nvidia-smi spelling', () => {
  const yes: Array<[string, string]> = [
    ['RTX 3090', 'NVIDIA GeForce RTX 3090'],
    ['H100 SXM', 'NVIDIA H100 80GB HBM3'],
    ['H100 PCIE', 'NVIDIA H100 PCIe'],
    ['A100 SXM4', 'NVIDIA A100-SXM4-80GB'],
    ['RTX 6000Ada', 'NVIDIA RTX 6000 Ada Generation'],
    ['Tesla V100', 'Tesla V100-SXM2-16GB'],
    ['RTX_3060', 'NVIDIA GeForce RTX 3060'],
  ];
  const no: Array<[string, string]> = [
    ['RTX 3090', 'NVIDIA GeForce RTX 3080'],
    ['H100 SXM', 'NVIDIA H100 PCIe'],
    ['A100 PCIE', 'NVIDIA A100-SXM4-40GB'],
    ['RTX 4090', 'NVIDIA RTX A4000'],
  ];
  for (const [o, s] of yes) assert.ok(gpuNameMatches(o, s), `${o} ~ ${s}`);
  for (const [o, s] of no) assert.ok(!gpuNameMatches(o, s), `${o} !~ ${s}`);
});

test('the CUDA smoke test: ok, skipped without python3 or torch, failed otherwise', () => {
  assert.deepEqual(parseCudaSmoke({ stdout: 'vastdeck-cuda: ok 4\n', stderr: '', code: 0 }), { state: 'ok', gpus: 4 });
  assert.equal(parseCudaSmoke({ stdout: 'vastdeck-cuda: no-torch\n', stderr: '', code: 0 }).state, 'skipped');
  assert.equal(
    parseCudaSmoke({ stdout: '', stderr: 'bash: python3: command not found\n', code: 127 }).state,
    'skipped',
  );
  const f = parseCudaSmoke({
    stdout: '',
    stderr:
      'Traceback (most recent call last):\n  File "<string>", line 9\nRuntimeError: CUDA error: no kernel image is available\n',
    code: 1,
  });
  assert.deepEqual(f, { state: 'failed', detail: 'RuntimeError: CUDA error: no kernel image is available' });
});
