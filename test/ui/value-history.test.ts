import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ValueHistory, VALUE_HISTORY_SAMPLES } from '../../src/ui/cost/value-history.js';
import { costLines } from '../../src/ui/cost/cost-lines.js';
import type { GpuValue } from '../../src/core/cost/projection.js';

const v = (gpuName: string, stepsPerSecPerDph: number): GpuValue => ({
  gpuName,
  instances: 1,
  gpus: 1,
  stepsPerSec: stepsPerSecPerDph,
  dph: 1,
  stepsPerSecPerDph,
  stepsPerDollar: stepsPerSecPerDph * 3600,
});

test('value history: one sample per refresh per GPU type, at most 48 each, a missing type gets none', () => {
  const h = new ValueHistory();
  for (let i = 0; i < 100; i++)
    h.record(i % 2 === 0 ? [v('H100 SXM', i), v('RTX 4090', 1000 + i)] : [v('H100 SXM', i)]);
  const s = h.snapshot();
  assert.equal(VALUE_HISTORY_SAMPLES, 48);
  assert.equal(s.get('H100 SXM')!.length, 48);
  assert.deepEqual(s.get('H100 SXM')!.slice(0, 2), [52, 53], 'the oldest samples go first');
  assert.equal(s.get('H100 SXM')!.at(-1), 99);
  assert.equal(s.get('RTX 4090')!.length, 48);
  assert.equal(s.get('RTX 4090')!.at(-1), 1098);
  // The snapshot is a copy: later samples do not change what a render holds.
  h.record([v('H100 SXM', 7)]);
  assert.equal(s.get('H100 SXM')!.at(-1), 99);
});

test('value history: bounded in GPU types too (the least recently seen goes), names sanitized, NaN skipped', () => {
  const h = new ValueHistory(4, 3);
  h.record([v('A', 1), v('B', 1), v('C', 1)]);
  h.record([v('A', 2), v('D\x1b[2J', 1), v('C', NaN)]);
  const s = h.snapshot();
  assert.deepEqual([...s.keys()].sort(), ['A', 'C', 'D']);
  assert.deepEqual(s.get('C'), [1]);
});

test('cost lines: the value table has a trend column of plain blocks, padded so the columns stay aligned', () => {
  const r = {
    fleet: null,
    generatedAt: 0,
    window: { from: 0, to: 86_400_000 },
    burn: { perHour: 3, perDay: 72, runwayHours: 10, billingGpu: 1, storageOnly: 0, instances: 1 },
    accountBurn: { perHour: 3, perDay: 72, runwayHours: 10 },
    credit: 30,
    spent: { total: 48, last24h: 48, hourly: [], bySource: [] },
    mismatches: [],
    projections: [],
    notProjected: [],
    value: [v('H100 SXM', 3), v('RTX 4090', 2)],
    breaches: [],
  } as unknown as Parameters<typeof costLines>[0];
  const h = new ValueHistory();
  for (const x of [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14]) h.record([v('H100 SXM', x)]);
  h.record([v('RTX 4090', 2)]);
  const rows = (width: number) =>
    costLines(r, width, false, h.snapshot())
      .map((l) => l.text)
      .filter((t) => /^ {2}(H100|RTX)/.test(t));
  const [h100, rtx] = rows(120);
  // Wide: 12 refreshes; the last 12 of 14 rising samples.
  assert.match(h100!, /3\.00 per \$\/hr ▁▁▂▃▃▄▅▆▆▇██ /);
  assert.match(rtx!, /2\.00 per \$\/hr ▁ {11} +\d+ steps\/\$/);
  assert.equal(h100!.indexOf('steps/$'), rtx!.indexOf('steps/$'));
  // 80 columns: six blocks, ending inside the width.
  const [narrow] = rows(80);
  assert.match(narrow!, /per \$\/hr [▁-█]{6} /);
  assert.ok(narrow!.lastIndexOf('█') < 80);
  // Without a history (the CLI's table) there is no column.
  assert.doesNotMatch(
    costLines(r, 120)
      .map((l) => l.text)
      .join('\n'),
    /per \$\/hr [▁-█]/,
  );
});
