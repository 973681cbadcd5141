import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { startSimulator, type SimHandle } from '../../src/sim/index.js';
import { call, qs } from './helpers.js';

let sim: SimHandle;
before(async () => {
  sim = await startSimulator({
    rateLimit: false,
    scenario: {
      market: { size: 3000 },
      fleet: [
        { label: 'zeb-large-{n}', gpu: 'RTX 4090', replicas: 40, status: 'running', age: '2h' },
        { label: 'mosaic-gpt2-{n}', gpu: 'RTX 3090', replicas: 15, status: 'stopped', age: '5h' },
        { label: null, gpu: 'Tesla T4', replicas: 3, status: 'running', age: '1h' },
      ],
    },
  });
});
after(() => sim.close());

const list = (params: Record<string, unknown>) => call(sim, 'GET', `/api/v1/instances/?${qs(params)}`);

describe('v1 instance list', () => {
  test('pages of 25 with next_token → after_token cover every instance once', async () => {
    const seen: number[] = [];
    let token: string | null = null;
    let pages = 0;
    do {
      const params: Record<string, unknown> = { select_filters: {}, order_by: [{ col: 'id', dir: 'asc' }], limit: 25 };
      if (token) params.after_token = token;
      const r = await list(params);
      assert.equal(r.status, 200);
      assert.equal(r.json.total_instances, 58);
      assert.equal(r.json.instances_found, r.json.instances.length);
      for (const row of r.json.instances) {
        assert.equal(typeof row.start_date, 'number');
        assert.ok(Array.isArray(row.extra_env));
        seen.push(row.id);
      }
      token = r.json.next_token;
      pages++;
    } while (token);
    assert.equal(pages, 3);
    assert.equal(seen.length, 58);
    assert.equal(new Set(seen).size, 58);
    assert.deepEqual(
      seen,
      [...seen].sort((a, b) => a - b),
    );
  });

  test('a destroy between pages neither skips nor repeats rows', async () => {
    const p1 = await list({ limit: 25 });
    const victim = p1.json.instances[3].id;
    await call(sim, 'DELETE', `/api/v0/instances/${victim}/`, {});
    const p2 = await list({ limit: 25, after_token: p1.json.next_token });
    assert.equal(p2.json.instances[0].id > p1.json.instances[24].id, true);
    const lastOfFirst = p1.json.instances[24].id;
    const all = (await call(sim, 'GET', '/api/v0/instances/?owner=me')).json.instances.map((r: any) => r.id);
    assert.equal(p2.json.instances[0].id, all[all.indexOf(lastOfFirst) + 1]);
  });

  test('limit is clamped to 25, and <= 0 means 5', async () => {
    assert.equal((await list({ limit: 100 })).json.instances.length, 25);
    assert.equal((await list({ limit: 0 })).json.instances.length, 5);
    assert.equal((await list({ limit: 7 })).json.instances.length, 7);
  });

  test('select_filters on stored columns, label null = unlabeled, label_counts', async () => {
    const r = await list({
      select_filters: { actual_status: { in: ['stopped'] }, label: { in: ['mosaic-gpt2-3', null] } },
    });
    const labels = r.json.instances.map((x: any) => x.label).sort();
    assert.deepEqual(labels, ['mosaic-gpt2-3']);
    const unl = await list({ select_filters: { label: { in: [null] } } });
    assert.equal(unl.json.total_instances, 3);
    assert.equal(unl.json.label_counts[''], 3);
    const g = await list({ select_filters: { gpu_name: { in: ['RTX 4090'] } } });
    assert.ok(g.json.total_instances >= 39 && g.json.instances.every((x: any) => x.gpu_name === 'RTX 4090'));
  });

  test('computed columns and bad columns are 400; a bad token is invalid_token', async () => {
    const a = await list({ select_filters: { dph_total: { lte: 1 } } });
    assert.equal(a.status, 400);
    const b = await list({ select_filters: { num_gpus: { eq: 1 } } });
    assert.equal(b.status, 400);
    const c = await list({ order_by: [{ col: 'nonsense', dir: 'asc' }] });
    assert.equal(c.status, 400);
    const d = await list({ after_token: 'not-a-token' });
    assert.equal(d.status, 400);
    assert.equal(d.json.error, 'invalid_token');
  });

  test('order_by start_date desc, with id as tie-break', async () => {
    const r = await list({ order_by: [{ col: 'start_date', dir: 'desc' }], limit: 25 });
    const rows = r.json.instances;
    for (let i = 1; i < rows.length; i++) {
      assert.ok(
        rows[i - 1].start_date > rows[i].start_date ||
          (rows[i - 1].start_date === rows[i].start_date && rows[i - 1].id < rows[i].id),
      );
    }
    const r2 = await list({
      order_by: [{ col: 'start_date', dir: 'desc' }],
      limit: 25,
      after_token: r.json.next_token,
    });
    assert.ok(r2.json.instances[0].start_date <= rows[rows.length - 1].start_date);
  });

  test('select_cols projects columns; unknown ones come back null', async () => {
    const r = await list({ select_cols: ['id', 'actual_status', 'label', 'bogus'], limit: 2 });
    assert.deepEqual(Object.keys(r.json.instances[0]).sort(), ['actual_status', 'bogus', 'id', 'label']);
    assert.equal(r.json.instances[0].bogus, null);
  });
});
