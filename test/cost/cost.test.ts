import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spendBySource, spentBetween, MISMATCH_RATIO } from '../../src/core/cost/spend.js';
import { projectRun, rangeOf, rateSamples, valuePerGpuType, MIN_SPREAD } from '../../src/core/cost/projection.js';
import { evaluateBudget } from '../../src/core/cost/budget.js';
import { buildCostReport, chargesForFleet, reportNow } from '../../src/core/cost/report.js';
import { charge, inst } from './fixtures.js';

const H = 3_600_000;

describe('spend', () => {
  test('groups charges per instance and totals them; gone instances keep their label from the description', () => {
    const rows = spendBySource(
      [charge(1, 2, 0, 4 * H), charge(1, 3, 4 * H, 10 * H), charge(9, 1.25, 0, 2 * H, 'old-run')],
      [inst(1, { dphTotal: 0.5 })],
    );
    assert.equal(rows.length, 2);
    assert.deepEqual([rows[0]!.instanceId, rows[0]!.spent, rows[0]!.from, rows[0]!.to], [1, 5, 0, 10 * H]);
    assert.equal(rows[0]!.burnPerHour, 0.5);
    assert.equal(rows[1]!.status, 'gone');
    assert.equal(rows[1]!.label, 'old-run');
    assert.equal(rows[1]!.expected, null);
  });

  test('a running instance charged at its rate passes; 10%+ off is flagged either way', () => {
    const ok = spendBySource([charge(1, 4.9, 0, 10 * H)], [inst(1, { dphTotal: 0.5 })])[0]!;
    assert.equal(ok.mismatch, false);
    assert.deepEqual(ok.expected, { low: 5, high: 5 });
    const over = spendBySource([charge(1, 5.6, 0, 10 * H)], [inst(1, { dphTotal: 0.5 })])[0]!;
    assert.equal(over.mismatch, true);
    assert.ok(over.gap! > MISMATCH_RATIO);
    const under = spendBySource([charge(1, 4.4, 0, 10 * H)], [inst(1, { dphTotal: 0.5 })])[0]!;
    assert.equal(under.mismatch, true);
    assert.ok(under.gap! < -MISMATCH_RATIO);
  });

  test('a stopped instance may have run before: anything from storage-only to full price passes', () => {
    const stopped = inst(1, { status: 'stopped', dphTotal: 0.5, storageDph: 0.02 });
    assert.equal(spendBySource([charge(1, 0.2, 0, 10 * H)], [stopped])[0]!.mismatch, false);
    assert.equal(spendBySource([charge(1, 3, 0, 10 * H)], [stopped])[0]!.mismatch, false);
    assert.equal(spendBySource([charge(1, 0.1, 0, 10 * H)], [stopped])[0]!.mismatch, true);
    assert.equal(spendBySource([charge(1, 0.1, 0, 10 * H)], [stopped])[0]!.burnPerHour, 0.02);
  });

  test('less than an hour of charges is not cross-checked', () => {
    const r = spendBySource([charge(1, 0.01, 0, 0.5 * H)], [inst(1, { dphTotal: 0.5 })])[0]!;
    assert.equal(r.expected, null);
    assert.equal(r.mismatch, false);
  });

  test('spentBetween pro-rates charges straddling the window', () => {
    assert.equal(spentBetween([charge(1, 24, 0, 24 * H), charge(2, 5, 30 * H, 31 * H)], 12 * H, 40 * H), 17);
  });
});

describe('projections', () => {
  test('rate samples: log rate, lifetime average, profile throughput × GPUs', () => {
    const s = rateSamples({ logRate: 2, step: 3600, startedAt: 0, now: 2 * H, stepsPerHourPerGpu: 1800, numGpus: 4 });
    assert.deepEqual(s, [2, 0.5, 2]);
    assert.deepEqual(rateSamples({ step: 0, startedAt: 0, now: H }), []);
  });

  test('range: median in the middle and at least ±10%', () => {
    assert.deepEqual(rangeOf([1, 3, 2]), { low: 1, mid: 2, high: 3 });
    const one = rangeOf([2])!;
    assert.equal(one.mid, 2);
    assert.ok(Math.abs(one.low - 2 * (1 - MIN_SPREAD)) < 1e-9 && Math.abs(one.high - 2 * (1 + MIN_SPREAD)) < 1e-9);
    assert.equal(rangeOf([0, -1, NaN]), null);
  });

  test('ETA and cost to the target, fastest rate giving the shortest time', () => {
    const p = projectRun(
      {
        instanceId: 1,
        label: 'a',
        gpuName: 'RTX 4090',
        numGpus: 1,
        dph: 0.6,
        step: 1000,
        targetStep: 4600,
        rates: [0.5, 1, 2],
      },
      0,
    )!;
    assert.equal(p.remainingSteps, 3600);
    assert.deepEqual(p.etaMs, { low: 1800_000, mid: 3600_000, high: 7200_000 });
    assert.ok(
      Math.abs(p.costUsd.mid - 0.6) < 1e-9 &&
        Math.abs(p.costUsd.low - 0.3) < 1e-9 &&
        Math.abs(p.costUsd.high - 1.2) < 1e-9,
    );
    assert.equal(p.finishAt.mid, 3600_000);
    assert.equal(
      projectRun(
        { instanceId: 1, label: null, gpuName: 'x', numGpus: 1, dph: 1, step: 5, targetStep: 9, rates: [] },
        0,
      ),
      null,
    );
    const past = projectRun(
      { instanceId: 1, label: null, gpuName: 'x', numGpus: 1, dph: 1, step: 12, targetStep: 9, rates: [1] },
      0,
    )!;
    assert.equal(past.remainingSteps, 0);
    assert.equal(past.costUsd.high, 0);
  });

  test('value per GPU type: steps/s per $/hr, best first', () => {
    const v = valuePerGpuType([
      { gpuName: 'RTX 4090', numGpus: 1, dph: 0.5, rate: 2 },
      { gpuName: 'RTX 4090', numGpus: 1, dph: 0.5, rate: 1 },
      { gpuName: 'H100 SXM', numGpus: 1, dph: 2.5, rate: 6 },
      { gpuName: 'RTX 3090', numGpus: 2, dph: 0.4, rate: 0 },
    ]);
    assert.deepEqual(
      v.map((g) => g.gpuName),
      ['RTX 4090', 'H100 SXM'],
    );
    assert.equal(v[0]!.stepsPerSecPerDph, 3);
    assert.equal(v[0]!.instances, 2);
    assert.equal(v[1]!.stepsPerDollar, (6 / 2.5) * 3600);
  });
});

