// The production bundle (built by `npm test` before the tests run): it starts, it carries NODE_ENV=production
// React, and Ink's text caches in it are the LRU-bounded ones (ENGINEERING.md rules 3 and 4).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { LIMIT, lruGet, lruSet } from '../../scripts/ink-bounded/lru.mjs';
import measureText from '../../scripts/ink-bounded/measure-text.mjs';
import wrapText from '../../scripts/ink-bounded/wrap-text.mjs';

const bundle = () =>
  readdirSync('dist')
    .filter((f) => f.endsWith('.js'))
    .map((f) => readFileSync(`dist/${f}`, 'utf8'))
    .join('\n');

test('bin/vastdeck.js --version exits 0 from the bundle', () => {
  const out = execFileSync(process.execPath, ['bin/vastdeck.js', '--version'], { encoding: 'utf8' });
  assert.equal(out.trim(), JSON.parse(readFileSync('package.json', 'utf8')).version);
});

test('the bundle uses the bounded Ink caches and no development React', () => {
  const meta = JSON.parse(readFileSync('dist/meta.json', 'utf8')) as { inputs: Record<string, unknown> };
  const inputs = Object.keys(meta.inputs);
  for (const f of ['lru.mjs', 'simple-char.mjs', 'string-width.mjs'])
    assert.ok(inputs.includes(`scripts/ink-bounded/${f}`), f);
  assert.doesNotMatch(bundle(), /OutputCaches/, "Ink's own per-frame Output is replaced");
  assert.match(bundle(), /fastStyledChars/, 'by the row-cached one (scripts/ink-bounded/output.mjs)');
  assert.match(bundle(), /__vdSlowStringWidth/, 'string-width carries the fast path');
  assert.ok(inputs.includes('node_modules/ink/build/wrap-text.js'), 'the replaced module is still the one Ink imports');
  assert.doesNotMatch(bundle(), /cache\[cacheKey\]\s*=\s*wrappedText/);
  assert.ok(!inputs.some((f) => /react-reconciler\.development|react\.development/.test(f)), 'production React only');
});

type Outputs = Record<string, { inputs: Record<string, unknown>; imports: Array<{ path: string; kind: string }> }>;

/** The chunks loaded (statically) with the chunk holding `source`, and their input files, from dist/meta.json. */
function loadedWith(source: string): { outs: Outputs; chunks: string[]; inputs: string[] } {
  const outs = (JSON.parse(readFileSync('dist/meta.json', 'utf8')) as { outputs: Outputs }).outputs;
  const seen = new Set<string>();
  const stack = [Object.keys(outs).find((k) => source in outs[k]!.inputs)!];
  while (stack.length) {
    const k = stack.pop()!;
    if (seen.has(k)) continue;
    seen.add(k);
    for (const i of outs[k]!.imports) if (i.kind === 'import-statement' && outs[i.path]) stack.push(i.path);
  }
  return { outs, chunks: [...seen], inputs: [...seen].flatMap((k) => Object.keys(outs[k]!.inputs)) };
}

