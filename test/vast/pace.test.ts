// A 429 that says the endpoint's threshold ("API requests too frequent endpoint threshold=1.0", vast-api.md §10)
// paces the next calls on that endpoint instead of sending each one into another 429. A token bucket shaped like
// the simulator's (and Vast's): a burst, then one call per threshold; refusals cost no token.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { VastHttp } from '../../src/core/vast/http.js';
import { RateLimiter, type Endpoint } from '../../src/sim/ratelimit.js';
import { json, serve, text } from './helpers.js';

const T = 0.06; // seconds per call after the burst

async function limited() {
  const limiter = new RateLimiter(() => performance.now());
  const ep: Endpoint = { name: 'list_instances', threshold: T, burst: 3 };
  const srv = await serve((_req, res) =>
    limiter.allow(ep, 'k')
      ? json(res, 200, { instances: [] })
      : text(res, 429, `API requests too frequent endpoint threshold=${T}`),
  );
  return { srv };
}

test('back-to-back calls after a 429 with a threshold go at that pace: one 429, not one per call', async () => {
  const { srv } = await limited();
  const codes: number[] = [];
  try {
    const http = new VastHttp({ apiKey: 'k', baseUrl: srv.url, attempts: 5, retryBaseMs: 20 });
    for (let i = 0; i < 30; i++) {
      const r = await http.call({ method: 'GET', path: '/api/v1/instances/' });
      codes.push(r.status);
    }
    const refused = srv.seen.length - 30;
    assert.ok(refused <= 2, `${refused} calls were refused with 429 for 30 answered`);
    assert.ok(codes.every((c) => c === 200));
  } finally {
    await srv.close();
  }
});

test('the pace lapses once the endpoint has been left alone long enough for the burst to come back', async () => {
  const { srv } = await limited();
  try {
    const http = new VastHttp({ apiKey: 'k', baseUrl: srv.url, attempts: 5, retryBaseMs: 20 });
    for (let i = 0; i < 6; i++) await http.call({ method: 'GET', path: '/api/v1/instances/' });
    await new Promise((r) => setTimeout(r, 6 * T * 1000));
    const from = srv.seen.length;
    for (let i = 0; i < 3; i++) await http.call({ method: 'GET', path: '/api/v1/instances/' });
    const gaps = srv.seen.slice(from + 1).map((s, k) => s.at - srv.seen[from + k]!.at);
    assert.equal(srv.seen.length - from, 3, 'the burst went through without a 429');
    assert.ok(
      gaps.every((g) => g < T * 1000 * 0.8),
      `calls after the pause were not held ${T * 1000} ms apart: ${gaps}`,
    );
  } finally {
    await srv.close();
  }
});

test('other endpoints are not paced by one endpoint’s 429', async () => {
  let refuse = true;
  const srv = await serve((req, res) => {
    if (req.path === '/api/v0/secrets/' && refuse) {
      refuse = false;
      return text(res, 429, 'API requests too frequent endpoint threshold=5.0');
    }
    json(res, 200, { secrets: {}, instances: [] });
  });
  try {
    const http = new VastHttp({ apiKey: 'k', baseUrl: srv.url, attempts: 3, retryBaseMs: 10 });
    await http.call({ method: 'GET', path: '/secrets/' }).catch(() => {});
    const t = performance.now();
    for (let i = 0; i < 3; i++) await http.call({ method: 'GET', path: '/api/v1/instances/' });
    assert.ok(performance.now() - t < 1000, 'the instance listing did not wait for the secrets endpoint');
  } finally {
    await srv.close();
  }
});
