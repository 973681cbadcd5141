// The fake-API TUI fixture (test/ui/fixtures/run-fake.tsx) bundled as the shipped build is (production React,
// the devtools stub, vastdeck's Ink patches), for the benches that measure it idle: tui-bench and tui-rss.
import { build } from 'esbuild';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { inkBounded } from '../scripts/ink-bounded/plugin.mjs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

/** Builds the bundle; resolves to its path. */
export async function buildFakeBundle() {
  const out = path.join(root, 'node_modules', '.cache', 'vastdeck-bench', 'run-fake.mjs');
  await build({
    absWorkingDir: root,
    entryPoints: ['test/ui/fixtures/run-fake.tsx'],
    outfile: out,
    bundle: true,
    format: 'esm',
    platform: 'node',
    target: 'node20',
    minify: true,
    define: { 'process.env.NODE_ENV': '"production"' },
    alias: { 'react-devtools-core': './scripts/devtools-stub.mjs' },
    external: ['ssh2', 'cpu-features'],
    logLevel: 'error',
    plugins: [inkBounded],
    banner: { js: "import { createRequire as __c } from 'node:module'; const require = __c(import.meta.url);" },
  });
  return out;
}
