// Builds the production bundle (dist/) with esbuild. See ENGINEERING.md rule 4: React's development
// build leaks through performance.measure() (react#35761), so NODE_ENV is "production"; Ink imports
// react-devtools-core only in dev mode, and marking it external crashes at start, so it is aliased to a stub.
import { build } from 'esbuild';
import { fileURLToPath } from 'node:url';
import path from 'node:path';
import { readFileSync, rmSync, writeFileSync } from 'node:fs';

const root = path.dirname(path.dirname(fileURLToPath(import.meta.url)));

// ENGINEERING.md rule 3: Ink 6.8's measure-text and wrap-text caches grow without bound (ink#986). The bundle
// loads LRU-bounded replacements (scripts/ink-bounded/) in their place; bare imports resolve from Ink's folder.
const boundedInkCaches = {
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
  external: ['ssh2', 'cpu-features'],
  banner: {
    js: "import { createRequire as __vdCreateRequire } from 'node:module'; const require = __vdCreateRequire(import.meta.url);",
  },
  plugins: [boundedInkCaches],
  metafile: true,
  logLevel: 'warning',
});

// What went into each chunk: read by test/build/bundle.test.ts, and handy for start-up size work.
writeFileSync(path.join(root, 'dist', 'meta.json'), JSON.stringify(result.metafile));
