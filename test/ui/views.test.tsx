// Views as modules: the view that shows is the only one mounted, and what must outlive it is in its store.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mountOffers } from './offers-harness.js';
import { VIEWS } from '../../src/ui/views/index.js';
import type { ViewDef } from '../../src/ui/views/types.js';
const KEY = { enter: '\r', escape: '\x1b' };

const selectedRow = (lines: string[]) => lines.find((l) => l.startsWith('›')) ?? '';

describe('views', () => {
  test('the offer browser finds its filter, results and selection again after the fleet showed', async () => {
    const m = await mountOffers({ columns: 120, rows: 30 });
    await m.press('o');
    await m.press('/');
    await m.type('num_gpus>=2');
    await m.press(KEY.enter);
    await m.settle();
    await m.press('j', 'j', 'j');
    const before = selectedRow(m.lines());
    assert.match(before, /\S/, 'an offer is selected');
    const searches = m.searches.length;
    await m.press(KEY.escape);
    assert.match(m.frame(), /LABEL/, 'the fleet shows');
    await m.press('j');
    await m.press('o');
    assert.match(m.frame(), /filter num_gpus>=2/);
    assert.equal(selectedRow(m.lines()), before, 'the same offer is selected');
    assert.equal(m.searches.length, searches, 'coming back searches nothing');
    m.unmount();
  });

  test('a hidden view is not mounted: the env view lists the names each time it opens, never while hidden', async () => {
    const m = await mountOffers({ columns: 100, rows: 24 });
    let lists = 0;
    const list = m.api.listEnvVars.bind(m.api);
    m.api.listEnvVars = async () => (lists++, list());
    await m.press('e');
    await m.settle();
    assert.equal(lists, 1);
    assert.match(m.frame(), /HF_TOKEN/);
    await m.press(KEY.escape);
    await m.press('j', 'k', 'r');
    await m.settle();
    assert.equal(lists, 1, 'nothing of the env view runs while the fleet shows');
    await m.press('e');
    await m.settle();
    assert.equal(lists, 2, 'opening it mounts it again');
    m.unmount();
  });

  test('only the view that shows renders: keys on the fleet run nothing of the offer browser or the env view', async () => {
    const renders: Record<string, number> = { offers: 0, env: 0, fleet: 0 };
    const table = VIEWS as unknown as Record<string, ViewDef>;
    const originals = Object.fromEntries(Object.keys(renders).map((id) => [id, table[id]!.Component]));
    for (const id of Object.keys(renders)) {
      const Inner = originals[id]!;
      // Called as a function, the view's hooks run in this wrapper: it renders exactly when the view does.
      // biome-ignore lint/correctness/noComponentHookFactories: the test wraps each view on purpose to count renders.
      table[id] = { ...table[id]!, Component: (p) => (renders[id]!++, Inner(p)) };
    }
    try {
      const m = await mountOffers({ columns: 100, rows: 24 });
      await m.press('o');
      await m.press('j');
      assert.ok(renders.offers! > 0);
      await m.press(KEY.escape);
      await m.press('e');
      await m.settle();
      assert.ok(renders.env! > 0);
      await m.press(KEY.escape);
      for (const id of Object.keys(renders)) renders[id] = 0;
      await m.press('j', 'j', 'k', 'd', 'd');
      assert.equal(renders.offers, 0);
      assert.equal(renders.env, 0);
      assert.ok(renders.fleet! >= 5, 'the fleet view renders each key');
      m.unmount();
    } finally {
      for (const id of Object.keys(renders)) table[id] = { ...table[id]!, Component: originals[id]! };
    }
  });

  test('the fleet keeps its selection and filter while the env view shows', async () => {
    const m = await mountOffers({ columns: 100, rows: 24 });
    await m.press('j', 'j');
    const before = selectedRow(m.lines());
    await m.press('/');
    await m.type('1');
    await m.press(KEY.enter);
    const filtered = m.frame();
    await m.press('e');
    await m.settle();
    await m.press(KEY.escape);
    assert.equal(m.frame(), filtered);
    assert.ok(before.length > 0);
    m.unmount();
  });
});
