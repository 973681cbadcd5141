// The bundle's replacements for Ink's frame output (scripts/ink-bounded/): the row-cached Output, the fast
// styled-chars tokenizer and the string-width fast path must give exactly what Ink 6.8 and string-width give.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import stringWidth from 'string-width';
import { styledCharsFromTokens, tokenize } from '@alcalzone/ansi-tokenize';
import FastOutput, { fastRow, fastStyledChars, sgrTokens } from '../../scripts/ink-bounded/output.mjs';
import colorize from '../../scripts/ink-bounded/colorize.mjs';
import { isSimpleChar, onlySgr } from '../../scripts/ink-bounded/simple-char.mjs';
import { withFastPath } from '../../scripts/ink-bounded/string-width.mjs';
import { patchRenderNode, patchSanitizeAnsi, patchStringWidth } from '../../scripts/ink-bounded/plugin.mjs';
import { makeRng, pick, intBetween } from '../../src/sim/prng.js';

interface OutputLike {
  write(x: number, y: number, text: string, o: { transformers: Array<(s: string, i: number) => string> }): void;
  clip(c: { x1?: number; x2?: number; y1?: number; y2?: number }): void;
  unclip(): void;
  get(): { output: string; height: number };
}
type OutputClass = new (o: { width: number; height: number }) => OutputLike;

const inkOutput = async () =>
  (await import(pathToFileURL(path.resolve('node_modules/ink/build/output.js')).href)).default as OutputClass;

const FRAGMENTS = [
  'hello',
  ' ',
  '  ',
  '4× RTX 3090',
  '›',
  '·',
  '✓ fits',
  '✗',
  '…',
  '─┬─',
  '│',
  '$0.412/h',
  '漢字',
  '🚀',
  'e\u0301',
  'ｶﾞ',
  '\x1b[32m',
  '\x1b[39m',
  '\x1b[1m',
  '\x1b[22m',
  '\x1b[44m',
  '\x1b[49m',
  '\x1b[0m',
  '\x1b[38;5;208m',
  '\x1b[48;2;10;20;30m',
  '\x1b[7m',
  '\x1b[27m',
  '\x1b]8;;https://example.test\x07link\x1b]8;;\x07',
  '\x1b[K',
  '\t',
  '\n',
];
const TRANSFORMERS = [
  (s: string) => `\x1b[2m${s}\x1b[22m`,
  (s: string, i: number) => (i % 2 ? s.toUpperCase() : s),
  (s: string) => `\x1b[41m${s}\x1b[49m`,
];

test('the row-cached Output draws every frame byte for byte as Ink 6.8 does', async () => {
  const InkOutput = await inkOutput();
  const Fast = FastOutput as unknown as OutputClass;
  const rng = makeRng(7);
  for (let frame = 0; frame < 400; frame++) {
    const width = intBetween(rng, 5, 60);
    const height = intBetween(rng, 1, 12);
    const ops: Array<(o: OutputLike) => void> = [];
    let depth = 0;
    for (let n = intBetween(rng, 0, 25); n > 0; n--) {
      const r = rng();
      if (r < 0.1) {
        const c = {
          x1: intBetween(rng, -2, width),
          x2: intBetween(rng, 0, width + 2),
          y1: intBetween(rng, -1, height),
          y2: intBetween(rng, 0, height + 1),
        };
        const clip = rng() < 0.3 ? { x1: c.x1, x2: c.x2 } : rng() < 0.5 ? { y1: c.y1, y2: c.y2 } : c;
        ops.push((o) => o.clip(clip));
        depth++;
      } else if (r < 0.15 && depth > 0) {
        ops.push((o) => o.unclip());
        depth--;
      } else {
        let text = '';
        for (let k = intBetween(rng, 1, 8); k > 0; k--) text += pick(rng, FRAGMENTS);
        const x = intBetween(rng, -3, width + 2);
        const y = intBetween(rng, -2, height + 1);
        const transformers = rng() < 0.3 ? [pick(rng, TRANSFORMERS)] : [];
        ops.push((o) => o.write(x, y, text, { transformers }));
      }
    }
    const draw = (C: OutputClass) => {
      const o = new C({ width, height });
      for (const op of ops) op(o);
      return o.get();
    };
    const want = draw(InkOutput);
    assert.deepEqual(draw(Fast), want, `frame ${frame}`);
    assert.deepEqual(draw(Fast), want, `frame ${frame}, drawn again from the row cache`);
  }
});

