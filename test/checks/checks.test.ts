import { test } from 'node:test';
import assert from 'node:assert/strict';
import { checkOffers, checkCells, formatHours } from '../../src/core/checks/check.js';
import { imageCuda, minCudaForCompute } from '../../src/core/checks/cuda.js';
import { offerTraps } from '../../src/core/checks/traps.js';
import { parseProfiles } from '../../src/core/profiles/load.js';
import { PROFILES_YAML } from '../profiles/fixtures.js';
import { offer } from './offer-fixture.js';

const profiles = parseProfiles(PROFILES_YAML, 'p.yaml');
const gpt2 = profiles.gpt2!;

function codes(o: Parameters<typeof offer>[0]) {
  const [r] = checkOffers([offer(o)], gpt2);
  return { verdict: r!.verdict, codes: r!.reasons.map((x) => `${x.level}:${x.code}`), r: r! };
}

test('a healthy offer fits, with a measured estimate', () => {
  const { verdict, r } = codes({});
  assert.equal(verdict, 'fits', r.summary);
  assert.equal(r.estimate?.basis, 'measured');
  // 100000 steps at 1000 steps/h on one GPU: 100 h base, 133 h pessimistic; price = 0.22 + 0.1·80/720.
  assert.equal(Math.round(r.estimate!.hours.base), 100);
  assert.equal(Math.round(r.estimate!.hours.pessimistic), 133);
  assert.ok(Math.abs(r.estimate!.dph - (0.22 + (0.1 * 80) / 720)) < 1e-9);
  assert.ok(
    r.estimate!.cost.optimistic <= r.estimate!.cost.base && r.estimate!.cost.base < r.estimate!.cost.pessimistic,
  );
});

test('RAM below the job need fails with the numbers in the reason', () => {
  const { verdict, r } = codes({ cpuRamGb: 32 });
  assert.equal(verdict, 'fails');
  assert.equal(r.reasons[0]!.code, 'ram');
  assert.match(r.summary, /RAM 32<48G/);
});

test('a value just under the need never reads as reaching it ("47.6<48G", not "48<48G")', () => {
  assert.match(codes({ cpuRamGb: 47.6 }).r.summary, /RAM 47\.6<48G/);
  assert.match(codes({ cpuRamGb: 47.96 }).r.summary, /RAM 47\.9<48G/);
  assert.match(codes({ cpuRamGb: 47.999 }).r.reasons[0]!.message, /^47\.9 GB system RAM, the job needs 48 GB/);
  assert.match(codes({ cpuRamGb: 20.4 }).r.summary, /RAM 20<48G/, 'far below: rounded as before');
});

