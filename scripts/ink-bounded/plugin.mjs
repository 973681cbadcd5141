// esbuild plugin with vastdeck's patches to Ink 6.8, shared by the production build and the bundled benches.
// - measure-text / wrap-text: their caches keep every string ever rendered (ink#986, ENGINEERING.md rule 3); the
//   bundle loads LRU-bounded replacements (measure-text.mjs, wrap-text.mjs) instead.
// - output.js: each frame builds a new OutputCaches, so every frame re-tokenizes and re-measures every line of the
//   screen (~60 % of a sort keystroke's time in the offer browser at 200×50). The patch keeps ONE OutputCaches
//   across frames with LRU-bounded maps (the cached styled-char arrays are only read, never mutated). The build
//   fails if output.js changes shape.
import { readFileSync } from 'node:fs';
import path from 'node:path';

const here = path.dirname(new URL(import.meta.url).pathname);
const lru = JSON.stringify(path.join(here, 'lru.mjs'));

const OUTPUT_MAPS = ['widths = new Map();', 'blockWidths = new Map();', 'styledChars = new Map();'];
const OUTPUT_CACHES = 'caches = new OutputCaches();';

/** Rewrites Ink's output.js source so one bounded OutputCaches serves every frame. */
export function patchOutput(src) {
  for (const needle of [...OUTPUT_MAPS, OUTPUT_CACHES, 'export default class Output {']) {
    if (!src.includes(needle)) throw new Error(`ink-bounded: ink/build/output.js changed shape (no "${needle}"); update scripts/ink-bounded/plugin.mjs`);
  }
  let out = `import { BoundedMap as __VdBoundedMap } from ${lru};\n${src}`;
  for (const m of OUTPUT_MAPS) out = out.replace(m, m.replace('new Map()', 'new __VdBoundedMap()'));
  out = out.replace('export default class Output {', 'let __vdSharedCaches;\nexport default class Output {');
  return out.replace(OUTPUT_CACHES, 'caches = (__vdSharedCaches ??= new OutputCaches());');
}

/** The plugin: bounded measure/wrap caches and the shared output caches. */
export const inkBounded = {
  name: 'ink-bounded-caches',
  setup(b) {
    b.onLoad({ filter: /[\\/]ink[\\/]build[\\/](measure-text|wrap-text|output)\.js$/ }, (args) => {
      const name = path.basename(args.path, '.js');
      const contents =
        name === 'output'
          ? patchOutput(readFileSync(args.path, 'utf8'))
          : readFileSync(path.join(here, `${name}.mjs`), 'utf8').replace("'./lru.mjs'", lru);
      return { contents, loader: 'js', resolveDir: path.dirname(args.path) };
    });
  },
};
