import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { waitFor, WAIT_MIN_EVERY_MS, type WaitEvent } from '../../src/core/watch/wait.js';
import { VastError } from '../../src/core/vast/errors.js';
import type { Health } from '../../src/core/fleet/health.js';
import type { NotifyEvent } from '../../src/core/notify/message.js';
import type { NotifyResult } from '../../src/core/notify/notify.js';
import type { Instance } from '../../src/core/vast/types.js';
import { fakeClock, inst } from '../cost/fixtures.js';

const M = 60_000;

/** An in-memory account: the instances a test puts in it; showInstance throws not_found for the rest. */
function fakeApi(list: () => Instance[]) {
  const calls = { list: 0, show: 0 };
  return {
    calls,
    listInstances: async () => (calls.list++, list()),
    showInstance: async (id: number) => {
      calls.show++;
      const i = list().find((x) => x.id === id);
      if (!i) throw new VastError('not_found', `instance ${id} not found`, { endpoint: 'GET /api/v0/instances/{id}/' });
      return i;
    },
  };
}

function recorder() {
  const events: NotifyEvent[] = [];
  return {
    events,
    notify: async (ev: NotifyEvent): Promise<NotifyResult[]> => (
      events.push(ev), [{ channel: 'bell', ok: true, attempts: 1 }]
    ),
  };
}

/** Health that walks through a script, one entry per poll (the last one repeats). */
function scripted(...states: Health[]) {
  let n = 0;
  return async () => states[Math.min(n++, states.length - 1)]!;
}

