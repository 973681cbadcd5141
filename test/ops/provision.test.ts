import { test } from 'node:test';
import assert from 'node:assert/strict';
import { provision, type ProvisionEvent, type ProvisionInput } from '../../src/core/ops/provision.js';
import { ProvisionError } from '../../src/core/ops/provision-request.js';
import { MemoryJournal } from '../../src/core/journal/journal.js';
import { parseProfiles } from '../../src/core/profiles/load.js';
import { PROFILES_YAML } from '../profiles/fixtures.js';
import { offer } from '../checks/offer-fixture.js';
import { FakeVast } from './fake-api.js';

const gpt2 = parseProfiles(PROFILES_YAML, 'p.yaml').gpt2!;
const HF = 'hf_SECRETsecretSECRET0123456789';

function setup(offers = [offer({ id: 11, numGpus: 4, gpuTotalRamGb: 98, cpuRamGb: 128 }), offer({ id: 12 })]) {
  const api = new FakeVast(offers);
  api.secrets = { WANDB_API_KEY: 'wandb-value-123' };
  let t = 1_000_000;
  const journal = new MemoryJournal([], () => t);
  const events: ProvisionEvent[] = [];
  let n = 0;
  const deps = {
    api,
    journal,
    now: () => t,
    sleep: async (ms: number) => void (t += ms),
    env: { HF_TOKEN: HF },
    nonce: () => `nonce00${n++}`,
  };
  const input = (over: Partial<ProvisionInput> = {}): ProvisionInput => ({
    profile: gpt2,
    profileName: 'gpt2',
    candidates: api.offers,
    price: { kind: 'on-demand' },
    onEvent: (e) => events.push(e),
    create: { reconcilePauseMs: 1000 },
    boot: { pollMs: 10_000 },
    ...over,
  });
  return { api, journal, events, deps, input, clock: () => t };
}

function noSecrets(...things: unknown[]): void {
  for (const x of things) {
    const s = JSON.stringify(x);
    assert.equal(s.includes(HF), false, 'HF token leaked');
    assert.equal(s.includes('wandb-value-123'), false, 'Vast env value leaked');
  }
}

test('dry run: the exact request with env masked, the templated label, the nonce in the env, nothing rented or journaled', async () => {
  const s = setup();
  const r = await provision(s.deps, s.input({ dryRun: true }));
  assert.equal(r.outcome, 'dry-run');
  assert.equal(r.request.label, 'mosaic-gpt2-4x3090', "the label is the operator's convention, no nonce tag");
  assert.deepEqual(r.request.env, {
    HF_HUB_ENABLE_HF_TRANSFER: '*****',
    HF_TOKEN: '*****',
    VASTDECK_RUN_ID: 'vd-nonce000',
    VASTDECK_NONCE: 'nonce000',
  });
  assert.equal(r.request.price, null);
  assert.equal(r.request.diskGb, 80);
  assert.match(r.request.onstart!, /tmux new-session -d -s train/);
  assert.equal(s.api.created.length, 0);
  assert.equal(s.journal.records.length, 0);
  noSecrets(r, s.events);
});

test('happy path: one rental, journal before/after, boot waited, billed price checked, secrets only in the request sent', async () => {
  const s = setup();
  const r = await provision(s.deps, s.input());
  assert.equal(r.outcome, 'running');
  assert.equal(s.api.instances.length, 1);
  assert.equal(s.api.created[0]!.req.env!.HF_TOKEN, HF, 'the real value is sent to Vast');
  assert.equal('WANDB_API_KEY' in s.api.created[0]!.req.env!, false, 'Vast injects account env vars itself');
  // The run id that binds the run's checkpoints to it: in the instance env and in the journal.
  assert.equal(s.api.created[0]!.req.env!.VASTDECK_RUN_ID, 'vd-nonce000');
  assert.deepEqual(
    s.journal.records.map((x) => `${x.op}:${x.phase}`),
    [
      'provision.create:before',
      'provision.create:after',
      'provision.boot:before',
      'provision.boot:after',
      'provision.end:after',
    ],
  );
  assert.equal(s.journal.records[2]!.details.trainRunId, 'vd-nonce000');
  assert.equal(s.journal.records[1]!.ids.instanceId, r.instanceId);
  assert.equal(r.priceCheck!.ok, true);
  assert.deepEqual(
    s.events.filter((e) => e.type === 'status').map((e) => e.type === 'status' && e.status),
    ['loading', 'running'],
  );
  noSecrets(r, s.events, s.journal.records);
});

