// The bundle patches Ink's private files and imports undici's private files, so both are pinned to one exact
// version in package.json, and the build refuses any other installed version with a message naming what to check.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { INK_VERSION, checkInkVersion } from '../../scripts/ink-bounded/plugin.mjs';

const pkg = JSON.parse(readFileSync('package.json', 'utf8')) as { dependencies: Record<string, string> };

test('package.json pins Ink and undici exactly, to the versions the patches were written for', () => {
  assert.equal(pkg.dependencies.ink, INK_VERSION);
  assert.match(pkg.dependencies.undici!, /^\d+\.\d+\.\d+$/);
  assert.match(readFileSync('scripts/build.mjs', 'utf8'), new RegExp(`UNDICI_VERSION = '${pkg.dependencies.undici!.replace(/\./g, '\\.')}'`));
});

test('the build refuses another Ink version, naming both versions', () => {
  assert.doesNotThrow(() => checkInkVersion(INK_VERSION));
  assert.throws(() => checkInkVersion('6.9.0'), /Ink 6\.9\.0 is installed, but the bundle's patches are for Ink 6\.8\.0 exactly/);
});
