// The Vast schemas and the config schema use zod's mini API, which does not set zod's English messages the way the
// classic API does when it loads: core/util/zod-english.ts sets them. Checked in a process of its own, where nothing
// loads the classic API (this test file does not import zod): a malformed answer still says what was expected.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import path from 'node:path';

const root = path.resolve(import.meta.dirname, '..', '..');

test('mini schemas speak English without the classic API loaded', () => {
  const script = [
    "import { WireInstance } from './src/core/vast/schemas.ts';",
    "import { configSchema } from './src/core/config/config.ts';",
    "const a = WireInstance.safeParse({ id: 'five' });",
    'const b = configSchema.safeParse({ pollSeconds: 1 });',
    'console.log(JSON.stringify([a.error.issues[0].message, b.error.issues[0].message]));',
  ].join('\n');
  const out = execFileSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], {
    cwd: root,
    encoding: 'utf8',
  });
  const [row, poll] = JSON.parse(out) as [string, string];
  assert.equal(row, 'Invalid input: expected number, received string');
  assert.match(poll, /^Too small: expected number to be >=2/);
});
