// Headless commands parse without zod's JIT (src/cli/context.ts): compiling a parser per object schema costs more
// than one parse of a config and a page of rows saves (issue #16). The TUI, which never calls these, keeps it.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import os from 'node:os';
import path from 'node:path';
import { config as zodConfig } from 'zod';
import { localContext, refuseIfReadOnly } from '../../src/cli/context.js';

test('a command that reads its config or services through the CLI context turns off zod JIT', async () => {
  assert.notEqual(zodConfig().jitless, true, 'on by default (what the TUI keeps)');
  await refuseIfReadOnly({ config: path.join(os.tmpdir(), 'no-such-dir-vastdeck', 'config.yaml') }, 'test');
  assert.equal(zodConfig().jitless, true);
});

test('offline services turn it off too', async () => {
  zodConfig({ jitless: false });
  await localContext();
  assert.equal(zodConfig().jitless, true);
});
