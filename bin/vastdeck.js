#!/usr/bin/env node
// Launcher: runs the production bundle built by `npm run build` (npm install builds it via "prepare").
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const bundle = fileURLToPath(new URL('../dist/vastdeck.js', import.meta.url));
if (!existsSync(bundle)) {
  process.stderr.write(
    'vastdeck: the bundle dist/vastdeck.js is missing; run `npm run build` in the vastdeck folder\n',
  );
  process.exit(1);
}
await import(bundle);
