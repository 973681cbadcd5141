import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { renderTable } from '../../src/cli/table.js';
import type { ColumnDef } from '../../src/core/present/columns.js';
import { redact, registerSecret, reportError, UsageError } from '../../src/cli/output.js';
import { VERSION } from '../../src/cli/version.js';

type Row = { id: number; label: string; msg: string };
const cols: ColumnDef<Row>[] = [
  { header: 'ID', render: (r) => String(r.id), align: 'right' },
  { header: 'LABEL', render: (r) => r.label, grow: 1, min: 5 },
  { header: 'MESSAGE', render: (r) => r.msg, priority: 1 },
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
  assert.deepEqual(writes, [
    'vastdeck: server said: key <redacted> invalid\n',
    'vastdeck: --limit must be a whole number\n',
  ]);
});

test('the version matches package.json', () => {
  assert.equal(VERSION, JSON.parse(readFileSync('package.json', 'utf8')).version);
});
