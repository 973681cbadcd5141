/**
 * The keeper on a scenario with dead, stuck, stalled and over-price workers, on a sped-up (fake) clock, with
 * the real launcher (provision) and the real safe retire over an in-memory Vast.
 */
import { keeperLine, keeperTitle } from '../../src/ui/keeper/lines.js';
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { FleetKeeper, type KeeperEvent } from '../../src/core/keeper/keeper.js';
import { defaultRules } from '../../src/core/keeper/policy.js';
import { makeLauncher, fleetProfile } from '../../src/core/keeper/launch.js';
import { makeRetirer } from '../../src/core/keeper/retire.js';
import { checkBootstrap } from '../../src/core/keeper/bootstrap.js';
import { MemoryJournal } from '../../src/core/journal/journal.js';
import { parseProfiles } from '../../src/core/profiles/load.js';
import type { Health } from '../../src/core/fleet/health.js';
import type { CheckpointSource } from '../../src/core/ops/destroy.js';
import type { CheckpointStoreReader } from '../../src/core/checkpoints/types.js';
import type { NotifyEvent } from '../../src/core/notify/message.js';
import type { Instance } from '../../src/core/vast/types.js';
import { PROFILES_YAML } from '../profiles/fixtures.js';
import { offer } from '../checks/offer-fixture.js';
import { FakeVast } from '../ops/fake-api.js';
import { makeInstance } from '../ui/fake-api.js';

const gpt2 = parseProfiles(PROFILES_YAML, 'p.yaml').gpt2!;
const MIN = 60_000;
const PREFIX = 'mosaic-gpt2';
/** The same bytes on the host and in the store (content verification compares hashes). */
const FILES = [{ path: 'model.safetensors', size: 100, sha256: 'ab'.repeat(32) }];

function store(steps: number[]): CheckpointStoreReader {
  return {
    where: 'hf:acme/gpt2-ckpt@main',
    list: async () => steps.map((step) => ({ step, files: FILES })),
    readGlobalStep: async (s) => s,
  };
}

function scenario(opts: { dryRun?: boolean; credit?: number; target?: number } = {}) {
  const offers = [1, 2, 3, 4, 5, 6, 7, 8].map((k) =>
    offer({ id: 100 + k, machineId: 50 + k, cpuRamGb: 128, dphTotal: 0.3 + k / 100 }),
  );
  const api = new FakeVast(offers);
  api.secrets = { WANDB_API_KEY: 'wandb-value-123' };
  let t = 1_800_000_000_000;
  const t0 = t;
  if (opts.credit !== undefined)
    api.currentUser = async () => ({ id: 1, username: 'u', email: null, credit: opts.credit!, balance: null });
  const mk = (i: number, over: Partial<Instance>) =>
    makeInstance(i, { label: `${PREFIX}-1x3090#abcdefg${i}`, startedAt: t0 - 2 * MIN, dphTotal: 0.4, ...over });
  api.instances = [
    mk(0, { id: 1, machineId: 11, status: 'running' }), // healthy
    mk(1, { id: 2, machineId: 12, status: 'running' }), // crashes (CUDA OOM)
    mk(2, { id: 3, machineId: 13, status: 'loading' }), // stuck in loading
    mk(3, { id: 4, machineId: 14, status: 'running' }), // stalls at step 500, checkpoint verified
    mk(4, { id: 5, machineId: 15, status: 'running', dphTotal: 3.2 }), // over price
    mk(5, { id: 6, machineId: 16, status: 'running' }), // stalls, checkpoint NOT verified: must be held, not destroyed
    makeInstance(6, { id: 7, label: 'other-fleet', status: 'exited' }), // not ours
  ];
  const health = async (inst: Instance): Promise<Health> => {
    const el = t - t0;
    switch (inst.id) {
      case 2:
        return { state: 'crashed', step: 40, detail: 'torch.OutOfMemoryError: CUDA out of memory' };
      case 4:
      case 6:
        return { state: 'training', step: 500 };
      default:
        return { state: 'training', step: Math.floor(el / 1000) };
    }
  };
  const sources: Record<number, CheckpointSource> = {
    4: {
      readHost: async () => ({ step: 500, dir: '/r/checkpoint-500', files: FILES, globalStep: 500 }),
      store: store([500]),
    },
    // The host still holds checkpoint-400, whose bytes the store has: behind by 100.
    6: {
      readHost: async () => ({
        step: 500,
        dir: '/r/checkpoint-500',
        files: FILES,
        globalStep: 500,
        steps: [400, 500],
        load: async (n) => ({ step: n, dir: `/r/checkpoint-${n}`, files: FILES, globalStep: n }),
      }),
      store: store([400]),
    },
  };
  const journal = new MemoryJournal([], () => t);
  const sleep = async (ms: number) => void (t += ms);
  const notes: NotifyEvent[] = [];
  const events: KeeperEvent[] = [];
  let n = 0;
  const keeper = new FleetKeeper(
    {
      api,
      health,
      journal,
      clock: { now: () => t, sleep },
      notifier: { notify: async (ev) => (notes.push(ev), [{ channel: 'webhook', ok: true, attempts: 1 }]) },
      launch: makeLauncher({
        api,
        journal,
        profile: gpt2,
        profileName: 'gpt2',
        prefix: PREFIX,
        price: { kind: 'on-demand' },
        maxDph: 1,
        now: () => t,
        sleep,
        nonce: () => `nonce${String(n++).padStart(3, '0')}`,
        env: { HF_TOKEN: 'hf_SECRETsecretSECRET0123456789' },
      }),
      retire: makeRetirer({
        api,
        journal,
        now: () => t,
        sleep,
        source: (inst) => sources[inst.id] ?? { readHost: async () => null, store: store([]) },
        confirmLists: 1,
      }),
    },
    {
      prefix: PREFIX,
      rules: defaultRules(opts.target ?? 6, { maxDph: 1, minBalance: 5 }),
      dryRun: opts.dryRun,
      onEvent: (e) => events.push(e),
    },
  );
  return { api, keeper, journal, notes, events, advance: (ms: number) => void (t += ms), now: () => t, t0 };
}

