import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { SimHandle } from '../../src/sim/index.js';
import { call, pollLog, quietSim, rentOne, show } from './helpers.js';

let sim: SimHandle;
before(async () => {
  sim = await quietSim({ seed: 21 });
});
after(() => sim.close());

describe('logs', () => {
  test('request_logs → result_url: 404 for the first polls, then 200 text, with no auth', async () => {
    const { id } = await rentOne(sim);
    sim.advance(2 * 3_600_000);
    const r = await call(sim, 'PUT', `/api/v0/instances/request_logs/${id}/`, { tail: '50' });
    assert.equal(r.status, 200);
    assert.equal(r.json.success, true);
    const url = new URL(r.json.result_url);
    assert.equal(url.host, `127.0.0.1:${sim.port}`);
    const statuses: number[] = [];
    let text = '';
    for (let i = 0; i < 5; i++) {
      const g = await fetch(r.json.result_url); // no Authorization header, like the CLI
      statuses.push(g.status);
      if (g.status === 200) {
        text = await g.text();
        break;
      }
      await g.text();
    }
    assert.deepEqual(statuses, [404, 404, 200]);
    const lines = text.trimEnd().split('\n');
    assert.ok(lines.length <= 50 && lines.length > 10);
    assert.match(text, /'loss'/);
  });

  test('filter and daemon_logs', async () => {
    const { id } = await rentOne(sim);
    sim.advance(3_600_000);
    const r = await call(sim, 'PUT', `/api/v0/instances/request_logs/${id}/`, { filter: 'checkpoint', tail: '1000' });
    const { text } = await pollLog(r.json.result_url);
    assert.ok(
      text
        .trim()
        .split('\n')
        .every((l) => l.includes('checkpoint')),
    );
    const d = await call(sim, 'PUT', `/api/v0/instances/request_logs/${id}/`, { daemon_logs: 'true' });
    assert.match((await pollLog(d.json.result_url)).text, /pulling image img:1/);
  });

  test('unknown instance → 404 invalid_id', async () => {
    const r = await call(sim, 'PUT', '/api/v0/instances/request_logs/1234/', {});
    assert.equal(r.status, 404);
    assert.equal(r.json.error, 'invalid_id');
  });
});

describe('secrets (env vars)', () => {
  test('create, list, update, delete; keys upper-cased', async () => {
    const c = await call(sim, 'POST', '/api/v0/secrets/', { key: 'hf_token', value: 'hf_abc-1.2' });
    assert.equal(c.status, 200);
    assert.equal(c.json.success, true);
    let l = await call(sim, 'GET', '/api/v0/secrets/');
    assert.equal(l.json.secrets.HF_TOKEN, 'hf_abc-1.2');
    const dup = await call(sim, 'POST', '/api/v0/secrets/', { key: 'HF_TOKEN', value: 'x' });
    assert.equal(dup.json.error, 'existing_key');
    const u = await call(sim, 'PUT', '/api/v0/secrets/', { key: 'HF_TOKEN', value: 'hf_def' });
    assert.equal(u.json.success, true);
    l = await call(sim, 'GET', '/api/v0/secrets/');
    assert.equal(l.json.secrets.HF_TOKEN, 'hf_def');
    const missing = await call(sim, 'PUT', '/api/v0/secrets/', { key: 'NOPE', value: 'x' });
    assert.equal(missing.json.error, 'nonexistent_key');
    const d = await call(sim, 'DELETE', '/api/v0/secrets/', { key: 'HF_TOKEN' });
    assert.equal(d.json.success, true);
    assert.equal((await call(sim, 'GET', '/api/v0/secrets/')).json.secrets.HF_TOKEN, undefined);
  });

  test('the documented value and key patterns are enforced', async () => {
    const slash = await call(sim, 'POST', '/api/v0/secrets/', { key: 'TOKEN', value: 'abc/def+g=' });
    assert.equal(slash.status, 400);
    assert.equal(slash.json.error, 'invalid_characters');
    const badKey = await call(sim, 'POST', '/api/v0/secrets/', { key: '1BAD', value: 'x' });
    assert.equal(badKey.json.error, 'invalid_characters');
    const empty = await call(sim, 'POST', '/api/v0/secrets/', {});
    assert.equal(empty.json.error, 'missing_input');
  });

  test('secrets are injected into new instances', async () => {
    await call(sim, 'POST', '/api/v0/secrets/', { key: 'WANDB_MODE', value: 'offline' });
    const { id } = await rentOne(sim, { env: { TZ: 'UTC' } });
    const row = await show(sim, id);
    assert.deepEqual(row.extra_env, [
      ['WANDB_MODE', 'offline'],
      ['TZ', 'UTC'],
    ]);
  });
});