test('a row with one write (a table row) is encoded without cells exactly as Ink draws it', async () => {
  const InkOutput = await inkOutput();
  const Fast = FastOutput as unknown as OutputClass;
  const parts = [
    ...FRAGMENTS.filter((f) => fastStyledChars(f) !== null),
    '\x1b[38;2;120;200;80m',
    '\x1b[1;38;5;9;48;2;1;2;3m',
    '\u2329',
    '\u00e9',
    '  ',
  ];
  const rng = makeRng(23);
  let fast = 0;
  for (let frame = 0; frame < 300; frame++) {
    const width = intBetween(rng, 1, 80);
    const lines: Array<[number, string]> = [];
    for (let y = 0; y < 6; y++) {
      let text = '';
      for (let k = intBetween(rng, 0, 30); k > 0; k--) text += pick(rng, parts);
      const x = intBetween(rng, 0, width);
      lines.push([x, text]);
      if (fastRow(width, x, text) !== null) fast++;
    }
    const draw = (C: OutputClass) => {
      const o = new C({ width, height: lines.length });
      lines.forEach(([x, text], y) => o.write(x, y, text, { transformers: [] }));
      return o.get();
    };
    assert.deepEqual(draw(Fast), draw(InkOutput), `frame ${frame}: ${JSON.stringify(lines)}`);
  }
  assert.ok(fast > 1500, `${fast} rows took the fast path`);
  assert.equal(fastRow(10, 0, '漢字'), null);
  assert.equal(fastRow(10, -1, 'a'), null);
  assert.equal(fastRow(10, 11, 'a'), null);
});

test('the colorize with one chalk styler per colour colours exactly as Ink’s, at every chalk level', async () => {
  const url = pathToFileURL(path.resolve('node_modules/ink/build/colorize.js')).href;
  const inkColorize = (await import(url)).default as (s: string, c: string | undefined, t: string) => string;
  const { default: chalk } = await import('chalk');
  const colours = [
    undefined,
    '',
    'green',
    'whiteBright',
    'gray',
    'nope',
    '#264f78',
    '#FFAA00',
    '#fff',
    'ansi256(208)',
    'ansi256(x)',
    'rgb(10, 20, 30)',
    'rgb(1,2)',
    'reset',
    'bold',
  ];
  const texts = ['', 'x', 'a b', '\x1b[32mg\x1b[39m x', 'two\nlines', '\x1b[1mb\x1b[22m\x1b[44mbg\x1b[49m'];
  const level = chalk.level;
  try {
    for (const l of [3, 2, 1, 0, 3] as const) {
      chalk.level = l;
      for (const c of colours)
        for (const t of texts)
          for (const type of ['foreground', 'background']) {
            const run = (f: typeof inkColorize) => {
              try {
                return f(t, c, type);
              } catch (e) {
                return `throws ${(e as Error).name}`; // as Ink does for a modifier as a background ('bold')
              }
            };
            assert.equal(run(colorize), run(inkColorize), `level ${l} ${c} ${type} ${JSON.stringify(t)}`);
          }
    }
  } finally {
    chalk.level = level;
  }
});

test('text whose only escapes are SGR sequences is what Ink’s sanitizeAnsi gives back, so it skips the tokenizer', async () => {
  const url = pathToFileURL(path.resolve('node_modules/ink/build/sanitize-ansi.js')).href;
  const sanitize = (await import(url)).default as (s: string) => string;
  const extra = ['\x1b[38:2:1:2:3m', '\x1b[?25l', '\x1b[2J', '\x9b31m', '\x85', '\x1bc', '\x1b', 'é', '\x07'];
  const rng = makeRng(31);
  let kept = 0;
  for (let i = 0; i < 3000; i++) {
    let s = '';
    for (let k = intBetween(rng, 0, 10); k > 0; k--) s += pick(rng, rng() < 0.8 ? FRAGMENTS : extra);
    if (!onlySgr(s)) continue;
    assert.equal(sanitize(s), s, JSON.stringify(s));
    kept++;
  }
  assert.ok(kept > 500, `${kept} strings kept as they are`);
  for (const s of ['\x1b[2J', '\x9b31m', 'a\x1b', '\x1b]8;;u\x07x\x1b]8;;\x07', '\x1b[38:2:1:2:3m']) {
    assert.equal(onlySgr(s), false, JSON.stringify(s));
  }
  const patched = patchSanitizeAnsi(readFileSync('node_modules/ink/build/sanitize-ansi.js', 'utf8'));
  assert.match(patched, /__vdOnlySgr\(text\) \|\| !hasAnsiControlCharacters\(text\)/);
  assert.throws(() => patchSanitizeAnsi('export default (t) => t;'), /changed shape/);
});

