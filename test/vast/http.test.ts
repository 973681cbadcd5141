import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { apiPath, encodeQuery, endpointKey, pyJson, VastHttp } from '../../src/core/vast/http.js';
import { type ListPagesOptions, VastClient } from '../../src/core/vast/client.js';
import { json, recordingSleep, serve, text } from './helpers.js';

describe('paths and query encoding', () => {
  test('apiPath prefixes /api/v0 unless a version is given', () => {
    assert.equal(apiPath('/instances/1/'), '/api/v0/instances/1/');
    assert.equal(apiPath('/api/v1/instances/'), '/api/v1/instances/');
    assert.equal(apiPath('users/current'), '/api/v0/users/current');
  });

  test('the instance-list query string is byte-identical to the CLI capture (A2)', () => {
    const q = encodeQuery({ select_filters: {}, order_by: [{ col: 'id', dir: 'asc' }], limit: 25 });
    assert.equal(
      q,
      'select_filters=%7B%7D&order_by=%5B%7B%22col%22%3A+%22id%22%2C+%22dir%22%3A+%22asc%22%7D%5D&limit=25',
    );
  });

  test('filters with null and spaces match the 4c capture', () => {
    const q = encodeQuery({
      select_filters: {
        actual_status: { in: ['running', 'loading'] },
        label: { in: ['L', null] },
        gpu_name: { in: ['RTX 4090'] },
      },
      order_by: [
        { col: 'start_date', dir: 'desc' },
        { col: 'id', dir: 'asc' },
      ],
      limit: 25,
    });
    assert.equal(
      q,
      'select_filters=%7B%22actual_status%22%3A+%7B%22in%22%3A+%5B%22running%22%2C+%22loading%22%5D%7D%2C+%22label%22%3A+%7B%22in%22%3A+%5B%22L%22%2C+null%5D%7D%2C+%22gpu_name%22%3A+%7B%22in%22%3A+%5B%22RTX+4090%22%5D%7D%7D&order_by=%5B%7B%22col%22%3A+%22start_date%22%2C+%22dir%22%3A+%22desc%22%7D%2C+%7B%22col%22%3A+%22id%22%2C+%22dir%22%3A+%22asc%22%7D%5D&limit=25',
    );
  });

  test('pyJson escapes non-ASCII like json.dumps; undefined args are left out', () => {
    assert.equal(pyJson({ a: 'é', b: [1, true, null] }), '{"a": "\\u00e9", "b": [1, true, null]}');
    assert.equal(encodeQuery({ a: 'x y', b: undefined, c: false }), 'a=x+y&c=false');
  });

  test('endpointKey folds ids so one route shares one queue', () => {
    assert.equal(endpointKey('PUT', '/api/v0/instances/1001/'), endpointKey('PUT', '/api/v0/instances/7/'));
    assert.notEqual(endpointKey('PUT', '/api/v0/instances/1/'), endpointKey('DELETE', '/api/v0/instances/1/'));
  });
});

describe('headers and bodies', () => {
  test('bearer auth; GET has no body and no content-type; PUT/DELETE carry JSON ({} when empty)', async () => {
    const srv = await serve((_req, res) => json(res, 200, { success: true, gpu_names: ['RTX 4090'], secrets: {} }));
    try {
      const c = new VastClient({ apiKey: 'k-123456', baseUrl: srv.url, userAgent: 'vastdeck-test' });
      await c.listEnvVars();
      await c.destroyInstance(1001);
      await c.rebootInstance(1001);
      await c.gpuNames();
      const [get, del, reboot, names] = srv.seen;
      assert.equal(get!.method, 'GET');
      assert.equal(get!.path, '/api/v0/secrets/');
      assert.equal(get!.headers.authorization, 'Bearer k-123456');
      assert.equal(get!.headers['content-type'], undefined);
      assert.equal(get!.body, '');
      assert.equal(get!.headers['user-agent'], 'vastdeck-test');
      assert.equal(del!.method, 'DELETE');
      assert.equal(del!.path, '/api/v0/instances/1001/');
      assert.equal(del!.headers['content-type'], 'application/json');
      assert.equal(del!.body, '{}');
      assert.equal(reboot!.path, '/api/v0/instances/reboot/1001/');
      assert.equal(reboot!.body, '{}');
      assert.equal(names!.path, '/api/v0/gpu_names/unique/');
      assert.equal(names!.headers.authorization, undefined, 'gpu_names is public: no key sent');
    } finally {
      await srv.close();
    }
  });

  test('no key → no Authorization header at all', async () => {
    const srv = await serve((_req, res) => json(res, 200, { secrets: {} }));
    try {
      await new VastClient({ baseUrl: srv.url }).listEnvVars();
      assert.equal(srv.seen[0]!.headers.authorization, undefined);
    } finally {
      await srv.close();
    }
  });

  test('a base URL with a path keeps it', async () => {
    const srv = await serve((_req, res) => json(res, 200, { secrets: {} }));
    try {
      await new VastClient({ baseUrl: `${srv.url}/proxy/` }).listEnvVars();
      assert.equal(srv.seen[0]!.path, '/proxy/api/v0/secrets/');
    } finally {
      await srv.close();
    }
  });
});

