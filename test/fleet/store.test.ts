import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { FleetStore } from '../../src/core/fleet/store.js';
import { fleetBurn, instanceBurn } from '../../src/core/fleet/burn.js';
import { displayStatus, STUCK_AFTER_MS } from '../../src/core/fleet/status.js';
import { FakeApi, makeFleet, makeInstance } from '../ui/fake-api.js';
import { FakeClock, settle } from './fake-clock.js';

function setup(n = 5) {
  const clock = new FakeClock();
  const api = new FakeApi(makeFleet(n));
  const store = new FleetStore({ api, pollMs: 2000, clock, now: () => clock.now, random: () => 0.5 });
  let emits = 0;
  store.subscribe(() => emits++);
  return { clock, api, store, emits: () => emits };
}

describe('FleetStore', () => {
  test('first poll loads instances and the user in one emit', async () => {
    const { store, emits } = setup();
    store.start();
    await settle();
    const s = store.getSnapshot();
    assert.equal(s.loaded, true);
    assert.equal(s.instances.length, 5);
    assert.equal(s.user?.credit, 412.5);
    assert.equal(emits(), 1);
    store.stop();
  });

  test('whenLoaded: once at the first loaded snapshot, and at once for a store that loaded before it was asked', async () => {
    const { store, clock, api } = setup();
    let calls = 0;
    store.whenLoaded(() => calls++);
    assert.equal(calls, 0, 'nothing loaded yet');
    store.start();
    await settle();
    assert.equal(calls, 1);
    api.instances = api.instances.map((i) => (i.id === 1003 ? { ...i, gpuUtilPct: 12 } : i));
    await clock.advance(2000);
    assert.equal(calls, 1, 'later snapshots do not call it again');
    // The CLI starts the store while the TUI loads: its first listing may be in before the TUI asks.
    let late = 0;
    store.whenLoaded(() => late++);
    assert.equal(late, 1);
    store.stop();
  });

  test('no emit and the same snapshot when nothing changed', async () => {
    const { store, clock, emits, api } = setup();
    store.start();
    await settle();
    const first = store.getSnapshot();
    await clock.advance(20_000);
    assert.ok(api.calls.listInstances >= 10);
    assert.equal(emits(), 1);
    assert.equal(store.getSnapshot(), first);
    store.stop();
  });

  test('row stability: only the changed instance gets a new object', async () => {
    const { store, clock, emits, api } = setup();
    store.start();
    await settle();
    const before = store.getSnapshot().instances;
    api.instances = api.instances.map((i) => (i.id === 1003 ? { ...i, gpuUtilPct: 12 } : i));
    await clock.advance(2000);
    const after = store.getSnapshot().instances;
    assert.equal(emits(), 2, 'one poll, one emit');
    assert.notEqual(after, before);
    for (let k = 0; k < after.length; k++) {
      if (after[k]!.id === 1003) assert.notEqual(after[k], before[k]);
      else assert.equal(after[k], before[k]);
    }
    assert.equal(after.find((i) => i.id === 1003)!.gpuUtilPct, 12);
    assert.ok(Object.isFrozen(after));
    store.stop();
  });

  test('rows are ordered by id whatever order the API answers in', async () => {
    const { store, api } = setup();
    api.instances.reverse();
    await store.refresh();
    assert.deepEqual(
      store.getSnapshot().instances.map((i) => i.id),
      [1001, 1002, 1003, 1004, 1005],
    );
  });

  test('failure keeps the last good snapshot, sets error and lastOkAt; recovery clears it', async () => {
    const { store, clock, api } = setup();
    store.start();
    await settle();
    const okAt = clock.now;
    const rows = store.getSnapshot().instances;
    api.failNext('rate_limited', 2, 'API requests too frequent');
    await clock.advance(2000);
    let s = store.getSnapshot();
    assert.equal(s.instances, rows);
    assert.equal(s.error?.kind, 'rate_limited');
    assert.equal(s.error?.failures, 1);
    assert.equal(s.lastOkAt, okAt);
    assert.ok(store.nextDelayMs > 2000, 'backed off');
    await clock.advance(store.nextDelayMs);
    s = store.getSnapshot();
    assert.equal(s.error?.failures, 2);
    await clock.advance(store.nextDelayMs);
    s = store.getSnapshot();
    assert.equal(s.error, null);
    assert.equal(s.instances, rows, 'unchanged rows survive the outage by identity');
    assert.ok(s.lastOkAt! > okAt);
    store.stop();
  });

  test('single-flight: concurrent refreshes make one API call', async () => {
    const { store, api } = setup();
    let release!: () => void;
    api.gate = new Promise((r) => (release = r));
    const a = store.refresh();
    const b = store.refresh();
    release();
    await Promise.all([a, b]);
    assert.equal(api.calls.listInstances, 1);
  });

  test('user is polled less often than instances', async () => {
    const { store, clock, api } = setup();
    store.start();
    await settle();
    await clock.advance(30_000);
    assert.equal(api.calls.currentUser, 1);
    await clock.advance(32_000);
    assert.equal(api.calls.currentUser, 2);
    store.stop();
  });

  test('status since: a restart into loading counts from when it was seen, not from creation', async () => {
    const { store, clock, api } = setup(1);
    api.instances = [makeInstance(0, { status: 'stopped', startedAt: clock.now - 86_400_000 })];
    await store.refresh();
    api.instances = [{ ...api.instances[0]!, status: 'loading' }];
    clock.now += 2000;
    await store.refresh();
    const s = store.getSnapshot();
    const inst = s.instances[0]!;
    assert.equal(s.statusSince.get(inst.id), clock.now);
    assert.equal(displayStatus(inst, clock.now + 60_000, s.statusSince.get(inst.id)), 'loading');
    assert.equal(displayStatus(inst, clock.now + STUCK_AFTER_MS + 1, s.statusSince.get(inst.id)), 'stuck');
  });

  test('health map: set emits once, same value does not emit', () => {
    const { store, emits } = setup();
    store.setHealth(1001, { step: 1200, text: 'ok', level: 'ok' });
    store.setHealth(1001, { step: 1200, text: 'ok', level: 'ok' });
    assert.equal(emits(), 1);
    assert.equal(store.getSnapshot().health.get(1001)?.step, 1200);
    store.setHealth(1001, null);
    assert.equal(store.getSnapshot().health.size, 0);
  });
});

describe('burn and status', () => {
  test('running and frozen burn dphTotal, others burn storage only', () => {
    const base = makeInstance(0, { dphTotal: 1.5, storageDph: 0.1 });
    assert.equal(instanceBurn({ ...base, status: 'running' }), 1.5);
    assert.equal(instanceBurn({ ...base, status: 'frozen' }), 1.5);
    assert.equal(instanceBurn({ ...base, status: 'stopped' }), 0.1);
    assert.equal(instanceBurn({ ...base, status: 'loading' }), 0.1);
    const b = fleetBurn(
      [
        { ...base, status: 'running' },
        { ...base, status: 'stopped' },
      ],
      40,
    );
    assert.ok(Math.abs(b.perHour - 1.6) < 1e-9);
    assert.ok(Math.abs(b.perDay - 38.4) < 1e-9);
    assert.ok(Math.abs(b.runwayHours! - 25) < 1e-9);
    assert.equal(fleetBurn([], 40).runwayHours, null);
  });

  test('outbid is a stopped bid instance', () => {
    assert.equal(displayStatus(makeInstance(0, { status: 'stopped', isBid: true }), 0, undefined), 'outbid');
    assert.equal(displayStatus(makeInstance(0, { status: 'stopped', isBid: false }), 0, undefined), 'stopped');
  });
});
