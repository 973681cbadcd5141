// Per-snapshot figures: the same counts and burn as a walk over the fleet, and recomputed only when the clock
// crosses a "stuck" boundary.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { figuresAt, fleetFigures } from '../../src/core/fleet/figures.js';
import { fleetBurn } from '../../src/core/fleet/burn.js';
import { displayStatus, STUCK_AFTER_MS } from '../../src/core/fleet/status.js';
import { makeFleet, makeInstance } from '../ui/fake-api.js';

describe('fleet figures', () => {
  test('counts by display status and burn match a walk over the fleet', () => {
    const instances = makeFleet(40);
    const now = 2_000_000_000_000;
    const statusSince = new Map<number, number>();
    const f = fleetFigures({ instances, statusSince, user: { credit: 100 } }, now);
    const counts = new Map<string, number>();
    for (const i of instances)
      counts.set(displayStatus(i, now, undefined), (counts.get(displayStatus(i, now, undefined)) ?? 0) + 1);
    assert.deepEqual(new Map(f.counts.map(([s, n]) => [s, n])), counts);
    assert.deepEqual(f.burn, fleetBurn(instances, 100));
  });

  test('a loading instance turns stuck: figuresAt recomputes past the boundary, and only then', () => {
    const since = 1_000_000;
    const inst = makeInstance(0, { status: 'loading', startedAt: since });
    const input = { instances: [inst], statusSince: new Map([[inst.id, since]]), user: null };
    const snap = { ...input, figures: fleetFigures(input, since + 1000) };
    assert.deepEqual(snap.figures.counts, [['loading', 1]]);
    assert.equal(figuresAt(snap, since + STUCK_AFTER_MS), snap.figures, 'still loading at the boundary');
    const later = figuresAt(snap, since + STUCK_AFTER_MS + 1);
    assert.deepEqual(later.counts, [['stuck', 1]]);
    assert.equal(figuresAt(snap, since + STUCK_AFTER_MS + 60_000), later, 'kept with the snapshot once recomputed');
  });
});
