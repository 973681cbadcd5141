// Runs bench/logpane.bench.tsx the way the TUI ships: bundled by esbuild with NODE_ENV=production and Ink's
// LRU-bounded text caches (scripts/ink-bounded, ENGINEERING.md rule 3), under --expose-gc so heap samples are
// taken after a full collection. Usage: node bench/logpane-run.mjs  (SOAK_HOURS=0.5 for a quick run)
import { build } from 'esbuild';
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.dirname(path.dirname(fileURLToPath(import.meta.url)));
const bounded = {
  name: 'ink-bounded-caches',
  setup(b) {
    b.onLoad({ filter: /[\\/]ink[\\/]build[\\/](measure-text|wrap-text)\.js$/ }, (args) => {
      const name = path.basename(args.path, '.js');
      const file = path.join(root, 'scripts', 'ink-bounded', `${name}.mjs`);
      const contents = readFileSync(file, 'utf8').replace("'./lru.mjs'", JSON.stringify(path.join(root, 'scripts', 'ink-bounded', 'lru.mjs')));
      return { contents, loader: 'js', resolveDir: path.dirname(args.path) };
    });
  },
};
// Inside node_modules/.cache so the bundle's external imports (ssh2) resolve from the project.
const out = path.join(root, 'node_modules', '.cache', 'vastdeck-bench', 'logpane.mjs');
await build({
  absWorkingDir: root, entryPoints: ['bench/logpane.bench.tsx'], outfile: out, bundle: true, format: 'esm', platform: 'node', target: 'node20',
  define: { 'process.env.NODE_ENV': '"production"' }, alias: { 'react-devtools-core': './scripts/devtools-stub.mjs' },
  external: ['ssh2', 'cpu-features'], jsx: 'automatic', plugins: [bounded], logLevel: 'warning',
  banner: { js: "import { createRequire as __cr } from 'node:module'; const require = __cr(import.meta.url);" },
  nodePaths: [path.join(root, 'node_modules')],
});
const r = spawnSync(process.execPath, ['--expose-gc', out], { cwd: root, stdio: 'inherit', env: { ...process.env, NODE_PATH: path.join(root, 'node_modules') } });
process.exit(r.status ?? 1);
