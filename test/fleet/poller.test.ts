import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { Poller, shouldBackOff } from '../../src/core/fleet/poller.js';
import { FakeClock, settle } from './fake-clock.js';

function err(kind: string): Error {
  return Object.assign(new Error(kind), { kind });
}

describe('Poller', () => {
  test('first refresh runs at once, then every interval; interval has a 2 s floor', async () => {
    const clock = new FakeClock();
    let runs = 0;
    const p = new Poller({ task: async () => void runs++, intervalMs: 500, clock });
    assert.equal(p.intervalMs, 2000);
    p.start();
    await settle();
    assert.equal(runs, 1);
    await clock.advance(1999);
    assert.equal(runs, 1);
    await clock.advance(1);
    assert.equal(runs, 2);
    await clock.advance(4000);
    assert.equal(runs, 4);
    p.stop();
    await clock.advance(10_000);
    assert.equal(runs, 4);
  });

  test('single-flight: refreshNow during a run joins it', async () => {
    const clock = new FakeClock();
    let runs = 0;
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    const p = new Poller({
      task: async () => {
        runs++;
        await gate;
      },
      intervalMs: 5000,
      clock,
    });
    p.start();
    const a = p.refreshNow();
    const b = p.refreshNow();
    assert.equal(a, b);
    assert.equal(runs, 1);
    release();
    await a;
    await settle();
    assert.equal(clock.pending, 1, 'exactly one next poll scheduled');
  });

  test('backs off with jitter on rate limits and server errors, resets after success', async () => {
    const clock = new FakeClock();
    const outcomes = [err('rate_limited'), err('server'), err('network'), null, null];
    const p = new Poller({
      task: async () => {
        const e = outcomes.shift();
        if (e) throw e;
      },
      intervalMs: 2000,
      clock,
      random: () => 0.5,
    });
    p.start();
    await settle();
    await clock.advance(120_000);
    // equal jitter at r=0.5: 0.75 × interval × 2^failures
    assert.deepEqual(clock.delays.slice(0, 5), [3000, 6000, 12000, 2000, 2000]);
    p.stop();
  });

  test('jitter spreads the delay between half and all of the exponential step', async () => {
    for (const [r, want] of [
      [0, 4000],
      [0.999, 7996],
    ] as const) {
      const clock = new FakeClock();
      const p = new Poller({
        task: async () => {
          throw err('server');
        },
        intervalMs: 4000,
        clock,
        random: () => r,
      });
      p.start();
      await settle();
      assert.equal(clock.delays[0], want);
      p.stop();
    }
  });

  test('other errors (auth) keep the steady interval', async () => {
    const clock = new FakeClock();
    const p = new Poller({
      task: async () => {
        throw err('auth');
      },
      intervalMs: 3000,
      clock,
    });
    p.start();
    await settle();
    assert.equal(clock.delays[0], 3000);
    assert.equal(shouldBackOff(err('auth')), false);
    assert.equal(shouldBackOff(err('rate_limited')), true);
    p.stop();
  });

  test('pause stops scheduling; resume refreshes at once', async () => {
    const clock = new FakeClock();
    let runs = 0;
    const p = new Poller({ task: async () => void runs++, intervalMs: 2000, clock });
    p.start();
    await settle();
    p.pause();
    assert.equal(p.isPaused, true);
    await clock.advance(60_000);
    assert.equal(runs, 1);
    p.resume();
    await settle();
    assert.equal(runs, 2);
    await clock.advance(2000);
    assert.equal(runs, 3);
    p.stop();
  });
});
