import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { startSimulator, type SimHandle } from '../../src/sim/index.js';
import { call } from './helpers.js';

let sim: SimHandle;
const search = async (body: Record<string, unknown>) => {
  const r = await call(sim, 'POST', '/api/v0/bundles/', body);
  assert.equal(r.status, 200, r.text);
  return r.json.offers as any[];
};

before(async () => {
  sim = await startSimulator({ rateLimit: false, seed: 7 });
});
after(() => sim.close());

describe('market', () => {
  test('has thousands of offers over many GPU types, with exact JSON content type', async () => {
    const r = await call(sim, 'POST', '/api/v0/bundles/', { limit: 10000 });
    assert.equal(r.type, 'application/json');
    const offers = r.json.offers as any[];
    assert.equal(offers.length, 10000);
    assert.equal(new Set(offers.map((o) => o.id)).size, 10000);
    const names = new Set(offers.map((o) => o.gpu_name));
    assert.ok(names.size >= 15, `only ${names.size} GPU types`);
    for (const g of [
      'RTX 3090',
      'RTX 4090',
      'RTX 5090',
      'A100 PCIE',
      'A100 SXM4',
      'H100 PCIE',
      'H100 SXM',
      'L40S',
      'RTX A6000',
      'RTX A5000',
      'A40',
      'Tesla V100',
      'Tesla T4',
      'RTX 3080',
      'RTX 4080',
    ]) {
      assert.ok(names.has(g), `missing ${g}`);
    }
  });

  test('gpu_names/unique lists the market GPU names without auth', async () => {
    const r = await call(sim, 'GET', '/api/v0/gpu_names/unique/', undefined, null);
    assert.equal(r.status, 200);
    assert.equal(r.type, 'application/json');
    assert.ok(r.json.gpu_names.includes('H100 SXM'));
  });

  test('rows carry wire units', async () => {
    const offers = await search({ gpu_name: { eq: 'RTX 4090' }, limit: 50 });
    assert.ok(offers.length > 0);
    for (const o of offers) {
      assert.equal(o.gpu_ram, 24564); // MB per GPU
      assert.equal(o.gpu_total_ram, 24564 * o.num_gpus);
      assert.equal(o.compute_cap, 890);
      assert.ok(o.reliability > 0 && o.reliability <= 1 && o.reliability2 === o.reliability);
      assert.ok(o.duration > 86400, 'duration is seconds');
      assert.ok(o.cpu_ram > 8000, 'cpu_ram is MB');
      assert.equal(typeof o.start_date, 'number');
      for (const f of [
        'dph_total',
        'inet_down',
        'inet_up',
        'disk_space',
        'cuda_max_good',
        'dlperf',
        'score',
        'geolocation',
        'min_bid',
      ])
        assert.ok(f in o, f);
    }
  });

  test('trap hosts exist', async () => {
    const all = await search({ limit: 10000 });
    assert.ok(
      all.some((o) => o.inet_down <= 2 && o.inet_up <= 2),
      'slow internet',
    );
    assert.ok(
      all.some((o) => o.num_gpus === 4 && o.gpu_ram >= 40000 && o.cpu_ram <= 33000),
      '32 GB RAM behind 4 big GPUs',
    );
    assert.ok(
      all.some((o) => o.disk_space < 20),
      'tiny disk',
    );
    assert.ok(
      all.some((o) => o.gpu_name === 'RTX 5090' && o.compute_cap === 1200),
      'sm_120',
    );
    assert.ok(
      all.some((o) => o.reliability < 0.9),
      'low reliability',
    );
    assert.ok(
      all.some((o) => o.cuda_max_good < 12),
      'old CUDA',
    );
  });

  test('every operator, with numbers sent as JSON strings', async () => {
    const r1 = await search({ num_gpus: { gte: '4', lte: '4' }, limit: 200 });
    assert.ok(r1.length > 0 && r1.every((o) => o.num_gpus === 4));
    const r2 = await search({ num_gpus: { gt: '2', lt: 8 }, limit: 200 });
    assert.ok(r2.length > 0 && r2.every((o) => o.num_gpus > 2 && o.num_gpus < 8));
    const r3 = await search({ gpu_name: { neq: 'RTX 4090' }, limit: 500 });
    assert.ok(r3.length > 0 && r3.every((o) => o.gpu_name !== 'RTX 4090'));
    const r4 = await search({ gpu_name: { in: ['RTX 3090', 'RTX 4090'] }, limit: 500 });
    assert.deepEqual(new Set(r4.map((o) => o.gpu_name)), new Set(['RTX 3090', 'RTX 4090']));
    const r5 = await search({ gpu_name: { notin: ['RTX 3090', 'RTX 4090'] }, limit: 500 });
    assert.ok(r5.every((o) => o.gpu_name !== 'RTX 3090' && o.gpu_name !== 'RTX 4090'));
    const r6 = await search({
      verified: { eq: true },
      reliability: { gt: '0.98' },
      gpu_ram: { gte: 20000.0 },
      limit: 300,
    });
    assert.ok(
      r6.length > 0 && r6.every((o) => o.verification === 'verified' && o.reliability > 0.98 && o.gpu_ram >= 20000),
    );
    const r7 = await search({ geolocation: { in: ['US', 'CA'] }, limit: 300 });
    assert.ok(r7.length > 0 && r7.every((o) => /, (US|CA)$/.test(o.geolocation)));
    const r8 = await search({ duration: { gte: 7 * 86400 }, cuda_max_good: { gte: '12.1' }, limit: 300 });
    assert.ok(r8.every((o) => o.duration >= 604800 && o.cuda_max_good >= 12.1));
  });

  test('order and limit', async () => {
    const asc = await search({ order: [['dph_total', 'asc']], limit: 100 });
    assert.equal(asc.length, 100);
    for (let i = 1; i < asc.length; i++) assert.ok(asc[i].dph_total >= asc[i - 1].dph_total);
    const multi = await search({
      order: [
        ['num_gpus', 'desc'],
        ['dph_total', 'asc'],
      ],
      limit: 300,
    });
    for (let i = 1; i < multi.length; i++) {
      const a = multi[i - 1];
      const b = multi[i];
      assert.ok(a.num_gpus > b.num_gpus || (a.num_gpus === b.num_gpus && a.dph_total <= b.dph_total));
    }
    const dflt = await search({});
    assert.equal(dflt.length, 64);
    for (let i = 1; i < dflt.length; i++) assert.ok(dflt[i].score <= dflt[i - 1].score);
  });

  test('allocated_storage prices storage into dph_total', async () => {
    const [a] = await search({ order: [['id', 'asc']], limit: 1, allocated_storage: 5 });
    const [b] = await search({ id: { eq: a.id }, allocated_storage: 200 });
    assert.equal(b.id, a.id);
    const expected = b.dph_base + (b.storage_cost * 200) / 720;
    assert.ok(Math.abs(b.dph_total - expected) < 1e-3, `${b.dph_total} vs ${expected}`);
    assert.ok(Math.abs(b.storage_total_cost - (b.storage_cost * 200) / 720) < 1e-3);
    assert.ok(b.dph_total > a.dph_total);
    const [cheap] = await search({ id: { eq: a.id }, dph_total: { lte: a.dph_total + 0.0001 }, allocated_storage: 5 });
    assert.equal(cheap?.id, a.id);
  });

  test('type bid prices at min_bid; reserved shows a discount', async () => {
    const [od] = await search({ order: [['id', 'asc']], limit: 1 });
    const [bid] = await search({ id: { eq: od.id }, type: 'bid' });
    assert.equal(bid.is_bid, true);
    assert.ok(Math.abs(bid.dph_total - (bid.min_bid + bid.storage_total_cost)) < 1e-3);
    assert.ok(bid.dph_total < od.dph_total);
    const res = await search({ type: 'reserved', limit: 50 });
    assert.ok(res.length > 0 && res.every((o) => o.discounted_dph_total < o.dph_total));
  });

  test('bad search bodies are 400 invalid_args', async () => {
    const r = await call(sim, 'POST', '/api/v0/bundles/', { num_gpus: { between: 3 } });
    assert.equal(r.status, 400);
    assert.equal(r.json.error, 'invalid_args');
    const r2 = await call(sim, 'POST', '/api/v0/bundles/', { order: 'dph_total' });
    assert.equal(r2.status, 400);
  });

  test('the same seed gives the same market, another seed a different one', async () => {
    const other = await startSimulator({ rateLimit: false, seed: 8, scenario: { market: { size: 12000 } } });
    const same = await startSimulator({ rateLimit: false, seed: 7 });
    try {
      const a = await search({ limit: 20 });
      const b = (await call(same, 'POST', '/api/v0/bundles/', { limit: 20 })).json.offers;
      const c = (await call(other, 'POST', '/api/v0/bundles/', { limit: 20 })).json.offers;
      assert.deepEqual(
        b.map((o: any) => [o.id, o.gpu_name, o.dph_total]),
        a.map((o) => [o.id, o.gpu_name, o.dph_total]),
      );
      assert.notDeepEqual(
        c.map((o: any) => [o.id, o.dph_total]),
        a.map((o) => [o.id, o.dph_total]),
      );
    } finally {
      await other.close();
      await same.close();
    }
  });
});
