// Cost projections only project runs that advance: a crashed, stalled or finished run is not projected ("eta 44h
// cost $186" for an OOM crash), and says why, in the report, `vastdeck cost` and the `$` panel.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { buildCostReport } from '../../src/core/cost/report.js';
import { renderCost } from '../../src/cli/commands/cost.js';
import { costLines } from '../../src/ui/cost/cost-lines.js';
import type { RunInput } from '../../src/core/cost/projection.js';
import { inst } from './fixtures.js';

const H = 3_600_000;
const run = (id: number, over: Partial<RunInput>): RunInput => ({
  instanceId: id,
  label: `zeb-${id}`,
  gpuName: 'RTX 4090',
  numGpus: 1,
  dph: 4.2,
  step: 1000,
  targetStep: 100_000,
  rates: [0.6],
  ...over,
});

test('only advancing runs are projected and counted for value per GPU type; the others say why not', () => {
  const r = buildCostReport({
    instances: [1, 2, 3, 4].map((i) => inst(i, { dphTotal: 4.2 })),
    charges: [],
    credit: 100,
    now: 10 * H,
    window: { from: 0, to: 10 * H },
    runs: [
      run(1, { health: { state: 'training' } }),
      run(2, { health: { state: 'crashed', detail: 'CUDA out of memory' } }),
      run(3, { health: { state: 'stalled', detail: 'no progress for 25m' } }),
      run(4, { health: { state: 'finished' }, gpuName: 'H100 SXM' }),
    ],
  });
  assert.deepEqual(
    r.projections.map((p) => p.instanceId),
    [1],
  );
  assert.deepEqual(
    r.notProjected.map((n) => [n.instanceId, n.reason]),
    [
      [2, 'crashed (CUDA out of memory)'],
      [3, 'stalled (no progress for 25m)'],
      [4, 'finished'],
    ],
  );
  assert.deepEqual(
    r.value.map((v) => [v.gpuName, v.instances]),
    [['RTX 4090', 1]],
    'the crashed and stalled runs buy no steps',
  );

  const text = renderCost(r, 7 * 24 * H, 160);
  assert.match(text, /zeb-2.*not projected: crashed \(CUDA out of memory\)/);
  assert.doesNotMatch(
    text
      .split('\n')
      .filter((l) => l.includes('zeb-2'))
      .join('\n'),
    /eta|\$186/,
  );
  const panel = costLines(r, 140, false)
    .map((l) => l.text)
    .join('\n');
  assert.match(panel, /zeb-2.*not projected: crashed \(CUDA out of memory\)/);
  assert.match(panel, /zeb-4.*not projected: finished/);
});
