import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { VastClient } from '../../src/core/vast/client.js';
import { defaultOfferQuery, parseOfferQuery } from '../../src/core/vast/offer-query.js';
import { json, recordingSleep, serve, text, wireInstance } from './helpers.js';

const KEY = 'fake-key-0123456789';
const FIRST_PAGE_QUERY =
  'select_filters=%7B%7D&order_by=%5B%7B%22col%22%3A+%22id%22%2C+%22dir%22%3A+%22asc%22%7D%5D&limit=25';

describe('listInstances pagination', () => {
  test('follows next_token to the end with limit=25, sending it back as after_token', async () => {
    const all = Array.from({ length: 60 }, (_, i) => wireInstance(1000 + i));
    const srv = await serve((req, res) => {
      const p = new URLSearchParams(req.query);
      const start = p.get('after_token') ? Number(p.get('after_token')!.slice(4)) : 0;
      const limit = Number(p.get('limit'));
      const next = start + limit < all.length ? `tok-${start + limit}` : null;
      json(res, 200, {
        success: true,
        instances_found: limit,
        total_instances: all.length,
        next_token: next,
        instances: all.slice(start, start + limit),
      });
    });
    try {
      const list = await new VastClient({ apiKey: KEY, baseUrl: srv.url }).listInstances();
      assert.deepEqual(
        list.map((i) => i.id),
        all.map((w) => w.id),
      );
      assert.equal(srv.seen.length, 3);
      assert.equal(srv.seen[0]!.path, '/api/v1/instances/');
      assert.equal(srv.seen[0]!.query, FIRST_PAGE_QUERY, 'first page is byte-identical to the CLI');
      assert.equal(srv.seen[1]!.query, `${FIRST_PAGE_QUERY}&after_token=tok-25`);
      assert.equal(srv.seen[2]!.query, `${FIRST_PAGE_QUERY}&after_token=tok-50`);
    } finally {
      await srv.close();
    }
  });

  test('an empty account is [] (only when the body really says so)', async () => {
    const srv = await serve((_r, res) => json(res, 200, { instances: [], next_token: null }));
    try {
      assert.deepEqual(await new VastClient({ baseUrl: srv.url }).listInstances(), []);
    } finally {
      await srv.close();
    }
  });

  test('a bad later page fails the whole list (never a partial list)', async () => {
    const srv = await serve((_r, res, n) =>
      n === 0 ? json(res, 200, { instances: [wireInstance(1)], next_token: 't1' }) : text(res, 200, ''),
    );
    try {
      await assert.rejects(new VastClient({ baseUrl: srv.url }).listInstances(), { kind: 'malformed' });
    } finally {
      await srv.close();
    }
  });

  test('a repeating next_token is malformed, not an endless loop', async () => {
    const srv = await serve((_r, res) => json(res, 200, { instances: [wireInstance(1)], next_token: 'same' }));
    try {
      await assert.rejects(new VastClient({ baseUrl: srv.url }).listInstances(), /next_token repeats/);
      assert.equal(srv.seen.length, 2);
    } finally {
      await srv.close();
    }
  });
});

