// The fleet while its first listing fills in: the first page's rows and the newest page's are drawn at once and
// the footer counts "50 of 60 loaded" until the last page; then the count goes.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mount, settle } from './harness.js';
import { FakeApi, makeFleet } from './fake-api.js';
import type { InstancePage, ListPagesOptions } from '../../src/core/vast/client.js';

class GatedPages extends FakeApi {
  release: () => void = () => {};
  async listInstancePages(
    o: ListPagesOptions,
    // biome-ignore lint/suspicious/noConfusingVoidType: mirrors FleetStoreOptions' listInstancePages.
    onPage: (p: InstancePage) => boolean | void | Promise<boolean | void>,
  ): Promise<void> {
    const rows = [...this.instances].sort((a, b) => (o.newestFirst ? b.id - a.id : a.id - b.id));
    for (let at = 0; at < rows.length; at += 25) {
      const more = await onPage({ rows: rows.slice(at, at + 25), total: rows.length, last: at + 25 >= rows.length });
      if (more === false) return;
      if (at === 0) await new Promise<void>((r) => (this.release = r));
    }
  }
}

test('first and newest pages drawn at once with "50 of 60 loaded"; the count goes when the listing ends', async () => {
  const api = new GatedPages(makeFleet(60));
  const m = await mount({ api, noPoll: true, columns: 120, rows: 30 });
  const done = m.store.refresh();
  await settle();
  assert.match(m.frame(), /1001 /);
  assert.match(m.frame(), /50 instances/);
  assert.match(m.frame(), /50 of 60 loaded/);
  api.release();
  await done;
  await settle();
  assert.doesNotMatch(m.frame(), /loaded/);
  assert.match(m.frame(), /60 instances|\d+ running/);
  m.unmount();
});
