import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { OffersStore } from '../../src/core/offers/store.js';
import { defaultOfferQuery, parseOfferQuery, type OfferQuery } from '../../src/core/vast/offer-query.js';
import type { Offer } from '../../src/core/vast/types.js';
import { marketOffers } from './market.js';

/** A fake clock with manual timers, and an API that records when each search started. */
function rig() {
  let now = 1_000_000;
  const timers: { at: number; fn: () => void }[] = [];
  const starts: { at: number; query: OfferQuery }[] = [];
  const offers = marketOffers(50);
  let fail: { kind: string; message: string } | null = null;
  let gate: (() => void) | null = null;
  const api = {
    searchOffers: async (query: OfferQuery): Promise<Offer[]> => {
      starts.push({ at: now, query });
      if (gate) await new Promise<void>((r) => (gate = r));
      if (fail) {
        const e = Object.assign(new Error(fail.message), { kind: fail.kind });
        throw e;
      }
      return offers.slice(0, 10 + starts.length);
    },
  };
  const store = new OffersStore({
    api,
    now: () => now,
    setTimer: (fn, ms) => {
      const t = { at: now + ms, fn };
      timers.push(t);
      return t;
    },
    clearTimer: (h) => timers.splice(timers.indexOf(h as never), 1),
  });
  /** Moves the clock, firing due timers in order. */
  const advance = async (ms: number) => {
    const end = now + ms;
    for (;;) {
      timers.sort((a, b) => a.at - b.at);
      const t = timers[0];
      if (!t || t.at > end) break;
      timers.shift();
      now = t.at;
      t.fn();
      await new Promise((r) => setImmediate(r));
    }
    now = end;
  };
  return {
    store,
    starts,
    advance,
    timers,
    setFail: (f: typeof fail) => (fail = f),
    hold: () => (gate = () => {}),
    releaseGate: () => gate?.(),
    now: () => now,
  };
}

const flush = () => new Promise((r) => setImmediate(r));

describe('OffersStore', () => {
  test('first search runs at once; the snapshot holds the offers and the query', async () => {
    const r = rig();
    const q = defaultOfferQuery();
    await r.store.search(q);
    const s = r.store.getSnapshot();
    assert.equal(r.starts.length, 1);
    assert.equal(s.offers.length, 11);
    assert.equal(s.query, q);
    assert.equal(s.loading, false);
    assert.equal(s.generation, 1);
    assert.equal(s.nextAllowedAt, r.now() + 6000);
  });

  test("ageMs is the age of the last result on the store's own clock (real time under --demo), null before one", async () => {
    const r = rig();
    assert.equal(r.store.ageMs(), null);
    await r.store.search(defaultOfferQuery());
    assert.equal(r.store.ageMs(), 0);
    await r.advance(4200);
    assert.equal(r.store.ageMs(), 4200);
  });

  test('searches are never closer than 6 s; the latest waiting query wins', async () => {
    const r = rig();
    await r.store.search(defaultOfferQuery());
    const a = parseOfferQuery('num_gpus>=2');
    const b = parseOfferQuery('num_gpus>=4');
    void r.store.search(a);
    const done = r.store.search(b);
    await flush();
    assert.equal(r.starts.length, 1, 'held back by the spacing');
    assert.equal(r.store.getSnapshot().queued, true);
    assert.equal(r.store.waitMs(), 6000);
    await r.advance(5999);
    assert.equal(r.starts.length, 1);
    await r.advance(1);
    await done;
    assert.equal(r.starts.length, 2, 'the two waiting queries became one search');
    assert.deepEqual(r.starts[1]!.query, b);
    assert.equal(r.starts[1]!.at - r.starts[0]!.at, 6000);
    // A burst of refreshes over a minute never exceeds 10 searches.
    for (let i = 0; i < 40; i++) {
      void r.store.refresh();
      await r.advance(1500);
    }
    await r.advance(10_000);
    const inMinute = r.starts.filter((s) => s.at >= r.starts[1]!.at && s.at < r.starts[1]!.at + 60_000).length;
    assert.ok(inMinute <= 10, `${inMinute} searches in a minute`);
    for (let i = 1; i < r.starts.length; i++) assert.ok(r.starts[i]!.at - r.starts[i - 1]!.at >= 6000);
  });

  test('one search at a time: a query asked while one runs waits for it', async () => {
    const r = rig();
    r.hold();
    void r.store.search(defaultOfferQuery());
    await flush();
    assert.equal(r.store.getSnapshot().loading, true);
    void r.store.search(parseOfferQuery('num_gpus>=8'));
    await r.advance(20_000);
    assert.equal(r.starts.length, 1, 'still one in flight');
    r.releaseGate();
    await flush();
    await flush();
    assert.equal(r.starts.length, 2, 'the waiting one started after the first finished (spacing already passed)');
  });

  test('a failed search keeps the last good offers and shows the error; a 429 waits longer', async () => {
    const r = rig();
    await r.store.search(defaultOfferQuery());
    const good = r.store.getSnapshot().offers;
    r.setFail({ kind: 'server', message: 'HTTP 503' });
    await r.advance(6000);
    await r.store.refresh();
    let s = r.store.getSnapshot();
    assert.equal(s.offers, good, 'last good result kept');
    assert.deepEqual(s.error, { kind: 'server', message: 'HTTP 503' });
    assert.equal(s.generation, 1);
    r.setFail({ kind: 'rate_limited', message: '429' });
    await r.advance(6000);
    await r.store.refresh();
    s = r.store.getSnapshot();
    assert.equal(s.nextAllowedAt, r.now() + 10_000, '429: next search after 10 s, not 6');
    r.setFail(null);
    await r.advance(10_000);
    await r.store.refresh();
    s = r.store.getSnapshot();
    assert.equal(s.error, null);
    assert.equal(s.generation, 2);
  });

  test('stop cancels a waiting search', async () => {
    const r = rig();
    await r.store.search(defaultOfferQuery());
    const p = r.store.search(defaultOfferQuery());
    r.store.stop();
    await p;
    await r.advance(60_000);
    assert.equal(r.starts.length, 1);
    assert.equal(r.timers.length, 0);
  });
});