test('create times out AFTER the server rented: reconcile finds it, no second create', async () => {
  const s = setup();
  s.api.createFaults = [{ kind: 'timeout', afterHandling: true }];
  const r = await provision(s.deps, s.input());
  assert.equal(r.outcome, 'running');
  assert.equal(s.api.instances.length, 1);
  assert.deepEqual(
    s.api.calls.filter((c) => c.startsWith('create')),
    ['create 11'],
  );
  assert.ok(s.events.some((e) => e.type === 'reconcile' && e.found === r.instanceId));
  assert.deepEqual(
    s.journal.records.slice(0, 3).map((x) => `${x.op}:${x.phase}`),
    ['provision.create:before', 'provision.create:error', 'provision.create:after'],
  );
  assert.equal(s.journal.records[2]!.details.reconciled, true);
});

test('create times out BEFORE the server acted: reconcile finds nothing, then one retry rents', async () => {
  const s = setup();
  s.api.createFaults = [{ kind: 'timeout', afterHandling: false }];
  const r = await provision(s.deps, s.input());
  assert.equal(r.outcome, 'running');
  assert.equal(s.api.instances.length, 1);
  const creates = s.api.calls.filter((c) => c.startsWith('create'));
  assert.equal(creates.length, 2);
  // The reconcile lists come between the two creates.
  const i1 = s.api.calls.indexOf('create 11');
  const i2 = s.api.calls.lastIndexOf('create 11');
  assert.ok(s.api.calls.slice(i1, i2).includes('list'));
});

test('5xx after the server did create: exactly one instance', async () => {
  const s = setup();
  s.api.createFaults = [{ kind: 'status', status: 500, afterHandling: true }];
  await provision(s.deps, s.input());
  assert.equal(s.api.instances.length, 1);
  assert.equal(s.api.created.length, 1);
});

test('a create that surfaces only later is found by the reconcile window, never rented twice', async () => {
  const s = setup();
  s.api.createFaults = [{ kind: 'late', afterLists: 1 }];
  const r = await provision(s.deps, s.input());
  assert.equal(s.api.instances.length, 1);
  assert.equal(r.instanceId, s.api.instances[0]!.id);
});

test('429 storm on create: the retries reconcile first and end with one instance or a clear error', async () => {
  const s = setup();
  s.api.createFaults = [
    { kind: 'status', status: 429, afterHandling: false },
    { kind: 'status', status: 429, afterHandling: true },
  ];
  const r = await provision(s.deps, s.input());
  assert.equal(s.api.instances.length, 1);
  assert.equal(r.instanceId, s.api.instances[0]!.id);
  const s2 = setup();
  s2.api.createFaults = [0, 1, 2].map(() => ({ kind: 'status' as const, status: 429, afterHandling: false }));
  await assert.rejects(
    provision(s2.deps, s2.input()),
    (e: Error) => e instanceof ProvisionError && e.code === 'unconfirmed' && /nothing was rented/.test(e.message),
  );
  assert.equal(s2.api.instances.length, 0);
});

test('when the instance list cannot be read, no retry is made (unsure means stop)', async () => {
  const s = setup();
  s.api.createFaults = [{ kind: 'timeout', afterHandling: false }];
  s.api.listFaults = 1000;
  await assert.rejects(
    provision(s.deps, s.input()),
    (e: Error) => e instanceof ProvisionError && e.code === 'unconfirmed' && /nonce000/.test(e.message),
  );
  assert.equal(s.api.calls.filter((c) => c.startsWith('create')).length, 1);
});

