// Runs every test file under test/ with node's test runner (TypeScript through tsx).
// Usage: node scripts/test.mjs [substring …] to run only the files whose path contains one of them.
import { readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { spawnSync } from 'node:child_process';
import { rmSync } from 'node:fs';
import { testEnv } from './test-env.mjs';

function walk(dir) {
  const out = [];
  for (const name of readdirSync(dir)) {
    const full = path.join(dir, name);
    if (statSync(full).isDirectory()) out.push(...walk(full));
    else if (/\.test\.tsx?$/.test(name)) out.push(full);
  }
  return out;
}

const only = process.argv.slice(2);
const files = walk('test').filter((f) => only.length === 0 || only.some((o) => f.includes(o))).sort();
if (files.length === 0) {
  console.error('no test files matched');
  process.exit(1);
}
// Tests get their own environment: nothing from the user's shell (VASTDECK_STATE_DIR, XDG_*, VAST_API_KEY, HF_TOKEN …).
const env = testEnv();
const res = spawnSync(
  process.execPath,
  ['--import', 'tsx', '--test', '--test-concurrency=2', '--test-timeout=120000', ...files],
  { stdio: 'inherit', env },
);
rmSync(env.VASTDECK_TESTS_SANDBOX, { recursive: true, force: true });
process.exit(res.status ?? 1);