describe('calls and their wire bodies', () => {
  test('createInstance sends the CLI body (4c capture) and returns new_contract, never instance_api_key', async () => {
    const srv = await serve((_r, res) =>
      json(res, 200, { success: true, new_contract: 7835610, instance_api_key: 'restricted' }),
    );
    try {
      const r = await new VastClient({ apiKey: KEY, baseUrl: srv.url }).createInstance(555001, {
        image: 'pytorch/pytorch',
        diskGb: 40,
        label: 'L',
        runtype: 'ssh_direc ssh_proxy',
        onstart: 'echo hi',
        price: 0.5,
        env: { TZ: 'UTC', HF_TOKEN: 'abc', '-p 8080:8080': '1', '-p 8081:8081/udp': '1', '-h': 'box' },
      });
      assert.deepEqual(r, { instanceId: 7835610 });
      assert.equal(srv.seen[0]!.method, 'PUT');
      assert.equal(srv.seen[0]!.path, '/api/v0/asks/555001/');
      const captured = JSON.parse(
        '{"client_id": "me", "image": "pytorch/pytorch", "env": {"TZ": "UTC", "HF_TOKEN": "abc", "-p ' +
          '8080:8080": "1", "-p 8081:8081/udp": "1", "-h": "box"}, "price": 0.5, "disk": 40.0, "label": "L", ' +
          '"extra": null, "onstart": "echo hi", "image_login": null, "python_utf8": false, "lang_utf8": false, ' +
          '"use_jupyter_lab": false, "jupyter_dir": null, "force": false, "cancel_unavail": false, ' +
          '"template_hash_id": null, "user": null, "runtype": "ssh_direc ssh_proxy"}',
      );
      assert.deepEqual(JSON.parse(srv.seen[0]!.body), captured);
    } finally {
      await srv.close();
    }
  });

  test('create with defaults matches the A2 capture', async () => {
    const srv = await serve((_r, res) => json(res, 200, { success: true, new_contract: 1 }));
    try {
      await new VastClient({ baseUrl: srv.url }).createInstance(555001, { image: 'X', diskGb: 50, label: 'L' });
      assert.deepEqual(
        JSON.parse(srv.seen[0]!.body),
        JSON.parse(
          '{"client_id": "me", "image": "X", "env": {}, "price": null, "disk": 50.0, "label": "L", "extra": ' +
            'null, "onstart": null, "image_login": null, "python_utf8": false, "lang_utf8": false, ' +
            '"use_jupyter_lab": false, "jupyter_dir": null, "force": false, "cancel_unavail": false, ' +
            '"template_hash_id": null, "user": null, "runtype": "ssh"}',
        ),
      );
    } finally {
      await srv.close();
    }
  });

  test('label, stop, start, env vars: paths and bodies as captured', async () => {
    const srv = await serve((_r, res) => json(res, 200, { success: true, msg: 'ok' }));
    try {
      const c = new VastClient({ baseUrl: srv.url });
      await c.labelInstance(1001, 'L');
      await c.stopInstance(1001);
      await c.startInstance(1001);
      await c.createEnvVar('HF_TOKEN', 'hf_abc');
      await c.updateEnvVar('HF_TOKEN', 'hf_def');
      await c.deleteEnvVar('HF_TOKEN');
      assert.deepEqual(
        srv.seen.map((s) => [s.method, s.path, JSON.parse(s.body)]),
        [
          ['PUT', '/api/v0/instances/1001/', { label: 'L' }],
          ['PUT', '/api/v0/instances/1001/', { state: 'stopped' }],
          ['PUT', '/api/v0/instances/1001/', { state: 'running' }],
          ['POST', '/api/v0/secrets/', { key: 'HF_TOKEN', value: 'hf_abc' }],
          ['PUT', '/api/v0/secrets/', { key: 'HF_TOKEN', value: 'hf_def' }],
          ['DELETE', '/api/v0/secrets/', { key: 'HF_TOKEN' }],
        ],
      );
    } finally {
      await srv.close();
    }
  });

  test('showInstance uses ?owner=me and converts the one object', async () => {
    const srv = await serve((_r, res) => json(res, 200, { instances: wireInstance(1001) }));
    try {
      const i = await new VastClient({ baseUrl: srv.url }).showInstance(1001);
      assert.equal(srv.seen[0]!.url, '/api/v0/instances/1001/?owner=me');
      assert.equal(i.id, 1001);
      assert.equal(i.gpuRamGb, 24.564);
    } finally {
      await srv.close();
    }
  });

  test('currentUser drops api_key; gpuNames; env-var list', async () => {
    const srv = await serve((req, res) => {
      if (req.path === '/api/v0/users/current')
        json(res, 200, { id: 3, username: 'me', email: 'me@x', credit: 25, balance: 1, api_key: KEY, fullname: 'Me' });
      else if (req.path === '/api/v0/gpu_names/unique/') json(res, 200, { gpu_names: ['RTX 4090', 'H100 SXM'] });
      else json(res, 200, { success: true, secrets: { HF_TOKEN: 'hf_x', N: 5 } });
    });
    try {
      const c = new VastClient({ apiKey: KEY, baseUrl: srv.url });
      const u = await c.currentUser();
      assert.deepEqual(u, { id: 3, username: 'me', email: 'me@x', credit: 25, balance: 1 });
      assert.ok(!JSON.stringify(u).includes(KEY));
      assert.equal(srv.seen[0]!.path, '/api/v0/users/current', 'no trailing slash, like the CLI');
      assert.deepEqual(await c.gpuNames(), ['RTX 4090', 'H100 SXM']);
      assert.deepEqual(await c.listEnvVars(), { HF_TOKEN: 'hf_x', N: '5' });
    } finally {
      await srv.close();
    }
  });

  test('charges: epoch-second day range like the CLI capture, all pages, ms out', async () => {
    const rows = (n: number) => ({
      start: 1767225600 + n * 3600,
      end: 1767229200 + n * 3600,
      type: 'instance',
      source: `instance-${n}`,
      description: 'gpu',
      amount: 0.389,
      items: [],
    });
    const srv = await serve((req, res) => {
      const p = new URLSearchParams(req.query);
      if (!p.get('after_token'))
        json(res, 200, { success: true, count: 2, total: 3, next_token: 'n2', results: [rows(1), rows(2)] });
      else json(res, 200, { success: true, count: 1, total: 3, next_token: null, results: [rows(3)] });
    });
    try {
      const list = await new VastClient({ baseUrl: srv.url }).charges(Date.UTC(2026, 0, 1), Date.UTC(2026, 1, 1));
      assert.deepEqual(
        list.map((c) => c.instanceId),
        [1, 2, 3],
      );
      assert.equal(list[0]!.start, 1767229200000);
      assert.equal(srv.seen[0]!.path, '/api/v0/charges/');
      assert.equal(
        srv.seen[0]!.query,
        'select_filters=%7B%22day%22%3A+%7B%22gte%22%3A+1767225600%2C+%22lte%22%3A+1769904000%7D%7D&latest_first=false&limit=100&format=table',
      );
      assert.match(srv.seen[1]!.query, /&after_token=n2$/);
    } finally {
      await srv.close();
    }
  });

  test('a bad charge row fails the call (money must add up)', async () => {
    const srv = await serve((_r, res) =>
      json(res, 200, { results: [{ start: 1, end: 2, amount: 'lots' }], next_token: null }),
    );
    try {
      await assert.rejects(new VastClient({ baseUrl: srv.url }).charges(0, 1000), /charge row 0: amount/);
    } finally {
      await srv.close();
    }
  });
});

