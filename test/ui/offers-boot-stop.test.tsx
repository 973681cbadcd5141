/**
 * Issue 13: a rental started from the offer browser shows its boot countdown and `x` stops waiting at once; the
 * instance stays rented, the provision is closed in the journal as stopped, and nothing more is rented.
 */
import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { mountOffers } from './offers-harness.js';
import { profileApplied, untilFrame } from './frame-wait.js';
import { pause, waitFor } from '../helpers/wait.js';
const KEY = { enter: '\r' };
import { waitForBoot } from '../../src/core/ops/provision-boot.js';

describe('offer browser: stopping a rental’s boot wait', () => {
  test('the countdown shows, x stops at once, the journal is closed as stopped, nothing more is rented', async () => {
    const m = await mountOffers({
      columns: 160,
      rows: 45,
      sleep: (ms) => new Promise((r) => setTimeout(r, Math.min(ms, 5))),
    });
    const creates: number[] = [];
    let polls = 0;
    m.api.createInstance = (async (offerId: number) => (creates.push(offerId), { instanceId: 4343 })) as never;
    // An instance that never boots: loading for ever (the harness clock stands still, so no deadline ends it).
    m.api.showInstance = async () => (
      polls++, { ...(await m.api.listInstances())[0]!, id: 4343, status: 'loading', dphTotal: 0.25 }
    );
    await m.press('o', ':');
    await m.type('profile gpt2-4090');
    await m.press(KEY.enter);
    await profileApplied(m);
    await m.press('x'); // hide failing offers so the selected one suits the profile
    await m.press('P');
    assert.match(m.frame(), /Rent offer \d+/);
    await m.press('y');
    const f = await untilFrame(m, /boot: /, 'the boot countdown');
    assert.match(f, /boot: \d+(:\d\d| s) left of \d+(:\d\d| s)\s+instance 4343 · x stops waiting/);
    await waitFor(() => polls >= 3, { what: 'three boot polls' });
    await m.press('x');
    const done = await untilFrame(m, /stopped waiting/, 'the stop', 1000);
    assert.match(done, /stopped waiting; instance 4343 stays rented \(\$0\.250\/hr\) — D destroys it/);
    assert.doesNotMatch(done, /boot: /, 'the countdown is gone');
    const pollsAtStop = polls;
    // A quiet period is the subject: a dozen 5 ms poll pauses pass without a poll.
    await pause(60);
    assert.ok(polls <= pollsAtStop + 1, `the wait stopped polling (${pollsAtStop} → ${polls})`);
    assert.equal(creates.length, 1, 'one rental, no second');
    const recs = m.journal.records as {
      op: string;
      phase: string;
      details?: Record<string, unknown>;
      ids?: Record<string, unknown>;
    }[];
    const boot = recs.find((r) => r.op === 'provision.boot' && r.phase === 'after');
    assert.equal(boot?.details?.outcome, 'stopped');
    const end = recs.find((r) => r.op === 'provision.end');
    assert.equal(end?.details?.outcome, 'stopped', 'the provision is closed (not left open to adopt)');
    assert.equal(end?.ids?.instanceId, 4343);
    assert.ok(!recs.some((r) => r.op === 'provision.destroy'), 'the rental is not destroyed');
    m.unmount();
  });
});

describe('waitForBoot with a stop signal', () => {
  test('an aborted wait returns at once with outcome stopped, even mid-sleep and mid-poll', async () => {
    let t = 0;
    const api = { showInstance: async () => ({ id: 7, status: 'loading', statusMsg: null }) } as never;
    const ctl = new AbortController();
    const started = Date.now();
    setTimeout(() => ctl.abort(), 30);
    const r = await waitForBoot(
      { api, sleep: (ms) => new Promise((res) => setTimeout(res, ms)), now: () => (t += 1) },
      7,
      { pollMs: 60_000, timeoutMs: 1e9, stuckAfterMs: 1e9, signal: ctl.signal },
    );
    assert.equal(r.outcome, 'stopped');
    assert.ok(Date.now() - started < 1000, 'returned promptly, not after the 60 s poll pause');
    // A poll that hangs is not waited for either.
    const ctl2 = new AbortController();
    const hung = { showInstance: () => new Promise(() => {}) } as never;
    setTimeout(() => ctl2.abort(), 20);
    const r2 = await waitForBoot({ api: hung, sleep: async () => {}, now: () => 0 }, 7, { signal: ctl2.signal });
    assert.equal(r2.outcome, 'stopped');
    // Without a signal nothing changes: a loading instance past stuckAfter is stuck.
    let n = 0;
    const r3 = await waitForBoot({ api, sleep: async () => {}, now: () => (n += 1000) }, 7, {
      stuckAfterMs: 3000,
      timeoutMs: 10_000,
    });
    assert.equal(r3.outcome, 'stuck');
  });
});