/** Runs the keeper's own schedule (60 s checks) until `ms` of fake time passed. */
async function runFor(s: ReturnType<typeof scenario>, ms: number): Promise<void> {
  const end = s.now() + ms;
  while (s.now() < end) {
    const r = await s.keeper.pass();
    // New rentals boot between checks (FakeVast leaves them provisioning otherwise).
    for (const i of s.api.instances) if (i.status === 'provisioning') i.status = 'running';
    s.advance(r.nextInMs);
  }
}

test('scenario: the right workers are replaced, each once, with a journaled reason', async () => {
  const s = scenario();
  await runFor(s, 40 * MIN);
  const destroys = s.api.calls.filter((c) => c.startsWith('destroy')).sort();
  assert.deepEqual(
    destroys,
    ['destroy 2', 'destroy 3', 'destroy 4', 'destroy 5'],
    'dead, stuck, stalled (verified) and over-price; never the healthy one, never twice',
  );
  const replaces = s.journal.records.filter((r) => r.op === 'keeper.replace' && r.phase === 'before');
  assert.deepEqual(replaces.map((r) => [r.ids.instanceId, r.details.trigger]).sort(), [
    [2, 'fatal'],
    [3, 'stuck-boot'],
    [4, 'no-progress'],
    [5, 'over-price'],
    [6, 'no-progress'],
  ]);
  for (const r of replaces)
    assert.ok(typeof r.details.reason === 'string' && r.details.reason.length > 10, `reason for ${r.ids.instanceId}`);
  // Timing: over-price at once; fatal after the 5-minute grace; stuck boot at 10 min from creation.
  const at = (id: number) => (replaces.find((r) => r.ids.instanceId === id)!.ts - s.t0) / MIN;
  assert.equal(at(5), 0);
  assert.equal(at(2), 5);
  assert.equal(at(3), 8);
  assert.ok(at(4) >= 15 && at(4) <= 16, `stall replaced at ${at(4)} min`);
  // The unverified one is held, not destroyed, with the reason journaled and notified.
  assert.ok(
    s.api.instances.some((i) => i.id === 6),
    'instance 6 still exists',
  );
  assert.ok(s.keeper.snapshot.held.includes(6));
  const held = s.journal.records.find(
    (r) => r.op === 'keeper.replace' && r.phase === 'after' && r.ids.instanceId === 6,
  )!;
  assert.equal(held.details.outcome, 'refused');
  assert.match(String(held.details.message), /would lose steps 401–500/);
  assert.equal(s.notes.filter((n) => n.kind === 'replacement').length, 5);
  // The fleet is back to 6 healthy-or-starting workers: the healthy one plus 5 launched, all labelled with the prefix.
  const mine = s.api.instances.filter((i) => i.label?.startsWith(PREFIX) && !s.keeper.snapshot.held.includes(i.id));
  assert.equal(mine.length, 6);
  assert.equal(s.api.created.length, 5, 'one rental per replacement');
  for (const c of s.api.created) {
    assert.equal(c.req.label, 'mosaic-gpt2-1x3090');
    assert.match(c.req.env!.VASTDECK_NONCE!, /^nonce\d{3}$/);
  }
  assert.ok(
    s.api.created.every((c) => c.offerId !== 100 + 0),
    'offers over the cap never rented',
  );
  assert.ok(!JSON.stringify(s.journal.records).includes('hf_SECRET'), 'no secret in the journal');
});

test('the new workers boot: launches are counted, not repeated while they start', async () => {
  const s = scenario();
  await runFor(s, 3 * MIN);
  const launches = s.journal.records.filter((r) => r.op === 'keeper.launch' && r.phase === 'after');
  const launched = launches.flatMap((r) => r.details.launched as number[]);
  assert.equal(new Set(launched).size, launched.length);
  // The over-price worker is replaced at once; the crashed one no longer counts, so its replacement starts at once too.
  assert.equal(
    s.api.created.length,
    2,
    'one launch each for the over-price and the crashed worker in the first 3 minutes',
  );
});

