/** Stuck-in-loading hosts on the simulator: flagged after 10 minutes; --retry-stuck destroys and moves on. */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startSimulator, type SimHandle } from '../../src/sim/index.js';
import { VastClient } from '../../src/core/vast/client.js';
import { provision, type ProvisionEvent } from '../../src/core/ops/provision.js';
import { MemoryJournal } from '../../src/core/journal/journal.js';
import { parseProfiles } from '../../src/core/profiles/load.js';
import { profileOfferQuery } from '../../src/core/profiles/profile-search.js';
import { checkOffers } from '../../src/core/checks/check.js';
import type { Offer } from '../../src/core/vast/types.js';
import { PROFILES_YAML } from '../profiles/fixtures.js';

const gpt2 = parseProfiles(PROFILES_YAML, 'p.yaml').gpt2!;
let sim: SimHandle;
let client: VastClient;
let offers: Offer[];

before(async () => {
  sim = await startSimulator({
    seed: 21,
    rateLimit: false,
    scenario: { market: { size: 800 }, lifecycle: { stuckRate: 1 }, secrets: { WANDB_API_KEY: 'w' } },
  });
  client = new VastClient({ apiKey: sim.apiKey, baseUrl: sim.url, retryBaseMs: 10 });
  const found = await client.searchOffers(profileOfferQuery(gpt2));
  const checks = checkOffers(found, gpt2);
  offers = found.filter((_, i) => checks[i]!.verdict !== 'fails');
});
after(async () => sim?.close());

function deps(journal: MemoryJournal) {
  let t = Date.now();
  return {
    api: client,
    journal,
    now: () => t,
    env: { HF_TOKEN: 'hf_x' },
    sleep: async (ms: number) => {
      t += ms;
      sim.advance(ms);
    },
  };
}

test('a host stuck in loading is flagged after 10 minutes and left for the user; --retry-stuck destroys it and tries the next', async () => {
  const events: ProvisionEvent[] = [];
  const j = new MemoryJournal();
  const r = await provision(deps(j), {
    profile: gpt2,
    candidates: offers.slice(0, 1),
    price: { kind: 'on-demand' },
    onEvent: (e) => events.push(e),
  });
  assert.equal(r.outcome, 'stuck');
  assert.equal(r.instance?.status, 'loading');
  const failed = events.find((e) => e.type === 'boot-failed');
  assert.ok(failed && failed.type === 'boot-failed' && failed.elapsedMs >= 600_000 && failed.elapsedMs < 700_000);
  assert.ok(
    (await client.listInstances()).some((i) => i.id === r.instanceId),
    'not destroyed without --retry-stuck',
  );

  const j2 = new MemoryJournal();
  const r2 = await provision(deps(j2), {
    profile: gpt2,
    candidates: offers.slice(1, 3),
    price: { kind: 'on-demand' },
    retryStuck: true,
  });
  // Every host in this market is stuck: the first is destroyed, the second is reported (the last is never destroyed
  // blindly).
  assert.equal(r2.outcome, 'stuck');
  assert.equal(r2.destroyed.length, 1);
  const live = (await client.listInstances()).map((i) => i.id);
  assert.equal(live.includes(r2.destroyed[0]!), false);
  assert.ok(live.includes(r2.instanceId!));
  const ops = j2.records.map((x) => `${x.op}:${x.phase}`);
  assert.deepEqual(
    ops.filter((o) => o.startsWith('provision.destroy')),
    ['provision.destroy:before', 'provision.destroy:after'],
  );
});
