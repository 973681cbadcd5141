// App tells the health monitor which fleet rows are on screen (selection first), so a big fleet's visible rows are
// probed before the thousands scrolled out of sight; it says so again only when they change.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mount } from './harness.js';

const rowIds = (lines: string[]) =>
  lines
    .map((l) => /^[› ](\d{4,})\s/.exec(l)?.[1])
    .filter(Boolean)
    .map(Number);

test('onShown: the selection then the rows on screen; again after a scroll, not on a render that changes nothing', async () => {
  const calls: number[][] = [];
  const m = await mount({ n: 200, onShown: (ids) => calls.push([...ids]) });
  const first = calls.at(-1)!;
  const onScreen = rowIds(m.lines());
  assert.ok(onScreen.length >= 10, 'a screenful of rows');
  assert.deepEqual(first, onScreen, 'the selection (the first row) leads, then the others in screen order');
  const before = calls.length;
  await m.store.refresh();
  await m.press('j');
  const afterMove = calls.at(-1)!;
  assert.equal(afterMove[0], onScreen[1], 'the new selection first');
  assert.deepEqual([...afterMove].sort(), [...onScreen].sort(), 'the same rows on screen');
  assert.equal(calls.length, before + 1, 'one call for the move, none for the refresh');
  await m.press('G');
  const bottom = calls.at(-1)!;
  assert.equal(bottom[0], 1200, 'the last instance selected');
  assert.deepEqual([...bottom].sort(), [...rowIds(m.lines())].sort());
  m.unmount();
});
