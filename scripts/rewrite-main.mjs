// The command line both source rewriters share (rewrap-comments.mjs, split-strings.mjs).
import { readFileSync, writeFileSync } from 'node:fs';
import { DEFAULT_ROOTS, LIMIT, sourceFiles } from './check-lines.mjs';

/**
 * `[--limit N] [--check] [ROOT…]`: runs `transform(text, file, limit)` over every source file, writes what changed
 * (with --check, lists it), and returns the exit code: 1 when a file failed, or with --check when one would change.
 */
export function rewriteMain(argv, { name, transform, would, checkVerb, doneVerb }) {
  let limit = LIMIT;
  let check = false;
  const roots = [];
  for (let i = 0; i < argv.length; i++) {
    if (argv[i] === '--limit') limit = Number(argv[++i]);
    else if (argv[i] === '--check') check = true;
    else roots.push(argv[i]);
  }
  let changed = 0;
  let failed = 0;
  for (const file of sourceFiles(roots.length ? roots : DEFAULT_ROOTS)) {
    const text = readFileSync(file, 'utf8');
    let next;
    try {
      next = transform(text, file, limit);
    } catch (e) {
      console.error(`${name}: ${e.message}`);
      failed++;
      continue;
    }
    if (next === text) continue;
    changed++;
    if (check) console.log(`${file}: ${would}`);
    else writeFileSync(file, next);
  }
  console.error(`${name}: ${changed} file${changed === 1 ? '' : 's'} ${check ? checkVerb : doneVerb}`);
  return failed > 0 || (check && changed > 0) ? 1 : 0;
}
