// The presentation module: one age format, one duration parser/formatter, money through cached formatters,
// GPU, SSH command, and the one column-fitting algorithm behind the CLI and TUI tables.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { ageSince, formatAge } from '../../src/core/present/ages.js';
import { formatDuration, formatHours, parseDuration, parseDurationWithUnit } from '../../src/core/present/durations.js';
import { formatMoney, formatPerDay, formatRate, formatRateExact } from '../../src/core/present/money.js';
import { formatGpu } from '../../src/core/present/gpu.js';
import { sshCommand } from '../../src/core/present/ssh-command.js';
import { fitCell, fitColumns, headCount, rowSegments, type ColumnDef } from '../../src/core/present/columns.js';
import { makeInstance } from '../ui/fake-api.js';

test('one age format: <1m, minutes, hours below 48 h, then days (CLI and TUI alike)', () => {
  const M = 60_000;
  const H = 60 * M;
  assert.deepEqual(
    [
      formatAge(0),
      formatAge(59_000),
      formatAge(3 * M),
      formatAge(5 * H),
      formatAge(47 * H),
      formatAge(48 * H),
      formatAge(3 * 24 * H),
    ],
    ['<1m', '<1m', '3m', '5h', '47h', '2d', '3d'],
  );
  assert.equal(formatAge(-5 * M), '–');
  assert.equal(ageSince(null, 1000), '–');
  assert.equal(ageSince(1000 - 5 * H, 1000), '5h');
});

test('one duration parser and formatter', () => {
  assert.equal(parseDuration('1h30m'), 90 * 60_000);
  assert.equal(parseDuration('5'), 5000);
  assert.equal(parseDurationWithUnit('5'), null, 'a flag refuses a bare number');
  assert.equal(parseDurationWithUnit('90s'), 90_000);
  assert.equal(parseDuration('soon'), null);
  assert.deepEqual(
    [formatDuration(45_000), formatDuration(12 * 60_000), formatHours(20.5), formatHours(76), formatHours(72)],
    ['45s', '12m', '20h30m', '3d04h', '3d'],
  );
  assert.equal(formatHours(Infinity), '∞');
});

test('money: rates to the tenth of a cent below $1, amounts with cents and grouping, unknown as –', () => {
  assert.deepEqual(
    [formatRate(0.4123), formatRate(4.8249), formatRate(null), formatRate(NaN)],
    ['$0.412', '$4.82', '–', '–'],
  );
  assert.deepEqual([formatMoney(0.41), formatMoney(1234.5), formatMoney(-3)], ['$0.41', '$1,234.50', '-$3.00']);
  assert.equal(formatRateExact(12.3456), '$12.346');
  assert.equal(formatPerDay(0.5), '$12.00');
});

test('money and counts: no Intl.NumberFormat is ever built', () => {
  // The first one loads ICU's number data (~20 ms and several MB of RSS), which the TUI's first frame with data paid.
  // Counted in a fresh process, where nothing else has built one; toLocaleString builds one too.
  const script = `const Real = Intl.NumberFormat; let built = 0;
    Intl.NumberFormat = function (...a) { built++; return new Real(...a); };
    const toLocale = Number.prototype.toLocaleString;
    Number.prototype.toLocaleString = function (...a) { built++; return toLocale.apply(this, a); };
    const m = await import('./src/core/present/money.ts');
    const n = await import('./src/core/present/numbers.ts');
    const text = [m.formatMoney(1234.5), m.formatPerDay(2), m.formatRate(0.5), m.formatRateExact(3),
      n.formatCount(4096)];
    console.log(JSON.stringify([built, text]));`;
  const out = execFileSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], {
    encoding: 'utf8',
  });
  assert.deepEqual(JSON.parse(out), [0, ['$1,234.50', '$48.00', '$0.500', '$3.000', '4,096']]);
});

test('GPU and SSH command: remote text is sanitized', () => {
  assert.equal(formatGpu(4, 'RTX\x1b[2J 3090'), '4× RTX 3090');
  assert.equal(sshCommand(makeInstance(0)), 'ssh -p 40000 root@203.0.113.1');
  assert.equal(sshCommand(makeInstance(1)), 'ssh -p 20001 root@ssh2.vast.ai');
  assert.equal(sshCommand(makeInstance(1, { sshHost: null, publicIp: null, ports: {} })), null);
});

type R = { a: string; b: string; c: string };
const defs: ColumnDef<R>[] = [
  { id: 'a', header: 'A', min: 4, priority: 9, head: true, render: (r) => r.a },
  { id: 'b', header: 'B', min: 6, grow: 1, max: 12, priority: 5, render: (r) => r.b, style: () => 'warn' },
  { id: 'c', header: 'C', min: 5, priority: 1, align: 'right', render: (r) => r.c },
];

test('fitting (TUI): drop by priority, then grow the growing columns up to their max', () => {
  const w = (cols: { def: ColumnDef<R>; width: number }[]) => cols.map((c) => `${c.def.id}${c.width}`).join(' ');
  assert.equal(w(fitColumns(defs, 17, { gap: 1 })), 'a4 b6 c5');
  assert.equal(w(fitColumns(defs, 16, { gap: 1 })), 'a4 b11', 'C goes first, B takes the room up to its max');
  assert.equal(w(fitColumns(defs, 40, { gap: 1 })), 'a4 b12 c5', 'past the max the rest stays blank');
  assert.equal(w(fitColumns(defs, 5, { gap: 1 })), 'a4');
});

test('fitting (CLI): content-sized, growing columns shrink first, never wider than asked', () => {
  const natural = (d: ColumnDef<R>) => ({ a: 3, b: 30, c: 9 })[d.id as 'a' | 'b' | 'c'];
  const cols = fitColumns(defs, 30, { gap: 2, natural });
  assert.deepEqual(
    cols.map((c) => c.width),
    [3, 12, 9],
    'B capped by its max',
  );
  const narrow = fitColumns(defs, 22, { gap: 2, natural });
  assert.deepEqual(
    narrow.map((c) => c.width),
    [3, 6, 9],
    'B shrunk to its min before anything is dropped',
  );
  const tiny = fitColumns(defs, 8, { gap: 2, natural });
  assert.ok(tiny.reduce((n, c) => n + c.width, 0) + 2 * (tiny.length - 1) <= 8);
});

test('row segments: styled cells apart, separators with the plain text, head columns counted', () => {
  const cols = fitColumns(defs, 17, { gap: 1 });
  const segs = rowSegments({ a: '1', b: 'warmup', c: '7' }, cols, 1);
  assert.deepEqual(segs, [{ text: '1    ' }, { text: 'warmup', level: 'warn' }, { text: '     7' }]);
  assert.equal(headCount(cols), 1);
  assert.equal(fitCell('abcdef', 4), 'abc…');
  assert.equal(fitCell('ab', 4, 'right'), '  ab');
});
