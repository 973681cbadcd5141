import { test } from 'node:test';
import assert from 'node:assert/strict';
import { resolveGpuNames, closestGpuNames } from '../../src/core/offers/gpu-names.js';
import { compileOfferFilter, serverQuery } from '../../src/core/offers/offer-filter.js';
import { defaultOfferQuery } from '../../src/core/vast/offer-query.js';
import { startSimulator } from '../../src/sim/index.js';
import { VastClient } from '../../src/core/vast/client.js';

const KNOWN = ['RTX 4090', 'RTX 4080', 'RTX 3090', 'H100 SXM', 'H100 PCIE', 'RTX A5000'];

test('gpu_name=RTX 4090 (a space) and gpu_name=rtx_4090 mean RTX 4090, as on Vast', () => {
  assert.deepEqual(resolveGpuNames('gpu_name=RTX 4090', KNOWN), { ok: true, text: 'gpu_name=RTX_4090' });
  assert.deepEqual(resolveGpuNames('gpu_name=rtx_4090 num_gpus>=2', KNOWN), {
    ok: true,
    text: 'gpu_name=RTX_4090 num_gpus>=2',
  });
  assert.deepEqual(resolveGpuNames('num_gpus>=2 gpu_name=h100 sxm US', KNOWN), {
    ok: true,
    text: 'num_gpus>=2 gpu_name=H100_SXM US',
  });
  assert.deepEqual(resolveGpuNames('gpu_name in [rtx_4090,RTX_3090]', KNOWN), {
    ok: true,
    text: 'gpu_name in [RTX_4090,RTX_3090]',
  });
  assert.deepEqual(resolveGpuNames('gpu_name=any', KNOWN), { ok: true, text: 'gpu_name=any' });
  const q = serverQuery((resolveGpuNames('gpu_name=RTX 4090', KNOWN) as { text: string }).text, defaultOfferQuery());
  assert.deepEqual(q.filters.gpu_name, { eq: 'RTX 4090' });
});

test('an unknown GPU name is reported with the closest names', () => {
  const r = resolveGpuNames('gpu_name=RTX_4900', KNOWN);
  assert.equal(r.ok, false);
  assert.match((r as { error: string }).error, /^no GPU named "RTX 4900" on Vast; closest: .*RTX 4090/);
  assert.deepEqual(closestGpuNames('h100', KNOWN).sort(), ['H100 PCIE', 'H100 SXM']);
  assert.equal(resolveGpuNames('gpu_name in [RTX_4090,B300]', KNOWN).ok, false);
});

test('against the simulator: the resolved query finds RTX 4090 offers that the raw one missed', async () => {
  const sim = await startSimulator({ seed: 3, rateLimit: false, scenario: { market: { size: 600 } } });
  try {
    const api = new VastClient({ apiKey: sim.apiKey, baseUrl: sim.url });
    const known = await api.gpuNames();
    const typed = 'gpu_name=RTX 4090';
    const raw = await api.searchOffers(serverQuery(typed, defaultOfferQuery()));
    assert.equal(raw.length, 0, 'the words after the first are not part of the name without resolving');
    const fixed = resolveGpuNames(typed, known);
    assert.ok(fixed.ok);
    const found = await api.searchOffers(serverQuery(fixed.text, defaultOfferQuery()));
    assert.ok(found.length > 0 && found.every((o) => o.gpuName === 'RTX 4090'));
    const c = compileOfferFilter(fixed.text);
    assert.ok(c.ok && found.every((o) => c.test(o)));
  } finally {
    await sim.close();
  }
});
