import { test } from 'node:test';
import assert from 'node:assert/strict';
import { healthLines } from '../../src/ui/DetailPane.js';
import { sparkline } from '../../src/ui/sparkline.js';

test('sparkline: scaled blocks, the last N values, flat series low, nothing for nothing', () => {
  assert.equal(sparkline([0, 1, 2, 3, 4, 5, 6, 7], 8), '▁▂▃▄▅▆▇█');
  assert.equal(sparkline([5, 5, 5], 8), '▁▁▁');
  assert.equal(sparkline([1, 2, 3, 100], 2), '▁█');
  assert.equal(sparkline([], 8), '');
  assert.equal(sparkline([1, NaN, 2], 8), '▁█');
});

test('the detail pane leads with the reason, the last error line and the step history', () => {
  const stalled = healthLines({
    step: 41230,
    text: 'stalled',
    level: 'warn',
    reason: 'no step advance for 8h35m',
    steps: [41000, 41230],
    rates: [1, 1.5],
    losses: [0.9, 0.5],
  });
  assert.deepEqual(stalled[0], ['health', 'stalled — no step advance for 8h35m']);
  assert.deepEqual(stalled[1], ['error', 'no error line in the log']);
  assert.equal(stalled[2]![1], '41000 → 41230  rate ▁█ 1.50 it/s  loss █▁ 0.5000');
  const crashed = healthLines({
    step: 58710,
    text: 'crashed',
    level: 'error',
    reason: 'container exited',
    error: 'torch.OutOfMemoryError: CUDA out of memory.',
  });
  assert.deepEqual(crashed[1], ['error', 'torch.OutOfMemoryError: CUDA out of memory.']);
  assert.deepEqual(crashed[2], ['steps', '58710']);
  assert.deepEqual(healthLines({ step: null, text: 'booting', level: 'ok', reason: 'loading 3m' })[1], [
    'steps',
    'no step in the log yet',
  ]);
  assert.match(healthLines(undefined)[0]![1], /not read yet/);
  // Text from hosts is stripped of control sequences.
  assert.equal(
    healthLines({ step: 1, text: 'crashed', level: 'error', error: 'boom\x1b[2J\x1b]0;x\x07' })[1]![1],
    'boom',
  );
});

test('the cost panel draws the burn of the last 24 h as a sparkline', async () => {
  const { costLines } = await import('../../src/ui/cost/cost-lines.js');
  const hourly = Array.from({ length: 24 }, (_, i) => (i < 12 ? 1 : 3));
  const r = {
    fleet: null,
    generatedAt: 0,
    window: { from: 0, to: 86_400_000 },
    burn: { perHour: 3, perDay: 72, runwayHours: 10, billingGpu: 1, storageOnly: 0, instances: 1 },
    accountBurn: { perHour: 3, perDay: 72, runwayHours: 10 },
    credit: 30,
    spent: { total: 48, last24h: 48, hourly, bySource: [] },
    mismatches: [],
    projections: [],
    notProjected: [],
    value: [],
    breaches: [],
  } as unknown as Parameters<typeof costLines>[0];
  const line = costLines(r, 120).find((l) => l.text.startsWith('burn 24 h'));
  assert.ok(line, 'a burn sparkline line');
  assert.match(line!.text, /^burn 24 h ▁{12}█{12} {2}\$\/hour/);
});
