// LogPaneStore: SSH follow into the snapshot, API fallback when SSH is down, throttled emits; snapshot diffing.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { diffSnapshots, LogPaneStore } from '../../src/core/logs/sources/index.js';
import { sshEndpoint } from '../../src/core/vast/units.js';
import type { Instance } from '../../src/core/vast/types.js';
import { barSteps, useLiveSim, until } from './helpers.js';
import { pause, waitFor } from '../helpers/wait.js';

const live = useLiveSim({ pool: true });

const target = (i: Instance) => {
  const ep = sshEndpoint(i)!;
  return { host: ep.host, port: ep.port };
};

describe('diffSnapshots', () => {
  test('only lines after the overlap are new; a window that slid past everything is a gap', () => {
    assert.deepEqual(diffSnapshots([], ['a', 'b']), { added: ['a', 'b'], gap: false });
    assert.deepEqual(diffSnapshots(['a', 'b', 'c'], ['b', 'c', 'd', 'e']), { added: ['d', 'e'], gap: false });
    assert.deepEqual(diffSnapshots(['a', 'b'], ['a', 'b']), { added: [], gap: false });
    assert.deepEqual(diffSnapshots(['x', 'y'], ['p', 'q']), { added: ['p', 'q'], gap: true });
    // Repeated lines: the longest overlap wins, so nothing is duplicated.
    assert.deepEqual(diffSnapshots(['s', 's', 's'], ['s', 's', 's', 't']), { added: ['t'], gap: false });
  });
});

describe('LogPaneStore', () => {
  test('follows over SSH: steps advance in the snapshot, status names the source, emits ≤ 10 Hz', async () => {
    const inst = live.byLabel.get('train')!;
    const pane = new LogPaneStore({
      instanceId: inst.id,
      target: target(inst),
      pool: live.pool,
      api: live.client,
      apiIntervalMs: 200,
    });
    let emits = 0;
    const off = pane.subscribe(() => emits++);
    const t0 = Date.now();
    pane.start();
    try {
      await until(() => pane.getSnapshot().source === 'ssh' && pane.getSnapshot().lines.length > 0, 'ssh lines');
      const text = () =>
        pane
          .getSnapshot()
          .lines.map((l) => l.text)
          .join('\n');
      const first = Math.max(...barSteps(text()));
      await until(() => Math.max(...barSteps(text())) >= first + 5, 'steps to advance');
      assert.match(pane.getSnapshot().status, /^ssh 127\.0\.0\.1:\d+ · following \/workspace\/train\.log$/);
      assert.ok(pane.getSnapshot().lines.every((l) => l.source === 'ssh'));
      const secs = (Date.now() - t0) / 1000;
      assert.ok(emits <= Math.ceil(secs * 10) + 1, `${emits} emits in ${secs.toFixed(2)} s`);
    } finally {
      off();
      pane.stop();
    }
  });

  test('falls back to the Vast API when SSH is unavailable, with a status line saying so', async () => {
    const inst = live.byLabel.get('oom')!;
    // A port nothing listens on: the host is "down".
    let polls = 0;
    const api = { getLogs: (id: number, req?: object) => (polls++, live.client.getLogs(id, req)) };
    const pane = new LogPaneStore({
      instanceId: inst.id,
      target: { host: '127.0.0.1', port: 1 },
      pool: live.pool,
      api,
      apiIntervalMs: 200,
      fallbackAfterMs: 300,
    });
    pane.start();
    try {
      await until(() => pane.getSnapshot().lines.some((l) => /OutOfMemoryError/.test(l.text)), 'API lines');
      const snap = pane.getSnapshot();
      assert.equal(snap.source, 'api');
      assert.match(snap.status, /SSH .* showing Vast API logs \(every 0 s\)|SSH .*showing Vast API logs/);
      assert.ok(snap.lines.every((l) => l.source === 'api'));
      // The next polls add nothing: the snapshot is diffed, not appended again.
      const count = snap.lines.length;
      const at = polls;
      await waitFor(() => polls >= at + 3, { what: 'three more API polls' });
      assert.equal(pane.getSnapshot().lines.length, count);
    } finally {
      pane.stop();
    }
  });

  test('without an SSH endpoint it reads the API at once; stop() ends polling', async () => {
    const inst = live.byLabel.get('off')!;
    let calls = 0;
    const api = { getLogs: (id: number, req?: object) => (calls++, live.client.getLogs(id, req)) };
    const pane = new LogPaneStore({ instanceId: inst.id, target: null, pool: live.pool, api, apiIntervalMs: 50 });
    pane.start();
    await until(() => pane.getSnapshot().lines.length > 0, 'API lines');
    assert.match(pane.getSnapshot().status, /^no SSH endpoint · showing Vast API logs/);
    pane.stop();
    const at = calls;
    // A quiet period is the subject: four 50 ms intervals pass without a poll.
    await pause(200);
    assert.ok(calls <= at + 1);
  });
});

describe('saving the whole log', () => {
  test('readWhole reads the whole log from the host over SSH, not the lines the ring holds', async () => {
    const inst = live.byLabel.get('train')!;
    const { LogRing } = await import('../../src/core/logs/ring.js');
    const pane = new LogPaneStore({
      instanceId: inst.id,
      target: target(inst),
      pool: live.pool,
      api: live.client,
      ring: new LogRing({ capacity: 50 }),
      exec: (t, cmd, o) => live.pool.exec(t, cmd, o),
    });
    pane.start();
    try {
      await until(() => pane.getSnapshot().lines.length >= 50, 'the small ring to fill');
      const whole = await pane.readWhole();
      assert.equal(whole.from, 'host');
      const lines = whole.text.split('\n');
      assert.ok(lines.length > 200, `${lines.length} lines`);
      assert.match(whole.text, /Starting|CUDA|\{'loss'/, 'the beginning of the log is there');
      assert.equal(/\x1b/.test(whole.text), false, 'control sequences stripped');
    } finally {
      pane.stop();
    }
  });

  test('without SSH the whole log comes from the logs API', async () => {
    const inst = live.byLabel.get('train')!;
    const pane = new LogPaneStore({ instanceId: inst.id, target: null, pool: null, api: live.client });
    const whole = await pane.readWhole();
    assert.equal(whole.from, 'api');
    assert.ok(whole.text.split('\n').length > 10);
  });
});
