// esbuild plugin with vastdeck's patches to Ink 6.8, shared by the production build and the bundled benches.
// - measure-text / wrap-text: their caches keep every string ever rendered (ink#986, ENGINEERING.md rule 3); the
//   bundle loads LRU-bounded replacements (measure-text.mjs, wrap-text.mjs) instead.
// - output: Ink rebuilds and re-encodes the whole screen grid every frame (~60 % of a sort keystroke in the offer
//   browser at 200×50). output.mjs draws the same frames with a bounded cache per screen row.
// - render-node-to-output: measures every text node's width again on every frame, uncached (string-width runs a
//   grapheme segmenter over any line that is not pure ASCII). The patch reads the width from the bounded
//   measure-text cache that layout has just filled for the same text. The build fails if the file changes shape.
// - colorize: chalk builds a new styler for every coloured text on every squash (twice a frame); colorize.mjs keeps
//   one per colour.
// - sanitize-ansi: Ink tokenizes every text node's text at every level of nesting, twice a frame (layout and
//   output), to drop control sequences. Text whose only escapes are SGR sequences is returned as it is, untokenized.
// - string-width (8, Ink's): a fast path for lines of simple characters (string-width.mjs), same widths.
// - yoga-layout's loader: decodes its wasm without fetch() (see patchYogaLoader).
// The frame tests run against the same patches: test-bundle.mjs builds dist-test/ink.mjs with them.
import { readFileSync, realpathSync } from 'node:fs';
import path from 'node:path';

const here = path.dirname(new URL(import.meta.url).pathname);
const root = path.dirname(path.dirname(here));

/** A replacement module's source, its `./x.mjs` imports made absolute (it is loaded from Ink's folder). */
function replacement(name) {
  return readFileSync(path.join(here, `${name}.mjs`), 'utf8').replace(
    /from '\.\/([\w-]+\.mjs)'/g,
    (_, f) => `from ${JSON.stringify(path.join(here, f))}`,
  );
}

const WIDEST_IMPORT = "import widestLine from 'widest-line';";
const WIDEST_CALL = 'const currentWidth = widestLine(text);';

/** Rewrites Ink's render-node-to-output.js so a text node's width comes from the bounded measure cache. */
export function patchRenderNode(src) {
  for (const needle of [WIDEST_IMPORT, WIDEST_CALL]) {
    if (!src.includes(needle))
      throw new Error(
        `ink-bounded: ink/build/render-node-to-output.js changed shape (no "${needle}"); update scripts/ink-bounded/plugin.mjs`,
      );
  }
  if (src.split('widestLine(').length !== 2)
    throw new Error(
      'ink-bounded: ink/build/render-node-to-output.js calls widestLine more than once; update scripts/ink-bounded/plugin.mjs',
    );
  return src
    .replace(WIDEST_IMPORT, "import __vdMeasureText from './measure-text.js';")
    .replace(WIDEST_CALL, 'const currentWidth = __vdMeasureText(text).width;');
}

/**
 * Builds `name` (a module-level `const name = <init>;` used only as `name.<method>(`) on its first call instead of at
 * module load: string-width's `new Intl.Segmenter()` (ICU's break-iterator data, ~5 ms for the first one) and its
 * `\p{RGI_Emoji}` regex (~4 ms to compile) cost start-up time, yet the fast path keeps both out of simple frames.
 */
export function lazyConst(src, name, init, method, file) {
  const decl = `const ${name} = ${init};`;
  // Code lines only (comments mention the names): the declaration, then nothing but calls of the method.
  const code = src
    .split('\n')
    .filter((l) => !/^\s*(\/\/|\*|\/\*)/.test(l))
    .join('\n');
  const uses = code.split(new RegExp(`\\b${name}\\b`)).length - 1;
  const calls = code.split(`${name}.${method}(`).length - 1;
  if (src.split(decl).length !== 2 || uses !== calls + 1)
    throw new Error(
      `ink-bounded: ${file} changed shape ("${decl}" once, then only ${name}.${method}(…) expected); ` +
        'update scripts/ink-bounded/plugin.mjs',
    );
  const built = `__vdLazy_${name}`;
  return src.replace(
    decl,
    `let ${built};\nconst ${name} = { ${method}: (...a) => (${built} ??= ${init}).${method}(...a) };`,
  );
}

