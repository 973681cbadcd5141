/** The log pane's pure view model: windowing, scrolling, search and highlight. */
import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { LogRing } from '../../src/core/logs/ring.js';
import {
  INITIAL_VIEW,
  highlightParts,
  nextMatch,
  scrollBy,
  searchLines,
  viewWindow,
  wrapText,
} from '../../src/ui/logs/view-state.js';

function ring(n: number, cap = 5000) {
  const r = new LogRing({ capacity: cap });
  for (let i = 1; i <= n; i++) r.push(`line ${i}\n`);
  return r;
}

describe('log view model', () => {
  test('following: the last `height` lines, only those', () => {
    const lines = ring(1000).lines();
    const w = viewWindow(lines, INITIAL_VIEW, 10, 80);
    assert.equal(w.rows.length, 10);
    assert.equal(w.rows[0]!.text, 'line 991');
    assert.equal(w.rows[9]!.text, 'line 1000');
    assert.ok(w.atBottom);
  });

  test('paused view is anchored by seq: evictions and new lines do not move it', () => {
    const r = ring(100, 100);
    let lines = r.lines();
    let w = viewWindow(lines, INITIAL_VIEW, 10, 80);
    const view = scrollBy(lines, INITIAL_VIEW, w, -5, 10);
    assert.equal(view.follow, false);
    w = viewWindow(lines, view, 10, 80);
    assert.equal(w.rows[0]!.text, 'line 86');
    for (let i = 101; i <= 120; i++) r.push(`line ${i}\n`); // evicts 1..20
    lines = r.lines();
    w = viewWindow(lines, view, 10, 80);
    assert.equal(w.rows[0]!.text, 'line 86');
    assert.equal(w.atBottom, false);
  });

  test('scrolling down to the end turns autoscroll back on', () => {
    const lines = ring(50).lines();
    let view = scrollBy(lines, INITIAL_VIEW, viewWindow(lines, INITIAL_VIEW, 10, 80), -2, 10);
    assert.equal(view.follow, false);
    view = scrollBy(lines, view, viewWindow(lines, view, 10, 80), 1, 10);
    assert.equal(view.follow, false);
    view = scrollBy(lines, view, viewWindow(lines, view, 10, 80), 1, 10);
    assert.equal(view.follow, true);
  });

  test('wrap: long lines become several rows; the bottom row is the end of the newest line', () => {
    const r = new LogRing();
    r.push('short\n' + 'a'.repeat(25) + '\n');
    const w = viewWindow(r.lines(), { ...INITIAL_VIEW, wrap: true }, 3, 10);
    assert.deepEqual(
      w.rows.map((x) => [x.text, x.part]),
      [
        ['aaaaaaaaaa', 0],
        ['aaaaaaaaaa', 1],
        ['aaaaa', 2],
      ],
    );
    assert.deepEqual(wrapText('héllo wörld', 4), ['héll', 'o wö', 'rld']);
    const cut = viewWindow(r.lines(), INITIAL_VIEW, 3, 10);
    assert.equal(cut.rows.length, 2, 'unwrapped: one row per line');
  });

  test('search: case-insensitive seqs, n/N wrap around, highlight pieces', () => {
    const r = new LogRing();
    r.push('a\nCUDA out of memory\nb\ncuda ok\n');
    const m = searchLines(r.lines(), 'cuda');
    assert.deepEqual(m, [1, 3]);
    assert.equal(nextMatch(m, null, 1), 1);
    assert.equal(nextMatch(m, 1, 1), 3);
    assert.equal(nextMatch(m, 3, 1), 1);
    assert.equal(nextMatch(m, 1, -1), 3);
    assert.equal(nextMatch([], null, 1), null);
    assert.deepEqual(highlightParts('x CUDA y cuda', 'cuda'), [
      { text: 'x ', hit: false },
      { text: 'CUDA', hit: true },
      { text: ' y ', hit: false },
      { text: 'cuda', hit: true },
    ]);
    assert.deepEqual(highlightParts('abc', ''), [{ text: 'abc', hit: false }]);
  });
});