describe('searchOffers', () => {
  test('POSTs the wire body and converts rows; bad rows are skipped and counted', async () => {
    const good = {
      id: 1,
      gpu_name: 'RTX 4090',
      num_gpus: 1,
      gpu_ram: 24564,
      dph_total: 0.4,
      reliability2: 0.99,
      duration: 86400,
    };
    const srv = await serve((_r, res) => json(res, 200, { offers: [good, { id: 'bad' }, { ...good, id: 2 }, null] }));
    try {
      const c = new VastClient({ baseUrl: srv.url });
      const offers = await c.searchOffers(parseOfferQuery('gpu_ram>=24', defaultOfferQuery()));
      assert.deepEqual(
        offers.map((o) => o.id),
        [1, 2],
      );
      assert.equal(offers[0]!.gpuRamGb, 24.564);
      assert.deepEqual(c.lastOfferStats, { received: 4, skipped: 2 });
      assert.equal(srv.seen[0]!.method, 'POST');
      assert.equal(srv.seen[0]!.path, '/api/v0/bundles/');
      assert.deepEqual(JSON.parse(srv.seen[0]!.body).gpu_ram, { gte: 24000 });
    } finally {
      await srv.close();
    }
  });

  test('no offers array is malformed', async () => {
    const srv = await serve((_r, res) => json(res, 200, { bundles: [] }));
    try {
      await assert.rejects(new VastClient({ baseUrl: srv.url }).searchOffers(defaultOfferQuery()), {
        kind: 'malformed',
      });
    } finally {
      await srv.close();
    }
  });
});

