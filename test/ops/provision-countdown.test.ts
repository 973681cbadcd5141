// `vastdeck provision` waiting for boot shows how long until the rental is called stuck and until it gives up.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { bootCountdown } from '../../src/cli/commands/provision.js';

test('the boot countdown names the instance, the time so far, and both deadlines', () => {
  assert.equal(
    bootCountdown(42, 90_000, 10 * 60_000, 20 * 60_000),
    '  waiting for instance 42 to boot: 90 s so far; stuck in 9 min, gives up in 19 min (Ctrl-C stops waiting; ' +
      'the instance stays rented and journaled)',
  );
  assert.match(bootCountdown(42, 11 * 60_000, 10 * 60_000, 20 * 60_000), /stuck in 0 min, gives up in 9 min/);
});