test('disk below model + checkpoints and the profile disk fails', () => {
  const { codes: c, r } = codes({ diskGb: 50 });
  assert.ok(c.includes('fail:disk'));
  assert.match(r.reasons.find((x) => x.code === 'disk')!.message, /needs 80 GB \(model 20 \+ checkpoints 40/);
});

test('inet below the profile minimum fails; 1.4 Mbps says how long an image takes', () => {
  const { codes: c, r } = codes({ inetDownMbps: 1.4 });
  assert.ok(c.includes('fail:inet'));
  assert.match(r.summary, /inet 1\.4<100Mbps/);
  const trap = offerTraps(offer({ inetDownMbps: 1.4 }));
  assert.equal(trap[0]!.level, 'fail');
  assert.match(trap[0]!.message, /10 GB image takes ~16 h/);
});

test('an excluded GPU fails', () => {
  assert.ok(codes({ gpuName: 'RTX 3060', gpuRamGb: 24 }).codes.includes('fail:gpu_excluded'));
});

test('RTX 5090 (compute 12.0) fails for an image built with CUDA 12.4, fits for one built with 12.8', () => {
  const b = { gpuName: 'RTX 5090', computeCap: 12.0, gpuRamGb: 32.6, cudaMaxGood: 12.8 };
  const { codes: c, r } = codes(b);
  assert.ok(c.includes('fail:gpu_unsupported'), c.join());
  assert.match(r.reasons.find((x) => x.code === 'gpu_unsupported')!.message, /CUDA ≥ 12\.8; .* built with 12\.4/);
  const newer = { ...gpt2, image: 'pytorch/pytorch:2.7.0-cuda12.8-cudnn9-devel' };
  const [ok] = checkOffers([offer(b)], newer);
  assert.equal(ok!.reasons.filter((x) => x.level === 'fail').length, 0, ok!.summary);
});

test('a driver CUDA older than the image fails', () => {
  const { codes: c, r } = codes({ cudaMaxGood: 12.2 });
  assert.ok(c.includes('fail:cuda'));
  assert.match(r.summary, /CUDA 12\.2<12\.4/);
});

test('reliability below the profile minimum fails; below 0.9 without a profile warns', () => {
  assert.ok(codes({ reliability: 0.93 }).codes.includes('fail:reliability'));
  const [t] = checkOffers([offer({ reliability: 0.85 })]);
  assert.equal(t!.verdict, 'warns');
  assert.equal(t!.estimate, null);
});

test('general traps without a profile: 32 GB RAM behind 4 big GPUs, tiny disk, old CUDA', () => {
  const big = offer({ numGpus: 4, gpuTotalRamGb: 98.4, cpuRamGb: 32 });
  assert.deepEqual(
    offerTraps(big).map((r) => r.code),
    ['ram'],
  );
  assert.match(offerTraps(big)[0]!.message, /only 32 GB system RAM behind 4 GPUs/);
  assert.deepEqual(
    offerTraps(offer({ diskGb: 10 })).map((r) => r.code),
    ['disk'],
  );
  assert.deepEqual(
    offerTraps(offer({ cudaMaxGood: 11.4 })).map((r) => r.code),
    ['cuda'],
  );
  // A 5090 whose driver reports CUDA 12.4 cannot run the GPU at all.
  assert.equal(offerTraps(offer({ gpuName: 'RTX 5090', computeCap: 12, cudaMaxGood: 12.4 }))[0]!.level, 'fail');
  assert.deepEqual(offerTraps(offer()), []);
});

test('an unmeasured GPU type is estimated by DLPerf scaling from a measured one, and says so', () => {
  const list = [
    offer({ id: 1, dlperf: 22 }),
    offer({ id: 2, gpuName: 'RTX 4090', computeCap: 8.9, dlperf: 44, dphBase: 0.4 }),
  ];
  const [a, b] = checkOffers(list, gpt2);
  assert.equal(a!.estimate!.basis, 'measured');
  assert.equal(b!.estimate!.basis, 'dlperf');
  assert.match(b!.estimate!.note, /scaled by DLPerf from RTX 3090/);
  // Twice the DLPerf: twice the rate, so half the hours of the measured GPU in the base case.
  assert.equal(Math.round(b!.estimate!.hours.base), 50);
  assert.ok(
    b!.estimate!.hours.pessimistic / b!.estimate!.hours.base > a!.estimate!.hours.pessimistic / a!.estimate!.hours.base,
    'wider band',
  );
  // No measured offer in the list: no basis to scale from, so no estimate.
  assert.equal(checkOffers([list[1]!], gpt2)[0]!.estimate, null);
});

test('multi-GPU offers scale the measured rate with an efficiency loss in the base case', () => {
  const [r] = checkOffers([offer({ numGpus: 4, gpuTotalRamGb: 98.4, cpuRamGb: 128, dlperf: 88 })], gpt2);
  assert.equal(Math.round(r!.estimate!.stepsPerHour.optimistic), 4000);
  assert.equal(Math.round(r!.estimate!.stepsPerHour.base), 3600);
});

test('cells for a table', () => {
  const [r] = checkOffers([offer({ cpuRamGb: 32 })], gpt2);
  const c = checkCells(r!);
  assert.equal(c.fit, '✗');
  assert.match(c.why, /^RAM 32<48G/);
  assert.match(c.eta, /^4\.2d \(/);
  assert.equal(formatHours(0.5), '30m');
});

test('image CUDA is read from common tags', () => {
  assert.equal(imageCuda('pytorch/pytorch:2.5.1-cuda12.4-cudnn9-devel'), 12.4);
  assert.equal(imageCuda('vastai/pytorch:2.6.0-cu126-py312'), 12.6);
  assert.equal(imageCuda('nvidia/cuda:12.8.1-devel-ubuntu24.04'), 12.8);
  assert.equal(imageCuda('ubuntu:22.04'), null);
  assert.equal(minCudaForCompute(12.0), 12.8);
  assert.equal(minCudaForCompute(8.6), 11.1);
});