test('simple characters tokenize as Ink tokenizes them; anything else takes Ink’s path', () => {
  let checked = 0;
  for (let c = 0; c <= 0x2fff; c++) {
    if (!isSimpleChar(c)) continue;
    const ch = String.fromCharCode(c);
    const line = `a${ch}\x1b[1;32m${ch}b${ch}\x1b[39m${ch}\x1b[48;5;17m ${ch}\x1b[0m${ch}`;
    assert.deepEqual(fastStyledChars(line), styledCharsFromTokens(tokenize(line)), `U+${c.toString(16)}`);
    checked++;
  }
  assert.ok(checked > 3500, `${checked} simple characters`);
  for (const line of [
    '漢字',
    'a\tb',
    'e\u0301',
    '🚀',
    '\x1b]8;;u\x07x\x1b]8;;\x07',
    'a\x1b[Kb',
    '\u200d',
    '\u00ad',
    '\x1b[',
    'x\x1b',
  ]) {
    assert.equal(fastStyledChars(line), null, JSON.stringify(line));
  }
});

test('SGR sequences split and end as Ink’s tokenizer splits and ends them', () => {
  const codes: string[] = [
    '\x1b[m',
    '\x1b[;m',
    '\x1b[38;5;208m',
    '\x1b[48;2;1;2;3m',
    '\x1b[38;5m',
    '\x1b[48;2;1;2m',
    '\x1b[1;38;5;9;48;2;1;2;3;4m',
    '\x1b[0;1;22;39m',
  ];
  for (let n = 0; n <= 110; n++) codes.push(`\x1b[${n}m`, `\x1b[1;${n}m`, `\x1b[${n};38;5;${n}m`);
  for (const code of codes) assert.deepEqual(sgrTokens(code), tokenize(code), JSON.stringify(code));
});

test('the string-width fast path gives string-width’s widths', () => {
  const fast = withFastPath(stringWidth);
  for (let c = 0; c <= 0x2fff; c++) {
    const ch = String.fromCharCode(c);
    for (const s of [ch, `ab${ch}`, `\x1b[31m${ch}${ch}\x1b[39m x`])
      assert.equal(fast(s), stringWidth(s), `U+${c.toString(16)} in ${JSON.stringify(s)}`);
  }
  const rng = makeRng(11);
  for (let i = 0; i < 2000; i++) {
    let s = '';
    for (let k = intBetween(rng, 0, 10); k > 0; k--) s += pick(rng, FRAGMENTS);
    assert.equal(fast(s), stringWidth(s), JSON.stringify(s));
    assert.equal(fast(s, { ambiguousIsNarrow: false }), stringWidth(s, { ambiguousIsNarrow: false }));
    assert.equal(fast(s, { countAnsiEscapeCodes: true }), stringWidth(s, { countAnsiEscapeCodes: true }));
  }
});

test('the source patches fail loudly when Ink or string-width change shape', () => {
  const node = patchRenderNode(readFileSync('node_modules/ink/build/render-node-to-output.js', 'utf8'));
  assert.match(node, /__vdMeasureText\(text\)\.width/);
  assert.doesNotMatch(node, /widestLine\(/);
  assert.throws(() => patchRenderNode('export default 1;'), /changed shape/);
  const width = patchStringWidth(readFileSync('node_modules/string-width/index.js', 'utf8'));
  assert.match(width, /export default __vdWithFastPath\(__vdSlowStringWidth\)/);
  assert.throws(() => patchStringWidth('module.exports = () => 0;'), /changed shape/);
});
