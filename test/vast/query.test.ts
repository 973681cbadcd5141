import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import {
  defaultOfferQuery,
  driverInt,
  OfferQueryError,
  parseOfferQuery,
  parseOrder,
  toWireBody,
} from '../../src/core/vast/offer-query.js';

/**
 * The CLI sends numbers as strings ("4"); we send JSON numbers (documented in offer-query.ts). To compare
 * against the captures, numeric strings in the captured body are turned into numbers first.
 */
function numify(v: unknown): unknown {
  if (typeof v === 'string' && /^-?\d+(\.\d+)?$/.test(v)) return Number(v);
  if (Array.isArray(v)) return v.map(numify);
  if (v && typeof v === 'object')
    return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, k === 'order' ? x : numify(x)]));
  return v;
}

describe('offer query → wire body', () => {
  test('vast-api.md §2 / A2 legacy capture: num_gpus>=4 gpu_ram>=20 with the legacy rented default', () => {
    const captured = JSON.parse(
      '{"verified": {"eq": true}, "external": {"eq": false}, "rentable": {"eq": true}, "rented": {"eq": ' +
        'false}, "num_gpus": {"gte": "4"}, "gpu_ram": {"gte": 20000.0}, "order": [["score", "desc"]], "type": ' +
        '"on-demand", "allocated_storage": 5.0}',
    );
    const base = defaultOfferQuery();
    base.filters.rented = { eq: false };
    const q = parseOfferQuery('num_gpus>=4 gpu_ram>=20', base);
    assert.deepEqual(toWireBody(q), numify(captured));
  });

  test('A2 package-CLI capture: defaults without rented', () => {
    const captured = JSON.parse(
      '{"verified": {"eq": true}, "external": {"eq": false}, "rentable": {"eq": true}, "num_gpus": {"gte": ' +
        '"4"}, "gpu_ram": {"gte": 20000.0}, "order": [["score", "desc"]], "type": "on-demand", ' +
        '"allocated_storage": 5.0}',
    );
    assert.deepEqual(toWireBody(parseOfferQuery('num_gpus>=4 gpu_ram>=20')), numify(captured));
  });

  test('appendix 4c capture: the long query with aliases, lists, any, -o dph_total, bid, limit 10', () => {
    const captured = JSON.parse(
      '{"external": {"eq": false}, "rentable": {"eq": true}, "num_gpus": {"gte": "4"}, "gpu_ram": {"gte": ' +
        '20000.0}, "gpu_name": {"eq": "RTX 3090"}, "reliability": {"gt": "0.98"}, "inet_down": {"gte": "500"}, ' +
        '"geolocation": {"in": ["US", "CA"]}, "cuda_max_good": {"gte": "12.1"}, "duration": {"gte": 604800.0}, ' +
        '"order": [["dph_total", "asc"]], "type": "bid", "limit": 10, "allocated_storage": 5.0}',
    );
    const q = parseOfferQuery(
      'num_gpus>=4 gpu_ram>=20 gpu_name=RTX_3090 reliability>0.98 inet_down>=500 geolocation in [US,CA] ' +
        'cuda_vers>=12.1 duration>=7 verified=any',
    );
    q.order = parseOrder('dph_total');
    q.type = 'bid';
    q.limit = 10;
    const wire = toWireBody(q);
    assert.deepEqual(wire, numify(captured));
    // Key order as the CLI sends it, too (not needed by the server, but keeps diffs readable).
    assert.deepEqual(Object.keys(wire), Object.keys(captured));
  });

  test('filters stay in user units; only the wire form is multiplied', () => {
    const q = parseOfferQuery('gpu_ram>=24 cpu_ram>=64 gpu_total_ram<=200 duration>=1.5');
    assert.deepEqual(q.filters.gpu_ram, { gte: 24 });
    const w = toWireBody(q) as Record<string, Record<string, number>>;
    assert.equal(w.gpu_ram!.gte, 24000);
    assert.equal(w.cpu_ram!.gte, 64000);
    assert.equal(w.gpu_total_ram!.lte, 200000);
    assert.equal(w.duration!.gte, 129600);
  });

  test('driver_version 535.86.05 → 535086005; compute_cap 8.9 → 890 (890 kept)', () => {
    assert.equal(driverInt('535.86.05'), 535086005);
    assert.equal(driverInt('550.54.14'), 550054014);
    const w = toWireBody(parseOfferQuery('driver_version>=535.86.05 compute_cap>=8.9 compute_cap<=1200')) as Record<
      string,
      Record<string, unknown>
    >;
    assert.equal(w.driver_version!.gte, 535086005);
    assert.deepEqual(w.compute_cap, { gte: 890, lte: 1200 });
  });

  test('operators, several on one field, true/false/None, spaces around ops, notin', () => {
    const q = parseOfferQuery(
      'num_gpus >= 2 num_gpus<=8 static_ip=true external=None gpu_name!=RTX_3060 geolocation notin [CN, RU]',
    );
    assert.deepEqual(q.filters.num_gpus, { gte: 2, lte: 8 });
    assert.deepEqual(q.filters.static_ip, { eq: true });
    assert.deepEqual(q.filters.external, { eq: null });
    assert.deepEqual(q.filters.gpu_name, { neq: 'RTX 3060' });
    assert.deepEqual(q.filters.geolocation, { notin: ['CN', 'RU'] });
    assert.deepEqual(parseOfferQuery('gpu_name in [RTX_3090,RTX_4090]').filters.gpu_name, {
      in: ['RTX 3090', 'RTX 4090'],
    });
    assert.deepEqual(parseOfferQuery('dph<0.5 dlperf_usd>10 flops_usd>1 display_active=false').filters, {
      ...defaultOfferQuery().filters,
      dph_total: { lt: 0.5 },
      dlperf_per_dphtotal: { gt: 10 },
      flops_per_dphtotal: { gt: 1 },
      gpu_display_active: { eq: false },
    });
  });

  test('field=any, ? and * drop defaults; a quoted value keeps underscores', () => {
    const q = parseOfferQuery('verified=any external=? rentable=*');
    assert.deepEqual(q.filters, {});
    assert.deepEqual(parseOfferQuery('gpu_name="my_gpu"').filters.gpu_name, { eq: 'my_gpu' });
  });

  test('parsing does not mutate the base query', () => {
    const base = defaultOfferQuery();
    parseOfferQuery('verified=any gpu_ram>=10', base);
    assert.deepEqual(base, defaultOfferQuery());
  });

  test('unknown field is an error naming close fields', () => {
    assert.throws(
      () => parseOfferQuery('gpu_rma>=20'),
      (e: unknown) => {
        assert.ok(e instanceof OfferQueryError);
        assert.match(e.message, /unknown offer field "gpu_rma"/);
        assert.match(e.message, /gpu_ram/);
        return true;
      },
    );
    assert.throws(() => parseOfferQuery('reliabilty>0.9'), /did you mean reliability/);
  });

  test('bad values and unreadable text are clear errors', () => {
    assert.throws(() => parseOfferQuery('num_gpus>=four'), /num_gpus takes a number/);
    assert.throws(() => parseOfferQuery('verified=maybe'), /verified takes true or false/);
    assert.throws(() => parseOfferQuery('num_gpus'), /cannot read the query near "num_gpus"/);
  });

  test('parseOrder: CLI -o syntax with aliases', () => {
    assert.deepEqual(parseOrder('dph_total,score-'), [
      ['dph_total', 'asc'],
      ['score', 'desc'],
    ]);
    assert.deepEqual(parseOrder('dph-, reliability'), [
      ['dph_total', 'desc'],
      ['reliability', 'asc'],
    ]);
    assert.throws(() => parseOrder('scroe'), /did you mean score/);
    assert.throws(() => parseOrder(''), OfferQueryError);
  });

  test('defaults: package CLI filters, score desc, on-demand, 5 GB', () => {
    assert.deepEqual(toWireBody(defaultOfferQuery()), {
      verified: { eq: true },
      external: { eq: false },
      rentable: { eq: true },
      order: [['score', 'desc']],
      type: 'on-demand',
      allocated_storage: 5,
    });
  });
});