/** string-width 8 and wrap-ansi's string-width 7 with their segmenter (and 8's emoji regex) built on first use. */
export function patchStringWidthLoad(src, file) {
  const lazySeg = lazyConst(src, 'segmenter', 'new Intl.Segmenter()', 'segment', file);
  return src.includes('const rgiEmojiRegex = ')
    ? lazyConst(lazySeg, 'rgiEmojiRegex', '/^\\p{RGI_Emoji}$/v', 'test', file)
    : lazySeg;
}

const WIDTH_EXPORT = /export default function stringWidth\((\w+), options = \{\}\) \{/;

/** Renames string-width's default export and exports it again behind the fast path of string-width.mjs. */
export function patchStringWidth(src) {
  if (!WIDTH_EXPORT.test(src))
    throw new Error(
      'ink-bounded: string-width changed shape (no "export default function stringWidth(…, options = {})"); ' +
        'update scripts/ink-bounded/plugin.mjs',
    );
  const fast = JSON.stringify(path.join(here, 'string-width.mjs'));
  const renamed = src.replace(WIDTH_EXPORT, 'function __vdSlowStringWidth($1, options = {}) {');
  return (
    `import { withFastPath as __vdWithFastPath } from ${fast};\n${renamed}\n` +
    'export default __vdWithFastPath(__vdSlowStringWidth);\n'
  );
}

/** The one Ink version these patches were written and tested against (package.json pins it exactly). */
export const INK_VERSION = '6.8.0';

/** Fails the build loudly when the installed Ink is not the pinned one: the patches replace its private files. */
export function checkInkVersion(
  installed = JSON.parse(readFileSync(path.join(root, 'node_modules', 'ink', 'package.json'), 'utf8')).version,
) {
  if (installed !== INK_VERSION) {
    throw new Error(
      `ink-bounded: Ink ${installed} is installed, but the bundle's patches are for Ink ${INK_VERSION} exactly; ` +
        'check each patch in scripts/ink-bounded/ against the new Ink, then change INK_VERSION and package.json together',
    );
  }
}

const SANITIZE_HEAD = 'const sanitizeAnsi = (text) => {\n    if (!hasAnsiControlCharacters(text)) {';

/** Rewrites Ink's sanitize-ansi.js so text whose only escapes are SGR sequences skips the tokenizer. */
export function patchSanitizeAnsi(src) {
  if (src.split(SANITIZE_HEAD).length !== 2)
    throw new Error('ink-bounded: ink/build/sanitize-ansi.js changed shape; update scripts/ink-bounded/plugin.mjs');
  const load = `import { onlySgr as __vdOnlySgr } from ${JSON.stringify(path.join(here, 'simple-char.mjs'))};\n`;
  return (
    load +
    src.replace(
      SANITIZE_HEAD,
      'const sanitizeAnsi = (text) => {\n    if (__vdOnlySgr(text) || !hasAnsiControlCharacters(text)) {',
    )
  );
}

/** The files each patch replaces or rewrites, by patch name (docs/INK-PATCHES.md describes each). */
export const PATCHES = [
  'measure-text',
  'wrap-text',
  'output',
  'render-node-to-output',
  'colorize',
  'sanitize-ansi',
  'string-width',
  'yoga-no-fetch',
];

/**
 * `export const vastdeckPatch = '<name>';` appended to a patched module when the plugin runs with `markers: true`
 * (the test bundle, scripts/ink-bounded/test-bundle.mjs): the bundle's entry imports it from each patched file,
 * so a patch that stopped applying fails that build, and frame tests can see which Ink they run against.
 */
const marker = (markers, name) => (markers ? `\nexport const vastdeckPatch = ${JSON.stringify(name)};\n` : '');

// First paint (ENGINEERING.md targets): on Node 20 `fetch` exists, so yoga's Emscripten loader "fetches" its own
// base64 data: URI, which loads Node's internal undici (~20 ms) just to decode bytes it already has. Force the
// synchronous base64 path (wa()) it uses where fetch is missing. The build fails if yoga's code changes shape.
const YOGA_FETCH = 'return w||"function"!=typeof fetch?Promise.resolve()';

/** Rewrites yoga-layout's wasm loader so it never calls fetch() on its own data: URI. */
export function patchYogaLoader(src) {
  if (!src.includes(YOGA_FETCH)) {
    throw new Error('yoga-no-fetch: the yoga loader changed; update scripts/ink-bounded/plugin.mjs');
  }
  return src.replace(YOGA_FETCH, 'return true?Promise.resolve()');
}

/**
 * The plugin: bounded measure/wrap caches, the row-cached Output, cached text widths, fast string widths and
 * yoga's loader without fetch. `markers` (tests only) tags each patched module, see marker() above.
 */
export function inkPatches({ markers = false } = {}) {
  return {
    name: 'ink-bounded-caches',
    setup(b) {
      checkInkVersion();
      b.onLoad(
        { filter: /[\\/]ink[\\/]build[\\/](measure-text|wrap-text|output|render-node-to-output|colorize)\.js$/ },
        (args) => {
          const name = path.basename(args.path, '.js');
          const contents =
            name === 'render-node-to-output' ? patchRenderNode(readFileSync(args.path, 'utf8')) : replacement(name);
          return { contents: contents + marker(markers, name), loader: 'js', resolveDir: path.dirname(args.path) };
        },
      );
      b.onLoad({ filter: /[\\/]ink[\\/]build[\\/]sanitize-ansi\.js$/ }, (args) => ({
        contents: patchSanitizeAnsi(readFileSync(args.path, 'utf8')) + marker(markers, 'sanitize-ansi'),
        loader: 'js',
        resolveDir: path.dirname(args.path),
      }));
      // Ink's string-width (also cli-truncate's and widest-line's) gets the fast path. wrap-ansi's string-width 7
      // (which counts text-style emoji such as © as two cells) keeps its own widths: it only gets the lazy segmenter.
      const main = realpathSync(path.join(root, 'node_modules', 'string-width', 'index.js')); // esbuild's paths are real
      b.onLoad({ filter: /[\\/]node_modules[\\/]string-width[\\/]index\.js$/ }, (args) => {
        // cli-progress's string-width 4 (CommonJS, no segmenter) is left as it is.
        const raw = readFileSync(args.path, 'utf8');
        const ours = args.path === main || /[\\/]wrap-ansi[\\/]node_modules[\\/]string-width[\\/]/.test(args.path);
        const src = ours ? patchStringWidthLoad(raw, args.path) : raw;
        return {
          contents: args.path === main ? patchStringWidth(src) + marker(markers, 'string-width') : src,
          loader: 'js',
          resolveDir: path.dirname(args.path),
        };
      });
      // slice-ansi's and ansi-tokenize's grapheme segmenters, built on first use as string-width's are.
      b.onLoad({ filter: /[\\/]slice-ansi[\\/]tokenize-ansi\.js$/ }, (args) => ({
        contents: lazyConst(
          readFileSync(args.path, 'utf8'),
          'GRAPHEME_SEGMENTER',
          "new Intl.Segmenter(undefined, {granularity: 'grapheme'})",
          'segment',
          args.path,
        ),
        loader: 'js',
        resolveDir: path.dirname(args.path),
      }));
      b.onLoad({ filter: /[\\/]@alcalzone[\\/]ansi-tokenize[\\/]build[\\/]tokenize\.js$/ }, (args) => ({
        contents: lazyConst(
          readFileSync(args.path, 'utf8'),
          'segmenter',
          'new Intl.Segmenter(undefined, { granularity: "grapheme" })',
          'segment',
          args.path,
        ),
        loader: 'js',
        resolveDir: path.dirname(args.path),
      }));
      b.onLoad({ filter: /[\\/]yoga-layout[\\/]dist[\\/]binaries[\\/]yoga-wasm-base64-esm\.js$/ }, (args) => ({
        contents: patchYogaLoader(readFileSync(args.path, 'utf8')) + marker(markers, 'yoga-no-fetch'),
        loader: 'js',
      }));
    },
  };
}

/** The plugin as the production build and the benches use it. */
export const inkBounded = inkPatches();
