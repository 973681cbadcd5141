// A fleet row is drawn again when the clock moves something it shows (AGE, loading → stuck), not on every snapshot
// (each one moves the clock): at 10,000 instances the fill publishes a page a second.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { drawnText, sameRow, type RowProps } from '../../src/ui/FleetTable.js';
import { layoutColumns } from '../../src/ui/cells.js';
import { FAKE_NOW, makeInstance } from './fake-api.js';
import { mount, settle } from './harness.js';
import { FakeApi } from './fake-api.js';

const columns = layoutColumns(199);
const props = (over: Partial<Omit<RowProps, 'drawn'>>): RowProps => {
  const p = {
    inst: makeInstance(0, { status: 'running', startedAt: FAKE_NOW - 3 * 60_000 }),
    columns,
    selected: false,
    since: undefined,
    health: undefined,
    now: FAKE_NOW,
    ...over,
  };
  return { ...p, drawn: drawnText(p.inst, p.columns, p.now, p.since, p.health) };
};
const at = (p: RowProps, now: number): RowProps => props({ ...p, now });

test('sameRow: a second later draws the same; a minute later the AGE moved; a loading row turns stuck', () => {
  const a = props({});
  assert.equal(sameRow(a, at(a, FAKE_NOW + 1000)), true);
  assert.equal(sameRow(a, at(a, FAKE_NOW + 60_000)), false, '3m → 4m');
  const inst = makeInstance(0, { status: 'loading', startedAt: FAKE_NOW - 9 * 60_000 - 30_000 });
  const l = props({ inst, now: FAKE_NOW, since: FAKE_NOW - 9 * 60_000 - 30_000 });
  assert.equal(sameRow(l, at(l, FAKE_NOW + 20_000)), true, 'the AGE says 9m both times, not stuck yet');
  assert.equal(sameRow(l, at(l, FAKE_NOW + 40_000)), false, 'past 10 minutes loading: stuck');
  assert.equal(sameRow(a, { ...a, selected: true }), false);
  assert.equal(sameRow(a, { ...a, inst: { ...a.inst } }), false, 'a new row object');
  // React compares with the props of the last render: many snapshots later the clock alone still skips the row.
  assert.equal(sameRow(a, at(a, FAKE_NOW + 40_000)), true);
});

test('on screen: the AGE follows the clock when a new snapshot comes', async () => {
  const api = new FakeApi([makeInstance(0, { status: 'running', startedAt: FAKE_NOW - 3 * 60_000 }), makeInstance(1)]);
  const m = await mount({ api });
  assert.match(m.lines().find((l) => l.includes('1001'))!, /\s3m\s/);
  m.setNow(FAKE_NOW + 2 * 3_600_000);
  api.instances[1] = { ...api.instances[1]!, label: 'renamed' };
  await m.store.refresh();
  await settle();
  assert.match(m.lines().find((l) => l.includes('1001'))!, /\s2h\s/);
  m.unmount();
});
