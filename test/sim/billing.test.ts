import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { SimHandle } from '../../src/sim/index.js';
import { call, qs, quietSim, rentOne, show } from './helpers.js';

let sim: SimHandle;
const credit = async () => (await call(sim, 'GET', '/api/v0/users/current')).json.credit as number;

before(async () => {
  sim = await quietSim({ seed: 3, scenario: { market: { size: 3000 }, balance: 500 } });
});
after(() => sim.close());

describe('billing', () => {
  test('users/current has credit, balance and an api_key field', async () => {
    const r = await call(sim, 'GET', '/api/v0/users/current');
    assert.equal(r.status, 200);
    assert.equal(r.json.credit, 500);
    assert.ok('balance' in r.json && 'api_key' in r.json && 'email' in r.json);
  });

  test('running bills dph_total per hour; stopped bills storage only', async () => {
    const { id } = await rentOne(sim, { disk: 50 });
    sim.advance(10 * 60_000); // well past loading
    const row = await show(sim, id);
    assert.equal(row.actual_status, 'running');
    const c0 = await credit();
    sim.advance(3_600_000);
    const c1 = await credit();
    assert.ok(Math.abs(c0 - c1 - row.dph_total) < 0.01, `spent ${c0 - c1}, dph_total ${row.dph_total}`);
    await call(sim, 'PUT', `/api/v0/instances/${id}/`, { state: 'stopped' });
    const c2 = await credit();
    sim.advance(3_600_000);
    const c3 = await credit();
    const storage = (row.storage_cost * 50) / 720;
    assert.ok(Math.abs(c2 - c3 - storage) < 0.005, `stopped spent ${c2 - c3}, storage ${storage}`);
    assert.ok(storage < row.dph_total / 5);
    await call(sim, 'DELETE', `/api/v0/instances/${id}/`, {});
    const c4 = await credit();
    sim.advance(3_600_000);
    assert.ok(Math.abs((await credit()) - c4) < 1e-6, 'destroyed instances cost nothing');
  });

  test('charges: day range required; results with gpu and disk items', async () => {
    const bad = await call(sim, 'GET', '/api/v0/charges/?limit=20');
    assert.equal(bad.status, 400);
    const now = Math.floor(Date.now() / 1000) + 10 * 86400;
    const r = await call(
      sim,
      'GET',
      '/api/v0/charges/?' +
        qs({
          select_filters: { day: { gte: now - 30 * 86400, lte: now } },
          latest_first: 'false',
          limit: 20,
          format: 'table',
        }),
    );
    assert.equal(r.status, 200);
    assert.equal(r.json.success, true);
    assert.ok(r.json.results.length > 0);
    const res = r.json.results[0];
    assert.match(res.source, /^instance-\d+$/);
    const types = res.items.map((i: any) => i.type);
    assert.ok(types.includes('gpu') && types.includes('disk'));
    const sum = res.items.reduce((s: number, i: any) => s + i.amount, 0);
    assert.ok(Math.abs(sum - res.amount) < 0.002);
    const none = await call(sim, 'GET', `/api/v0/charges/?${qs({ select_filters: { day: { gte: 0, lte: 86400 } } })}`);
    assert.equal(none.json.results.length, 0);
  });

  test('running out of credit stops running instances', async () => {
    const poor = await quietSim({ seed: 5, scenario: { market: { size: 3000 }, balance: 2 } });
    try {
      const { id } = await rentOne(poor, {}, { dph_total: { gte: 0.5 } });
      poor.advance(48 * 3_600_000);
      const row = await show(poor, id);
      assert.equal(row.actual_status, 'stopped');
      assert.match(row.status_msg, /credit/);
      const user = (await call(poor, 'GET', '/api/v0/users/current')).json;
      assert.ok(user.credit < 0 && user.balance > 0);
    } finally {
      await poor.close();
    }
  });
});