test('the TUI start-up path does not load the HTTP client, execa or the Hub client', () => {
  const { outs, chunks, inputs: loaded } = loadedWith('src/ui/run.tsx');
  for (const pkg of ['undici', 'execa', '@huggingface/hub']) {
    assert.ok(!loaded.some((f) => f.includes(`node_modules/${pkg}/`)), `${pkg} is loaded before the first paint`);
  }
  // ssh2 and yaml are external and reached only through the build's lazy stand-ins (required on first call).
  const direct = chunks.flatMap((k) =>
    outs[k]!.imports.filter((i) => i.kind === 'import-statement' && /^(ssh2|yaml)$/.test(i.path)),
  );
  assert.deepEqual(direct, [], 'ssh2/yaml are not imported statically before the first paint');
  assert.ok(loaded.includes('lazy:ssh2') && loaded.includes('lazy:yaml'), 'the lazy stand-ins are the ones in use');
  // yoga's wasm loader decodes its inlined bytes itself instead of fetch()ing a data: URI (which loads undici).
  const yogaChunk = chunks.find((k) => Object.keys(outs[k]!.inputs).some((f) => f.includes('yoga-wasm-base64-esm')))!;
  assert.doesNotMatch(
    readFileSync(yogaChunk, 'utf8'),
    /fetch\([A-Za-z_$]+,\{credentials:"same-origin"\}\)\.then\(function\([A-Za-z_$]+\)\{if\(!/,
  );
});

test("the API client loads no HTTP package, only Node's own http/https", () => {
  const { inputs: loaded } = loadedWith('src/core/vast/client.ts');
  assert.ok(loaded.includes('src/core/vast/transport.ts'));
  assert.ok(!loaded.some((f) => f.includes('node_modules/undici/')), 'undici is bundled with the client');
});

test('`instances` loads zod and its own modules only: no UI, Ink, React, yoga or HTTP package', () => {
  const inputs = [
    ...new Set(
      ['src/cli/commands/instances.ts', 'src/cli/context.ts', 'src/core/vast/client.ts'].flatMap(
        (s) => loadedWith(s).inputs,
      ),
    ),
  ];
  const packages = new Set(inputs.filter((f) => f.startsWith('node_modules/')).map((f) => f.split('/')[1]));
  assert.deepEqual([...packages], ['zod']);
  assert.ok(
    !inputs.some((f) => f.startsWith('src/ui/') || f.startsWith('src/sim/')),
    'UI or simulator code on the headless path',
  );
  // It declares no service part (makeContext's parts): the SSH pool, identity and journal modules stay unloaded.
  const parts = ['src/core/ssh/pool.ts', 'src/core/ssh/identity.ts', 'src/core/ssh/host-keys.ts', 'src/core/journal/'];
  assert.deepEqual(
    inputs.filter((f) => parts.some((p) => f.startsWith(p))),
    [],
  );
});

test('dist/demo-scenario.json is demo.yaml, and the simulator loads a .json scenario', async () => {
  const { parse } = await import('yaml');
  const json = JSON.parse(readFileSync('dist/demo-scenario.json', 'utf8')) as unknown;
  assert.deepEqual(json, parse(readFileSync('src/sim/scenarios/demo.yaml', 'utf8')));
  const { loadScenario } = await import('../../src/sim/scenario.js');
  const fromJson = await loadScenario(path.resolve('dist/demo-scenario.json'));
  assert.deepEqual(fromJson, await loadScenario(path.resolve('src/sim/scenarios/demo.yaml')));
  assert.equal(fromJson.market.size, 6000);
});

test('the LRU keeps at most LIMIT entries and keeps recently used ones', () => {
  const m = new Map<string, number>();
  for (let i = 0; i < LIMIT + 500; i++) lruSet(m, `k${i}`, i);
  assert.equal(m.size, LIMIT);
  assert.equal(m.has('k0'), false);
  assert.equal(lruGet(m, 'k600'), 600);
  for (let i = 0; i < LIMIT - 1; i++) lruSet(m, `n${i}`, i);
  assert.equal(m.has('k600'), true, 'a recently read entry survives');
});

test('the replacements measure and wrap exactly like Ink 6.8', async () => {
  // Ink does not export these modules, so they are loaded by path.
  const internal = (name: string) => pathToFileURL(path.resolve('node_modules/ink/build', name)).href;
  const inkMeasure = (await import(internal('measure-text.js'))).default as typeof measureText;
  const inkWrap = (await import(internal('wrap-text.js'))).default as typeof wrapText;
  const samples = [
    '',
    'ab\nlonger',
    'hello world',
    '\x1b[31mred\x1b[39m text here',
    '4× RTX 3090 ███▋ 37%',
    'a  b   c',
  ];
  for (const s of samples) {
    assert.deepEqual(measureText(s), inkMeasure(s));
    for (const w of [3, 5, 6, 12]) {
      for (const type of ['wrap', 'truncate', 'truncate-start', 'truncate-middle', 'truncate-end']) {
        assert.equal(wrapText(s, w, type), inkWrap(s, w, type), `${JSON.stringify(s)} ${w} ${type}`);
      }
    }
  }
});
