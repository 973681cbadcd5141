import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { CHUNK_THRESHOLD, decodeOffers, splitOffers } from '../../src/core/vast/offer-decode.js';
import { VastClient } from '../../src/core/vast/client.js';
import { defaultOfferQuery } from '../../src/core/vast/offer-query.js';
import { serve } from './helpers.js';

/** Offers with the awkward bytes a scanner can trip on: escaped quotes, braces and brackets in strings, UTF-8. */
function awkwardOffers(n: number): Array<Record<string, unknown>> {
  return Array.from({ length: n }, (_, i) => ({
    id: i + 1,
    gpu_name: i % 3 === 0 ? 'RTX "4090" {x} [y]' : 'H100 SXM',
    cpu_name: `CPU \\ ${'é🙂'.repeat(i % 4)} } ] "`,
    geolocation: 'Québec, CA',
    gpu_ram: 24564,
    num_gpus: 1 + (i % 8),
    dph_total: 0.1 + i / 1000,
    search: { totalHour: 0.5, nested: [{ a: '}' }, [1, 2]] },
    padding: 'x'.repeat(700),
  }));
}

function bytesOf(v: unknown, space?: number): Uint8Array {
  return new TextEncoder().encode(JSON.stringify(v, null, space));
}

describe('splitOffers (batched parsing of big bodies)', () => {
  test('gives exactly what JSON.parse gives, compact or pretty-printed, with extra root keys', async () => {
    const offers = awkwardOffers(2000);
    for (const space of [undefined, 2]) {
      const body = { success: true, note: '"offers": [ decoy ]', offers, after: { offers: [1] } };
      const bytes = bytesOf(body, space);
      assert.ok(bytes.length > CHUNK_THRESHOLD);
      const rows = await splitOffers(bytes);
      assert.deepEqual(rows, offers);
    }
  });

  test('returns null (so the caller parses whole) on shapes it does not handle', async () => {
    assert.equal(await splitOffers(bytesOf({ offers: [...awkwardOffers(10), null] })), null);
    assert.equal(await splitOffers(bytesOf({ bundles: awkwardOffers(10) })), null);
    const broken = bytesOf({ offers: awkwardOffers(10) }).subarray(0, 5000);
    assert.equal(await splitOffers(broken), null);
    assert.equal(await splitOffers(new TextEncoder().encode('{"offers":[{"id":1,}]}')), null);
  });

  test('yields to the event loop while it works', async () => {
    const bytes = bytesOf({ offers: awkwardOffers(6000) });
    let ticks = 0;
    const timer = setInterval(() => ticks++, 0);
    const rows = await splitOffers(bytes);
    const { offers } = await decodeOffers(rows!);
    clearInterval(timer);
    assert.equal(offers.length, 6000);
    assert.ok(ticks > 0, 'timers ran during parsing');
  });

  test('through the client: a big body is parsed in batches; bad rows skipped and counted; broken JSON is malformed', async () => {
    const good = awkwardOffers(2000);
    const rows: unknown[] = [...good.slice(0, 1000), { id: 'not-a-number' }, ...good.slice(1000)];
    let mode: 'ok' | 'broken' | 'nullrow' = 'ok';
    const srv = await serve((_r, res) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      const text = JSON.stringify({ offers: mode === 'nullrow' ? [...rows, null] : rows });
      res.end(mode === 'broken' ? text.slice(0, -3) : text);
    });
    try {
      const c = new VastClient({ baseUrl: srv.url });
      const offers = await c.searchOffers(defaultOfferQuery());
      assert.equal(offers.length, 2000);
      assert.equal(offers[0]!.gpuName, 'RTX "4090" {x} [y]');
      assert.equal(offers[1]!.country, 'CA');
      assert.deepEqual(c.lastOfferStats, { received: 2001, skipped: 1 });
      mode = 'nullrow'; // the scanner bails; the whole-body path gives the same answer
      assert.equal((await c.searchOffers(defaultOfferQuery())).length, 2000);
      assert.deepEqual(c.lastOfferStats, { received: 2002, skipped: 2 });
      mode = 'broken';
      await assert.rejects(c.searchOffers(defaultOfferQuery()), { kind: 'malformed' });
    } finally {
      await srv.close();
    }
  });
});
