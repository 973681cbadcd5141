// Runs a TUI bench the way the TUI ships: bundled by esbuild with NODE_ENV=production and vastdeck's Ink patches
// (scripts/ink-bounded/plugin.mjs), under --expose-gc so heap samples are taken after a full collection.
// Usage: node bench/run-bundled.mjs bench/logpane.bench.tsx   (SOAK_HOURS=0.5 for a quick log-pane soak)
//        node bench/run-bundled.mjs bench/offers-ui.bench.tsx
import { build } from 'esbuild';
import { inkBounded } from '../scripts/ink-bounded/plugin.mjs';
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.dirname(path.dirname(fileURLToPath(import.meta.url)));
// Inside node_modules/.cache so the bundle's external imports (ssh2) resolve from the project.
const entry = process.argv[2] ?? 'bench/logpane.bench.tsx';
const out = path.join(
  root,
  'node_modules',
  '.cache',
  'vastdeck-bench',
  `${path.basename(entry).replace(/\.[^.]+$/, '')}.mjs`,
);
await build({
  absWorkingDir: root,
  entryPoints: [entry],
  outfile: out,
  bundle: true,
  format: 'esm',
  platform: 'node',
  target: 'node20',
  define: { 'process.env.NODE_ENV': '"production"' },
  alias: { 'react-devtools-core': './scripts/devtools-stub.mjs' },
  external: ['ssh2', 'cpu-features'],
  jsx: 'automatic',
  plugins: [inkBounded],
  logLevel: 'warning',
  banner: { js: "import { createRequire as __cr } from 'node:module'; const require = __cr(import.meta.url);" },
  nodePaths: [path.join(root, 'node_modules')],
});
const r = spawnSync(process.execPath, ['--expose-gc', out], {
  cwd: root,
  stdio: 'inherit',
  env: { ...process.env, NODE_PATH: path.join(root, 'node_modules') },
});
process.exit(r.status ?? 1);
