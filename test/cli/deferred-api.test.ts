import { test } from 'node:test';
import assert from 'node:assert/strict';
import { deferredApi } from '../../src/cli/deferred-api.js';
import type { VastApi } from '../../src/core/vast/api.js';
import { pause } from '../helpers/wait.js';

test('the API is made on the first call only; calls wait for it, then go to it', async () => {
  let resolve!: (api: VastApi) => void;
  let made = 0;
  const api = deferredApi(() => (made++, new Promise<VastApi>((r) => (resolve = r))));
  assert.equal(made, 0, 'nothing starts before a call');
  const pending = api.gpuNames();
  void api.gpuNames();
  assert.equal(made, 1);
  let done = false;
  void pending.then(() => (done = true));
  await pause(10); // an absence is the subject: the call must not settle before the API exists
  assert.equal(done, false);
  resolve({ gpuNames: async () => ['RTX 4090'] } as unknown as VastApi);
  assert.deepEqual(await pending, ['RTX 4090']);
});

test('a failed start rejects the calls instead of crashing', async () => {
  const api = deferredApi(() => Promise.reject(new Error('port in use')));
  await assert.rejects(api.listInstances(), /port in use/);
});

test('clockOffsetMs stays synchronous: null before the API is made, then the real offset (the server clock never turns NaN)', async () => {
  let resolve!: (api: VastApi) => void;
  const api = deferredApi(() => new Promise<VastApi>((r) => (resolve = r)));
  assert.equal(api.clockOffsetMs!(), null, 'not a Promise: the cost panel adds it to Date.now()');
  const first = api.gpuNames();
  resolve({ gpuNames: async () => [], clockOffsetMs: () => 3_600_000 } as unknown as VastApi);
  await first;
  assert.equal(api.clockOffsetMs!(), 3_600_000);
  const { serverClock } = await import('../../src/core/vast/server-clock.js');
  const now = serverClock(api, () => 1_000);
  assert.equal(now(), 3_601_000);
});

test('serverClock ignores an offset that is not a finite number', async () => {
  const { serverClock } = await import('../../src/core/vast/server-clock.js');
  const bad = { clockOffsetMs: () => Promise.resolve(5) as unknown as number };
  assert.equal(serverClock(bad, () => 1_000)(), 1_000);
});
