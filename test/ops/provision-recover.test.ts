/**
 * Finishing what an interrupted provision left open: found and adopted, proven never rented after its deadline, or left
 * to a live writer.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { provision, type ProvisionEvent } from '../../src/core/ops/provision.js';
import { finishOpenProvisions, openProvisions } from '../../src/core/ops/provision-recover.js';
import { inFlight } from '../../src/core/ops/provision-create.js';
import { MemoryJournal } from '../../src/core/journal/journal.js';
import { parseProfiles } from '../../src/core/profiles/load.js';
import { PROFILES_YAML } from '../profiles/fixtures.js';
import { offer } from '../checks/offer-fixture.js';
import { FakeVast } from './fake-api.js';

const gpt2 = parseProfiles(PROFILES_YAML, 'p.yaml').gpt2!;

function setup() {
  const api = new FakeVast([offer({ id: 11, numGpus: 4, gpuTotalRamGb: 98, cpuRamGb: 128 }), offer({ id: 12 })]);
  api.secrets = { WANDB_API_KEY: 'w-value-123' };
  let t = 1_000_000;
  const journal = new MemoryJournal([], () => t);
  const deps = {
    api,
    journal,
    now: () => t,
    sleep: async (ms: number) => void (t += ms),
    env: { HF_TOKEN: 'hf_x0123456789abcdef0123' },
    nonce: () => 'fresh000',
  };
  const open = (nonce: string, over: Record<string, unknown> = {}) =>
    journal.append({
      op: 'provision.create',
      phase: 'before',
      ids: { offerId: 11, nonce, label: 'mosaic-gpt2-4x3090' },
      details: { attempt: 1, deadline: t + 60_000, pid: null, profile: 'gpt2', ...over },
    });
  return { api, journal, deps, open, now: () => t };
}

test('openProvisions: ended, proven-not-rented and old-format records are closed', async () => {
  const s = setup();
  await s.open('aaaaaaaa');
  await s.journal.append({ op: 'provision.end', phase: 'after', ids: { nonce: 'aaaaaaaa' }, details: {} });
  await s.open('bbbbbbbb');
  await s.journal.append({
    op: 'provision.create',
    phase: 'after',
    ids: { nonce: 'bbbbbbbb' },
    details: { rented: false },
  });
  await s.journal.append({ op: 'provision.create', phase: 'before', ids: { nonce: 'cccccccc' }, details: {} });
  await s.open('dddddddd');
  await s.journal.append({
    op: 'provision.create',
    phase: 'after',
    ids: { nonce: 'dddddddd', instanceId: 77 },
    details: {},
  });
  const { provisions } = openProvisions(s.journal.records, s.now());
  assert.deepEqual(
    provisions.map((p) => [p.nonce, p.instanceId]),
    [['dddddddd', 77]],
  );
});

test('a rerun takes over the rental an interrupted provision of the same profile made, and rents nothing', async () => {
  const s = setup();
  await s.open('kill0001');
  // The killed run's create went through: the instance carries its nonce.
  await s.api.createInstance(11, {
    image: 'x',
    diskGb: 80,
    label: 'mosaic-gpt2-4x3090',
    env: { VASTDECK_NONCE: 'kill0001' },
  });
  s.api.calls.length = 0;
  const events: ProvisionEvent[] = [];
  const r = await provision(s.deps, {
    profile: gpt2,
    profileName: 'gpt2',
    candidates: s.api.offers,
    price: { kind: 'on-demand' },
    wait: false,
    onEvent: (e) => events.push(e),
  });
  assert.equal(r.recovered, true);
  assert.equal(r.instanceId, s.api.instances[0]!.id);
  assert.equal(s.api.calls.filter((c) => c.startsWith('create')).length, 0, 'no second create');
  assert.equal(s.api.instances.length, 1);
  assert.ok(events.some((e) => e.type === 'recovered' && /did rent: instance \d+.*taking it over/.test(e.message)));
  assert.equal(openProvisions(s.journal.records, s.now()).provisions.length, 0, 'the journal is closed');
});

test('not there yet: watched until its deadline, then closed as never rented, then a rental is made', async () => {
  const s = setup();
  await s.open('late0001');
  const start = s.now();
  const events: ProvisionEvent[] = [];
  const r = await provision(s.deps, {
    profile: gpt2,
    profileName: 'gpt2',
    candidates: s.api.offers,
    price: { kind: 'on-demand' },
    wait: false,
    onEvent: (e) => events.push(e),
    create: { reconcilePauseMs: 1000 },
  });
  assert.ok(s.now() - start >= 60_000, 'it watched until the deadline');
  assert.ok(events.some((e) => e.type === 'watching'));
  assert.ok(events.some((e) => e.type === 'recovered' && /nothing was rented/.test(e.message)));
  assert.equal(r.recovered, undefined);
  assert.equal(s.api.instances.length, 1);
});

test('a provision still running in this process (or in a live one) is left to it', async () => {
  const s = setup();
  await s.open('mine0001');
  inFlight.add('mine0001');
  try {
    const f = await finishOpenProvisions(s.deps);
    assert.deepEqual(
      f.map((x) => x.outcome),
      ['busy'],
    );
  } finally {
    inFlight.delete('mine0001');
  }
  await s.open('live0001', { pid: 4242 });
  const g = await finishOpenProvisions({ ...s.deps, alive: (pid) => pid === 4242 });
  assert.deepEqual(
    g.map((x) => [x.open.nonce, x.outcome]),
    [
      ['mine0001', 'nothing-rented'],
      ['live0001', 'busy'],
    ],
  );
});
