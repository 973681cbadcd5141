// The store over a page-by-page listing: the first page is published at once with a fill count, a failed fill
// continues after the last id, and a big fleet's later polls ask for new rows, moving rows and a rolling sweep.
import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { FleetStore } from '../../src/core/fleet/store.js';
import type { InstancePage, ListPagesOptions } from '../../src/core/vast/client.js';
import { FakeApi, FakeVastError, makeFleet } from '../ui/fake-api.js';
import { FakeClock, settle } from './fake-clock.js';

type Filter = { id?: { gt?: number; in?: number[] } };

/** A FakeApi that also lists page by page (25 a page, by id), honouring the id filters the store sends. */
class PagedApi extends FakeApi {
  /** Filters of the ascending listings, in order. */
  requests: Filter[] = [];
  /** How many newest-first listings were asked for. */
  newest = 0;
  /** Throw on every newest-first listing. */
  failNewest = false;
  /** Answer ascending listings this much later (ms), so the newest page comes first. */
  ascendingLag = 0;
  /** Page numbers (counted over all calls) at which to throw a rate-limit error. */
  failAtPage = new Set<number>();
  /** Resolved after each page is handed over, to look at the store in between. */
  onPage: (() => Promise<void>) | null = null;
  private pagesServed = 0;
  /** The lane each newest-page call asked for. */
  newestLanes: Array<string | undefined> = [];

  async listInstancePages(
    opts: ListPagesOptions,
    // biome-ignore lint/suspicious/noConfusingVoidType: mirrors FleetStoreOptions' listInstancePages.
    onPage: (p: InstancePage) => boolean | void | Promise<boolean | void>,
  ): Promise<void> {
    const f = (opts.filters ?? {}) as Filter;
    if (opts.newestFirst) this.newest += 1;
    if (opts.newestFirst) this.newestLanes.push(opts.lane);
    else this.requests.push(f);
    if (opts.newestFirst && this.failNewest) throw new FakeVastError('rate_limited', 'API requests too frequent');
    if (!opts.newestFirst && this.ascendingLag) await new Promise((r) => setTimeout(r, this.ascendingLag));
    let rows = [...this.instances].sort((a, b) => (opts.newestFirst ? b.id - a.id : a.id - b.id));
    if (f.id?.gt !== undefined) rows = rows.filter((r) => r.id > f.id!.gt!);
    if (f.id?.in) rows = rows.filter((r) => f.id!.in!.includes(r.id));
    for (let at = 0; ; at += 25) {
      if (this.failAtPage.delete(++this.pagesServed))
        throw new FakeVastError('rate_limited', 'API requests too frequent');
      const page = rows.slice(at, at + 25).map((r) => structuredClone(r));
      const last = at + 25 >= rows.length;
      const more = await onPage({ rows: page, total: rows.length, last });
      if (this.onPage) await this.onPage();
      if (more === false || last) return;
    }
  }
}

function setup(n: number, pollMs = 5000) {
  const clock = new FakeClock();
  const api = new PagedApi(makeFleet(n));
  const store = new FleetStore({ api, pollMs, clock, now: () => clock.now, random: () => 0.5 });
  let emits = 0;
  store.subscribe(() => emits++);
  return { clock, api, store, emits: () => emits };
}

