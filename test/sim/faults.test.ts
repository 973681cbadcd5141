import { after, before, beforeEach, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { connect } from 'node:net';
import type { SimHandle } from '../../src/sim/index.js';
import { call, quietSim } from './helpers.js';
import { FAULTS, FAULT_KINDS, FaultSchema } from '../../src/sim/faults.js';
import { parseScenario } from '../../src/sim/scenario.js';

let sim: SimHandle;
before(async () => {
  sim = await quietSim({ seed: 31 });
});
beforeEach(() => sim.clearFaults());
after(() => sim.close());

const users = () => call(sim, 'GET', '/api/v0/users/current');

describe('fault injection', () => {
  test('status: answers 5xx for `count` matching requests, then recovers', async () => {
    sim.injectFault({ kind: 'status', status: 503, route: '/users/current', count: 2 });
    assert.equal((await users()).status, 503);
    assert.equal((await call(sim, 'GET', '/api/v1/instances/')).status, 200, 'other routes unaffected');
    assert.equal((await users()).status, 503);
    assert.equal((await users()).status, 200);
  });

  test('method filter', async () => {
    sim.injectFault({ kind: 'status', status: 500, route: '/secrets', method: 'POST' });
    assert.equal((await call(sim, 'GET', '/api/v0/secrets/')).status, 200);
    assert.equal((await call(sim, 'POST', '/api/v0/secrets/', { key: 'A', value: 'b' })).status, 500);
  });

  test('drop: the socket is destroyed without a response', async () => {
    sim.injectFault({ kind: 'drop', route: '/users/current', count: 1 });
    await assert.rejects(users());
    assert.equal(sim.requestLog.at(-1)!.status, 0);
    assert.equal((await users()).status, 200);
  });

  test('malformed: 200 with a body that is not JSON', async () => {
    sim.injectFault({ kind: 'malformed', route: '/api/v1/instances', count: 1 });
    const r = await call(sim, 'GET', '/api/v1/instances/');
    assert.equal(r.status, 200);
    assert.equal(r.type, 'application/json');
    assert.throws(() => JSON.parse(r.text));
  });

  test('truncated: the real status and Content-Length, half the body, then the connection closes', async () => {
    const full = await users();
    sim.injectFault({ kind: 'truncated', route: '/users/current', count: 1 });
    const u = new URL(sim.url);
    const raw = await new Promise<string>((resolve, reject) => {
      const sock = connect(Number(u.port), u.hostname, () =>
        sock.write(`GET /api/v0/users/current/ HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer ${sim.apiKey}\r\n\r\n`),
      );
      let got = '';
      sock.on('data', (d) => (got += d.toString('utf8')));
      sock.on('close', () => resolve(got));
      sock.on('error', reject);
    });
    const [head, body] = raw.split('\r\n\r\n');
    assert.match(head!, /^HTTP\/1\.1 200 /);
    assert.equal(Number(/content-length: (\d+)/i.exec(head!)![1]), Buffer.byteLength(full.text));
    assert.equal(body, full.text.slice(0, Math.floor(full.text.length / 2)));
    assert.equal((await users()).status, 200, 'count 1: the next answer is whole');
  });

  test('slow: answers normally after the delay', async () => {
    sim.injectFault({ kind: 'slow', delayMs: 300, route: '/users/current', count: 1 });
    const t0 = performance.now();
    const r = await users();
    assert.equal(r.status, 200);
    assert.ok(performance.now() - t0 >= 290);
  });

  test('ratelimit: a 429 in plain text', async () => {
    sim.injectFault({ kind: 'ratelimit', route: '/bundles', count: 1 });
    const r = await call(sim, 'POST', '/api/v0/bundles/', {});
    assert.equal(r.status, 429);
    assert.match(r.text, /too frequent/);
  });

  test('afterHandling: a create that fails with 500 but DID create', async () => {
    const offer = (await call(sim, 'POST', '/api/v0/bundles/', { disk_space: { gte: 50 }, limit: 1 })).json.offers[0];
    const before = (await call(sim, 'GET', '/api/v1/instances/')).json.total_instances;
    sim.injectFault({ kind: 'status', status: 500, route: '/asks/', afterHandling: true, count: 1 });
    const r = await call(sim, 'PUT', `/api/v0/asks/${offer.id}/`, { image: 'x', disk: 10, label: 'nonce-42' });
    assert.equal(r.status, 500);
    const rows = (await call(sim, 'GET', '/api/v1/instances/')).json;
    assert.equal(rows.total_instances, before + 1);
    assert.ok(rows.instances.some((i: any) => i.label === 'nonce-42'));
  });

  test('afterHandling drop: destroy happens, the answer never comes', async () => {
    const offer = (await call(sim, 'POST', '/api/v0/bundles/', { disk_space: { gte: 50 }, limit: 1 })).json.offers[0];
    const id = (await call(sim, 'PUT', `/api/v0/asks/${offer.id}/`, { image: 'x', disk: 10 })).json.new_contract;
    sim.injectFault({ kind: 'drop', route: `/instances/${id}/`, method: 'DELETE', afterHandling: true });
    await assert.rejects(call(sim, 'DELETE', `/api/v0/instances/${id}/`, {}));
    assert.equal((await call(sim, 'GET', `/api/v0/instances/${id}/`)).json.instances, null);
  });

  test('rate 0 never fires; rate 1 always does', async () => {
    sim.injectFault({ kind: 'status', status: 502, route: '/users/current', rate: 0 });
    for (let i = 0; i < 5; i++) assert.equal((await users()).status, 200);
    sim.clearFaults();
    sim.injectFault({ kind: 'status', status: 502, route: '/users/current', rate: 1 });
    for (let i = 0; i < 3; i++) assert.equal((await users()).status, 502);
  });

  test('admin routes: POST/DELETE /_sim/faults and /_sim/advance need the key', async () => {
    const noKey = await call(sim, 'POST', '/_sim/faults', { kind: 'status', status: 503 }, null);
    assert.equal(noKey.status, 401);
    const add = await call(sim, 'POST', '/_sim/faults', { kind: 'status', status: 503, route: '/users/current' });
    assert.equal(add.status, 200);
    assert.equal((await users()).status, 503);
    const bad = await call(sim, 'POST', '/_sim/faults', { kind: 'explode' });
    assert.equal(bad.status, 400);
    // The route's schema lists the kinds from the one table, in one line.
    assert.equal(bad.json.msg, `kind: expected a fault kind: ${FAULT_KINDS.join(', ')}`);
    assert.equal((await call(sim, 'DELETE', '/_sim/faults', {})).status, 200);
    assert.equal((await users()).status, 200);
    const t0 = (await call(sim, 'GET', '/_sim/clock')).json.now;
    const adv = await call(sim, 'POST', '/_sim/advance', { ms: 3_600_000 });
    assert.equal(adv.status, 200);
    assert.ok(adv.json.now - t0 >= 3600);
  });

  test('faults from options apply from the start', async () => {
    const s2 = await quietSim({ faults: [{ kind: 'status', status: 504, route: '/users/current', count: 1 }] });
    try {
      assert.equal((await call(s2, 'GET', '/api/v0/users/current')).status, 504);
      assert.equal((await call(s2, 'GET', '/api/v0/users/current')).status, 200);
    } finally {
      await s2.close();
    }
  });
});

describe('the FAULTS table', () => {
  test('every kind has a description; the scenario schema and the route take exactly its kinds', () => {
    for (const k of FAULT_KINDS) {
      assert.ok(FAULTS[k].description.length > 10, k);
      assert.ok(FaultSchema.safeParse({ kind: k }).success, k);
    }
    assert.ok(!FaultSchema.safeParse({ kind: 'explode' }).success);
    assert.deepEqual(parseScenario({ faults: [{ kind: 'drop', count: 1 }] }, 's.yaml').faults, [
      { kind: 'drop', count: 1 },
    ]);
    assert.throws(
      () => parseScenario({ faults: [{ kind: 'explode' }] }, 's.yaml'),
      /^Error: scenario s\.yaml: field faults\[0\]\.kind: expected a fault kind: status, drop/,
    );
  });
});
