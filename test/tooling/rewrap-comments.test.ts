// scripts/rewrap-comments.mjs on fixtures: what it rewraps, what it must leave alone, and that it is idempotent.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { spawnSync } from 'node:child_process';
import { rewrapSource } from '../../scripts/rewrap-comments.mjs';

const fixture = (name: string) => readFileSync(path.join('test/tooling/fixtures', name), 'utf8');
const input = fixture('rewrap-input.tsx.txt');
const expected = fixture('rewrap-expected.tsx.txt');

test('rewraps long // and JSDoc comment lines to the limit, keeping indentation, prefix and hanging indent', () => {
  const out = rewrapSource(input, 'fixture.tsx', 60);
  assert.equal(out, expected);
  assert.match(out, /^\/\/ A paragraph whose first line runs well over the sixty\n\/\/ column limit/m);
  assert.match(out, /^ {2}\/\/ - a list item that is long enough to need wrapping onto\n {2}\/\/ {3}a second line/m);
  assert.match(out, /^\/\*\*\n \* A one-line JSDoc comment that is too long becomes a block\n \* comment\.\n \*\/$/m);
});

test('leaves code, strings, regexes, JSX text, directives, trailing and fenced comments exactly as they were', () => {
  const out = rewrapSource(input, 'fixture.tsx', 60);
  for (const line of input.split('\n')) {
    if (
      /template text|comment after code|@ts-expect-error|not a comment either|JSX text|fenced =|indented code/.test(
        line,
      )
    ) {
      assert.ok(out.split('\n').includes(line), `changed: ${line}`);
    }
  }
});

test('is idempotent, and a second run over its own output changes nothing', () => {
  assert.equal(rewrapSource(expected, 'fixture.tsx', 60), expected);
});

test('a file without long comment lines comes back as the same string', () => {
  const src = "// short\nconst a = 'a very long string literal that runs past sixty columns on purpose';\n";
  assert.equal(rewrapSource(src, 'short.ts', 60), src);
});

test('the CLI rewrites files in place, and --check reports a file that would change', () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'vd-rewrap-'));
  const file = path.join(dir, 'a.tsx');
  writeFileSync(file, input);
  const run = (...args: string[]) =>
    spawnSync(process.execPath, ['scripts/rewrap-comments.mjs', '--limit', '60', ...args, dir], { encoding: 'utf8' });
  const check = run('--check');
  assert.equal(check.status, 1);
  assert.match(check.stdout, /a\.tsx: comments would be rewrapped/);
  assert.equal(readFileSync(file, 'utf8'), input, '--check writes nothing');
  assert.equal(run().status, 0);
  assert.equal(readFileSync(file, 'utf8'), expected);
  assert.equal(run('--check').status, 0);
});
