/** Cost against the simulator's own billing: what vastdeck computes must agree with what the simulator charged. */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { startSimulator, type SimHandle } from '../../src/sim/index.js';
import { VastClient } from '../../src/core/vast/client.js';
import { fleetBurn } from '../../src/core/fleet/burn.js';
import { collectCost } from '../../src/core/cost/collect.js';
import type { Health } from '../../src/core/fleet/health.js';
import { callJson, rentOn } from '../sim/helpers.js';

const H = 3_600_000;
let sim: SimHandle;
let api: VastClient;

const call = (method: string, path: string, body?: unknown) => callJson(sim, method, path, body);

/** Rents the cheapest verified offer with room for `disk` GB; returns the instance id. */
const rent = (label: string, disk: number) =>
  rentOn(sim, label, disk, {
    verified: { eq: true },
    disk_space: { gte: disk + 10 },
    num_gpus: { eq: 1 },
    limit: 1,
    order: [['dph_total', 'asc']],
  });

const credit = async () => (await call('GET', '/api/v0/users/current')).credit as number;
const simNow = async () => (await call('GET', '/_sim/clock')).now * 1000;

before(async () => {
  sim = await startSimulator({ rateLimit: false, seed: 11, scenario: { market: { size: 2000 }, balance: 1000 } });
  api = new VastClient({ apiKey: sim.apiKey, baseUrl: sim.url, sleep: async () => {}, logPollIntervalMs: 1 });
});
after(() => sim.close());

describe('cost against the simulator', () => {
  let a: number;
  let b: number;
  let credit0: number;

  test('burn rate is what the simulator then charges per hour', async () => {
    credit0 = await credit();
    a = await rent('cost-a', 40);
    b = await rent('cost-b', 80);
    sim.advance(10 * 60_000); // past provisioning and loading
    const insts = (await api.listInstances()).filter((i) => i.id === a || i.id === b);
    assert.deepEqual(
      insts.map((i) => i.status),
      ['running', 'running'],
    );
    const burn = fleetBurn(insts, null);
    const c0 = await credit();
    sim.advance(2 * H);
    const c1 = await credit();
    assert.ok(Math.abs(c0 - c1 - burn.perHour * 2) < 0.002, `charged ${c0 - c1}, burn ${burn.perHour}/hr`);
  });

  test('spent per instance and in total match the credit the simulator took; no mismatch flagged', async () => {
    sim.advance(H);
    const report = await collectCost(api, { sinceMs: 7 * 86_400_000, fleet: 'cost-' });
    const charged = credit0 - (await credit());
    assert.ok(Math.abs(report.spent.total - charged) < 0.005, `report ${report.spent.total}, sim charged ${charged}`);
    assert.deepEqual(report.spent.bySource.map((r) => r.instanceId).sort(), [a, b].sort());
    assert.equal(report.mismatches.length, 0, JSON.stringify(report.spent.bySource));
    for (const row of report.spent.bySource) {
      assert.ok(row.expected && row.spent <= row.expected.high * 1.001 && row.spent >= row.expected.low * 0.9);
    }
    assert.equal(report.credit, await credit());
    // The hourly burn over the last day adds up to the day's spend (the cost panel's sparkline).
    assert.equal(report.spent.hourly.length, 24);
    assert.ok(Math.abs(report.spent.hourly.reduce((x, y) => x + y, 0) - report.spent.last24h) < 0.001);
    assert.ok(report.spent.hourly.at(-1)! > 0, 'the last hour burned');
    assert.ok(report.generatedAt >= (await simNow()) - 60_000, 'report time follows the simulator clock');
    assert.ok(Math.abs(report.burn.runwayHours! - report.credit! / report.accountBurn.perHour) < 1e-6);
  });

  test('a stopped instance burns storage only, and is charged storage only', async () => {
    await api.stopInstance(b);
    const [before] = (await collectCost(api, { sinceMs: 86_400_000, fleet: 'cost-b' })).spent.bySource;
    const inst = await api.showInstance(b);
    assert.equal(inst.status, 'stopped');
    const report = await collectCost(api, { sinceMs: 86_400_000, fleet: 'cost-b' });
    assert.equal(report.burn.perHour, inst.storageDph);
    assert.ok(
      inst.storageDph > 0 && inst.storageDph < inst.dphTotal,
      `storage ${inst.storageDph}, total ${inst.dphTotal}`,
    );
    sim.advance(3 * H);
    const [afterRow] = (await collectCost(api, { sinceMs: 86_400_000, fleet: 'cost-b' })).spent.bySource;
    const delta = afterRow!.spent - before!.spent;
    assert.ok(
      Math.abs(delta - inst.storageDph * 3) < 0.003,
      `stopped 3 h cost ${delta}, storage ${inst.storageDph}/hr`,
    );
    assert.equal(afterRow!.mismatch, false, 'ran, then stopped: within storage-only..full price');
    assert.equal(afterRow!.burnPerHour, inst.storageDph);
  });

  test('a destroyed instance still counts in the fleet spend, marked gone; budget breaches and projections', async () => {
    await api.destroyInstance(b);
    const health = async (): Promise<Health> => ({ state: 'training', step: 1200, total: 6000, rate: 2 });
    const report = await collectCost(api, {
      sinceMs: 7 * 86_400_000,
      fleet: 'cost-',
      budget: { maxFleetDph: 0.01, minBalance: 5000 },
      healthOf: health,
    });
    const gone = report.spent.bySource.find((r) => r.instanceId === b)!;
    assert.equal(gone.status, 'gone');
    assert.equal(gone.label, 'cost-b');
    assert.equal(report.burn.instances, 1);
    assert.deepEqual(
      report.breaches.map((x) => x.rule),
      ['maxFleetDph', 'minBalance'],
    );
    assert.equal(report.projections.length, 1);
    const p = report.projections[0]!;
    assert.equal(p.instanceId, a);
    assert.equal(p.remainingSteps, 4800);
    assert.ok(p.etaMs.low <= p.etaMs.mid && p.etaMs.mid <= p.etaMs.high);
    assert.ok(p.costUsd.high > p.costUsd.low);
    assert.equal(report.value.length, 1);
  });
});
