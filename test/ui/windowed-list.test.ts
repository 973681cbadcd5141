import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { indexOfId, listWindow, moveIndex } from '../../src/ui/list/windowed.js';

const rows = (n: number) => Array.from({ length: n }, (_, i) => ({ id: 100 + i }));
const id = (r: { id: number }) => r.id;

describe('windowed list', () => {
  test('the cursor follows the selected id through a re-sort', () => {
    const a = rows(10);
    const w1 = listWindow(a, id, 103, 0, 5);
    assert.equal(w1.cursor, 3);
    const reversed = [...a].reverse();
    const w2 = listWindow(reversed, id, 103, w1.top, 5);
    assert.equal(w2.selected?.id, 103);
    assert.equal(w2.cursor, 6);
    assert.ok(w2.cursor >= w2.top && w2.cursor < w2.top + 5, 'the cursor stays in the window');
  });

  test('a gone id falls back to the first row, or to the same position with a fallback', () => {
    const a = rows(10);
    assert.equal(listWindow(a, id, 999, 0, 5).cursor, 0);
    assert.equal(listWindow(a, id, 999, 0, 5, 7).cursor, 7);
    assert.equal(listWindow(a, id, 999, 0, 5, 42).cursor, 9, 'clamped to the list');
    assert.equal(listWindow([], id, 1, 3, 5).selected, undefined);
    assert.equal(listWindow([], id, 1, 3, 5).top, 0);
  });

  test('the top moves only as far as the cursor needs', () => {
    const a = rows(100);
    let top = 0;
    // Down past the bottom edge: the window scrolls one line at a time.
    let w = listWindow(a, id, 110, top, 10);
    assert.equal(w.top, 1);
    top = w.top;
    // Back up inside the window: the top stays.
    w = listWindow(a, id, 105, top, 10);
    assert.equal(w.top, 1);
    // Above it: the top follows the cursor.
    w = listWindow(a, id, 100, w.top, 10);
    assert.equal(w.top, 0);
    // The list shrinks under the window: the top is pulled back so the window stays full.
    w = listWindow(rows(12), id, 111, 50, 10);
    assert.equal(w.top, 2);
    assert.equal(w.cursor, 11);
  });

  test('moves: line, page, first, last, clamped; none on an empty list', () => {
    assert.equal(moveIndex(10, 0, 'up', 4), 0);
    assert.equal(moveIndex(10, 0, 'down', 4), 1);
    assert.equal(moveIndex(10, 2, 'pageDown', 4), 6);
    assert.equal(moveIndex(10, 8, 'pageDown', 4), 9);
    assert.equal(moveIndex(10, 3, 'pageUp', 4), 0);
    assert.equal(moveIndex(10, 5, 'first', 4), 0);
    assert.equal(moveIndex(10, 5, 'last', 4), 9);
    assert.equal(moveIndex(10, 5, 'pageDown', 0), 6, 'a page is at least one line');
    assert.equal(moveIndex(0, 0, 'down', 4), null);
  });

  test('the id index is built once per rows array, not per key', () => {
    const a = rows(10_000);
    let calls = 0;
    const counted = (r: { id: number }) => (calls++, r.id);
    for (let k = 0; k < 50; k++) listWindow(a, counted, 100 + k * 7, 0, 40);
    assert.equal(calls, 10_000, 'one pass over the rows for 50 lookups');
    assert.equal(indexOfId(a, counted, 10_099), 9_999);
    assert.equal(indexOfId(a, counted, 5), -1);
    assert.equal(calls, 10_000);
    // A new array (a new poll, another sort) gets its own index.
    const b = [...a];
    indexOfId(b, counted, 100);
    assert.equal(calls, 20_000);
  });
});

describe("the migration wizard's profile list", () => {
  test('keeps the cursor in view when there are more profiles than lines', async () => {
    const { profileWindow } = await import('../../src/ui/migrate/MigrateWizard.js');
    const names = Array.from({ length: 10 }, (_, i) => `profile-${i}`);
    // 7 lines: 5 names (the wizard keeps two lines for itself).
    assert.deepEqual(
      profileWindow(names, 0, 7).map(([, i]) => i),
      [0, 1, 2, 3, 4],
    );
    const w = profileWindow(names, 8, 7);
    assert.deepEqual(
      w.map(([, i]) => i),
      [4, 5, 6, 7, 8],
    );
    assert.ok(
      w.some(([n, i]) => i === 8 && n === 'profile-8'),
      'the selected profile is shown',
    );
    assert.deepEqual(profileWindow(['a'], 0, 3), [['a', 0]]);
    assert.deepEqual(profileWindow([], 0, 3), []);
  });
});
