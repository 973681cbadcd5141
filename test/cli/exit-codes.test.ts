// One exit-code table for every command: 0 ok, 1 error, 2 usage. `wait` keeps its outcome codes (3 crashed,
// 4 timed out, 5 gone) and none of them shares a number with usage (an unknown option exited 64 for wait,
// 2 elsewhere, and 2 also meant "crashed" for wait).
import { before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { WAIT_EXIT } from '../../src/core/watch/wait.js';
import { EXIT } from '../../src/cli/output.js';
import { bundleCli, ROOT, runCli } from '../helpers/run-cli.js';

const COMMANDS = [
  'instances',
  'offers',
  'sim',
  'logs',
  'triage',
  'attach',
  'ssh',
  'provision',
  'env',
  'destroy',
  'down',
  'migrate',
  'monitor',
  'replenish',
  'cost',
  'wait',
];
let script: string;

before(async () => {
  script = await bundleCli();
});

const run = (args: string[]) => runCli(args, { script, clean: true, env: { HOME: '/nonexistent-vastdeck-home' } });

describe('exit codes', () => {
  test('the table: 0 ok, 1 error, 2 usage; wait outcomes 3 crashed, 4 timeout, 5 gone, none equal to 1 or 2', () => {
    assert.deepEqual(EXIT, { ok: 0, error: 1, usage: 2, sigint: 130, sigterm: 143 });
    assert.deepEqual(WAIT_EXIT, { finished: 0, step: 0, crashed: 3, timeout: 4, gone: 5 });
  });

  test('an unknown option exits 2 with one line on stderr, for every command', async () => {
    const runs = await Promise.all(COMMANDS.map((c) => run([c, '--no-such-flag'])));
    runs.forEach((r, k) => {
      assert.equal(r.code, 2, `${COMMANDS[k]}: ${r.err}`);
      assert.match(r.err, /^vastdeck: [^\n]*no-such-flag[^\n]*\n$/, COMMANDS[k]);
      assert.equal(r.out, '');
    });
  });

  test('a bad value exits 2 for wait too (was 64)', async () => {
    const r = await run(['wait', '123', '--timeout', 'soon']);
    assert.equal(r.code, 2, r.err);
  });

  test("every --help shows the exit-code table; wait's adds its outcomes", async () => {
    const runs = await Promise.all([...COMMANDS.map((c) => run([c, '--help'])), run(['--help'])]);
    runs.forEach((r, k) => {
      const name = COMMANDS[k] ?? 'vastdeck --help';
      assert.equal(r.code, 0, `${name}: ${r.err}`);
      assert.match(r.out, /Exit status:\n\s+0\s+ok[^\n]*\n\s+1\s+error[^\n]*\n\s+2\s+usage/, name);
      assert.match(
        r.out,
        /130 \/ 143\s+interrupted by Ctrl-C \/ SIGTERM; the journal is consistent and --resume continues/,
        name,
      );
    });
    const wait = runs[COMMANDS.indexOf('wait')]!.out;
    assert.match(wait, /\b3\s+crashed/);
    assert.match(wait, /\b4\s+timed out/);
    assert.match(wait, /\b5\s+the instance is gone/);
    assert.doesNotMatch(wait, /\b64\b/);
  });

  test('the README has the same table', () => {
    const readme = readFileSync(path.join(ROOT, 'README.md'), 'utf8');
    assert.match(readme, /\| 0 \| ok/);
    assert.match(readme, /\| 1 \| error/);
    assert.match(readme, /\| 2 \| usage/);
    assert.match(readme, /\| 3 \| `wait`: crashed/);
    assert.match(readme, /\| 4 \| `wait`: timed out/);
    assert.match(readme, /\| 5 \| `wait`: the instance is gone/);
  });
});