test('a machine that fails repeatedly is blacklisted and never rented again', async () => {
  const s = scenario({ target: 1 });
  // Two offers on each machine; every rental's container exits at once.
  s.api.offers.forEach((o, k) => (o.machineId = 51 + Math.floor(k / 2)));
  s.api.instances = [];
  await s.keeper.pass(); // launches one on machine 51
  for (let round = 0; round < 4; round++) {
    for (const i of s.api.instances) i.status = 'exited';
    s.advance(6 * MIN);
    await s.keeper.pass(); // first seen dead
    s.advance(6 * MIN);
    await s.keeper.pass(); // past the grace: replaced
  }
  const rentedOn = s.api.created.map((c) => s.api.offers.find((o) => o.id === c.offerId)!.machineId);
  assert.deepEqual(rentedOn, [51, 51, 52, 52, 53], 'a machine that failed twice is not rented again');
  const bl = s.journal.records.filter((r) => r.op === 'keeper.blacklist' && r.phase === 'after');
  assert.deepEqual(
    bl.map((r) => r.details.machineId),
    [51, 52],
  );
  assert.match(
    String(bl[0]!.details.reason),
    /machine 51 failed 2 times \(last: fatal\); excluded from further searches/,
  );
  assert.deepEqual(s.keeper.snapshot.blacklist, [51, 52]);
});

test('low credit pauses launches: nothing rented, a budget notice sent once', async () => {
  const s = scenario({ credit: 2 });
  await runFor(s, 12 * MIN);
  assert.equal(s.api.created.length, 0);
  const pauses = s.journal.records.filter((r) => r.op === 'keeper.pause-launches' && r.phase === 'after');
  assert.equal(pauses.length, 1);
  assert.match(String(pauses[0]!.details.reason), /below the \$5\.00 minimum balance/);
  assert.equal(s.notes.filter((n) => n.kind === 'budget').length, 1);
  // Replacement still happens (the over-price one is destroyed): pausing launches does not stop the safety work.
  assert.ok(s.api.calls.includes('destroy 5'));
});

test('dry run: decisions are reported, nothing is destroyed or rented', async () => {
  const s = scenario({ dryRun: true });
  await runFor(s, 40 * MIN);
  assert.deepEqual(
    s.api.calls.filter((c) => c.startsWith('destroy') || c.startsWith('create')),
    [],
  );
  assert.equal(s.api.instances.length, 7);
  const decisions = s.events.filter((e) => e.type === 'decision');
  assert.ok(
    decisions.some(
      (e) => e.type === 'decision' && e.action.type === 'replace' && e.action.instanceId === 2 && e.dryRun,
    ),
  );
  assert.ok(decisions.every((e) => e.type === 'decision' && e.result === 'dry run: nothing done'));
});

test('run() stops when asked, between passes', async () => {
  const s = scenario();
  let passes = 0;
  const k = s.keeper;
  const orig = k.pass.bind(k);
  k.pass = async () => {
    if (++passes === 3) k.stop();
    return orig();
  };
  await k.run();
  assert.equal(passes, 3);
});

test('bootstrap: refuses without weights in the store, with a clear message', async () => {
  assert.deepEqual(await checkBootstrap(store([])), {
    ok: false,
    message: 'no weights in hf:acme/gpt2-ckpt@main: upload the starting checkpoint there before launching workers',
  });
  assert.equal((await checkBootstrap(store([100, 300]))).step, 300);
  const broken: CheckpointStoreReader = {
    where: 'hf:x/y@main',
    list: async () => {
      throw new Error('401 unauthorized');
    },
    readGlobalStep: async () => null,
  };
  assert.match(
    (await checkBootstrap(broken)).message,
    /cannot check the bootstrap weights in hf:x\/y@main: 401 unauthorized/,
  );
  assert.equal((await checkBootstrap(null)).ok, true);
});

test('fleetProfile: launched labels start with the fleet prefix', () => {
  assert.equal(fleetProfile(gpt2, 'mosaic').label, 'mosaic-{model}-{gpu_type}');
  assert.equal(fleetProfile(gpt2, 'night').label, 'night-mosaic-{model}-{gpu_type}');
  assert.equal(fleetProfile(gpt2, 'night-').label, 'night-mosaic-{model}-{gpu_type}');
});

test('every sleep between passes is announced with when the next check comes (the countdown), in the TUI panel title too', async () => {
  const s = scenario();
  let passes = 0;
  const k = s.keeper;
  const orig = k.pass.bind(k);
  k.pass = async () => {
    if (++passes === 2) k.stop();
    return orig();
  };
  await k.run();
  const waits = s.events.filter((e) => e.type === 'wait');
  assert.equal(waits.length, 1, 'one sleep between the two passes');
  const w = waits[0]!;
  assert.ok(w.type === 'wait' && w.nextAt > w.at && w.nextAt - w.at <= 10 * 60_000, JSON.stringify(w));
  assert.equal(keeperLine(w), null, 'no panel line per sleep');
  assert.match(
    keeperTitle({ target: 6, prefix: 'zeb', profile: 'p' }, w.type === 'wait' ? w.nextAt : null),
    /keeping 6 of zeb \(profile p\) · next check \d\d:\d\d:\d\d · K stops/,
  );
});
