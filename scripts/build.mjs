// Builds the production bundle (dist/) with esbuild. See ENGINEERING.md rule 4: React's development
// build leaks through performance.measure() (react#35761), so NODE_ENV is "production"; Ink imports
// react-devtools-core only in dev mode, and marking it external crashes at start, so it is aliased to a stub.
import { build } from 'esbuild';
import { inkBounded } from './ink-bounded/plugin.mjs';
import { fileURLToPath } from 'node:url';
import path from 'node:path';
import { readFileSync, rmSync, writeFileSync } from 'node:fs';

const root = path.dirname(path.dirname(fileURLToPath(import.meta.url)));

// Ink 6.8 patches (bounded text caches, one output cache across frames, yoga's loader without fetch):
// scripts/ink-bounded/plugin.mjs, described in docs/INK-PATCHES.md.

// ssh2 (~35 ms of CommonJS) and yaml (~30 ms) are only called at run time (new Client(), utils.parseKey, parse),
// never at module load, but static imports put them on the TUI's start-up path. These stand-ins require the real
// package on first use instead. They cover exactly the forms the source uses (ssh2's default export, yaml's
// parse); any other import of them fails the build ("No matching export"), so nothing silently breaks.
const LAZY = {
  ssh2:
    "let m; const load = () => (m ??= require('ssh2'));\n" +
    'export default new Proxy({}, { get: (_t, k) => load()[k], has: (_t, k) => k in load() });',
  yaml:
    "let m; const load = () => (m ??= require('yaml'));\n" +
    'export function parse(...a) { return load().parse(...a); }',
};
const lazyPackages = {
  name: 'lazy-packages',
  setup(b) {
    b.onResolve({ filter: /^(ssh2|yaml)$/ }, (args) =>
      args.namespace === 'lazy' ? { path: args.path, external: true } : { path: args.path, namespace: 'lazy' },
    );
    b.onLoad({ filter: /.*/, namespace: 'lazy' }, (args) => ({
      contents: LAZY[args.path],
      loader: 'js',
      resolveDir: root,
    }));
  },
};
rmSync(path.join(root, 'dist'), { recursive: true, force: true });

const result = await build({
  absWorkingDir: root,
  entryPoints: { vastdeck: 'src/cli/entry.ts' },
  outdir: 'dist',
  bundle: true,
  splitting: true,
  format: 'esm',
  platform: 'node',
  target: 'node20',
  minify: true,
  keepNames: true,
  sourcemap: false,
  legalComments: 'none',
  define: { 'process.env.NODE_ENV': '"production"' },
  alias: { 'react-devtools-core': './scripts/devtools-stub.mjs' },
  // ssh2 loads optional native addons inside try/catch; it stays a runtime dependency.
  external: ['ssh2', 'yaml', 'cpu-features'],
  banner: {
    js: "import { createRequire as __vdCreateRequire } from 'node:module'; const require = __vdCreateRequire(import.meta.url);",
  },
  plugins: [inkBounded, lazyPackages],
  metafile: true,
  logLevel: 'warning',
});

// The demo scenario as JSON: `vastdeck --demo` starts its simulator after the first paint, and parsing YAML
// there (loading the yaml package first) costs ~30 ms of the first-data target. test/build checks it matches.
const { parse: parseYaml } = await import('yaml');
const demo = parseYaml(readFileSync(path.join(root, 'src', 'sim', 'scenarios', 'demo.yaml'), 'utf8'));
writeFileSync(path.join(root, 'dist', 'demo-scenario.json'), JSON.stringify(demo));

// What went into each chunk: read by test/build/bundle.test.ts, and handy for start-up size work.
writeFileSync(path.join(root, 'dist', 'meta.json'), JSON.stringify(result.metafile));
