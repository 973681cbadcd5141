// The fleet health monitor against the simulator: real FleetStore, real SSH to the simulated hosts, a fake
// monitor clock moved past the stall threshold between two passes.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { rmSync } from 'node:fs';
import path from 'node:path';
import { FleetStore, type InstanceHealth } from '../../src/core/fleet/store.js';
import { HealthMonitor } from '../../src/core/fleet/health-monitor.js';
import { VastClient } from '../../src/core/vast/client.js';
import { startSimulator } from '../../src/sim/index.js';
import type { Instance } from '../../src/core/vast/types.js';
import { barSteps, useLiveSim, testPool } from './helpers.js';
import { TEST_KEY } from '../helpers/ssh-key.js';
import { pause, waitFor } from '../helpers/wait.js';

const live = useLiveSim({ pool: true });

describe('health monitor', () => {
  test('classifies training, crashed (OOM, no CUDA), stalled, finished, booting and stopped instances', async () => {
    const store = new FleetStore({ api: live.client, pollMs: 60_000 });
    await store.refresh();
    let now = 1_900_000_000_000;
    const monitor = new HealthMonitor({ store, ssh: live.pool, now: () => now, stallAfterMs: 15 * 60_000 });
    const id = (label: string) => live.byLabel.get(label)!.id;
    const cell = (label: string): InstanceHealth | undefined => store.getSnapshot().health.get(id(label));

    await monitor.pollOnce();
    assert.equal(cell('train')?.text, 'training');
    // It stalled at step 250 (250 s into a 1 h old run): the log's mtime dates that, though the monitor only just
    // looked.
    assert.equal(cell('stall')?.text, 'stalled', 'stalled before the monitor first looked');
    assert.match(monitor.get(id('stall'))!.health.detail ?? '', /^no step advance for (5\d|60)m$/);
    assert.equal(cell('oom')?.text, 'crashed');
    assert.equal(cell('oom')?.level, 'error');
    assert.equal(cell('nocuda')?.text, 'crashed');
    assert.equal(cell('done')?.text, 'finished');
    assert.equal(cell('boot')?.text, 'booting');
    assert.equal(cell('off')?.level, 'unknown');
    assert.match(monitor.get(id('oom'))!.health.detail ?? '', /torch\.OutOfMemoryError: CUDA out of memory/);
    assert.match(monitor.get(id('nocuda'))!.health.detail ?? '', /no NVIDIA driver/);
    assert.equal(cell('oom')?.step, 410, 'the last step the log showed before the crash at 420');
    const gpu = monitor.get(id('train'))!.facts!.gpus[0]!;
    assert.ok((gpu.utilizationGpuPct ?? 0) > 50, 'the probe read nvidia-smi');

    // 20 minutes later on the monitor's clock; in real time the healthy job has moved on, the stalled one has not.
    const stepBefore = cell('train')!.step!;
    const job = live.sim.hosts!.trainer(id('train'))!;
    await waitFor(() => (job.tick(), Math.max(0, ...barSteps(job.log)) > stepBefore), {
      what: `the healthy job's log past step ${stepBefore}`,
    });
    now += 20 * 60_000;
    await monitor.pollOnce();
    assert.equal(cell('stall')?.text, 'stalled');
    assert.equal(cell('stall')?.level, 'warn');
    assert.equal(cell('train')?.text, 'training');
    assert.ok(cell('train')!.step! > stepBefore, 'the healthy job advanced');
    assert.equal(cell('oom')?.text, 'crashed');
  });

  test('an unreachable host is "no ssh", and pause() stops polling', async () => {
    const store = new FleetStore({ api: live.client, pollMs: 60_000 });
    await store.refresh();
    const failing = {
      exec: async () => {
        throw new Error('ssh 127.0.0.1:1: unreachable: ECONNREFUSED');
      },
    };
    let calls = 0;
    const counting = { exec: async (...a: Parameters<typeof failing.exec>) => (calls++, failing.exec(...a)) };
    const monitor = new HealthMonitor({ store, ssh: counting, intervalMs: 20 });
    await monitor.pollOnce();
    assert.equal(store.getSnapshot().health.get(live.byLabel.get('train')!.id)?.text, 'no ssh');
    assert.equal(store.getSnapshot().health.get(live.byLabel.get('boot')!.id)?.text, 'booting');
    monitor.start();
    monitor.pause();
    const at = calls;
    // Quiet periods are the subject here: six 20 ms intervals pass without a new pass.
    await pause(120);
    assert.ok(calls - at <= 5, 'at most the pass in flight finished');
    const paused = calls;
    await pause(120);
    assert.equal(calls, paused, 'nothing while paused');
    monitor.resume();
    await waitFor(() => calls > paused, { what: 'polling again after resume' });
    monitor.stop();
  });
});

