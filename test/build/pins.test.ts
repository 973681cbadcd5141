// The bundle patches Ink's private files, so Ink is pinned to one exact version in package.json, and the build
// refuses any other installed version with a message naming what to check. The HTTP client is Node's own
// (src/core/vast/transport.ts): no undici to pin.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { INK_VERSION, checkInkVersion } from '../../scripts/ink-bounded/plugin.mjs';

const pkg = JSON.parse(readFileSync('package.json', 'utf8')) as { dependencies: Record<string, string> };

test('package.json pins Ink exactly, to the version the patches were written for; undici is not a dependency', () => {
  assert.equal(pkg.dependencies.ink, INK_VERSION);
  assert.equal(pkg.dependencies.undici, undefined);
  assert.doesNotMatch(readFileSync('scripts/build.mjs', 'utf8'), /UNDICI_VERSION/);
});

test('the build refuses another Ink version, naming both versions', () => {
  assert.doesNotThrow(() => checkInkVersion(INK_VERSION));
  assert.throws(
    () => checkInkVersion('6.9.0'),
    /Ink 6\.9\.0 is installed, but the bundle's patches are for Ink 6\.8\.0 exactly/,
  );
});
