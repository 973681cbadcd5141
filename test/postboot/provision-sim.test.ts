/**
 * The post-boot check against the simulator: hosts that lie about what was paid for (scenario hostRules) are
 * found over real SSH, destroyed, their machine blacklisted in the state dir, and the next offer rented.
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';
import { startSimulator, type SimHandle } from '../../src/sim/index.js';
import { VastClient } from '../../src/core/vast/client.js';
import { provision, type ProvisionEvent } from '../../src/core/ops/provision.js';
import { checkHostAfterBoot } from '../../src/core/ops/postboot.js';
import { addToBlacklist, readBlacklist } from '../../src/core/offers/blacklist.js';
import { MemoryJournal } from '../../src/core/journal/journal.js';
import { parseProfiles } from '../../src/core/profiles/load.js';
import { profileOfferQuery } from '../../src/core/profiles/profile-search.js';
import { checkOffers } from '../../src/core/checks/check.js';
import { sshEndpoint } from '../../src/core/vast/units.js';
import type { Offer } from '../../src/core/vast/types.js';
import type { Profile } from '../../src/core/profiles/schema.js';
import { testPool } from '../live/helpers.js';
import { TEST_KEY } from '../helpers/ssh-key.js';

const PROFILE = `
profiles:
  w:
    model: zeb
    image: pytorch/pytorch:2.5.1-cuda12.4-cudnn9-devel
    diskGb: 60
    search: { query: "num_gpus=1 gpu_name=RTX_3090", order: dph_total }
    needs: { vramGb: 20 }
    speedtest:
      urls: [https://huggingface.co/sim/zeb-42/resolve/main/model.pt]
      neutral: https://nbg1-speed.hetzner.com/100MB.bin
      seconds: 5
`;
const profile: Profile = parseProfiles(PROFILE, 'p.yaml').w!;
let sim: SimHandle;
let client: VastClient;
let offers: Offer[];
const { pool, dir } = testPool();

before(async () => {
  sim = await startSimulator({
    seed: 23,
    rateLimit: false,
    sshKeys: [TEST_KEY.public],
    scenario: { market: { size: 3000, traps: false } },
  });
  client = new VastClient({ apiKey: sim.apiKey, baseUrl: sim.url, retryBaseMs: 10 });
  const found = await client.searchOffers(profileOfferQuery(profile));
  const checks = checkOffers(found, profile);
  // One offer per machine, so a blacklisted machine's other offers do not blur the test.
  const seen = new Set<number>();
  offers = found.filter(
    (o, i) => checks[i]!.verdict !== 'fails' && !seen.has(o.machineId) && (seen.add(o.machineId), true),
  );
  assert.ok(offers.length >= 8, `need candidate offers, got ${offers.length}`);
});
after(async () => {
  await pool.close();
  await sim?.close();
});

let next = 0;
const take = (n: number) => offers.slice(next, (next += n));

function run(candidates: Offer[], blacklistFile: string) {
  let t = Date.now();
  const events: ProvisionEvent[] = [];
  const journal = new MemoryJournal();
  const promise = provision(
    {
      api: client,
      journal,
      now: () => t,
      sleep: async (ms) => {
        t += ms;
        sim.advance(ms);
        await delay(5);
      },
    },
    {
      profile,
      profileName: 'w',
      candidates,
      price: { kind: 'on-demand' },
      nextOnTaken: true,
      boot: { pollMs: 10_000 },
      onEvent: (e) => events.push(e),
      postBoot: (inst, offer) => {
        const ep = sshEndpoint(inst)!;
        return checkHostAfterBoot(
          (tg, cmd, o) => pool.exec(tg, cmd, o),
          { host: ep.host, port: ep.port },
          { offer, profile },
        );
      },
      blacklist: async (e) => void (await addToBlacklist(e, blacklistFile)),
    },
  );
  return { promise, events, journal };
}

async function live(label: string): Promise<number[]> {
  return (await client.listInstances()).filter((i) => i.label?.startsWith(label)).map((i) => i.id);
}

test('an honest host passes: GPU, count, VRAM, driver, disk, CUDA and every URL checked', async () => {
  const [o] = take(1);
  const r = await run([o!], path.join(dir, 'bl-honest.json')).promise;
  assert.equal(r.outcome, 'running');
  assert.equal(r.postBoot?.ok, true, JSON.stringify(r.postBoot?.mismatches));
  assert.equal(r.postBoot!.cuda.state, 'ok');
  assert.equal(r.postBoot!.facts!.gpus[0]!.name, `NVIDIA ${o!.gpuName}`);
  assert.deepEqual(
    r.postBoot!.speed!.urls.map((u) => u.role),
    ['artifact', 'neutral'],
  );
  assert.deepEqual(await readBlacklist(path.join(dir, 'bl-honest.json')), []);
  await client.destroyInstance(r.instanceId!);
});

test('another GPU model: destroyed, machine blacklisted (persisted), the next offer rented', async () => {
  const [liar, good] = take(2);
  sim.addHostRule({
    machineId: liar!.machineId,
    count: 1,
    host: { gpuName: 'NVIDIA GeForce RTX 3080', gpuMemoryMiB: 10240 },
  });
  const file = path.join(dir, 'bl-model.json');
  const { promise, events } = run([liar!, good!], file);
  const r = await promise;
  assert.equal(r.outcome, 'running');
  assert.equal(r.offer.id, good!.id);
  assert.equal(r.destroyed.length, 1);
  const mismatch = events.find((e) => e.type === 'host-mismatch');
  assert.ok(mismatch && mismatch.type === 'host-mismatch');
  assert.deepEqual(
    mismatch.mismatches.map((m) => m.what),
    ['gpu_model', 'vram'],
  );
  assert.match(mismatch.mismatches[0]!.message, /GPU 0 is NVIDIA GeForce RTX 3080, the offer said RTX 3090/);
  const bl = await readBlacklist(file);
  assert.deepEqual(
    bl.map((e) => [e.machineId, e.instanceId]),
    [[liar!.machineId, r.destroyed[0]]],
  );
  assert.match(bl[0]!.reason, /RTX 3080/);
  // The liar is gone from the account; the good one runs.
  const ids = (await client.listInstances()).map((i) => i.id);
  assert.ok(!ids.includes(r.destroyed[0]!));
  assert.ok(ids.includes(r.instanceId!));
  await client.destroyInstance(r.instanceId!);
});

test('a smaller disk and a CUDA failure: each destroyed; with no offer left nothing stays rented', async () => {
  const [small, broken] = take(2);
  sim.addHostRule({ machineId: small!.machineId, count: 1, host: { diskGb: 32 } });
  sim.addHostRule({ machineId: broken!.machineId, count: 1, host: { cudaFails: true } });
  const file = path.join(dir, 'bl-two.json');
  const { promise, events, journal } = run([small!, broken!], file);
  const r = await promise;
  assert.equal(r.outcome, 'rejected');
  assert.equal(r.destroyed.length, 2);
  const msgs = events.flatMap((e) => (e.type === 'host-mismatch' ? e.mismatches.map((m) => m.message) : []));
  assert.deepEqual(
    msgs.map((m) => m.replace(/: .*/, '')),
    ['disk is 32 GB, 60 GB was paid for', 'CUDA smoke test failed'],
  );
  assert.match(msgs[1]!, /CUDA error: unspecified launch failure/);
  assert.deepEqual(
    (await readBlacklist(file)).map((e) => e.machineId),
    [small!.machineId, broken!.machineId],
  );
  assert.deepEqual(await live(r.label.split('#')[0]!), []);
  assert.ok(journal.records.some((x) => x.op === 'provision.host-check'));
});

test('a slow real endpoint fails the check although the neutral endpoint is fast', async () => {
  const [slow, good] = take(2);
  sim.addHostRule({ machineId: slow!.machineId, count: 1, host: { urlMbps: { 'huggingface.co': 1.2 } } });
  const { promise, events } = run([slow!, good!], path.join(dir, 'bl-speed.json'));
  const r = await promise;
  assert.equal(r.offer.id, good!.id);
  const m = events.find((e) => e.type === 'host-mismatch');
  assert.ok(m && m.type === 'host-mismatch');
  assert.equal(m.mismatches[0]!.what, 'speed');
  assert.match(
    m.mismatches[0]!.message,
    /huggingface\.co\S* downloads at 1\.2 Mbps.*while the neutral endpoint \S+ gives \d+ Mbps/,
  );
  await client.destroyInstance(r.instanceId!);
});
