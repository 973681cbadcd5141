import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import {
  DEFAULT_STALL_AFTER_MS,
  HealthTracker,
  age,
  classifyHealth,
  healthCell,
  type HealthState,
} from '../../src/core/fleet/health.js';
import { LINES, MIN, T0, UNTIL_STEP_200 } from './fixture.js';

describe('classifyHealth (pure)', () => {
  test('unknown without any data', () => {
    assert.deepEqual(classifyHealth({ now: T0 }), { state: 'unknown' });
  });

  test('booting while created/loading, with how long', () => {
    for (const status of ['created', 'loading', 'provisioning']) {
      const h = classifyHealth({ status, statusSince: T0, now: T0 + 3 * MIN });
      assert.equal(h.state, 'booting');
      assert.equal(h.since, T0);
      assert.equal(h.detail, `${status} 3m`);
    }
  });

  test('setup while running with no training output', () => {
    const h = classifyHealth({ status: 'running', statusSince: T0, now: T0 + 2 * MIN });
    assert.equal(h.state, 'setup');
    assert.match(h.detail!, /running 2m/);
  });

  test('training with step, total, rate, loss and an ETA', () => {
    const h = classifyHealth({
      status: 'running',
      progress: { step: 111, total: 300, rate: 5.31, loss: 2.3456 },
      lastAdvanceAt: T0,
      lastAdvanceIndex: 10,
      now: T0 + 1000,
    });
    assert.deepEqual(
      { ...h, detail: undefined, since: undefined },
      {
        state: 'training',
        step: 111,
        total: 300,
        rate: 5.31,
        loss: 2.3456,
        detail: undefined,
        since: undefined,
      },
    );
    assert.equal(h.detail, 'eta <1m');
  });

  test('stalled after stallAfterMs without a step advance, only while running', () => {
    const base = { status: 'running', progress: { step: 5, total: 10 }, lastAdvanceAt: T0, lastAdvanceIndex: 3 };
    assert.equal(classifyHealth({ ...base, now: T0 + DEFAULT_STALL_AFTER_MS - 1 }).state, 'training');
    const h = classifyHealth({ ...base, now: T0 + DEFAULT_STALL_AFTER_MS });
    assert.equal(h.state, 'stalled');
    assert.equal(h.since, T0);
    assert.equal(h.detail, 'no step advance for 15m');
    assert.equal(classifyHealth({ ...base, now: T0 + 2 * MIN, stallAfterMs: MIN }).state, 'stalled');
  });

  test('crashed with the error line; a later step advance clears it', () => {
    const fatal = { kind: 'cuda_oom' as const, line: 'torch.OutOfMemoryError: CUDA out of memory.', index: 20, at: T0 };
    const h = classifyHealth({
      status: 'running',
      progress: { step: 5 },
      lastAdvanceIndex: 10,
      lastAdvanceAt: T0,
      fatal,
      now: T0,
    });
    assert.equal(h.state, 'crashed');
    assert.equal(h.detail, fatal.line);
    assert.equal(h.step, 5);
    const later = classifyHealth({
      status: 'running',
      progress: { step: 6 },
      lastAdvanceIndex: 21,
      lastAdvanceAt: T0,
      fatal,
      now: T0,
    });
    assert.equal(later.state, 'training');
  });

  test('an exited container without a completion marker is crashed', () => {
    const h = classifyHealth({ status: 'exited', statusSince: T0, now: T0 });
    assert.equal(h.state, 'crashed');
    assert.equal(h.detail, 'container exited');
  });

  test('finished on the completion marker; an error after it wins', () => {
    const finished = { kind: 'finished' as const, line: "{'train_runtime': '8.8'}", index: 30, at: T0 };
    const done = classifyHealth({
      status: 'running',
      progress: { step: 300, total: 300 },
      lastAdvanceIndex: 29,
      finished,
      now: T0,
    });
    assert.equal(done.state, 'finished');
    assert.equal(done.detail, 'finished at step 300');
    const fatal = { kind: 'traceback' as const, line: 'OSError: push failed', index: 31, at: T0 };
    assert.equal(
      classifyHealth({ status: 'running', lastAdvanceIndex: 29, finished, fatal, now: T0 }).state,
      'crashed',
    );
  });

  test('a long error line is clipped to one short line', () => {
    const fatal = { kind: 'traceback' as const, line: 'ValueError: ' + 'x'.repeat(500), index: 1, at: T0 };
    assert.ok(classifyHealth({ status: 'running', fatal, now: T0 }).detail!.length <= 100);
  });

  test('stopped/offline hosts are unknown, with the reason', () => {
    assert.deepEqual(classifyHealth({ status: 'offline', now: T0 }), {
      state: 'unknown',
      detail: 'host offline',
      since: undefined,
    });
    assert.equal(classifyHealth({ status: 'stopped', now: T0 }).detail, 'instance stopped');
  });

  test('age is coarse', () => {
    assert.equal(age(T0 + 59_000, T0), '<1m');
    assert.equal(age(T0 + 17 * MIN + 5000, T0), '17m');
    assert.equal(age(T0 + 125 * MIN, T0), '2h05m');
  });
});

