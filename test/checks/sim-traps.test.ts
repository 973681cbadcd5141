/** The checks on the simulator's market, whose trap hosts mirror the real ones operators keep hitting. */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startSimulator, type SimHandle } from '../../src/sim/index.js';
import { VastClient } from '../../src/core/vast/client.js';
import { checkOffers } from '../../src/core/checks/check.js';
import { parseProfiles } from '../../src/core/profiles/load.js';
import type { Offer } from '../../src/core/vast/types.js';
import type { CheckResult } from '../../src/core/checks/types.js';
import { PROFILES_YAML } from '../profiles/fixtures.js';

let sim: SimHandle;
let offers: Offer[];
let results: CheckResult[];

before(async () => {
  sim = await startSimulator({ seed: 3, rateLimit: false, scenario: { market: { size: 3000 } } });
  const client = new VastClient({ apiKey: sim.apiKey, baseUrl: sim.url });
  offers = await client.searchOffers({
    filters: {},
    order: [['score', 'desc']],
    type: 'on-demand',
    limit: 3000,
    allocatedStorageGb: 5,
  });
  results = checkOffers(offers);
});
after(async () => sim?.close());

function flagged(pred: (o: Offer) => boolean, code: string | string[], level?: 'warn' | 'fail'): number {
  const codes = Array.isArray(code) ? code : [code];
  const hits = offers.map((o, i) => [o, results[i]!] as const).filter(([o]) => pred(o));
  for (const [o, r] of hits) {
    const reason = r.reasons.find((x) => codes.includes(x.code));
    assert.ok(reason, `offer ${o.id} not flagged ${code}: ${r.summary}`);
    if (level) assert.equal(reason.level, level, `offer ${o.id}`);
  }
  return hits.length;
}

test('1–2 Mbps hosts fail on internet', () => {
  assert.ok(flagged((o) => o.inetDownMbps <= 2, 'inet', 'fail') > 0, 'the market has slow-link traps');
});

test('32 GB RAM behind 4 big GPUs is flagged', () => {
  assert.ok(flagged((o) => o.numGpus === 4 && o.gpuRamGb >= 40 && o.cpuRamGb < 40, 'ram') > 0);
});

// An old driver under a GPU it cannot serve (11.4 for an sm_89 card) is the stronger gpu_unsupported failure.
test('tiny disks, low reliability and old CUDA drivers are flagged', () => {
  assert.ok(flagged((o) => o.diskGb < 20, 'disk') > 0);
  assert.ok(flagged((o) => o.reliability < 0.9, 'reliability') > 0);
  assert.ok(flagged((o) => o.cudaMaxGood !== null && o.cudaMaxGood < 12, ['cuda', 'gpu_unsupported']) > 0);
});

test('healthy hosts are mostly clean, and no offer fails without a reason', () => {
  const fits = results.filter((r) => r.verdict === 'fits').length;
  assert.ok(fits > offers.length / 2, `${fits} of ${offers.length} fit`);
  for (const r of results) if (r.verdict !== 'fits') assert.ok(r.reasons.length > 0 && r.summary.length > 0);
});

test('RTX 5090 offers fail for a CUDA 12.4 image and not for a CUDA 12.8 one', () => {
  const p = parseProfiles(PROFILES_YAML, 'p.yaml').gpt2!;
  const b5090 = offers.filter((o) => o.gpuName === 'RTX 5090');
  assert.ok(b5090.length > 0);
  for (const r of checkOffers(b5090, p))
    assert.ok(
      r.reasons.some((x) => x.code === 'gpu_unsupported' && x.level === 'fail'),
      r.summary,
    );
  const newer = { ...p, image: 'pytorch/pytorch:2.7.0-cuda12.8-cudnn9-devel' };
  for (const r of checkOffers(b5090, newer))
    assert.ok(!r.reasons.some((x) => x.code === 'gpu_unsupported' && x.level === 'fail'), r.summary);
});
