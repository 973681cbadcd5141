/** The TUI on start finishes what an interrupted provision left open in the journal, and says what it found. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mountOffers } from './offers-harness.js';
import { waitFor } from '../helpers/wait.js';

test('on start: an open provision in the journal is looked up by its nonce, closed, and the rental is named', async () => {
  const app = await mountOffers({
    prepare: async (api, journal) => {
      const inst = api.instances[0]!;
      inst.nonce = 'openabc1';
      await journal.append({
        op: 'provision.create',
        phase: 'before',
        ids: { offerId: 31000001, nonce: 'openabc1', label: inst.label ?? '' },
        details: { attempt: 1, deadline: Date.now() - 1000, pid: 2 ** 22 + 7, profile: 'gpt2' },
      });
    },
  });
  const f = await waitFor(() => /interrupted provision/.test(app.frame()) && app.frame(), {
    what: 'the interrupted provision named on screen',
    detail: () => app.frame(),
  });
  assert.match(
    f,
    new RegExp(`interrupted provision of gpt2 \\(nonce openabc1\\) did rent: instance ${app.api.instances[0]!.id}`),
  );
  const end = app.journal.records.find((r) => r.op === 'provision.end');
  assert.equal(end?.ids.instanceId, app.api.instances[0]!.id, 'the journal is closed with what was found');
  app.unmount();
});