describe('budget', () => {
  const fleet = [
    inst(1, { dphTotal: 1.6, numGpus: 2 }),
    inst(2, { dphTotal: 0.4 }),
    inst(3, { status: 'stopped', dphTotal: 3, storageDph: 0.05 }),
  ];

  test('no rules, no breaches; within limits, no breaches', () => {
    assert.deepEqual(evaluateBudget({}, { instances: fleet, credit: 1 }), []);
    assert.deepEqual(
      evaluateBudget(
        { maxCardDph: 0.9, maxFleetDph: 3, dailyBudget: 60, minBalance: 5 },
        { instances: fleet, credit: 50, spentLast24h: 40 },
      ),
      [],
    );
  });

  test('per card counts running GPUs only; fleet, daily and balance each break', () => {
    const b = evaluateBudget(
      { maxCardDph: 0.5, maxFleetDph: 2, dailyBudget: 40, minBalance: 100 },
      { instances: fleet, credit: 20, spentLast24h: 41 },
    );
    assert.deepEqual(
      b.map((x) => [x.rule, x.instanceId ?? null]),
      [
        ['maxCardDph', 1],
        ['maxFleetDph', null],
        ['dailyBudget', null],
        ['dailyBudget', null],
        ['minBalance', null],
      ],
    );
    assert.equal(b[0]!.value, 0.8);
    assert.ok(Math.abs(b[1]!.value - 2.05) < 1e-9);
    assert.match(b[0]!.message, /instance 1 \(run-1\) costs \$0\.800\/hr per GPU, over the \$0\.500 limit/);
    assert.match(b[4]!.message, /credit is \$20\.000, below the \$100\.000 minimum/);
  });
});

describe('report', () => {
  test('burn, spend, runway over the account, mismatches and breaches', () => {
    const all = [inst(1, { dphTotal: 1, label: 'zeb-a' }), inst(2, { dphTotal: 2, label: 'other' })];
    const charges = [
      charge(1, 10, 0, 10 * H, 'zeb-a'),
      charge(2, 20, 0, 10 * H, 'other'),
      charge(7, 3, 0, 2 * H, 'zeb-old'),
    ];
    const mine = chargesForFleet(charges, all, 'zeb');
    assert.deepEqual(
      mine.map((c) => c.instanceId),
      [1, 7],
    );
    const r = buildCostReport({
      instances: [all[0]!],
      accountInstances: all,
      charges: mine,
      credit: 30,
      now: 10 * H,
      window: { from: 0, to: 10 * H },
      fleet: 'zeb',
      budget: { maxFleetDph: 0.5 },
      runs: [
        {
          instanceId: 1,
          label: 'zeb-a',
          gpuName: 'RTX 4090',
          numGpus: 1,
          dph: 1,
          step: 100,
          targetStep: 200,
          rates: [1],
        },
      ],
    });
    assert.equal(r.burn.perHour, 1);
    assert.equal(r.burn.perDay, 24);
    assert.equal(r.burn.runwayHours, 10, 'runway uses the whole account burn: $30 at $3/hr');
    assert.equal(r.spent.total, 13);
    assert.equal(r.mismatches.length, 0);
    assert.equal(r.projections.length, 1);
    assert.equal(r.value[0]!.gpuName, 'RTX 4090');
    assert.deepEqual(
      r.breaches.map((b) => b.rule),
      ['maxFleetDph'],
    );
  });

  test('reportNow follows charges that run ahead of the local clock (a sped-up simulator)', () => {
    assert.equal(reportNow(100, [charge(1, 1, 0, 500)]), 500);
    assert.equal(reportNow(1000, [charge(1, 1, 0, 500)]), 1000);
  });
});
