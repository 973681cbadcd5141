import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import {
  compileOfferFilter,
  DEFAULT_OFFER_VIEW,
  selectOffers,
  serverQuery,
  OFFER_SORT_KEYS,
} from '../../src/core/offers/offer-filter.js';
import { defaultOfferQuery } from '../../src/core/vast/offer-query.js';
import { checkOffers } from '../../src/core/checks/check.js';
import { marketOffers } from './market.js';
import { offer } from '../checks/offer-fixture.js';

const offers = marketOffers(2000);

describe('offer filter (CLI query syntax, evaluated in memory)', () => {
  test('numeric clauses in user units', () => {
    const f = compileOfferFilter('num_gpus>=4 gpu_ram>=40 inet_down>500 reliability>0.98');
    assert.ok(f.ok);
    const got = selectOffers(offers, DEFAULT_OFFER_VIEW, f);
    assert.ok(got.length > 0 && got.length < offers.length);
    for (const o of got) assert.ok(o.numGpus >= 4 && o.gpuRamGb >= 40 && o.inetDownMbps > 500 && o.reliability > 0.98);
    const missed = offers.filter(
      (o) => o.numGpus >= 4 && o.gpuRamGb >= 40 && o.inetDownMbps > 500 && o.reliability > 0.98,
    );
    assert.equal(got.length, missed.length);
  });

  test('names with _ for spaces, in [...], case-insensitive; bare words match GPU or location', () => {
    const f = compileOfferFilter('gpu_name in [RTX_4090, h100_sxm] geolocation=US');
    assert.ok(f.ok);
    const got = selectOffers(offers, DEFAULT_OFFER_VIEW, f);
    assert.ok(got.length > 0);
    for (const o of got) {
      assert.ok(['RTX 4090', 'H100 SXM'].includes(o.gpuName), o.gpuName);
      assert.match(o.geolocation!, /US$/);
    }
    const w = compileOfferFilter('4090 texas');
    assert.ok(w.ok);
    for (const o of selectOffers(offers, DEFAULT_OFFER_VIEW, w))
      assert.ok(o.gpuName.includes('4090') && o.geolocation!.includes('Texas'));
  });

  test('compute_cap as 8.9 or 890; verified and cuda; unknown field is an error naming it', () => {
    const a = selectOffers(
      [offer({ computeCap: 8.9 }), offer({ id: 2, computeCap: 8.6 })],
      DEFAULT_OFFER_VIEW,
      compileOfferFilter('compute_cap>=890'),
    );
    assert.deepEqual(
      a.map((o) => o.id),
      [1000],
    );
    const b = selectOffers(
      [offer({ verified: false }), offer({ id: 2, cudaMaxGood: 11.8 })],
      DEFAULT_OFFER_VIEW,
      compileOfferFilter('verified=true cuda_vers>=12'),
    );
    assert.deepEqual(b, []);
    const bad = compileOfferFilter('gpu_rma>=24');
    assert.equal(bad.ok, false);
    assert.match((bad as { error: string }).error, /unknown offer field "gpu_rma".*gpu_ram/);
  });

  test('serverQuery keeps the clauses over the base query and drops bare words', () => {
    const q = serverQuery('4090 num_gpus>=2', defaultOfferQuery());
    assert.deepEqual(q.filters.num_gpus, { gte: 2 });
    assert.deepEqual(q.filters.verified, { eq: true });
  });
});

describe('offer sort', () => {
  test('stable with id tie-break in both directions, unknowns last', () => {
    for (const sort of OFFER_SORT_KEYS) {
      for (const desc of [false, true]) {
        const got = selectOffers(offers, { ...DEFAULT_OFFER_VIEW, sort, desc }, null);
        assert.equal(got.length, offers.length);
        const again = selectOffers([...offers].reverse(), { ...DEFAULT_OFFER_VIEW, sort, desc }, null);
        assert.deepEqual(
          got.map((o) => o.id),
          again.map((o) => o.id),
          `${sort} ${desc} does not depend on input order`,
        );
      }
    }
    const price = selectOffers(offers, { ...DEFAULT_OFFER_VIEW, sort: 'price' }, null);
    for (let i = 1; i < price.length; i++) {
      const [a, b] = [price[i - 1]!, price[i]!];
      assert.ok(a.dphTotal < b.dphTotal || (a.dphTotal === b.dphTotal && a.id < b.id));
    }
    const d = selectOffers(
      [offer({ id: 3, dlperfPerDph: null }), offer({ id: 2, dlperfPerDph: 5 }), offer({ id: 1, dlperfPerDph: 9 })],
      { ...DEFAULT_OFFER_VIEW, sort: 'dlperf', desc: true },
      null,
    );
    assert.deepEqual(
      d.map((o) => o.id),
      [1, 2, 3],
    );
  });

  test('fit sort and hide-fails use the checks; verified-only toggle', () => {
    const verdicts = new Map(checkOffers(offers).map((c) => [c.offerId, c.verdict]));
    const byFit = selectOffers(offers, { ...DEFAULT_OFFER_VIEW, sort: 'fit' }, null, verdicts);
    const rank = { fits: 0, warns: 1, fails: 2 };
    for (let i = 1; i < byFit.length; i++)
      assert.ok(rank[verdicts.get(byFit[i - 1]!.id)!] <= rank[verdicts.get(byFit[i]!.id)!]);
    const hidden = selectOffers(offers, { ...DEFAULT_OFFER_VIEW, hideFails: true }, null, verdicts);
    assert.ok(hidden.length < offers.length, 'the trap market has failing offers');
    assert.ok(hidden.every((o) => verdicts.get(o.id) !== 'fails'));
    const v = selectOffers(
      [offer({ verified: false }), offer({ id: 2 })],
      { ...DEFAULT_OFFER_VIEW, verifiedOnly: true },
      null,
    );
    assert.deepEqual(
      v.map((o) => o.id),
      [2],
    );
  });
});
