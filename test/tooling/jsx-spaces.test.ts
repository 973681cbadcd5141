// scripts/jsx-spaces.mjs: JSX texts with a run of spaces (which Ink draws and the formatter would collapse) become
// string expressions holding exactly the string React received before.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import ts from 'typescript';
import { cookJsxText, protectJsxSpaces } from '../../scripts/jsx-spaces.mjs';

const input = readFileSync(path.join('test/tooling/fixtures', 'jsx-spaces-input.tsx.txt'), 'utf8');

/** The element tree React receives for the fixture's component, as TypeScript compiles its JSX. */
function tree(src: string): unknown {
  const js = ts.transpileModule(src, { compilerOptions: { jsx: ts.JsxEmit.React, target: ts.ScriptTarget.ES2022 } });
  const body = js.outputText.replace('export const A = ', 'return ');
  const React = { createElement: (type: string, _props: unknown, ...kids: unknown[]) => ({ type, kids }) };
  const component = new Function('React', 'Box', 'Text', body)(React, 'Box', 'Text') as (x: string) => unknown;
  return component('X');
}

test('texts with a run of spaces become {…} expressions; React gets the same children', () => {
  const r: { text: string; lines: number[]; manual: number[] } = protectJsxSpaces(input, 'fixture.tsx');
  assert.deepEqual(r.lines, [4, 5, 8, 10]);
  assert.deepEqual(r.manual, [12]);
  assert.match(r.text, /<Text>\{' {2}two spaces before, one after '\}<\/Text>/);
  assert.match(r.text, /<Text>\{'offers {2}'\}\{x\}<\/Text>/);
  assert.match(r.text, /<Text>\{'a {2}run inside a multi-line text'\}<\/Text>/);
  assert.match(r.text, /<Text> single spaces only <\/Text>/);
  assert.deepEqual(tree(r.text), tree(input));
  assert.equal(protectJsxSpaces(r.text, 'fixture.tsx').text, r.text, 'idempotent');
});

test("cookJsxText follows JSX's whitespace rules", () => {
  assert.equal(cookJsxText('  a  b '), '  a  b ');
  assert.equal(cookJsxText('\n    a  b\n    c\n  '), 'a  b c');
  assert.equal(cookJsxText('a\t\tb'), 'a  b');
  assert.equal(cookJsxText(' '), ' ', 'one space between two expressions stays one');
});
