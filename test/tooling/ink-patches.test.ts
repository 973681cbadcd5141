// The yoga loader patch (scripts/ink-bounded/plugin.mjs) applies to the installed yoga-layout, and fails loudly,
// naming what to update, when the loader's code changes shape.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { PATCHES, patchYogaLoader } from '../../scripts/ink-bounded/plugin.mjs';

const LOADER = 'node_modules/yoga-layout/dist/binaries/yoga-wasm-base64-esm.js';

test("yoga's loader takes its synchronous base64 path instead of fetching its own data: URI", () => {
  const src = readFileSync(LOADER, 'utf8');
  const out = patchYogaLoader(src);
  assert.notEqual(out, src);
  assert.ok(out.includes('return true?Promise.resolve()'));
  assert.equal(out.length, src.length - 'w||"function"!=typeof fetch'.length + 'true'.length);
});

test('a changed yoga loader fails the build with a message naming the file to update', () => {
  assert.throws(
    () => patchYogaLoader('return w||typeof fetch!="function"?Promise.resolve()'),
    /yoga-no-fetch: .*plugin\.mjs/,
  );
});

test('the patch list names every patch docs/INK-PATCHES.md describes', () => {
  const doc = readFileSync('docs/INK-PATCHES.md', 'utf8');
  for (const name of PATCHES) assert.ok(doc.includes(name === 'yoga-no-fetch' ? "yoga's wasm loader" : name), name);
});
