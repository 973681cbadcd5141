/**
 * Provisioning against the embedded simulator over real HTTP, with its fault injection: every fault ends
 * with exactly one instance (counted on the simulator) or a clear error — never two rentals.
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';
import { startSimulator, type SimHandle } from '../../src/sim/index.js';
import { VastClient } from '../../src/core/vast/client.js';
import { provision, type ProvisionInput } from '../../src/core/ops/provision.js';
import { ProvisionError } from '../../src/core/ops/provision-request.js';
import { FileJournal, readJournal } from '../../src/core/journal/journal.js';
import { parseProfiles } from '../../src/core/profiles/load.js';
import { profileOfferQuery } from '../../src/core/profiles/profile-search.js';
import { checkOffers } from '../../src/core/checks/check.js';
import type { Offer } from '../../src/core/vast/types.js';
import { PROFILES_YAML } from '../profiles/fixtures.js';

const gpt2 = parseProfiles(PROFILES_YAML, 'p.yaml').gpt2!;
const HF = 'hf_SIMsecretSIMsecret0123456789ab';
let sim: SimHandle;
let client: VastClient;
let offers: Offer[];

before(async () => {
  sim = await startSimulator({
    seed: 11,
    rateLimit: false,
    scenario: { market: { size: 1500 }, secrets: { WANDB_API_KEY: 'wandb-sim-value' } },
  });
  // A short timeout so a "slow" fault longer than it is a lost answer, and quick retries.
  client = new VastClient({ apiKey: sim.apiKey, baseUrl: sim.url, timeoutMs: 300, retryBaseMs: 10 });
  const found = await client.searchOffers(profileOfferQuery(gpt2));
  const checks = checkOffers(found, gpt2);
  offers = found.filter((_, i) => checks[i]!.verdict !== 'fails');
  assert.ok(offers.length >= 12, `need candidate offers, got ${offers.length}`);
});

after(async () => {
  await sim?.close();
});

let next = 0;
/** A fresh offer per test, so tests do not take each other's offers. */
function take(n = 1): Offer[] {
  const out = offers.slice(next, next + n);
  next += n;
  return out;
}

async function countWith(prefix: string): Promise<number> {
  sim.clearFaults();
  return (await client.listInstances()).filter((i) => i.label?.startsWith(prefix)).length;
}

/** Instances carrying one provision's nonce (labels are plain, so several tests share one). */
async function countNonce(nonce: string): Promise<number> {
  sim.clearFaults();
  return (await client.listInstances()).filter((i) => i.nonce === nonce).length;
}

function run(candidates: Offer[], tag: string, over: Partial<ProvisionInput> = {}, realPauseMs = 5) {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'vd-prov-sim-'));
  const journal = new FileJournal({ file: path.join(dir, 'journal.jsonl') });
  let t = Date.now();
  let n = 0;
  const deps = {
    api: client,
    journal,
    now: () => t,
    env: { HF_TOKEN: HF },
    nonce: () => `${tag}${String(n++).padStart(8 - tag.length, '0')}`,
    // Sim time jumps by what we "sleep"; real time passes a little, enough for the server's own delays.
    sleep: async (ms: number) => {
      t += ms;
      sim.advance(ms);
      await delay(Math.min(ms, realPauseMs));
    },
  };
  const input: ProvisionInput = {
    profile: gpt2,
    profileName: 'gpt2',
    candidates,
    price: { kind: 'on-demand' },
    create: { reconcilePauseMs: 1000 },
    boot: { pollMs: 10_000 },
    ...over,
  };
  return { promise: provision(deps, input), journal };
}

test('create timing out (slow fault longer than the client timeout): one instance, and the retry came only after a reconcile', async () => {
  const logStart = sim.requestLog.length;
  sim.injectFault({ route: '/asks/', method: 'PUT', kind: 'slow', delayMs: 700, count: 1 });
  const { promise } = run(take(), 'slow', {}, 400);
  const r = await promise;
  assert.equal(r.outcome, 'running');
  assert.equal(await countNonce(r.nonce), 1);
  // The simulator drops a create whose client went away, so vastdeck must have looked, found nothing, then retried.
  const log = sim.requestLog.slice(logStart).map((x) => `${x.method} ${x.path.includes('/asks/') ? 'asks' : x.path}`);
  const first = log.indexOf('PUT asks');
  const second = log.indexOf('PUT asks', first + 1);
  assert.ok(first >= 0 && second > first, log.join(', '));
  assert.ok(log.slice(first, second).includes('GET /api/v1/instances/'), 'listed before retrying');
  assert.equal(log.filter((x) => x === 'PUT asks').length, 2);
});