describe('FleetStore over pages', () => {
  test('page 1, then the newest page, are published before the rest, with "loaded of total"', async () => {
    const { store, api, clock } = setup(60);
    // Each next page is another round trip, 2 s apart: every page is published (see the next test for faster ones).
    api.onPage = () => new Promise((r) => setImmediate(() => r(void (clock.now += 2000))));
    const seen: Array<{ n: number; filling: unknown; first: number; top: number }> = [];
    let [last, lastFilling]: unknown[] = [null, null];
    store.subscribe(() => {
      const s = store.getSnapshot();
      if (s.instances === last && s.filling === lastFilling) return; // the account's balance arriving
      [last, lastFilling] = [s.instances, s.filling];
      seen.push({ n: s.instances.length, filling: s.filling, first: s.instances[0]!.id, top: s.instances.at(-1)!.id });
    });
    await store.refresh();
    const ids = api.instances.map((i) => i.id).sort((a, b) => a - b);
    const [low, high] = [ids[0], ids[59]];
    assert.deepEqual(seen, [
      { n: 25, filling: { loaded: 25, total: 60 }, first: low, top: ids[24] }, // page 1 first: the table opens at it
      { n: 50, filling: { loaded: 50, total: 60 }, first: low, top: high }, // + the newest 25, from the same round trip
      { n: 60, filling: { loaded: 60, total: 60 }, first: low, top: high }, // page 2 reaches the newest rows
      { n: 60, filling: null, first: low, top: high },
    ]);
    assert.equal(api.newest, 1, 'the newest page is asked for once');
    assert.deepEqual(
      store.getSnapshot().instances.map((i) => i.id),
      ids,
      'ordered by id, none twice',
    );
    const s = store.getSnapshot();
    assert.equal(s.loaded, true);
    assert.deepEqual(
      s.instances.map((i) => i.id),
      api.instances.map((i) => i.id),
    );
    // First look: every row's status counts from its creation, not from when its page arrived.
    for (const i of s.instances) assert.equal(s.statusSince.get(i.id), i.startedAt ?? store.now());
  });

  test('pages faster than one per 2 s are published together: ~1 publish per 2 s, the last page at once', async () => {
    const { store, api, clock } = setup(300); // 12 pages, one every 500 ms
    api.onPage = async () => {
      clock.now += 500;
      await settle();
    };
    const seen: Array<{ at: number; loaded: number | null }> = [];
    let last: unknown = null;
    store.subscribe(() => {
      const s = store.getSnapshot();
      if (s.instances === last) return; // the account's balance arriving
      last = s.instances;
      seen.push({ at: clock.now, loaded: s.filling?.loaded ?? null });
    });
    await store.refresh();
    assert.deepEqual(
      seen.slice(0, 2).map((x) => x.loaded),
      [25, 50],
      'page 1 at once, then the newest page as soon as it comes',
    );
    assert.equal(seen.at(-1)!.loaded, null, 'the last page ends the fill at once');
    assert.equal(store.getSnapshot().instances.length, 300);
    const mid = seen.slice(2, -1);
    assert.ok(mid.length >= 1 && mid.length <= 3, `publishes while filling: ${JSON.stringify(seen)}`);
    for (let k = 2; k < seen.length - 1; k++) assert.ok(seen[k]!.at - seen[k - 1]!.at >= 2000, JSON.stringify(seen));
    for (let k = 1; k < mid.length; k++) assert.ok(mid[k]!.loaded! > mid[k - 1]!.loaded!);
  });

  test('a fill that fails between publishes keeps every row that arrived', async () => {
    const { store, api } = setup(300);
    api.failAtPage.add(6); // the newest page, then ascending pages 1–4 arrive; the 5th fails
    await store.refresh().catch(() => {});
    const s = store.getSnapshot();
    assert.equal(s.error?.kind, 'rate_limited');
    assert.equal(s.instances.length, 125, 'pages 2–4 were not published yet when the 5th failed');
    assert.deepEqual(s.filling, { loaded: 125, total: 300 });
  });

  test('a fill stopped by a rate limit keeps its rows and continues after the last id', async () => {
    const { store, api, clock } = setup(60);
    api.failAtPage.add(3); // page 1 is the newest page, 2 the first ascending one
    store.start();
    await settle();
    let s = store.getSnapshot();
    assert.equal(s.instances.length, 50);
    assert.equal(s.error?.kind, 'rate_limited');
    assert.deepEqual(s.filling, { loaded: 50, total: 60 });
    await clock.advance(store.nextDelayMs);
    s = store.getSnapshot();
    assert.equal(s.instances.length, 60);
    assert.equal(s.error, null);
    assert.equal(s.filling, null);
    assert.deepEqual(api.requests[1], { id: { gt: api.instances[24]!.id } });
    assert.equal(api.newest, 1, 'a continued listing does not ask for the newest page again');
    store.stop();
  });

  test('a newest page that comes before page 1 is drawn with it: one publish, 50 rows', async () => {
    const { store, api } = setup(60);
    api.ascendingLag = 5;
    const seen: number[] = [];
    store.subscribe(() => seen.push(store.getSnapshot().instances.length));
    await store.refresh();
    assert.deepEqual(seen.slice(0, 2), [50, 60]);
    assert.equal(store.getSnapshot().instances[0]!.id, Math.min(...api.instances.map((i) => i.id)));
  });

  test('holdFill: the first listing stops after its first screen until release()', async () => {
    const { store, api } = setup(100);
    store.start({ holdFill: true });
    await settle();
    const s = store.getSnapshot();
    assert.equal(s.instances.length, 50, 'page 1 and the newest page');
    assert.deepEqual(s.filling, { loaded: 50, total: 100 });
    assert.equal(api.requests.length, 1, 'no page after page 1 asked for');
    assert.deepEqual(api.newestLanes, ['newest'], 'the newest page beside the listing, not behind it');
    store.release();
    await settle();
    assert.equal(store.getSnapshot().instances.length, 100);
    assert.equal(store.getSnapshot().filling, null);
    store.stop();
  });

  test('holdFill: without release() the first listing goes on after 2 s', async () => {
    const { store, api, clock } = setup(100);
    store.start({ holdFill: true });
    await settle();
    await clock.advance(1900);
    assert.equal(api.requests.length, 1);
    await clock.advance(100);
    await settle();
    assert.equal(store.getSnapshot().instances.length, 100);
    store.stop();
  });

  test('a small fleet: the newest page changes nothing once the first page said it was the last', async () => {
    const { store, api } = setup(10);
    const seen: Array<{ n: number; filling: unknown }> = [];
    let last: unknown = null;
    store.subscribe(() => {
      const s = store.getSnapshot();
      if (s.instances === last) return; // the account's balance arriving
      last = s.instances;
      seen.push({ n: s.instances.length, filling: s.filling });
    });
    await store.refresh();
    // Page 1 holds the whole fleet: one publish, no fill count.
    assert.deepEqual(seen, [{ n: 10, filling: null }]);
    assert.equal(api.newest, 1);
  });

  test('a failing newest page does not fail the poll: the ascending listing brings every row', async () => {
    const { store, api } = setup(60);
    api.failNewest = true;
    await store.refresh();
    const s = store.getSnapshot();
    assert.equal(s.error, null);
    assert.equal(s.filling, null);
    assert.equal(s.instances.length, 60);
  });

  test('a big fleet: later polls ask for new rows, moving rows and the next sweep pages, within the budget', async () => {
    const { store, api, emits } = setup(300); // 12 pages; a 5 s poll may ask for 5
    await store.refresh();
    const before = store.getSnapshot().instances;
    const emitted = emits();
    const maxId = before[before.length - 1]!.id;
    const gone = before[10]!.id; // in the first sweep pages
    const moved = before.find((i) => i.status === 'loading')!;
    const far = before[290]!; // beyond this poll's sweep
    api.instances = api.instances
      .filter((i) => i.id !== gone)
      .map((i) =>
        i.id === moved.id ? { ...i, status: 'running' as const } : i.id === far.id ? { ...i, gpuUtilPct: 1 } : i,
      );
    api.instances.push({ ...structuredClone(before[0]!), id: maxId + 1 });
    api.requests = [];
    await store.refresh();
    const after = store.getSnapshot().instances;
    assert.equal(emits(), emitted + 1, 'one poll, one emit');
    assert.deepEqual(api.requests[0], { id: { gt: maxId } }, 'new rows');
    assert.ok(api.requests[1]!.id?.in?.includes(moved.id), 'moving rows by id');
    assert.deepEqual(api.requests[2], {}, 'the sweep starts at the beginning');
    assert.equal(api.requests.length, 3);
    assert.ok(
      after.some((i) => i.id === maxId + 1),
      'the new rental is in',
    );
    assert.ok(!after.some((i) => i.id === gone), 'the destroyed one in the swept range is out');
    assert.equal(after.find((i) => i.id === moved.id)!.status, 'running');
    assert.equal(
      after.find((i) => i.id === far.id),
      far,
      'not swept yet: unchanged until its turn',
    );
    for (const i of after) {
      const old = before.find((b) => b.id === i.id);
      if (old && i.id !== moved.id) assert.equal(i, old, 'unchanged rows keep their identity');
    }
    // The sweep continues where it stopped and reaches the far row within ⌈12 / 3⌉ polls.
    for (let k = 0; k < 4; k++) await store.refresh();
    assert.equal(store.getSnapshot().instances.find((i) => i.id === far.id)!.gpuUtilPct, 1);
    assert.ok(
      api.requests.some((r) => r.id?.gt !== undefined && r.id.gt < maxId && r.id.gt > before[50]!.id),
      'sweep resumed by id',
    );
  });

  test('a small fleet is listed whole on every poll; nothing changed means no emit', async () => {
    const { store, api, emits } = setup(40);
    await store.refresh();
    const n = emits();
    api.requests = [];
    await store.refresh();
    assert.deepEqual(api.requests, [{}]);
    assert.equal(emits(), n);
  });

  test('figures are computed with the snapshot and kept when only health changes', async () => {
    const { store } = setup(30);
    await store.refresh();
    const s = store.getSnapshot();
    const total = s.figures.counts.reduce((a, [, c]) => a + c, 0);
    assert.equal(total, 30);
    store.setHealthMany([
      [s.instances[0]!.id, { step: 1, text: 'ok', level: 'ok' }],
      [s.instances[1]!.id, { step: 2, text: 'ok', level: 'ok' }],
    ]);
    const h = store.getSnapshot();
    assert.equal(h.health.size, 2);
    assert.equal(h.figures, s.figures);
  });
});
