// scripts/split-strings.mjs on fixtures: literals on long lines become concatenations of the same text, only where
// a `+` means the same thing; everything else is left as it was.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { splitLiteral, splitSource } from '../../scripts/split-strings.mjs';

const input = readFileSync(path.join('test/tooling/fixtures', 'split-input.tsx.txt'), 'utf8');
const out: string = splitSource(input, 'fixture.tsx', 60);
const outLines = out.split('\n');
const kept = (needle: string) => {
  const line = input.split('\n').find((l) => l.includes(needle))!;
  assert.ok(outLines.includes(line), `changed: ${line}`);
};

test('a long string argument is split after spaces into pieces of the same quote that join to the same text', () => {
  const line = outLines.find((l) => l.includes('warn('))!;
  const m = line.match(/warn\((.*)\);$/)!;
  const pieces = m[1]!.split(' + ');
  assert.ok(pieces.length >= 2, line);
  assert.ok(pieces.every((p) => p.startsWith("'") && p.endsWith("'")));
  const text = pieces.map((p) => p.slice(1, -1)).join('');
  assert.equal(text, 'a plain message that is well over the sixty column limit of this fixture');
});

test('templates break outside substitutions only; a literal whose parent binds tighter than + gets parentheses', () => {
  const s = outLines.find((l) => l.includes('const s ='))!;
  assert.match(s, /^ {2}const s = `template \$\{n > 1 \? `nested \$\{name\} text` : ''\} .*` \+ `.*`;$/);
  assert.match(outLines.find((l) => l.includes('const u ='))!, /const u = \('a member call .*' \+ '.*'\)\.trim\(\);/);
  assert.match(outLines.find((l) => l.includes('const t ='))!, /const t = 'first part .*' \+ '.*' \+ name \+ 'tail';/);
});

test('imports, types, JSX attributes, test titles, regexes and escaped spaces are left alone', () => {
  for (const needle of [
    'import {',
    'type Kind',
    '<b title=',
    "test('a test title",
    "const w = 'no",
    '/a regex literal',
  ]) {
    kept(needle);
  }
});

test('split, format, split, format (as npm run fix does) reaches a fixed point', () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'vd-split-'));
  const config = JSON.parse(readFileSync('biome.json', 'utf8'));
  delete config.vcs;
  delete config.files;
  delete config.$schema;
  config.formatter.lineWidth = 60;
  writeFileSync(path.join(dir, 'biome.json'), JSON.stringify(config));
  const file = path.join(dir, 'fixture.tsx');
  const format = (text: string) => {
    writeFileSync(file, text);
    const r = spawnSync(path.resolve('node_modules/.bin/biome'), ['format', '--write', file], {
      cwd: dir,
      encoding: 'utf8',
    });
    assert.equal(r.status, 0, r.stderr);
    return readFileSync(file, 'utf8');
  };
  const twice = format(splitSource(format(out), 'fixture.tsx', 60));
  assert.equal(splitSource(twice, 'fixture.tsx', 60), twice);
  assert.match(twice, /warn\(\n\s+'a plain message/);
});

test('splitLiteral joins back to the literal, and gives up on a literal without a space to break at', () => {
  const raw = "'one two three four five six seven eight nine ten'";
  const pieces = splitLiteral(raw, 20)!;
  assert.ok(pieces.every((p) => p.startsWith("'") && p.endsWith("'") && p.length <= 20));
  assert.equal(pieces.map((p) => p.slice(1, -1)).join(''), raw.slice(1, -1));
  assert.equal(splitLiteral("'nospaceatall'", 5), null);
});
