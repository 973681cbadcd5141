// Builds dist-test/ink.mjs: Ink 6.8 with exactly the production bundle's patches (plugin.mjs), for the tests.
// scripts/test.mjs builds it before every run and scripts/ink-test-register.mjs resolves every `import 'ink'`
// (test files, src/ui, ink-testing-library) to it, so frame tests draw with the Ink that ships.
// React stays outside (the tests' own React must be the one Ink renders with); Ink's CommonJS dependencies
// (react-reconciler, scheduler) require it through createRequire, like the production bundle.
// The bundle also exports `vastdeckInk`: the name of every patch, read from a marker the plugin appends to each
// patched module (a patch that stops applying fails this build), and the patched measureText and cache limit,
// for test/ui/patched-ink.test.tsx.
import { build } from 'esbuild';
import { mkdirSync, renameSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { PATCHES, inkPatches } from './plugin.mjs';

const here = path.dirname(fileURLToPath(import.meta.url));
const root = path.dirname(path.dirname(here));
export const INK_TEST_BUNDLE = path.join(root, 'dist-test', 'ink.mjs');

/** The patched files, by patch name: each exports the plugin's marker in the test bundle. */
const PATCHED_FILES = {
  'measure-text': 'node_modules/ink/build/measure-text.js',
  'wrap-text': 'node_modules/ink/build/wrap-text.js',
  output: 'node_modules/ink/build/output.js',
  'render-node-to-output': 'node_modules/ink/build/render-node-to-output.js',
  colorize: 'node_modules/ink/build/colorize.js',
  'sanitize-ansi': 'node_modules/ink/build/sanitize-ansi.js',
  'string-width': 'node_modules/string-width/index.js',
  'yoga-no-fetch': 'node_modules/yoga-layout/dist/binaries/yoga-wasm-base64-esm.js',
};

function entry() {
  const abs = (f) => JSON.stringify(path.join(root, f));
  const lines = ["export * from 'ink';"];
  PATCHES.forEach((name, i) => lines.push(`import { vastdeckPatch as p${i} } from ${abs(PATCHED_FILES[name])};`));
  lines.push(`import measureText from ${abs(PATCHED_FILES['measure-text'])};`);
  lines.push(`import { LIMIT } from ${JSON.stringify(path.join(here, 'lru.mjs'))};`);
  lines.push(
    `export const vastdeckInk = { patches: [${PATCHES.map((_, i) => `p${i}`).join(', ')}], ` +
      'measureText, cacheLimit: LIMIT };',
  );
  return lines.join('\n');
}

/** Builds the bundle (about half a second) and writes it atomically; returns its path. */
export async function buildInkTestBundle(outFile = INK_TEST_BUNDLE) {
  const result = await build({
    absWorkingDir: root,
    stdin: { contents: entry(), resolveDir: root, sourcefile: 'ink-test-entry.mjs', loader: 'js' },
    bundle: true,
    write: false,
    format: 'esm',
    platform: 'node',
    target: 'node20',
    external: ['react', 'react/*'],
    alias: { 'react-devtools-core': './scripts/devtools-stub.mjs' },
    banner: {
      js: "import { createRequire as __vdCreateRequire } from 'node:module'; const require = __vdCreateRequire(import.meta.url);",
    },
    plugins: [inkPatches({ markers: true })],
    logLevel: 'warning',
  });
  mkdirSync(path.dirname(outFile), { recursive: true });
  const tmp = `${outFile}.${process.pid}.tmp`;
  writeFileSync(tmp, result.outputFiles[0].contents);
  renameSync(tmp, outFile);
  return outFile;
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  console.log(await buildInkTestBundle());
}
