// patchRows over a span (id ranges and single ids): fresh rows replace theirs, covered rows the fresh part did not
// return are gone, the rest stay, unchanged rows keep their object, and nothing changed gives the same array.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { patchRows, spans } from '../../src/core/fleet/rows.js';
import { makeInstance as fake } from '../ui/fake-api.js';
import type { Instance } from '../../src/core/vast/types.js';

const makeInstance = (o: Partial<Instance> & { id: number }): Instance => fake(0, o);

test('spans: ranges are after < id ≤ upTo, ids are exact', () => {
  const span = { ranges: [[10, 20] as const, [40, Infinity] as const], ids: new Set([5]) };
  assert.deepEqual(
    [5, 6, 10, 11, 20, 21, 40, 41, 1e9].map((id) => spans(span, id)),
    [true, false, false, true, true, false, false, true, true],
  );
  assert.equal(spans({ ranges: [] }, 1), false);
});

test('patchRows over a span', () => {
  const prev = Object.freeze([1, 2, 3, 4, 5, 6].map((id) => Object.freeze(makeInstance({ id }))));
  const fresh = [makeInstance({ id: 2 }), makeInstance({ id: 3, status: 'exited' }), makeInstance({ id: 7 })];
  const dropped: number[] = [];
  const out = patchRows(
    prev,
    fresh,
    {
      ranges: [
        [1, 3],
        [5, Infinity],
      ],
      ids: new Set([5]),
    },
    { dropped: (id) => void dropped.push(id) },
  );
  assert.deepEqual(
    out.map((r) => r.id),
    [1, 2, 3, 4, 7],
  );
  assert.equal(out[1], prev[1], 'unchanged row keeps its object');
  assert.equal(out[2]!.status, 'exited');
  assert.deepEqual(dropped, [5, 6]);
  assert.equal(patchRows(prev, [makeInstance({ id: 2 })], { ranges: [[1, 2]] }), prev, 'nothing changed');
});
