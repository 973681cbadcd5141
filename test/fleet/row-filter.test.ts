// selectRows with nothing to filter and the fleet's own order (id) hands back the snapshot's list itself: no
// per-row status, key objects or sort on every snapshot (at 10,000 instances a fill publishes every 2 s), and an
// unchanged list stays the same array for the views' memos.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { DEFAULT_QUERY, selectRows } from '../../src/core/fleet/row-filter.js';
import { FleetStore } from '../../src/core/fleet/store.js';
import { FAKE_NOW, FakeApi, makeFleet } from '../ui/fake-api.js';

async function snapshot(n: number) {
  const store = new FleetStore({ api: new FakeApi(makeFleet(n)), pollMs: 5000, now: () => FAKE_NOW });
  await store.refresh();
  return store;
}

test('the default query returns the snapshot’s list itself, and again after a health-only change', async () => {
  const store = await snapshot(40);
  const snap = store.getSnapshot();
  assert.equal(selectRows(snap, DEFAULT_QUERY, FAKE_NOW), snap.instances);
  assert.equal(selectRows(snap, { ...DEFAULT_QUERY, filter: '   ' }, FAKE_NOW), snap.instances, 'a blank filter');
  store.setHealth(snap.instances[3]!.id, { step: 5, text: 'ok', level: 'ok' });
  const after = store.getSnapshot();
  assert.notEqual(after, snap);
  assert.equal(selectRows(after, DEFAULT_QUERY, FAKE_NOW), snap.instances);
});

test('by id, both ways, is the list in id order; a filter or a fleet still filters', async () => {
  const snap = (await snapshot(40)).getSnapshot();
  const ids = snap.instances.map((i) => i.id);
  assert.deepEqual(
    ids,
    [...ids].sort((a, b) => a - b),
  );
  const desc = selectRows(snap, { ...DEFAULT_QUERY, desc: true }, FAKE_NOW).map((i) => i.id);
  assert.deepEqual(desc, [...ids].reverse());
  const label = snap.instances[0]!.label!;
  const some = selectRows(snap, { ...DEFAULT_QUERY, filter: label }, FAKE_NOW);
  assert.ok(some.length >= 1 && some.length < ids.length && some.every((i) => (i.label ?? '').includes(label)));
  const none = selectRows(snap, { ...DEFAULT_QUERY, fleet: 'no-such-fleet' }, FAKE_NOW);
  assert.equal(none.length, 0);
});
