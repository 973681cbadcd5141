import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { renderTable, type Column } from '../../src/cli/table.js';
import { redact, registerSecret, reportError, UsageError } from '../../src/cli/output.js';
import { age, gpuLabel, money } from '../../src/cli/format.js';
import { VERSION } from '../../src/cli/version.js';

type Row = { id: number; label: string; msg: string };
const cols: Column<Row>[] = [
  { header: 'ID', cell: (r) => String(r.id), align: 'right' },
  { header: 'LABEL', cell: (r) => r.label },
  { header: 'MESSAGE', cell: (r) => r.msg, priority: 2 },
];
const rows: Row[] = [
  { id: 7, label: 'zeb-large-01', msg: 'success, running pytorch/pytorch_2.5.1/ssh' },
  { id: 1234, label: 'mosaic-gpt2-4x3090', msg: 'loading' },
];

test('a table that fits is printed whole, right-aligned where asked', () => {
  const out = renderTable(rows, cols, 200).split('\n');
  assert.equal(out[0], '  ID  LABEL               MESSAGE');
  assert.equal(out[1], '   7  zeb-large-01        success, running pytorch/pytorch_2.5.1/ssh');
});

test('a narrow terminal drops low-priority columns first and never exceeds the width', () => {
  const out = renderTable(rows, cols, 30);
  assert.ok(!out.includes('MESSAGE'));
  for (const line of out.split('\n')) assert.ok([...line].length <= 30, line);
  const tiny = renderTable(rows, cols, 16);
  for (const line of tiny.split('\n')) assert.ok([...line].length <= 16, line);
  assert.match(tiny, /…/);
});

test('remote text in cells is stripped of control sequences', () => {
  const out = renderTable([{ id: 1, label: 'evil\x1b]52;c;cm0gLXJmIC8=\x07\x1b[2Jlabel', msg: '' }], cols, 80);
  assert.ok(!out.includes('\x1b'));
  assert.match(out, /evillabel/);
});

test('secrets are redacted from every printed error', () => {
  registerSecret('abcdef0123456789secret');
  assert.equal(redact('bad key abcdef0123456789secret!'), 'bad key <redacted>!');
  const writes: string[] = [];
  const orig = process.stderr.write.bind(process.stderr);
  (process.stderr as { write: unknown }).write = (s: string) => (writes.push(s), true);
  try {
    assert.equal(reportError(new Error('server said: key abcdef0123456789secret invalid\nstack...')), 1);
    assert.equal(reportError(new UsageError('--limit must be a whole number')), 2);
  } finally {
    (process.stderr as { write: unknown }).write = orig;
  }
  assert.deepEqual(writes, ['vastdeck: server said: key <redacted> invalid\n', 'vastdeck: --limit must be a whole number\n']);
});

test('formatters', () => {
  assert.equal(gpuLabel(4, 'RTX 3090'), '4× RTX 3090');
  assert.equal(money(0.4123), '$0.412');
  assert.equal(money(null), '–');
  const now = 1_000_000_000;
  assert.equal(age(now - 59_000, now), '59s');
  assert.equal(age(now - 3 * 60_000, now), '3m');
  assert.equal(age(now - 5 * 3600_000, now), '5h');
  assert.equal(age(now - 2 * 86400_000, now), '2d');
});

test('the version matches package.json', () => {
  assert.equal(VERSION, JSON.parse(readFileSync('package.json', 'utf8')).version);
});
