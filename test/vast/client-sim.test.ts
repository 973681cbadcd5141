/**
 * Every VastClient call against the embedded simulator (src/sim) on 127.0.0.1: the same HTTP API as
 * Vast.ai, so this is the client's end-to-end check. Rate limiting is off except in the 429 test.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { loadScenario, startSimulator, type SimHandle } from '../../src/sim/index.js';
import { VastClient } from '../../src/core/vast/client.js';
import { defaultOfferQuery, parseOfferQuery, parseOrder } from '../../src/core/vast/offer-query.js';
import { sshEndpoint } from '../../src/core/vast/units.js';
import { recordingSleep } from './helpers.js';

let sim: SimHandle;
let client: VastClient;
const fast = recordingSleep();

before(async () => {
  const demo = await loadScenario('src/sim/scenarios/demo.yaml');
  sim = await startSimulator({ rateLimit: false, scenario: { ...demo, market: { ...demo.market, size: 2000 } } });
  client = new VastClient({ apiKey: sim.apiKey, baseUrl: sim.url, sleep: fast.sleep, logPollIntervalMs: 10 });
});
after(async () => {
  await sim?.close();
});

describe('VastClient against the simulator', () => {
  test('searchOffers: default query, filters in user units, order, limit', async () => {
    const all = await client.searchOffers(defaultOfferQuery());
    assert.ok(all.length > 0);
    assert.equal(client.lastOfferStats.skipped, 0, 'the simulator speaks valid rows');
    assert.ok(all.every((o) => o.verified));
    const q = parseOfferQuery('gpu_ram>=40 num_gpus>=2 reliability>0.9');
    q.order = parseOrder('dph_total');
    q.limit = 20;
    const picked = await client.searchOffers(q);
    assert.ok(picked.length > 0 && picked.length <= 20);
    for (const o of picked) {
      assert.ok(o.gpuRamGb >= 40, `${o.gpuName} ${o.gpuRamGb} GB`);
      assert.ok(o.numGpus >= 2);
      assert.ok(o.reliability > 0.9);
    }
    for (let i = 1; i < picked.length; i++) assert.ok(picked[i - 1]!.dphTotal <= picked[i]!.dphTotal);
    const us = await client.searchOffers(parseOfferQuery('geolocation in [US]'));
    assert.ok(us.length > 0 && us.every((o) => o.country === 'US'));
  });

  test('gpuNames', async () => {
    const names = await client.gpuNames();
    assert.ok(names.includes('RTX 4090'), names.join(','));
  });

  test('listInstances and showInstance: the demo fleet, env values never kept', async () => {
    const list = await client.listInstances();
    const labels = list.map((i) => i.label);
    assert.ok(labels.includes('zeb-large-main'));
    assert.ok(labels.includes('mosaic-gpt2-6'));
    const main = list.find((i) => i.label === 'zeb-large-main')!;
    assert.equal(main.gpuName, 'H100 SXM');
    assert.equal(main.numGpus, 8);
    assert.equal(main.status, 'running');
    assert.ok(sshEndpoint(main), 'a running instance has an SSH endpoint');
    const one = await client.showInstance(main.id);
    assert.equal(one.id, main.id);
    assert.equal(one.label, 'zeb-large-main');
    await assert.rejects(client.showInstance(987654321), { kind: 'not_found' });
  });

  test('create → label → stop → start → reboot → destroy, and pagination past 25', async () => {
    const roomy = parseOfferQuery('disk_space>=30');
    const [offer] = await client.searchOffers({ ...roomy, limit: 1 });
    const before = (await client.listInstances()).length;
    const made: number[] = [];
    // Enough rentals to need two pages of 25.
    const offers = await client.searchOffers({ ...roomy, order: parseOrder('dph_total'), limit: 30 });
    for (const o of offers.slice(0, Math.max(0, 27 - before))) {
      made.push(
        (
          await client.createInstance(o.id, {
            image: 'pytorch/pytorch',
            diskGb: 20,
            label: `page-${o.id}`,
            env: { HF_TOKEN: 'hf_sim_secret' },
          })
        ).instanceId,
      );
    }
    const { instanceId } = await client.createInstance(offer!.id, {
      image: 'pytorch/pytorch',
      diskGb: 20,
      label: 'made-by-test',
    });
    made.push(instanceId);
    const list = await client.listInstances();
    assert.equal(list.length, before + made.length);
    assert.ok(list.length > 25, 'crossed a page boundary');
    assert.equal(new Set(list.map((i) => i.id)).size, list.length, 'no duplicates across pages');
    const mine = list.find((i) => i.id === instanceId)!;
    assert.equal(mine.label, 'made-by-test');
    const paged = list.find((i) => i.label?.startsWith('page-'));
    if (paged) {
      assert.ok(paged.envKeys.includes('HF_TOKEN'));
      assert.ok(!JSON.stringify(paged).includes('hf_sim_secret'));
    }

    await client.labelInstance(instanceId, 'renamed');
    assert.equal((await client.showInstance(instanceId)).label, 'renamed');
    await client.stopInstance(instanceId);
    assert.equal((await client.showInstance(instanceId)).intendedStatus, 'stopped');
    await client.startInstance(instanceId);
    assert.equal((await client.showInstance(instanceId)).intendedStatus, 'running');
    await client.rebootInstance(instanceId);
    for (const id of made) await client.destroyInstance(id);
    await assert.rejects(client.showInstance(instanceId), { kind: 'not_found' });
    assert.equal((await client.listInstances()).length, before);
  });

  test('getLogs: request_logs then polls result_url until ready', async () => {
    // The youngest running instance: the simulator builds a log from the whole run, so old ones are slow.
    const running = (await client.listInstances())
      .filter((i) => i.status === 'running')
      .sort((a, b) => (b.startedAt ?? 0) - (a.startedAt ?? 0))[0]!;
    const log = await client.getLogs(running.id, { tail: 20 });
    assert.ok(log.length > 0);
    assert.ok(log.split('\n').length <= 20);
    assert.ok(!/\n\s*\n/.test(log), 'blank lines dropped');
    const polls = sim.requestLog.filter((r) => r.path.startsWith('/fake-s3/'));
    assert.ok(polls.length >= 2, 'polled more than once');
    await assert.rejects(client.getLogs(987654321), { kind: 'not_found' });
  });

  test('env vars: list, create, update, delete', async () => {
    const start = await client.listEnvVars();
    assert.equal(start.HF_HUB_ENABLE_HF_TRANSFER, '1');
    await client.createEnvVar('VD_TEST', 'one');
    assert.equal((await client.listEnvVars()).VD_TEST, 'one');
    await client.updateEnvVar('VD_TEST', 'two');
    assert.equal((await client.listEnvVars()).VD_TEST, 'two');
    await client.deleteEnvVar('VD_TEST');
    assert.equal((await client.listEnvVars()).VD_TEST, undefined);
    await assert.rejects(client.createEnvVar('HF_HUB_ENABLE_HF_TRANSFER', 'x'), { kind: 'bad_request' });
  });

  test('currentUser and charges', async () => {
    const u = await client.currentUser();
    assert.equal(u.username, 'demo');
    assert.equal(typeof u.credit, 'number');
    assert.ok(!JSON.stringify(u).includes(sim.apiKey));
    const now = Date.now();
    const charges = await client.charges(now - 3 * 86_400_000, now);
    assert.ok(Array.isArray(charges));
    for (const c of charges) {
      assert.equal(typeof c.amount, 'number');
      assert.ok(c.end >= c.start);
    }
    assert.ok(
      charges.some((c) => c.instanceId !== null),
      'the running fleet has instance charges',
    );
  });

  test('a wrong key is auth, and the key is not in the message', async () => {
    const bad = new VastClient({ apiKey: 'wrong-key-abcdef123', baseUrl: sim.url, sleep: fast.sleep });
    await assert.rejects(bad.listInstances(), (e: any) => {
      assert.equal(e.kind, 'auth');
      assert.ok(!e.message.includes('wrong-key-abcdef123'));
      return true;
    });
  });

  test('injected faults: 500 not retried, 502 retried, drop → network, malformed → malformed, 429 → retried', async () => {
    const count = (path: string) => sim.requestLog.filter((r) => r.path === path).length;
    const p = '/api/v0/secrets/';
    let n = count(p);
    sim.injectFault({ route: p, kind: 'status', status: 500, count: 1 });
    await assert.rejects(client.listEnvVars(), { kind: 'server', status: 500 });
    assert.equal(count(p) - n, 1);
    n = count(p);
    sim.injectFault({ route: p, kind: 'status', status: 502, count: 1 });
    await client.listEnvVars();
    assert.equal(count(p) - n, 2);
    sim.injectFault({ route: p, kind: 'drop', count: 3 });
    await assert.rejects(client.listEnvVars(), { kind: 'network' });
    sim.injectFault({ route: '/api/v1/instances/', kind: 'malformed', count: 1 });
    await assert.rejects(client.listInstances(), { kind: 'malformed' });
    sim.injectFault({ route: p, kind: 'ratelimit', count: 2 });
    await client.listEnvVars();
    sim.clearFaults();
  });
});

describe('the simulator with rate limiting on', () => {
  test('a burst of list calls is serialized and backs off (~1 s) through 429s to success', async () => {
    const limited = await startSimulator({ rateLimit: true, scenario: { market: { size: 300 } } });
    try {
      const c = new VastClient({ apiKey: limited.apiKey, baseUrl: limited.url, attempts: 4 });
      const t0 = Date.now();
      const results = await Promise.all(Array.from({ length: 7 }, () => c.listInstances()));
      assert.equal(results.length, 7);
      const statuses = limited.requestLog.filter((r) => r.path === '/api/v1/instances/').map((r) => r.status);
      assert.ok(statuses.includes(429), `the limiter fired: ${statuses.join(',')}`);
      assert.equal(statuses.filter((s) => s === 200).length, 7);
      assert.ok(Date.now() - t0 >= 1000, 'waited at least one backoff');
    } finally {
      await limited.close();
    }
  });
});