test('offer taken (410): clear error with --offer-id, next offer with --best', async () => {
  const s = setup();
  s.api.createFaults = [{ kind: 'taken' }];
  await assert.rejects(
    provision(s.deps, s.input({ candidates: [s.api.offers[0]!] })),
    (e: Error) =>
      e instanceof ProvisionError && e.code === 'offer_taken' && /offer 11 is no longer available/.test(e.message),
  );
  // The 410 was reconciled (nothing carries the nonce), and the attempt closed as not rented.
  assert.deepEqual(
    s.journal.records.map((x) => x.phase),
    ['before', 'error', 'after'],
  );
  assert.equal(s.journal.records[2]!.details.rented, false);
  const b = setup();
  b.api.createFaults = [{ kind: 'taken' }];
  const r = await provision(b.deps, b.input({ nextOnTaken: true }));
  assert.equal(r.offer.id, 12);
  assert.equal(b.api.instances.length, 1);
  assert.equal(r.label, 'mosaic-gpt2-1x3090');
  assert.equal(r.nonce, 'nonce001');
});

test('interruptible always carries a price: explicit bid, auto bid from min_bid, and a bid below min_bid refused', async () => {
  const s = setup();
  const r = await provision(s.deps, s.input({ price: { kind: 'bid', bid: 'auto' } }));
  assert.equal(s.api.created[0]!.req.price, 0.144); // 0.12 × 1.2
  assert.equal(r.priceCheck!.ok, true);
  const low = setup();
  await assert.rejects(
    provision(low.deps, low.input({ price: { kind: 'bid', bid: 0.05 }, candidates: [low.api.offers[0]!] })),
    /below offer 11's min_bid/,
  );
  assert.equal(low.api.created.length, 0);
  const none = setup([offer({ id: 3, minBid: null })]);
  await assert.rejects(provision(none.deps, none.input({ price: { kind: 'bid', bid: 'auto' } })), /no min_bid/);
});

test('an instance stuck in loading is flagged after 10 minutes; --retry-stuck destroys it and rents the next offer', async () => {
  const s = setup();
  s.api.bootScript = ['loading'];
  const r = await provision(s.deps, s.input());
  assert.equal(r.outcome, 'stuck');
  assert.ok(r.instance && r.instance.status === 'loading');
  assert.equal(s.api.instances.length, 1, 'without --retry-stuck nothing is destroyed');
  assert.ok(s.events.some((e) => e.type === 'boot-failed' && e.outcome === 'stuck' && e.elapsedMs >= 600_000));

  const t = setup();
  // The first host (instance 5000) never leaves loading; the second boots normally.
  const show = t.api.showInstance.bind(t.api);
  t.api.showInstance = async (id) => {
    const inst = await show(id);
    return id === 5000 ? { ...inst, status: 'loading' } : inst;
  };
  const r2 = await provision(t.deps, t.input({ retryStuck: true }));
  assert.equal(r2.outcome, 'running');
  assert.equal(r2.offer.id, 12);
  assert.deepEqual(r2.destroyed, [5000]);
  assert.deepEqual(
    t.api.instances.map((i) => i.id),
    [5001],
  );
  const ops = t.journal.records.map((x) => `${x.op}:${x.phase}`);
  assert.ok(
    ops.includes('provision.destroy:before') &&
      ops.indexOf('provision.destroy:before') < ops.indexOf('provision.destroy:after'),
  );
});

test('an instance that exits while booting ends the wait at once', async () => {
  const s = setup();
  s.api.bootScript = ['loading', 'exited'];
  const r = await provision(s.deps, s.input());
  assert.equal(r.outcome, 'dead');
  assert.ok(s.clock() - 1_000_000 < 60_000);
});

test('a billed price above the offer is flagged', async () => {
  const s = setup();
  s.api.billedExtra = 0.2;
  const r = await provision(s.deps, s.input());
  assert.equal(r.priceCheck!.ok, false);
  assert.ok(
    s.events.some((e) => e.type === 'warning' && /billed \$0\.431\/hr, the offer said \$0\.231\/hr/.test(e.message)),
  );
});

test('missing env references are clear errors before anything is rented', async () => {
  const s = setup();
  await assert.rejects(
    provision({ ...s.deps, env: {} }, s.input()),
    /env HF_TOKEN: \$HF_TOKEN is not set in your environment/,
  );
  s.api.secrets = {};
  await assert.rejects(
    provision(s.deps, s.input()),
    /the Vast account has no env var WANDB_API_KEY; set it with `vastdeck env set WANDB_API_KEY`/,
  );
  assert.equal(s.api.created.length, 0);
});