describe('getLogs', () => {
  test('request_logs, then polls result_url without auth until 200; blank lines dropped; text sanitized', async () => {
    let base = '';
    const srv = await serve((req, res, n) => {
      if (req.path === '/api/v0/instances/request_logs/1001/')
        json(res, 200, { success: true, result_url: `${base}/fake-s3/logs_1001.log`, msg: 'queued' });
      else if (n < 3) text(res, 404, 'not yet');
      else text(res, 200, 'step 1 loss 2.0\n\n\n\x1b[31mstep 2 loss 1.9\x1b[0m\r\n\x1b]52;c;cm0gLXJm\x07\nstep 3\n');
    });
    base = srv.url;
    const { sleep, delays } = recordingSleep();
    try {
      const c = new VastClient({ apiKey: KEY, baseUrl: srv.url, sleep });
      const log = await c.getLogs(1001, { tail: 50, filter: 'error', daemon: true });
      assert.equal(log, 'step 1 loss 2.0\nstep 2 loss 1.9\nstep 3');
      const [reqLogs, ...polls] = srv.seen;
      assert.equal(reqLogs!.method, 'PUT');
      assert.deepEqual(JSON.parse(reqLogs!.body), { filter: 'error', tail: '50', daemon_logs: 'true' });
      assert.equal(reqLogs!.headers.authorization, `Bearer ${KEY}`);
      assert.equal(polls.length, 3);
      for (const p of polls) {
        assert.equal(p.path, '/fake-s3/logs_1001.log');
        assert.equal(p.headers.authorization, undefined, 'log polls never carry the key');
      }
      assert.deepEqual(delays, [300, 300], '~0.3 s between polls by default');
    } finally {
      await srv.close();
    }
  });

  test('body of request_logs holds only the keys that are set', async () => {
    let base = '';
    const srv = await serve((req, res) =>
      req.method === 'PUT' ? json(res, 200, { success: true, result_url: `${base}/r` }) : text(res, 200, 'x'),
    );
    base = srv.url;
    try {
      await new VastClient({ baseUrl: srv.url }).getLogs(1);
      assert.equal(srv.seen[0]!.body, '{}');
    } finally {
      await srv.close();
    }
  });

  test('never ready → a clear error after the configured number of polls', async () => {
    let base = '';
    const srv = await serve((req, res) =>
      req.method === 'PUT'
        ? json(res, 200, { success: true, result_url: `${base}/r` })
        : text(res, 403, 'AccessDenied'),
    );
    base = srv.url;
    const { sleep, delays } = recordingSleep();
    try {
      const c = new VastClient({ baseUrl: srv.url, sleep, logPollAttempts: 5, logPollIntervalMs: 100 });
      await assert.rejects(c.getLogs(1001), (e: any) => {
        assert.equal(e.kind, 'server');
        assert.match(e.message, /logs of instance 1001 were not ready after 5 polls \(~0\.5 s\)/);
        return true;
      });
      assert.equal(srv.seen.length, 6);
      assert.deepEqual(delays, [100, 100, 100, 100]);
    } finally {
      await srv.close();
    }
  });

  test('a result_url that is not http(s) is malformed', async () => {
    const srv = await serve((_r, res) => json(res, 200, { success: true, result_url: 'file:///etc/passwd' }));
    try {
      await assert.rejects(new VastClient({ baseUrl: srv.url }).getLogs(1), { kind: 'malformed' });
    } finally {
      await srv.close();
    }
  });
});
