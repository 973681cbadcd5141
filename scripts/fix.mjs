// `npm run fix`: takes the tree to the house style in one go, then runs `npm run lint` and exits with its status.
// 0. node scripts/jsx-spaces.mjs              runs of spaces in JSX text become {'…'} (the formatter collapses them,
//                                              and Ink draws them)
// 1. biome format --write                      layout (biome.json: 2 spaces, single quotes, semicolons, 120 columns)
// 2. biome lint --write                        Biome's safe fixes
// 3. biome lint --write --unsafe --only=noUnusedImports
//                                              removes unused imports (the one unsafe fix taken: tsc and the tests
//                                              still check the result)
// 4. node scripts/rewrap-comments.mjs          comment lines over 120 columns, which the formatter never wraps
// 5. node scripts/split-strings.mjs, then biome format --write, twice
//                                              string and template literals on lines over 120 columns
// 6. npm run lint                              what is left needs a person (docs/ENGINEERING.md, "Lint")
// Steps 1–5 may report problems they cannot fix; the run goes on, and step 6 lists what is left.
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.dirname(path.dirname(fileURLToPath(import.meta.url)));
const biome = path.join(root, 'node_modules', '.bin', 'biome');

const run = (cmd, args) => {
  console.error(`fix: ${path.basename(cmd)} ${args.join(' ')}`);
  return spawnSync(cmd, args, { cwd: root, stdio: 'inherit' }).status ?? 1;
};

run(process.execPath, [path.join(root, 'scripts', 'jsx-spaces.mjs')]);
run(biome, ['format', '--write']);
run(biome, ['lint', '--write', '--max-diagnostics=0']);
run(biome, ['lint', '--write', '--unsafe', '--only=correctness/noUnusedImports', '--max-diagnostics=0']);
run(process.execPath, [path.join(root, 'scripts', 'rewrap-comments.mjs')]);
for (let pass = 0; pass < 2; pass++) {
  run(process.execPath, [path.join(root, 'scripts', 'split-strings.mjs')]);
  run(biome, ['format', '--write']);
}
process.exitCode = run('npm', ['run', '--silent', 'lint']);
