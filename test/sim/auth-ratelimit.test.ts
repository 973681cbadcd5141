import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { startSimulator, type SimHandle } from '../../src/sim/index.js';
import { call } from './helpers.js';

/** A fake real-time clock, so refills are tested without waiting. */
let fakeNow = 1_800_000_000_000;
const now = () => fakeNow;
let sim: SimHandle;

before(async () => {
  sim = await startSimulator({ now, scenario: { market: { size: 1000 } }, apiKey: 'k-test-123' });
});
after(() => sim.close());

describe('auth', () => {
  test('no key → 401 with a non-JSON body', async () => {
    const r = await call(sim, 'GET', '/api/v0/users/current', undefined, null);
    assert.equal(r.status, 401);
    assert.equal(r.json, undefined);
    assert.match(r.text, /log in or sign up/i);
  });

  test('wrong key → 401 auth_error; search offers answers 404 with the same body', async () => {
    const r = await call(sim, 'GET', '/api/v1/instances/', undefined, 'wrong');
    assert.equal(r.status, 401);
    assert.deepEqual(r.json, { success: false, error: 'auth_error', msg: 'Invalid user key' });
    const s = await call(sim, 'POST', '/api/v0/bundles/', {}, 'wrong');
    assert.equal(s.status, 404);
    assert.deepEqual(s.json, { success: false, error: 'auth_error', msg: 'Invalid user key' });
  });

  test('?api_key= also authenticates; the key never appears in the request log', async () => {
    fakeNow += 60_000;
    const r = await fetch(`${sim.url}/api/v0/users/current?api_key=k-test-123`);
    assert.equal(r.status, 200);
    await r.text();
    assert.ok(!JSON.stringify(sim.requestLog).includes('k-test-123'));
  });
});

describe('rate limiting', () => {
  test('search: 10 per minute, then 429 plain text without Retry-After; refills with time', async () => {
    fakeNow += 600_000;
    const statuses: number[] = [];
    let last: Awaited<ReturnType<typeof call>> | undefined;
    for (let i = 0; i < 11; i++) {
      last = await call(sim, 'POST', '/api/v0/bundles/', { limit: 1 });
      statuses.push(last.status);
    }
    assert.deepEqual(statuses, [...Array(10).fill(200), 429]);
    assert.equal(last!.json, undefined, '429 body is plain text');
    assert.match(last!.text, /API requests too frequent/);
    assert.equal(last!.headers.get('retry-after'), null);
    fakeNow += 6_000; // one token per 6 s
    assert.equal((await call(sim, 'POST', '/api/v0/bundles/', { limit: 1 })).status, 200);
    assert.equal((await call(sim, 'POST', '/api/v0/bundles/', { limit: 1 })).status, 429);
  });

  test('list instances: a short burst, then the 1.0 s threshold', async () => {
    fakeNow += 600_000;
    const statuses: number[] = [];
    for (let i = 0; i < 6; i++) statuses.push((await call(sim, 'GET', '/api/v1/instances/')).status);
    assert.deepEqual(statuses, [200, 200, 200, 200, 200, 429]);
    const r = await call(sim, 'GET', '/api/v1/instances/');
    assert.match(r.text, /threshold=1\.0/);
    fakeNow += 1000;
    assert.equal((await call(sim, 'GET', '/api/v1/instances/')).status, 200);
  });

  test('limits are per endpoint: a throttled list does not block users/current', async () => {
    fakeNow += 600_000;
    for (let i = 0; i < 6; i++) await call(sim, 'GET', '/api/v1/instances/');
    assert.equal((await call(sim, 'GET', '/api/v1/instances/')).status, 429);
    assert.equal((await call(sim, 'GET', '/api/v0/users/current')).status, 200);
  });

  test('rateLimit: false switches it off', async () => {
    const free = await startSimulator({ now, rateLimit: false, scenario: { market: { size: 1000 } } });
    try {
      for (let i = 0; i < 30; i++)
        assert.equal((await call(free, 'POST', '/api/v0/bundles/', { limit: 1 })).status, 200);
    } finally {
      await free.close();
    }
  });
});
