// nextStatusSince: a row keeps its time while its status holds, a changed status is dated now, a new row from its
// startedAt on a first look and from now after, a row that left is dropped; nothing moved returns the same map. The
// random part compares it with the plain two-map computation the store did before, on ordered and unordered lists.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { nextStatusSince, type SinceRules } from '../../src/core/fleet/since.js';
import { makeInstance as fake } from '../ui/fake-api.js';
import type { Instance, InstanceStatus } from '../../src/core/vast/types.js';

const row = (id: number, status: InstanceStatus, startedAt: number | null = 1000): Instance =>
  Object.freeze(fake(0, { id, status, startedAt }));

/** Three rows (running, loading, exited) that entered their statuses at 10, 20 and 30. */
const threeRows = () => ({
  prev: [row(1, 'running'), row(2, 'loading'), row(3, 'exited')],
  since: new Map([
    [1, 10],
    [2, 20],
    [3, 30],
  ]),
});

test('statuses that hold keep their times and the same map', () => {
  const { prev, since } = threeRows();
  // New objects, same statuses (a poll changed other fields).
  const rows = [row(1, 'running', 5), row(2, 'loading', 6), row(3, 'exited', 7)];
  assert.equal(nextStatusSince(prev, since, rows, { now: 99, fromStart: false }), since);
  assert.equal(nextStatusSince(prev, since, prev, { now: 99, fromStart: false }), since);
});

test('a changed status is dated now, a new row per the rules, a row that left is gone', () => {
  const { prev, since } = threeRows();
  const rows = [row(1, 'running'), row(2, 'running'), row(4, 'loading', 500), row(5, 'loading', null)];
  const later = nextStatusSince(prev, since, rows, { now: 99, fromStart: false });
  assert.deepEqual(
    [...later],
    [
      [1, 10],
      [2, 99],
      [4, 99],
      [5, 99],
    ],
  );
  const first = nextStatusSince(prev, since, rows, { now: 99, fromStart: true });
  assert.deepEqual(
    [...first],
    [
      [1, 10],
      [2, 99],
      [4, 500],
      [5, 99],
    ],
  );
  assert.deepEqual(
    [...since],
    [
      [1, 10],
      [2, 20],
      [3, 30],
    ],
  );
});

/** The store's computation before: the previous statuses in one map, every time. */
function reference(
  prev: readonly Instance[],
  since: ReadonlyMap<number, number>,
  rows: readonly Instance[],
  r: SinceRules,
): Map<number, number> {
  const oldStatus = new Map(prev.map((p) => [p.id, p.status]));
  const next = new Map<number, number>();
  for (const x of rows) {
    const had = since.get(x.id);
    if (had !== undefined && oldStatus.get(x.id) === x.status) next.set(x.id, had);
    else if (had === undefined && r.fromStart) next.set(x.id, x.startedAt ?? r.now);
    else next.set(x.id, r.now);
  }
  return next;
}

test('random fleets: the same times as the two-map computation, ordered or not', () => {
  let seed = 7;
  const rnd = (n: number) => {
    seed = (seed * 1103515245 + 12345) % 2147483648;
    return seed % n;
  };
  const statuses: InstanceStatus[] = ['running', 'loading', 'exited', 'created'];
  for (let round = 0; round < 400; round++) {
    const ids = [...new Set(Array.from({ length: rnd(30) }, () => rnd(60)))].sort((a, b) => a - b);
    const prev = ids.map((id) => row(id, statuses[rnd(4)]!, rnd(3) === 0 ? null : rnd(1000)));
    const since = new Map(prev.filter(() => rnd(10) > 0).map((p) => [p.id, rnd(1000)]));
    const nextIds = [...new Set([...ids.filter(() => rnd(5) > 0), ...Array.from({ length: rnd(5) }, () => rnd(60))])];
    nextIds.sort((a, b) => a - b);
    if (round % 4 === 3) nextIds.reverse();
    const prevList = round % 8 === 5 ? [...prev].reverse() : prev;
    const rows = nextIds.map((id) => {
      const p = prev.find((x) => x.id === id);
      return p && rnd(3) > 0 ? p : row(id, statuses[rnd(4)]!, rnd(1000));
    });
    const rules = { now: 5000 + round, fromStart: rnd(2) === 0 };
    const got = nextStatusSince(prevList, since, rows, rules);
    const want = reference(prev, since, rows, rules);
    assert.deepEqual(new Map(got), want, `round ${round}`);
    const same = want.size === since.size && [...want].every(([k, v]) => since.get(k) === v);
    assert.equal(got === since, same, `round ${round}: the same map exactly when nothing moved`);
  }
});