describe('retries', () => {
  test('backoff is exponential from the base, jittered upward only', () => {
    const lo = new VastHttp({ baseUrl: 'http://127.0.0.1:9', retryBaseMs: 1000, random: () => 0 });
    const hi = new VastHttp({ baseUrl: 'http://127.0.0.1:9', retryBaseMs: 1000, random: () => 0.999 });
    assert.deepEqual(
      [0, 1, 2].map((n) => lo.backoffMs(n)),
      [1000, 2000, 4000],
    );
    assert.ok(hi.backoffMs(0) > 1400 && hi.backoffMs(0) < 1500);
    assert.equal(hi.backoffMs(20), 30_000, 'capped');
  });

  test('429 storm: all attempts used, delays ≥ base and growing, then rate_limited', async () => {
    const srv = await serve((_req, res) => text(res, 429, 'API requests too frequent endpoint threshold=1.0'));
    const { sleep, delays } = recordingSleep();
    try {
      const c = new VastClient({ apiKey: 'k', baseUrl: srv.url, attempts: 4, retryBaseMs: 1000, sleep });
      await assert.rejects(c.listEnvVars(), (e: any) => {
        assert.equal(e.kind, 'rate_limited');
        assert.equal(e.status, 429);
        assert.equal(e.endpoint, 'GET /api/v0/secrets/');
        assert.match(e.message, /429 API requests too frequent/);
        assert.match(e.message, /after 4 attempts/);
        return true;
      });
      assert.equal(srv.seen.length, 4);
      assert.equal(delays.length, 3);
      delays.forEach((d, i) => {
        assert.ok(d >= 1000 * 2 ** i, `delay ${i} = ${d} ≥ ${1000 * 2 ** i}`);
        assert.ok(d < 1500 * 2 ** i, `delay ${i} = ${d} jitter bounded`);
      });
    } finally {
      await srv.close();
    }
  });

  test('the default sleep really waits (small base, real timers)', async () => {
    const srv = await serve((_req, res) => text(res, 429, 'slow down'));
    try {
      const c = new VastClient({ baseUrl: srv.url, attempts: 3, retryBaseMs: 40 });
      await assert.rejects(c.listEnvVars(), { kind: 'rate_limited' });
      const gap1 = srv.seen[1]!.at - srv.seen[0]!.at;
      const gap2 = srv.seen[2]!.at - srv.seen[1]!.at;
      assert.ok(gap1 >= 35, `first gap ${gap1} ms`);
      assert.ok(gap2 >= 75, `second gap ${gap2} ms`);
    } finally {
      await srv.close();
    }
  });

  test('429, 429, 200 → success', async () => {
    const srv = await serve((_req, res, n) =>
      n < 2 ? text(res, 429, 'API requests too frequent') : json(res, 200, { secrets: { A: 'b' } }),
    );
    const { sleep } = recordingSleep();
    try {
      const c = new VastClient({ baseUrl: srv.url, attempts: 3, sleep });
      assert.deepEqual(await c.listEnvVars(), { A: 'b' });
      assert.equal(srv.seen.length, 3);
    } finally {
      await srv.close();
    }
  });

  test('500 is not retried; 502/503/504 are', async () => {
    const { sleep } = recordingSleep();
    const s500 = await serve((_req, res) => json(res, 500, { msg: 'boom' }));
    const s502 = await serve((_req, res, n) =>
      n === 0 ? text(res, 502, 'Bad Gateway') : n === 1 ? text(res, 503, '') : json(res, 200, { secrets: {} }),
    );
    try {
      await assert.rejects(new VastClient({ baseUrl: s500.url, attempts: 3, sleep }).listEnvVars(), (e: any) => {
        assert.equal(e.kind, 'server');
        assert.equal(e.status, 500);
        assert.match(e.message, /500 boom/);
        return true;
      });
      assert.equal(s500.seen.length, 1);
      assert.deepEqual(await new VastClient({ baseUrl: s502.url, attempts: 3, sleep }).listEnvVars(), {});
      assert.equal(s502.seen.length, 3);
    } finally {
      await s500.close();
      await s502.close();
    }
  });

  test('create is never retried by the transport, not even on 429 (it may come after the server acted)', async () => {
    const { sleep } = recordingSleep();
    const s502 = await serve((_req, res) => text(res, 502, 'Bad Gateway'));
    const s429 = await serve((_req, res, n) =>
      n === 0 ? text(res, 429, 'x') : json(res, 200, { success: true, new_contract: 7 }),
    );
    try {
      await assert.rejects(new VastClient({ baseUrl: s502.url, sleep }).createInstance(1, { image: 'x', diskGb: 10 }), {
        kind: 'server',
      });
      assert.equal(s502.seen.length, 1);
      await assert.rejects(new VastClient({ baseUrl: s429.url, sleep }).createInstance(1, { image: 'x', diskGb: 10 }), {
        kind: 'rate_limited',
      });
      assert.equal(s429.seen.length, 1, 'the caller reconciles by label+nonce before any second create');
    } finally {
      await s502.close();
      await s429.close();
    }
  });

  test('a dropped connection is retried, then a network error', async () => {
    const { sleep, delays } = recordingSleep();
    const srv = await serve((_req, res) => void res.socket?.destroy());
    try {
      await assert.rejects(new VastClient({ baseUrl: srv.url, attempts: 2, sleep }).listInstances(), (e: any) => {
        assert.equal(e.kind, 'network');
        assert.equal(e.status, undefined);
        assert.match(e.message, /cannot reach Vast.ai at http:\/\/127\.0\.0\.1:\d+ for GET \/api\/v1\/instances\//);
        return true;
      });
      assert.equal(srv.seen.length, 2);
      assert.equal(delays.length, 1);
    } finally {
      await srv.close();
    }
  });

  test('a server that never answers times out as a network error', async () => {
    const srv = await serve(() => undefined);
    try {
      await assert.rejects(
        new VastClient({ baseUrl: srv.url, attempts: 1, timeoutMs: 150 }).listEnvVars(),
        (e: any) => {
          assert.equal(e.kind, 'network');
          assert.match(e.message, /no answer within/);
          return true;
        },
      );
    } finally {
      await srv.close();
    }
  });

  test('connection refused is a network error', async () => {
    const srv = await serve(() => undefined);
    const url = srv.url;
    await srv.close();
    const { sleep } = recordingSleep();
    await assert.rejects(new VastClient({ baseUrl: url, attempts: 2, sleep }).currentUser(), { kind: 'network' });
  });
});

describe('per-endpoint serialization', () => {
  test('one call in flight per endpoint; other endpoints run alongside; a failure does not block the queue', async () => {
    let inFlight = 0;
    const perPath = new Map<string, number>();
    const maxPerKey = new Map<string, number>();
    let maxTotal = 0;
    const srv = await serve(async (req, res) => {
      const key = `${req.method} ${req.path.replace(/\/\d+\//, '/{id}/')}`;
      inFlight++;
      perPath.set(key, (perPath.get(key) ?? 0) + 1);
      maxPerKey.set(key, Math.max(maxPerKey.get(key) ?? 0, perPath.get(key)!));
      maxTotal = Math.max(maxTotal, inFlight);
      await new Promise((r) => setTimeout(r, 30));
      inFlight--;
      perPath.set(key, perPath.get(key)! - 1);
      if (req.body.includes('"bad"')) json(res, 400, { success: false, error: 'label_too_long', msg: 'too long' });
      else json(res, 200, { success: true, secrets: {} });
    });
    try {
      const c = new VastClient({ baseUrl: srv.url });
      const calls = [
        c.labelInstance(1, 'a'),
        c.labelInstance(2, 'bad'),
        c.stopInstance(3),
        c.labelInstance(4, 'd'),
        c.listEnvVars(),
        c.listEnvVars(),
      ];
      const results = await Promise.allSettled(calls);
      assert.deepEqual(
        results.map((r) => r.status),
        ['fulfilled', 'rejected', 'fulfilled', 'fulfilled', 'fulfilled', 'fulfilled'],
      );
      assert.equal(maxPerKey.get('PUT /api/v0/instances/{id}/'), 1);
      assert.equal(maxPerKey.get('GET /api/v0/secrets/'), 1);
      assert.ok(maxTotal >= 2, 'different endpoints overlap');
      // Queue order is call order.
      assert.deepEqual(
        srv.seen.filter((s) => s.method === 'PUT').map((s) => s.path),
        ['/api/v0/instances/1/', '/api/v0/instances/2/', '/api/v0/instances/3/', '/api/v0/instances/4/'],
      );
    } finally {
      await srv.close();
    }
  });
  test('a call on its own lane runs beside the endpoint queue; calls on one lane still go one at a time', async () => {
    let inFlight = 0;
    let maxInFlight = 0;
    const srv = await serve(async (_req, res) => {
      maxInFlight = Math.max(maxInFlight, ++inFlight);
      await new Promise((r) => setTimeout(r, 30));
      inFlight--;
      json(res, 200, { success: true, instances: [], next_token: null, total_instances: 0 });
    });
    try {
      const c = new VastClient({ baseUrl: srv.url });
      const list = (o: ListPagesOptions) => c.listInstancePages(o, () => {});
      await Promise.all([list({}), list({})]);
      assert.equal(maxInFlight, 1, 'one lane: one at a time');
      await Promise.all([list({}), list({ lane: 'newest' }), list({ lane: 'newest' })]);
      assert.equal(maxInFlight, 2, 'the lane beside the queue, its own calls one at a time');
    } finally {
      await srv.close();
    }
  });
});
