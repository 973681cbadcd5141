import { test } from 'node:test';
import assert from 'node:assert/strict';
import { listEnvVarsMasked, removeEnvVar, setEnvVar } from '../../src/core/ops/env-vars.js';
import { FakeVast } from './fake-api.js';

test('list masks every value', async () => {
  const api = new FakeVast();
  api.secrets = { HF_TOKEN: 'hf_abcdefghijklmnopqrstuvwxyz123456', B: 'x' };
  const rows = await listEnvVarsMasked(api);
  assert.deepEqual(rows, [
    { key: 'B', value: '*****' },
    { key: 'HF_TOKEN', value: '*****' },
  ]);
  assert.equal(JSON.stringify(rows).includes('hf_'), false);
});

test('set creates a new key and updates an existing one', async () => {
  const api = new FakeVast();
  assert.equal(await setEnvVar(api, 'hf_token', 'v1'), 'created');
  assert.equal(await setEnvVar(api, 'HF_TOKEN', 'v2'), 'updated');
  assert.deepEqual(api.calls, ['env create HF_TOKEN', 'env update HF_TOKEN']);
  assert.equal(api.secrets.HF_TOKEN, 'v2');
});

test('bad names, empty values and unknown keys are clear errors', async () => {
  const api = new FakeVast();
  await assert.rejects(setEnvVar(api, '1BAD', 'v'), /not valid/);
  await assert.rejects(setEnvVar(api, 'K', ''), /no value for K: pipe it on stdin or use --from-env/);
  await assert.rejects(removeEnvVar(api, 'NOPE'), /has no env var NOPE/);
  api.secrets = { K: 'v' };
  await removeEnvVar(api, 'k');
  assert.deepEqual(api.secrets, {});
});