describe('health monitor on the demo fleet', () => {
  test("the demo's stalled workers (zeb-large-w2, stuck at step 41230 hours ago) show stalled on the first poll", async () => {
    const demo = await startSimulator({
      seed: 5,
      rateLimit: false,
      sshKeys: [TEST_KEY.public],
      scenario: path.resolve('src/sim/scenarios/demo.yaml'),
    });
    const { pool: demoPool, dir: demoDir } = testPool();
    try {
      const api = new VastClient({ apiKey: demo.apiKey, baseUrl: demo.url });
      const store = new FleetStore({ api, pollMs: 60_000 });
      await store.refresh();
      // Only the stalled workers and one healthy run: the rest of the demo fleet is not this test's business.
      const wanted = (i: Instance) => i.status === 'running' && /^zeb-large-w2|^zeb-large-w1/.test(i.label ?? '');
      const sink = {
        getSnapshot: () => ({ ...store.getSnapshot(), instances: store.getSnapshot().instances.filter(wanted) }),
        setHealth: (id: number, h: InstanceHealth | null) => store.setHealth(id, h),
      };
      const monitor = new HealthMonitor({ store: sink, ssh: demoPool });
      await monitor.pollOnce();
      const stalled = sink.getSnapshot().instances.filter((i) => i.label!.startsWith('zeb-large-w2'));
      assert.ok(stalled.length > 0, 'the demo has stalled workers');
      for (const i of stalled) {
        const h = monitor.get(i.id)!.health;
        assert.equal(
          h.state,
          'stalled',
          `${i.label}: ${h.state} ${h.detail ?? ''} ${monitor.get(i.id)!.sshError ?? ''}`,
        );
        assert.equal(h.step, 41230);
        assert.match(h.detail ?? '', /^no step advance for \d+h\d\dm$/);
      }
      const healthy = sink.getSnapshot().instances.filter((i) => i.label!.startsWith('zeb-large-w1'));
      assert.ok(healthy.length > 0);
      for (const i of healthy)
        assert.equal(monitor.get(i.id)!.health.state, 'training', `${i.label} writes its log now: not stalled`);
    } finally {
      await demoPool.close();
      await demo.close();
      rmSync(demoDir, { recursive: true, force: true });
    }
  });
});

describe('health monitor explains itself (the detail pane reads it from the store)', () => {
  test('a stopped instance shows the step its log reached (9900), an exited one its OOM; reasons, error line and history are published', async () => {
    const demo = await startSimulator({
      seed: 5,
      rateLimit: false,
      sshKeys: [TEST_KEY.public],
      scenario: path.resolve('src/sim/scenarios/demo.yaml'),
    });
    const { pool: demoPool, dir: demoDir } = testPool();
    try {
      const api = new VastClient({ apiKey: demo.apiKey, baseUrl: demo.url });
      const store = new FleetStore({ api, pollMs: 60_000 });
      await store.refresh();
      const wanted = (i: Instance) => /^(mosaic-gpt2-5|zeb-large-eval|zeb-large-w2|zeb-large-w1)$/.test(i.label ?? '');
      const sink = {
        getSnapshot: () => ({ ...store.getSnapshot(), instances: store.getSnapshot().instances.filter(wanted) }),
        setHealth: (id: number, h: InstanceHealth | null) => store.setHealth(id, h),
      };
      const monitor = new HealthMonitor({ store: sink, ssh: demoPool, apiLog: (id) => api.getLogs(id, { tail: 400 }) });
      await monitor.pollOnce();
      const byLabel = (l: string) =>
        store.getSnapshot().health.get(sink.getSnapshot().instances.find((i) => i.label === l)!.id)!;
      const stoppedId = sink.getSnapshot().instances.find((i) => i.label === 'mosaic-gpt2-5')!.id;
      const lastStep = Number([...(await api.getLogs(stoppedId, { tail: 5 })).matchAll(/'step': (\d+)/g)].at(-1)![1]);
      assert.ok(lastStep > 1000);
      const stopped = byLabel('mosaic-gpt2-5');
      assert.equal(stopped.step, lastStep, 'the step the stopped run reached (9900 in the demo), not "–"');
      assert.equal(stopped.reason, 'instance stopped');
      const exited = byLabel('zeb-large-eval');
      assert.equal(exited.text, 'crashed', JSON.stringify(exited));
      assert.ok((exited.step ?? 0) > 1000, 'the step it reached before the OOM');
      assert.match(exited.reason ?? '', /torch\.OutOfMemoryError: CUDA out of memory/, JSON.stringify(exited));
      assert.match(exited.error ?? '', /torch\.OutOfMemoryError: CUDA out of memory/);
      assert.ok((exited.losses?.length ?? 0) > 3, 'loss history from the log');
      const stalled = byLabel('zeb-large-w2');
      assert.match(stalled.reason ?? '', /^no step advance for \d+h\d\dm$/);
      const training = byLabel('zeb-large-w1');
      assert.ok((training.steps?.length ?? 0) > 1 && (training.rates?.length ?? 0) > 0, 'step and rate history');
      assert.ok(
        training.steps!.every((s, i) => i === 0 || s > training.steps![i - 1]!),
        'steps in order',
      );
    } finally {
      await demoPool.close();
      await demo.close();
      rmSync(demoDir, { recursive: true, force: true });
    }
  });
});
