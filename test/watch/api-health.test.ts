import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { ApiLogHealth } from '../../src/core/watch/api-health.js';
import { inst } from '../cost/fixtures.js';

// A real Hugging Face Trainer run (300 steps) captured on a GPU host: see test/fixtures/gpu-host/README.md.
const LOG = readFileSync(new URL('../fixtures/gpu-host/hf-trainer-stdout.log', import.meta.url), 'utf8');
const M = 60_000;

/** The log as it stood partway: up to (not including) its first checkpoint save. */
const partial = LOG.slice(0, LOG.indexOf("{'loss'", LOG.indexOf("{'loss'") + 1));

function logsApi(texts: string[]) {
  const asked: Array<{ id: number; tail?: number }> = [];
  let n = 0;
  return {
    asked,
    getLogs: async (id: number, req?: { tail?: number }) => (
      asked.push({ id, tail: req?.tail }), texts[Math.min(n++, texts.length - 1)]!
    ),
  };
}

test('a finished Trainer log reads as finished at its last step', async () => {
  const api = logsApi([LOG]);
  const h = await new ApiLogHealth(api, { now: () => 0 }).healthOf(inst(3));
  assert.equal(h.state, 'finished');
  assert.equal(h.step, 300);
  assert.deepEqual(api.asked, [{ id: 3, tail: 2000 }]);
});

test('a run whose step stops moving between polls becomes stalled', async () => {
  let t = 0;
  const src = new ApiLogHealth(logsApi([partial]), { now: () => t, stallAfterMs: 15 * M });
  const first = await src.healthOf(inst(3));
  assert.equal(first.state, 'training');
  assert.ok(first.step! > 0 && first.step! < 300, `step ${first.step}`);
  t = 10 * M;
  assert.equal((await src.healthOf(inst(3))).state, 'training');
  t = 16 * M;
  const later = await src.healthOf(inst(3));
  assert.equal(later.state, 'stalled');
  assert.match(later.detail!, /no step advance for 16m/);
});

test('a traceback after the last step is a crash, and the triage bundle carries it with secrets masked', async () => {
  const secret = 'hf_abcdefghijklmnopqrstuvwxyz012345';
  const crash =
    `${partial}\nTraceback (most recent call last):\n  File "/workspace/train.py", line 88, in <module>\n    ` +
    `login(token="${secret}")\nRuntimeError: CUDA error: an illegal memory access was encountered\n`;
  const src = new ApiLogHealth(logsApi([crash]), { now: () => 5, redact: [secret] });
  const h = await src.healthOf(inst(3, { label: 'zeb-1' }));
  assert.equal(h.state, 'crashed');
  const b = await src.triageOf(inst(3, { label: 'zeb-1' }), h);
  assert.equal(b.instanceId, 3);
  assert.equal(b.label, 'zeb-1');
  assert.match(b.traceback!.errorLine, /illegal memory access/);
  assert.equal(JSON.stringify(b).includes(secret), false);
  assert.ok(b.step! > 0);
});
