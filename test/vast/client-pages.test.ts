// listInstancePages: each page handed over as it is validated, stopping early, filters and select_cols on the
// wire, and the row cache (an unchanged row is not validated or converted again; a changed or bad one is).
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { INSTANCE_COLUMNS, VastClient, type InstancePage, type InstanceRowCache } from '../../src/core/vast/client.js';
import { WireInstance } from '../../src/core/vast/schemas.js';
import { json, serve, wireInstance } from './helpers.js';

function pagedServer(all: Array<Record<string, unknown>>) {
  return serve((req, res) => {
    const p = new URLSearchParams(req.query);
    const start = p.get('after_token') ? Number(p.get('after_token')!.slice(4)) : 0;
    const next = start + 25 < all.length ? `tok-${start + 25}` : null;
    json(res, 200, {
      success: true,
      total_instances: all.length,
      next_token: next,
      instances: all.slice(start, start + 25),
    });
  });
}

describe('listInstancePages', () => {
  test('hands over each page with total and last; false stops after that page', async () => {
    const all = Array.from({ length: 60 }, (_, i) => wireInstance(1000 + i));
    const srv = await pagedServer(all);
    try {
      const client = new VastClient({ baseUrl: srv.url });
      const pages: InstancePage[] = [];
      await client.listInstancePages({}, (p) => void pages.push(p));
      assert.deepEqual(
        pages.map((p) => [p.rows.length, p.total, p.last]),
        [
          [25, 60, false],
          [25, 60, false],
          [10, 60, true],
        ],
      );
      const before = srv.seen.length;
      await client.listInstancePages({}, () => false);
      assert.equal(srv.seen.length - before, 1, 'stopped after one page');
    } finally {
      await srv.close();
    }
  });

  test("filters and narrow columns go on the wire; the columns are the schema's", async () => {
    const srv = await pagedServer([wireInstance(5)]);
    try {
      await new VastClient({ baseUrl: srv.url }).listInstancePages(
        { filters: { id: { gt: 4 } }, narrow: true },
        () => {},
      );
      const q = new URLSearchParams(srv.seen[0]!.query);
      assert.deepEqual(JSON.parse(q.get('select_filters')!), { id: { gt: 4 } });
      assert.deepEqual(JSON.parse(q.get('select_cols')!), INSTANCE_COLUMNS);
      assert.deepEqual([...INSTANCE_COLUMNS].sort(), Object.keys(WireInstance.shape).sort());
    } finally {
      await srv.close();
    }
  });

  test('newestFirst asks for the highest ids first; without it the order is ascending, as the CLIs send it', async () => {
    const srv = await pagedServer([wireInstance(5)]);
    try {
      const client = new VastClient({ baseUrl: srv.url });
      await client.listInstancePages({ newestFirst: true }, () => {});
      await client.listInstancePages({}, () => {});
      const order = srv.seen.map((s) => JSON.parse(new URLSearchParams(s.query).get('order_by')!));
      assert.deepEqual(order, [[{ col: 'id', dir: 'desc' }], [{ col: 'id', dir: 'asc' }]]);
    } finally {
      await srv.close();
    }
  });

  test("the row cache reuses an unchanged row's object and converts a changed one again", async () => {
    const all = [wireInstance(1), wireInstance(2)];
    const srv = await pagedServer(all);
    try {
      const client = new VastClient({ baseUrl: srv.url });
      const cache: InstanceRowCache = new Map();
      const first: InstancePage[] = [];
      await client.listInstancePages({ cache }, (p) => void first.push(p));
      all[1] = wireInstance(2, { gpu_util: 55 });
      const second: InstancePage[] = [];
      await client.listInstancePages({ cache }, (p) => void second.push(p));
      assert.equal(second[0]!.rows[0], first[0]!.rows[0], 'same JSON, same object');
      assert.notEqual(second[0]!.rows[1], first[0]!.rows[1]);
      assert.equal(second[0]!.rows[1]!.gpuUtilPct, 55);
      // A row that turns invalid is validated again and fails the call, cache or not.
      all[0] = wireInstance(1, { num_gpus: 'many' });
      await assert.rejects(
        client.listInstancePages({ cache }, () => {}),
        /instance row 1/,
      );
    } finally {
      await srv.close();
    }
  });
});
