// The health monitor backs off unreachable hosts (1, 2, 4, … intervals, capped) and keeps polling the ones that
// answer every pass; a host that comes back is polled every pass again.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { FleetStore } from '../../src/core/fleet/store.js';
import { HealthMonitor, MAX_HOST_BACKOFF_MS } from '../../src/core/fleet/health-monitor.js';
import type { SshTarget } from '../../src/core/ssh/connect.js';
import { FAKE_NOW, FakeApi, makeInstance } from '../ui/fake-api.js';

test('a dead host is tried after 1, 2, 4 … intervals (at most 5 min); a live one every pass; recovery resets', async () => {
  // Two running instances on proxy endpoints: 1001 answers, 1002 is dead until told otherwise.
  const fleet = [0, 1].map((i) =>
    makeInstance(i, { status: 'running', publicIp: null, ports: {}, sshHost: '127.0.0.1', sshPort: 2200 + i }),
  );
  const store = new FleetStore({ api: new FakeApi(fleet), pollMs: 60_000, now: () => FAKE_NOW });
  await store.refresh();
  let now = FAKE_NOW;
  let deadAlive = false;
  const calls = new Map<number, number[]>();
  const ssh = {
    exec: async (t: SshTarget) => {
      const list = calls.get(t.port) ?? [];
      if (list.at(-1) !== now) list.push(now);
      calls.set(t.port, list);
      if (t.port === 2201 && !deadAlive) throw new Error('ssh 127.0.0.1:2201: unreachable: ECONNREFUSED');
      return { stdout: '', stderr: '', code: 0, truncated: false };
    },
  };
  const interval = 30_000;
  const monitor = new HealthMonitor({ store, ssh, intervalMs: interval, now: () => now });
  for (let k = 0; k < 40; k++) {
    await monitor.pollOnce();
    now += interval;
  }
  const rel = (port: number) => calls.get(port)!.map((t) => (t - FAKE_NOW) / interval);
  assert.equal(rel(2200).length, 40, 'the live host every pass');
  // Tries at pass 0, then 1 interval later, then 2, 4, 8, then the 5-minute cap (10 intervals).
  assert.deepEqual(rel(2201), [0, 1, 3, 7, 15, 25, 35]);
  assert.equal(store.getSnapshot().health.get(1002)?.text, 'no ssh');
  assert.ok(MAX_HOST_BACKOFF_MS === 10 * interval);

  deadAlive = true;
  now += MAX_HOST_BACKOFF_MS;
  await monitor.pollOnce(); // at the cap: tried, answers
  const before = calls.get(2201)!.length;
  for (let k = 0; k < 3; k++) {
    now += interval;
    await monitor.pollOnce();
  }
  assert.equal(calls.get(2201)!.length, before + 3, 'back to every pass once it answers');
});