describe('wait', () => {
  test('crash: exit 2 with a triage bundle, notified as a crash', async () => {
    const clock = fakeClock();
    const notifier = recorder();
    const r = await waitFor({
      api: fakeApi(() => [inst(7, { label: 'zeb-1' })]),
      target: { id: 7 },
      timeoutMs: 8 * 60 * M,
      clock,
      notifier,
      health: scripted(
        { state: 'training', step: 100, total: 1000 },
        { state: 'crashed', step: 140, detail: 'torch.OutOfMemoryError: CUDA out of memory.' },
      ),
    });
    assert.equal(r.reason, 'crashed');
    assert.equal(r.exitCode, 3);
    assert.equal(r.polls, 2);
    assert.deepEqual(clock.sleeps, [5 * M], 'default interval is 5 minutes');
    assert.equal(r.triage.length, 1);
    assert.equal(r.triage[0]!.instanceId, 7);
    assert.equal(r.triage[0]!.state, 'crashed');
    assert.equal(r.triage[0]!.step, 140);
    assert.match(r.message, /instance 7 \(zeb-1\) crashed: torch.OutOfMemoryError/);
    assert.deepEqual(
      notifier.events.map((e) => [e.kind, e.instanceId]),
      [['crash', 7]],
    );
    assert.equal(r.notified.length, 1);
  });

  test("a source's own triage bundle is used when it has one", async () => {
    const bundle = { generatedAt: 1, completed: false, gpus: [], disks: [], warnings: ['from the source'] };
    const r = await waitFor({
      api: fakeApi(() => [inst(7)]),
      target: { id: 7 },
      timeoutMs: M,
      clock: fakeClock(),
      health: { healthOf: async () => ({ state: 'crashed' }), triageOf: async () => bundle },
    });
    assert.deepEqual(r.triage, [bundle]);
  });

  test('completion: exit 0', async () => {
    const r = await waitFor({
      api: fakeApi(() => [inst(7)]),
      target: { id: 7 },
      timeoutMs: 8 * 60 * M,
      everyMs: 30 * M,
      clock: fakeClock(),
      health: scripted({ state: 'training', step: 1 }, { state: 'training', step: 2 }, { state: 'finished', step: 3 }),
    });
    assert.deepEqual([r.reason, r.exitCode, r.polls], ['finished', 0, 3]);
    assert.match(r.message, /finished at step 3/);
  });

  test('--until: exit 0 once the step is reached', async () => {
    let step = 0;
    const clock = fakeClock();
    const notifier = recorder();
    const r = await waitFor({
      api: fakeApi(() => [inst(7)]),
      target: { id: 7 },
      timeoutMs: 8 * 60 * M,
      everyMs: 10 * M,
      untilStep: 500,
      clock,
      notifier,
      health: async () => ({ state: 'training', step: (step += 120) }),
    });
    assert.deepEqual([r.reason, r.exitCode, r.polls], ['step', 0, 5]);
    assert.equal(r.members[0]!.health.step, 600);
    assert.deepEqual(clock.sleeps, [10 * M, 10 * M, 10 * M, 10 * M]);
    assert.deepEqual(
      notifier.events.map((e) => e.kind),
      ['step'],
    );
  });

  test('timeout: exit 3, the last sleep cut to the deadline, notified', async () => {
    const clock = fakeClock();
    const notifier = recorder();
    const r = await waitFor({
      api: fakeApi(() => [inst(7)]),
      target: { id: 7 },
      timeoutMs: 70 * M,
      everyMs: 30 * M,
      clock,
      notifier,
      health: async () => ({ state: 'training', step: 5 }),
    });
    assert.deepEqual([r.reason, r.exitCode], ['timeout', 4]);
    assert.deepEqual(clock.sleeps, [30 * M, 30 * M, 10 * M]);
    assert.equal(r.elapsedMs, 70 * M);
    assert.match(r.message, /timed out after 1h10m; 7 training step 5/);
    assert.deepEqual(
      notifier.events.map((e) => e.kind),
      ['timeout'],
    );
  });

  test('polls are never closer than 30 s', async () => {
    const clock = fakeClock();
    await waitFor({
      api: fakeApi(() => [inst(7)]),
      target: { id: 7 },
      timeoutMs: 2 * M,
      everyMs: 1000,
      clock,
      health: async () => ({ state: 'training', step: 1 }),
    });
    assert.deepEqual(clock.sleeps, [WAIT_MIN_EVERY_MS, WAIT_MIN_EVERY_MS, WAIT_MIN_EVERY_MS, WAIT_MIN_EVERY_MS]);
  });

  test('gone: exit 4 when the instance disappears', async () => {
    let alive = true;
    const clock = fakeClock();
    const r = await waitFor({
      api: fakeApi(() => (alive ? [inst(7)] : [])),
      target: { id: 7 },
      timeoutMs: 60 * M,
      clock,
      health: async () => ((alive = false), { state: 'training', step: 1 }),
    });
    assert.deepEqual([r.reason, r.exitCode, r.polls], ['gone', 5, 2]);
    assert.match(r.message, /instance 7 is gone/);
  });

  test('a stall is notified once, and waiting goes on', async () => {
    const notifier = recorder();
    const events: WaitEvent[] = [];
    const stalled: Health = { state: 'stalled', step: 9, detail: 'no step advance for 20m' };
    const r = await waitFor({
      api: fakeApi(() => [inst(7)]),
      target: { id: 7 },
      timeoutMs: 20 * M,
      everyMs: 5 * M,
      clock: fakeClock(),
      notifier,
      onEvent: (e) => events.push(e),
      health: scripted({ state: 'training', step: 9 }, stalled, stalled, stalled, { state: 'finished', step: 10 }),
    });
    assert.equal(r.reason, 'finished');
    assert.deepEqual(
      notifier.events.map((e) => e.kind),
      ['stall', 'complete'],
    );
    assert.equal(events.filter((e) => e.type === 'stall').length, 1);
    assert.equal(events.filter((e) => e.type === 'poll').length, 5);
  });

  test('a budget breach is notified once per distinct breach, and waiting goes on', async () => {
    const notifier = recorder();
    const r = await waitFor({
      api: fakeApi(() => [inst(7, { dphTotal: 2, numGpus: 2 })]),
      target: { id: 7 },
      timeoutMs: 20 * M,
      clock: fakeClock(),
      notifier,
      budget: { maxCardDph: 0.5, maxFleetDph: 10 },
      health: async () => ({ state: 'training', step: 1 }),
    });
    assert.equal(r.reason, 'timeout');
    assert.deepEqual(
      notifier.events.map((e) => [e.kind, e.instanceId]),
      [
        ['budget', 7],
        ['timeout', 7],
      ],
    );
    assert.match(notifier.events[0]!.title, /costs \$1\.000\/hr per GPU, over the \$0\.500 limit/);
  });

  test('unreadable health falls back to the Vast status: an exited container is a crash', async () => {
    const r = await waitFor({
      api: fakeApi(() => [inst(7, { status: 'exited' })]),
      target: { id: 7 },
      timeoutMs: M,
      clock: fakeClock(),
      health: async () => {
        throw new Error('logs not ready');
      },
    });
    assert.equal(r.reason, 'crashed');
    assert.equal(r.members[0]!.error, 'logs not ready');
    assert.equal(r.members[0]!.health.detail, 'container exited');
  });

  test('booting instances are not probed; an API hiccup is reported and waiting goes on', async () => {
    let probes = 0;
    let n = 0;
    const events: WaitEvent[] = [];
    const api = {
      listInstances: async () => {
        throw new Error('unused');
      },
      showInstance: async () => {
        n++;
        if (n === 2) throw new VastError('server', 'HTTP 502 from Vast', { endpoint: 'GET /api/v0/instances/{id}/' });
        return inst(7, { status: n < 3 ? 'loading' : 'running' });
      },
    };
    const r = await waitFor({
      api,
      target: { id: 7 },
      timeoutMs: 60 * M,
      clock: fakeClock(),
      onEvent: (e) => events.push(e),
      health: async () => (probes++, { state: 'finished' }),
    });
    assert.deepEqual([r.reason, r.polls, probes], ['finished', 3, 1]);
    assert.deepEqual(
      events.filter((e) => e.type === 'error').map((e) => (e as { message: string }).message),
      ['HTTP 502 from Vast'],
    );
  });

  test('an auth failure is thrown, not waited through', async () => {
    const api = {
      listInstances: async () => [],
      showInstance: async () => {
        throw new VastError('auth', 'invalid key', { endpoint: 'x' });
      },
    };
    await assert.rejects(
      waitFor({
        api,
        target: { id: 1 },
        timeoutMs: M,
        clock: fakeClock(),
        health: async () => ({ state: 'training' }),
      }),
      /invalid key/,
    );
  });

  describe('fleet', () => {
    const fleet = [inst(1, { label: 'zeb-1' }), inst(2, { label: 'zeb-2' }), inst(3, { label: 'other' })];

    test('one crashed member ends the wait with its bundle', async () => {
      const seen: number[] = [];
      const r = await waitFor({
        api: fakeApi(() => fleet),
        target: { fleet: 'zeb-' },
        timeoutMs: 60 * M,
        clock: fakeClock(),
        health: async (i) => (
          seen.push(i.id), i.id === 2 ? { state: 'crashed', detail: 'NCCL error' } : { state: 'training', step: 4 }
        ),
      });
      assert.deepEqual([r.reason, r.exitCode], ['crashed', 3]);
      assert.deepEqual(seen.sort(), [1, 2], 'only the fleet is probed');
      assert.deepEqual(
        r.triage.map((t) => t.instanceId),
        [2],
      );
    });

    test('finished when every member is; --until when every member reached it', async () => {
      let polls = 0;
      const r = await waitFor({
        api: fakeApi(() => fleet),
        target: { fleet: 'zeb-' },
        timeoutMs: 60 * M,
        clock: fakeClock(),
        health: async (i) =>
          i.id === 1
            ? (polls++, polls > 2 ? { state: 'finished', step: 9 } : { state: 'training', step: 5 })
            : { state: 'finished', step: 9 },
      });
      assert.deepEqual([r.reason, r.polls], ['finished', 3]);
      const u = await waitFor({
        api: fakeApi(() => fleet),
        target: { fleet: 'zeb-' },
        timeoutMs: 60 * M,
        untilStep: 50,
        clock: fakeClock(),
        health: async (i) => ({ state: 'training', step: i.id === 1 ? 60 : 40 }),
      });
      assert.equal(u.reason, 'timeout', 'one member short of the step keeps waiting');
    });

    test('no member at all: exit 4 with a clear message', async () => {
      const r = await waitFor({
        api: fakeApi(() => fleet),
        target: { fleet: 'nope-' },
        timeoutMs: M,
        clock: fakeClock(),
        health: async () => ({ state: 'training' }),
      });
      assert.deepEqual([r.reason, r.exitCode], ['gone', 5]);
      assert.match(r.message, /no instance has a label starting "nope-"/);
    });
  });
});
