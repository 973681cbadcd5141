// scripts/check-lines.mjs: every source line over the limit is reported as file:line, except the one documented
// exception (a URL or a whitespace-free literal that carries the overrun).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { spawnSync } from 'node:child_process';
import { allowed, longLines } from '../../scripts/check-lines.mjs';

const pad = (n: number) => 'x'.repeat(n);

test('reports lines over the limit with their 1-based line number and width in code points', () => {
  const text = ['short', `const a = '${pad(130)}';`.replace(/x{10}/, 'a b c d e '), `// ${'word '.repeat(30)}`].join(
    '\n',
  );
  assert.deepEqual(
    longLines(text, 120).map((l) => l.line),
    [2, 3],
  );
  assert.deepEqual(longLines(`${'é'.repeat(120)}\n${'漢'.repeat(121)}`, 120), [{ line: 2, width: 121 }]);
});

test('allows only a URL or one whitespace-free literal carrying the overrun', () => {
  assert.ok(allowed(`  // see https://example.test/${pad(120)}`, 120));
  assert.ok(allowed(`  const fixture = '\\x1b[38;5;208m${pad(120)}';`, 120));
  assert.ok(allowed(`  const re = /^${pad(120)}$/u;`, 120));
  // A literal with spaces can be split; so can a line that is long even without the token.
  assert.ok(!allowed(`  const msg = 'a message with words ${pad(110)}';`, 120));
  assert.ok(!allowed(`${'call(a, b); '.repeat(10)} '${pad(30)}';`, 120));
  assert.ok(!allowed(`// ${'prose without any link '.repeat(6)}`, 120));
});

test('the CLI exits 1 and names file:line for each long line under the folders given, 0 when none', () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'vd-lines-'));
  mkdirSync(path.join(dir, 'src'));
  writeFileSync(path.join(dir, 'src', 'a.ts'), `ok\n// ${'word '.repeat(30)}\n`);
  writeFileSync(path.join(dir, 'src', 'data.log'), `${'word '.repeat(30)}\n`);
  writeFileSync(path.join(dir, 'src', 'b.mjs'), 'ok\n');
  const run = (...args: string[]) =>
    spawnSync(process.execPath, ['scripts/check-lines.mjs', ...args], { encoding: 'utf8' });
  const bad = run(path.join(dir, 'src'));
  assert.equal(bad.status, 1);
  assert.equal(bad.stdout, `${path.join(dir, 'src', 'a.ts')}:2: 153 columns (limit 120)\n`);
  assert.equal(run('--limit', '200', path.join(dir, 'src')).status, 0);
});
