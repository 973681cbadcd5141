// Frame tests run against the Ink the bundle ships: scripts/test.mjs builds dist-test/ink.mjs with the production
// patches (scripts/ink-bounded/) and resolves every `import 'ink'` to it. These fail if the unpatched Ink in
// node_modules is loaded, by the test files, by src/ui or by ink-testing-library.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { pathToFileURL } from 'node:url';
import path from 'node:path';
import * as ink from 'ink';
import { Text, useStdout } from 'ink';
import { render } from 'ink-testing-library';
import { PATCHES } from '../../scripts/ink-bounded/plugin.mjs';

interface PatchedInk {
  patches: string[];
  measureText: (text: string) => { width: number; height: number };
  cacheLimit: number;
}
const patched = (ink as unknown as { vastdeckInk?: PatchedInk }).vastdeckInk;

test('`ink` resolves to the patched test bundle, with every patch of the production build applied', () => {
  assert.equal(import.meta.resolve('ink'), pathToFileURL(path.resolve('dist-test/ink.mjs')).href);
  assert.ok(patched, 'the loaded Ink is not the patched bundle (run the tests with node scripts/test.mjs)');
  assert.deepEqual(patched.patches, PATCHES);
});

test("the loaded Ink's text measuring cache is the bounded one (ink#986)", () => {
  const { measureText, cacheLimit } = patched!;
  const first = measureText('patched-ink probe 0');
  assert.deepEqual(first, { width: 19, height: 1 });
  assert.equal(measureText('patched-ink probe 0'), first, 'a repeated text is a cache hit');
  for (let i = 1; i <= cacheLimit; i++) measureText(`patched-ink probe ${i}`);
  // Ink 6.8's own cache keeps every text forever and would still hand back the first object.
  assert.notEqual(measureText('patched-ink probe 0'), first, 'the oldest entry was evicted');
});

let seen: unknown;
/** Records the stdout its Ink gives it. */
function Probe() {
  seen = useStdout().stdout;
  return <Text>probe · ok</Text>;
}

test('ink-testing-library renders with the same (patched) Ink as the components', () => {
  const { lastFrame, unmount } = render(<Probe />);
  // With two Inks, the component's useStdout() would read its own Ink's default context: process.stdout.
  assert.notEqual(seen, process.stdout);
  assert.equal(typeof (seen as { lastFrame?: unknown }).lastFrame, 'function');
  assert.equal(lastFrame(), 'probe · ok');
  unmount();
});