describe('HealthTracker fed the real log', () => {
  test('walks booting → setup → training → finished', () => {
    const t = new HealthTracker();
    const states: HealthState[] = [];
    const note = (now: number): void => {
      const s = t.health(now).state;
      if (states.at(-1) !== s) states.push(s);
    };
    note(T0);
    t.setStatus('loading', T0);
    note(T0 + MIN);
    t.setStatus('running', T0 + 2 * MIN);
    note(T0 + 2 * MIN);
    let now = T0 + 3 * MIN;
    for (const line of LINES) {
      t.feed(line, now);
      note(now);
      now += 1000;
    }
    assert.deepEqual(states, ['unknown', 'booting', 'setup', 'training', 'finished']);
    const h = t.health(now);
    assert.equal(h.step, 300);
    assert.equal(h.total, 300);
    assert.ok(h.loss! > 0 && h.loss! < 0.02);
  });

  test('training at step 200, then stalled when the step stops advancing', () => {
    const t = new HealthTracker({ stallAfterMs: 5 * MIN });
    t.setStatus('running', T0);
    t.feedLines(UNTIL_STEP_200, T0 + MIN);
    const h = t.health(T0 + 2 * MIN);
    assert.equal(h.state, 'training');
    assert.equal(h.step, 200);
    assert.ok(h.rate! > 40);
    t.feed('Writing model shards: 100%|██████████| 1/1 [00:00<00:00, 46.42it/s]', T0 + 3 * MIN);
    const s = t.health(T0 + 6 * MIN);
    assert.equal(s.state, 'stalled');
    assert.equal(s.since, T0 + MIN);
  });

  test('crashed on a traceback after training output, with the final error line', () => {
    const t = new HealthTracker();
    t.setStatus('running', T0);
    t.feedLines(UNTIL_STEP_200, T0 + MIN);
    t.feedLines(
      [
        'Traceback (most recent call last):',
        '  File "/workspace/train.py", line 88, in <module>',
        'OSError: [Errno 28] No space left on device',
      ],
      T0 + 2 * MIN,
    );
    const h = t.health(T0 + 2 * MIN);
    assert.equal(h.state, 'crashed');
    assert.equal(h.detail, 'OSError: [Errno 28] No space left on device');
    assert.equal(h.step, 200);
    assert.equal(t.errors.lastTraceback!.errorLine, h.detail);
  });

  test('partial lines move the step but are not scanned for errors', () => {
    const t = new HealthTracker();
    t.setStatus('running', T0);
    t.feedLines([{ text: ' 10%|█         | 30/300 [00:03<00:16, 16.73it/s]', partial: true }], T0);
    t.feedLines([{ text: 'Killed', partial: true }], T0);
    const h = t.health(T0);
    assert.equal(h.state, 'training');
    assert.equal(h.step, 30);
  });

  test('health() keeps the same object while nothing changed, and healthCell maps levels', () => {
    const t = new HealthTracker();
    t.setStatus('running', T0);
    t.feed('step=3', T0);
    const a = t.health(T0 + 1000);
    assert.equal(t.health(T0 + 2000), a);
    assert.ok(Object.isFrozen(a));
    t.feed('step=4', T0 + 3000);
    assert.notEqual(t.health(T0 + 3000), a);
    assert.deepEqual(healthCell(t.health(T0 + 3000)), { step: 4, text: 'training', level: 'ok' });
    assert.equal(healthCell({ state: 'crashed' }).level, 'error');
    assert.equal(healthCell({ state: 'stalled' }).level, 'warn');
    t.reset();
    assert.equal(t.health(T0).state, 'setup');
  });
});
