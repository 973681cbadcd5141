// The health monitor's probe budget: a big fleet is probed a slice per pass (2 probes a second by default, 60 per
// 30 s pass), the least recently probed first, the rows on screen and the selection before anything else; logs-API
// reads of stopped instances are capped per pass too. Without it a 10,000-instance fleet meant 10,000 SSH
// handshakes every pass.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { FleetStore } from '../../src/core/fleet/store.js';
import { HealthMonitor } from '../../src/core/fleet/health-monitor.js';
import type { SshTarget } from '../../src/core/ssh/connect.js';
import type { Instance } from '../../src/core/vast/types.js';
import { FAKE_NOW, FakeApi, makeInstance } from '../ui/fake-api.js';
import { waitFor } from '../helpers/wait.js';

const PORT0 = 20_000;

function running(n: number): Instance[] {
  return Array.from({ length: n }, (_, i) =>
    makeInstance(i, { status: 'running', publicIp: null, ports: {}, sshHost: '127.0.0.1', sshPort: PORT0 + i }),
  );
}

async function setup(fleet: Instance[], opts: { apiLog?: (id: number) => Promise<string> } = {}) {
  const store = new FleetStore({ api: new FakeApi(fleet), pollMs: 60_000, now: () => FAKE_NOW });
  await store.refresh();
  let pass: number[] = [];
  const ssh = {
    exec: async (t: SshTarget) => {
      if (!pass.includes(t.port)) pass.push(t.port);
      return { stdout: '', stderr: '', code: 0, truncated: false };
    },
  };
  let now = FAKE_NOW;
  const monitor = new HealthMonitor({ store, ssh, intervalMs: 30_000, now: () => now, ...opts });
  const next = async () => {
    pass = [];
    await monitor.pollOnce();
    now += 30_000;
    return pass.map((p) => 1001 + p - PORT0);
  };
  return { store, monitor, next };
}

test('300 running hosts: 60 probed per 30 s pass, every host once in 5 passes, the least recently probed first', async () => {
  const { next } = await setup(running(300));
  const seen = new Map<number, number>();
  for (let k = 0; k < 5; k++) {
    const ids = await next();
    assert.equal(ids.length, 60, `pass ${k}: 2 probes a second over 30 s`);
    for (const id of ids) seen.set(id, (seen.get(id) ?? 0) + 1);
  }
  assert.equal(seen.size, 300, 'every host once');
  assert.ok([...seen.values()].every((c) => c === 1));
  const sixth = await next();
  assert.equal(sixth.length, 60);
});

test('focused ids (the rows on screen, the selection) are probed first, every pass', async () => {
  const { monitor, next } = await setup(running(300));
  await next();
  const shown = [1001 + 250, 1001 + 251, 1001 + 299, 1001 + 5];
  monitor.focus(shown);
  for (let k = 0; k < 3; k++) {
    const ids = await next();
    assert.deepEqual(ids.slice(0, 4), shown, `pass ${k}: shown rows first, in their order`);
    assert.equal(ids.length, 60);
  }
});

test('a fleet smaller than the budget is probed whole every pass', async () => {
  const { next } = await setup(running(40));
  assert.equal((await next()).length, 40);
  assert.equal((await next()).length, 40);
});

test('logs-API reads of stopped instances: at most 4 per pass', async () => {
  const fleet = Array.from({ length: 30 }, (_, i) => makeInstance(i, { status: 'stopped' }));
  const calls: number[][] = [];
  let pass: number[] = [];
  const { next } = await setup(fleet, {
    apiLog: async (id) => {
      pass.push(id);
      return 'step 10\n';
    },
  });
  for (let k = 0; k < 3; k++) {
    pass = [];
    await next();
    calls.push(pass);
  }
  assert.deepEqual(
    calls.map((c) => c.length),
    [4, 4, 4],
  );
  assert.equal(new Set(calls.flat()).size, 12, 'each read once');
});

test('rows scrolled into view that were never probed are probed within a second, not at the next 30 s pass', async () => {
  const store = new FleetStore({ api: new FakeApi(running(300)), pollMs: 60_000, now: () => FAKE_NOW });
  await store.refresh();
  const probed = new Set<number>();
  const ssh = {
    exec: async (t: SshTarget) => {
      probed.add(1001 + t.port - PORT0);
      return { stdout: '', stderr: '', code: 0, truncated: false };
    },
  };
  const monitor = new HealthMonitor({ store, ssh, intervalMs: 30_000, now: () => FAKE_NOW });
  monitor.start();
  try {
    await waitFor(() => probed.size === 60, { what: 'the first pass' });
    const shown = [1001 + 280, 1001 + 281, 1001 + 282];
    assert.ok(shown.every((id) => !probed.has(id)));
    monitor.focus(shown);
    await waitFor(() => shown.every((id) => probed.has(id)), { what: 'the shown rows probed', timeoutMs: 3000 });
    assert.equal(probed.size, 63, 'only the shown rows, not another 60');
  } finally {
    monitor.stop();
  }
});
