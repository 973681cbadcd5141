// The lazy-unicode patches (scripts/ink-bounded/plugin.mjs: lazyConst): string-width's, slice-ansi's and
// ansi-tokenize's Intl.Segmenter (and string-width's \p{RGI_Emoji} regex) are built on first use, not at module
// load. The patched modules give the same answers as the originals, build nothing until a call needs it, and a
// module that changed shape fails the build naming the file.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { build } from 'esbuild';
import { lazyConst, patchStringWidthLoad } from '../../scripts/ink-bounded/plugin.mjs';

const SW8 = 'node_modules/string-width/index.js';
const SW7 = 'node_modules/wrap-ansi/node_modules/string-width/index.js';
const SAMPLES = [
  'plain',
  'a›b',
  '日本語',
  '👍🏽 ok',
  '👨‍👩‍👧',
  'e\u0301',
  '\u001b[31mred\u001b[39m',
  '1\u20e3',
  '©',
  'ᄀ각',
];

/** Bundles `file` with its source replaced by `contents`, and imports the result. */
async function load(file: string, contents: string): Promise<Record<string, unknown>> {
  const dir = mkdtempSync(path.join(tmpdir(), 'vd-lazy-'));
  const out = path.join(dir, 'mod.mjs');
  const res = await build({
    stdin: { contents, resolveDir: path.dirname(path.resolve(file)), loader: 'js' },
    bundle: true,
    format: 'esm',
    platform: 'node',
    write: false,
  });
  writeFileSync(out, res.outputFiles[0]!.text);
  try {
    return (await import(pathToFileURL(out).href)) as Record<string, unknown>;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Counts Intl.Segmenter constructions while `f` runs. */
async function segmentersDuring<T>(f: () => Promise<T> | T): Promise<[T, number]> {
  const intl = Intl as unknown as { Segmenter: typeof Intl.Segmenter };
  const Real = intl.Segmenter;
  let n = 0;
  intl.Segmenter = new Proxy(Real, { construct: (t, a) => (n++, Reflect.construct(t, a)) });
  try {
    return [await f(), n];
  } finally {
    intl.Segmenter = Real;
  }
}

for (const file of [SW8, SW7]) {
  test(`${file}: same widths as the original, and no segmenter until a width needs one`, async () => {
    const src = readFileSync(file, 'utf8');
    const original = (await load(file, src)).default as (s: string) => number;
    const [patched, built] = await segmentersDuring(
      async () => (await load(file, patchStringWidthLoad(src, file))).default as (s: string) => number,
    );
    assert.equal(built, 0, 'none at load');
    const [, used] = await segmentersDuring(() => patched('日本語 👍🏽'));
    assert.equal(used, 1, 'one, on the first call that segments');
    for (const s of SAMPLES) assert.equal(patched(s), original(s), JSON.stringify(s));
  });
}

test('slice-ansi and ansi-tokenize: same results, no segmenter at load', async () => {
  const file = 'node_modules/slice-ansi/index.js';
  const tok = 'node_modules/slice-ansi/tokenize-ansi.js';
  const src = readFileSync(tok, 'utf8');
  const patchedSrc = lazyConst(
    src,
    'GRAPHEME_SEGMENTER',
    "new Intl.Segmenter(undefined, {granularity: 'grapheme'})",
    'segment',
    tok,
  );
  const [patched, built] = await segmentersDuring(() => load(tok, patchedSrc));
  assert.equal(built, 0);
  const original = await load(tok, src);
  const names = Object.keys(original).filter((k) => typeof original[k] === 'function');
  assert.ok(names.length > 0, `${file}'s tokenizer exports functions`);
  for (const name of names)
    for (const s of SAMPLES) {
      let a: unknown;
      let b: unknown;
      try {
        a = (original[name] as (s: string) => unknown)(s);
      } catch (e) {
        a = String(e);
      }
      try {
        b = (patched[name] as (s: string) => unknown)(s);
      } catch (e) {
        b = String(e);
      }
      assert.deepEqual(b, a, `${name}(${JSON.stringify(s)})`);
    }
  const at = 'node_modules/@alcalzone/ansi-tokenize/build/tokenize.js';
  const atSrc = readFileSync(at, 'utf8');
  const init = 'new Intl.Segmenter(undefined, { granularity: "grapheme" })';
  const [, atBuilt] = await segmentersDuring(() => load(at, lazyConst(atSrc, 'segmenter', init, 'segment', at)));
  assert.equal(atBuilt, 0);
});

test('a module that changed shape fails the build, naming the file', () => {
  assert.throws(
    () =>
      lazyConst(
        'const segmenter = new Intl.Segmenter();\nexport const s = segmenter;',
        'segmenter',
        'new Intl.Segmenter()',
        'segment',
        'x.js',
      ),
    /x\.js changed shape/,
  );
  assert.throws(() => lazyConst('export default 1;', 'segmenter', 'new Intl.Segmenter()', 'segment', 'y.js'), /y\.js/);
  const ok = lazyConst(
    '// the segmenter splits\nconst segmenter = new Intl.Segmenter();\n' +
      'export const f = (s) => [...segmenter.segment(s)];',
    'segmenter',
    'new Intl.Segmenter()',
    'segment',
    'z.js',
  );
  assert.doesNotMatch(ok, /^const segmenter = new Intl\.Segmenter\(\);$/m);
});