test('5xx AFTER the server did create: exactly one instance', async () => {
  sim.injectFault({ route: '/asks/', method: 'PUT', kind: 'status', status: 500, afterHandling: true, count: 1 });
  const { promise, journal } = run(take(), 'fivexx');
  const r = await promise;
  assert.equal(r.outcome, 'running');
  assert.equal(await countNonce(r.nonce), 1);
  const recs = (await readJournal(journal.file)).records.map((x) => `${x.op}:${x.phase}`);
  assert.deepEqual(recs.slice(0, 3), ['provision.create:before', 'provision.create:error', 'provision.create:after']);
});

test('dropped connection after the create: exactly one instance', async () => {
  sim.injectFault({ route: '/asks/', method: 'PUT', kind: 'drop', afterHandling: true, count: 1 });
  const r = await run(take(), 'drop').promise;
  assert.equal(await countNonce(r.nonce), 1);
});

test('429 storm on create: one instance after reconciling, or a clear error — never two', async () => {
  // 2 × 429: the transport never retries a create; vastdeck reconciles (nothing) after each, and the 3rd call gets
  // through.
  sim.injectFault({ route: '/asks/', method: 'PUT', kind: 'ratelimit', count: 2 });
  const r = await run(take(), 'rlim').promise;
  assert.equal(await countNonce(r.nonce), 1);
  // A storm that never ends: a clear error, nothing rented.
  const [o] = take();
  const rentedBefore = await countWith('mosaic-gpt2-');
  sim.injectFault({ route: '/asks/', method: 'PUT', kind: 'ratelimit' });
  await assert.rejects(
    run([o!], 'storm').promise,
    (e: Error) => e instanceof ProvisionError && e.code === 'unconfirmed' && /nothing was rented/.test(e.message),
  );
  assert.equal(await countWith('mosaic-gpt2-'), rentedBefore, 'nothing new rented');
});

test('offer taken by someone else (410): clear error; with --best the next offer', async () => {
  const [mine, backup] = take(2);
  // "Someone else" rents it first.
  await client.createInstance(mine!.id, { image: 'x', diskGb: 10, label: 'someone-else' });
  const before = (await client.listInstances()).length;
  await assert.rejects(
    run([mine!], 'taken').promise,
    (e: Error) =>
      e instanceof ProvisionError &&
      e.code === 'offer_taken' &&
      new RegExp(`offer ${mine!.id} is no longer available`).test(e.message),
  );
  assert.equal((await client.listInstances()).length, before, 'nothing rented');
  const r = await run([mine!, backup!], 'best', { nextOnTaken: true }).promise;
  assert.equal(r.offer.id, backup!.id);
  assert.equal(await countNonce(r.nonce), 1);
});

test('happy path on the simulator: journal before/after, env values nowhere in the journal, billed as offered', async () => {
  const { promise, journal } = run(take(), 'happy');
  const r = await promise;
  assert.equal(r.outcome, 'running');
  assert.equal(r.priceCheck?.ok, true, JSON.stringify(r.priceCheck));
  const text = readFileSync(journal.file, 'utf8');
  assert.equal(text.includes(HF), false);
  const ops = (await readJournal(journal.file)).records.map((x) => `${x.op}:${x.phase}`);
  assert.deepEqual(ops, [
    'provision.create:before',
    'provision.create:after',
    'provision.boot:before',
    'provision.boot:after',
    'provision.end:after',
  ]);
  const inst = (await client.listInstances()).find((i) => i.id === r.instanceId)!;
  assert.ok(inst.envKeys.includes('HF_TOKEN'));
  assert.match(inst.label!, /^mosaic-gpt2-\d+x[a-z0-9]+$/, "the label is the operator's convention");
  assert.equal(inst.nonce, 'happy000', "the nonce comes back in the instance's env");
});
