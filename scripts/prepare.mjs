// `npm install` in a checkout runs this ("prepare"): it builds dist/ with esbuild, a devDependency. Where esbuild
// is not installed (an install with --omit=dev, or a package whose dist/ came in the tarball), building is not
// possible and not needed when dist/ is there: say so in one line and succeed instead of failing the install.
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import path from 'node:path';

const root = path.dirname(path.dirname(fileURLToPath(import.meta.url)));
let hasEsbuild = true;
try {
  createRequire(path.join(root, 'package.json')).resolve('esbuild');
} catch {
  hasEsbuild = false;
}
if (process.env.npm_command === 'pack' || process.env.npm_command === 'publish') {
  // npm pack/publish run "prepack" too, which builds dist/; building twice would only cost time.
} else if (hasEsbuild) {
  await import('./build.mjs');
} else if (existsSync(path.join(root, 'dist', 'vastdeck.js'))) {
  process.stdout.write('vastdeck: esbuild is not installed; using the bundle already in dist/\n');
} else {
  process.stderr.write(
    'vastdeck: esbuild (a devDependency) is not installed, so dist/ was not built; run `npm install ' +
      '--include=dev && npm run build`\n',
  );
}
