/** A run that stalled before vastdeck first read its log: the log's mtime dates the last step advance. */
import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { HealthTracker } from '../../src/core/fleet/health.js';
import { logMtimeCommand, parseLogMtime } from '../../src/core/fleet/health-monitor.js';
import { LINES, MIN, T0, UNTIL_STEP_200 } from './fixture.js';

function firstRead(mtime?: number): HealthTracker {
  const t = new HealthTracker({ stallAfterMs: 15 * MIN });
  t.setStatus('running', T0, T0 - 3 * 60 * MIN);
  t.feedLines(UNTIL_STEP_200, T0);
  if (mtime !== undefined) t.noteLogWrite(mtime);
  return t;
}

describe('log mtime', () => {
  test('a log last written 40 min before the first read is stalled at once, dated from the write', () => {
    const h = firstRead(T0 - 40 * MIN).health(T0);
    assert.equal(h.state, 'stalled');
    assert.equal(h.step, 200);
    assert.equal(h.since, T0 - 40 * MIN);
    assert.equal(h.detail, 'no step advance for 40m');
  });

  test('without the mtime the same first read is "training" (nothing says when the step moved)', () => {
    assert.equal(firstRead().health(T0).state, 'training');
  });

  test('a fresh write (mtime ~ now) or a write younger than the threshold keeps training', () => {
    assert.equal(firstRead(T0 - 500).health(T0).state, 'training');
    const t = firstRead(T0 - 10 * MIN);
    assert.equal(t.health(T0).state, 'training');
    assert.equal(t.health(T0 + 5 * MIN).state, 'stalled', 'and stalls 15 min after the write, not after the read');
  });

  test('an mtime never moves the last advance later, and a later live advance wins', () => {
    const t = firstRead(T0 - 40 * MIN);
    t.noteLogWrite(T0); // a later stat cannot undo what the first one proved
    assert.equal(t.health(T0).state, 'stalled');
    // The real log goes on: feed it until the step moves past 200.
    for (let i = UNTIL_STEP_200.length; t.progress.step === 200 && i < LINES.length; i++) t.feed(LINES[i]!, T0 + MIN);
    assert.ok(t.progress.step! > 200);
    assert.equal(t.health(T0 + MIN).state, 'training');
  });

  test('parseLogMtime keeps the host\'s "how long ago", not its clock', () => {
    // The host clock is 2 h ahead of ours: only the difference (25 min) counts.
    const hostNow = Math.floor((T0 + 2 * 60 * MIN) / 1000);
    assert.equal(parseLogMtime(`${hostNow - 25 * 60}\n${hostNow}\n`, T0), T0 - 25 * MIN);
    assert.equal(parseLogMtime(`${hostNow + 5}\n${hostNow}\n`, T0), T0, 'a future mtime is "now"');
    assert.equal(parseLogMtime("stat: cannot statx '/x': No such file or directory\n", T0), null);
    assert.equal(parseLogMtime('', T0), null);
    assert.equal(logMtimeCommand("/workspace/it's.log"), `stat -c %Y -- '/workspace/it'\\''s.log' && date +%s`);
  });
});
