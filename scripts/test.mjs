// Runs every test file under test/ with node's test runner (TypeScript through tsx).
// Usage: node scripts/test.mjs [substring …] to run only the files whose path contains one of them.
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { spawnSync } from 'node:child_process';
import { testEnv } from './test-env.mjs';
import { buildInkTestBundle } from './ink-bounded/test-bundle.mjs';

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
const files = walk('test')
  .filter((f) => only.length === 0 || only.some((o) => f.includes(o)))
  .sort();
if (files.length === 0) {
  console.error('no test files matched');
  process.exit(1);
}
// Tests get their own environment: nothing from the user's shell (VASTDECK_STATE_DIR, XDG_*, VAST_API_KEY, HF_TOKEN …).
const env = testEnv();
// Files at a time. Most test files wait on timers, simulated hosts, sshd or tmux far more than they compute, so
// four at a time keep a 2-core CI machine busy where two left it half idle (see docs/ARCHITECTURE.md, Tests).
const CONCURRENCY = 4;
// Frame tests draw with the patched Ink the bundle ships (scripts/ink-bounded/test-bundle.mjs, ink-test-register.mjs).
await buildInkTestBundle();
const timingsDir = mkdtempSync(path.join(tmpdir(), 'vd-test-timings-'));
const timingsFile = path.join(timingsDir, 'timings.json');
const started = Date.now();
const res = spawnSync(
  process.execPath,
  [
    '--import',
    'tsx',
    '--test',
    `--test-concurrency=${CONCURRENCY}`,
    '--test-timeout=120000',
    '--import',
    path.resolve('scripts/ink-test-register.mjs'), // after tsx's: its resolve hook runs first
    '--test-reporter=tap',
    '--test-reporter-destination=stdout',
    `--test-reporter=${path.resolve('scripts/file-timings.mjs')}`,
    `--test-reporter-destination=${timingsFile}`,
    ...files,
  ],
  { stdio: 'inherit', env },
);
rmSync(env.VASTDECK_TESTS_SANDBOX, { recursive: true, force: true });
try {
  const { perFile: byFile, counts } = JSON.parse(readFileSync(timingsFile, 'utf8'));
  const perFile = Object.entries(byFile).sort((a, b) => b[1] - a[1]);
  const secs = (ms) => `${(ms / 1000).toFixed(1)} s`.padStart(8);
  console.log(
    `# per-file time, slowest first (wall ${secs(Date.now() - started).trim()}, ${CONCURRENCY} files at a time):`,
  );
  for (const [file, ms] of perFile.slice(0, 15)) console.log(`#${secs(ms)}  ${path.relative(process.cwd(), file)}`);
  console.log(`tests: ${counts.passed} passed, ${counts.failed} failed, ${counts.skipped} skipped`);
} catch {
  // no timings (the run was killed): the runner's own output says why
}
rmSync(timingsDir, { recursive: true, force: true });
process.exit(res.status ?? 1);
